//! Following without an account, through a real SMTP server process: a reader follows a brief
//! (double opt-in), then gets each correction and new comments in batches, and stops with one
//! click; a commenter gets replies to their comments; answers never tell whether an address
//! follows; two senders never mail the same thing twice; follows are on "Your data", on the
//! manage page a mail links to, and go with an erase; the thread tells how many comments
//! moderators removed and why, and which replies are the reader's.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use pulse::model::editors::Role;
use pulse::model::follow::FOLLOW_ANSWER;

use crate::newsletter::{SmtpServer, header, link_token, parts, settled, with_smtp_and};
use crate::support::{Reader, TestApp, attrs, texts};

const SLUG: &str = "halcyon-atlas-3-release";
/// Mail as soon as there is something to mail (no batch window).
const AT_ONCE: &[(&str, &str)] = &[("PULSE_FOLLOW_BATCH_MINUTES", "0")];

async fn follow(app: &TestApp, email: &str, cookie: Option<&str>) -> crate::support::Reply {
    app.post_form("follow_brief", &[("slug", SLUG), ("email", email)], cookie)
        .await
}

/// Runs the follow worker once (what the server does every `follow.check_seconds`).
async fn pass(app: &TestApp) -> u32 {
    pulse::server::follow::send_due(&app.state)
        .await
        .expect("a follow pass")
}

/// Follows brief [`SLUG`] at `email` and confirms with the mailed link.
async fn confirmed_follow(app: &TestApp, smtp: &SmtpServer, email: &str, cookie: Option<&str>) {
    let before = smtp.received().len();
    let reply = follow(app, email, cookie).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    smtp.wait_for(before + 1).await;
    confirm_latest(app, smtp, email).await;
}

/// Uses the confirmation link mailed to `email` that still works (the mailbox's order is not
/// the sending order).
async fn confirm_latest(app: &TestApp, smtp: &SmtpServer, email: &str) -> serde_json::Value {
    for raw in smtp.received().iter().rev() {
        if header(raw, "To").as_deref() != Some(email) || !subject(raw).starts_with("Confirm:") {
            continue;
        }
        let Some(token) = confirm_token(raw) else {
            continue;
        };
        let confirmed = app
            .post_form("confirm_follow", &[("token", token.as_str())], None)
            .await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
        if confirmed.json().get("Confirmed").is_some() {
            return confirmed.json();
        }
    }
    panic!("no working confirmation link for {email}");
}

fn confirm_token(raw: &[u8]) -> Option<String> {
    parts(raw)
        .0
        .contains("/follow/confirm?token=")
        .then(|| link_token(raw, "/follow/confirm"))
}

/// The one message whose subject starts with `start`.
fn mail_titled(received: &[Vec<u8>], start: &str) -> Vec<u8> {
    let found: Vec<&Vec<u8>> = received
        .iter()
        .filter(|m| subject(m).starts_with(start))
        .collect();
    assert_eq!(found.len(), 1, "one mail “{start}…”");
    found[0].clone()
}

/// A comment by `reader` on `slug` whose "Email me when someone replies" says `notify`.
async fn asking_replies(
    reader: &mut Reader<'_>,
    slug: &str,
    key: &str,
    notify: &str,
) -> crate::support::Reply {
    let name = reader.name.clone();
    let body = format!("Mail me replies about {slug}.");
    let fields = [
        ("slug", slug),
        ("name", name.as_str()),
        ("body", body.as_str()),
        ("key", key),
        ("notify", notify),
    ];
    reader.post("post_comment", &fields).await
}

fn subject(raw: &[u8]) -> String {
    header(raw, "Subject").unwrap_or_default()
}

/// The one-click stop link a follow mail carries in `List-Unsubscribe`.
fn stop_link(raw: &[u8]) -> String {
    let list = header(raw, "List-Unsubscribe").expect("List-Unsubscribe");
    assert_eq!(
        header(raw, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let url = list
        .split(['<', '>'])
        .find(|part| part.contains("/follow/stop?token="))
        .expect("an https stop link");
    url.split_once("/follow/stop")
        .map(|(_, rest)| format!("/follow/stop{rest}"))
        .expect("path")
}

async fn one_click(app: &TestApp, path: &str) -> crate::support::Reply {
    app.send(
        Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("List-Unsubscribe=One-Click"))
            .expect("request"),
    )
    .await
}

#[test]
fn a_reader_follows_a_brief_and_gets_each_correction_and_new_comments_once() {
    with_smtp_and(AT_ONCE, async |smtp, app| {
        let reply = follow(&app, "Follower@Example.com", None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.json(), FOLLOW_ANSWER);
        let received = smtp.wait_for(1).await;
        let confirmation = &received[0];
        assert!(subject(confirmation).starts_with("Confirm: follow"));
        let (text, _) = parts(confirmation);
        assert!(text.contains("30 days"), "the end is said: {text}");
        assert!(header(confirmation, "List-Unsubscribe").is_none());

        // Nothing is mailed before the link is used, and opening it only shows a button.
        let pulse::model::follow::FollowConfirmation::Unknown =
            pulse::server::follow::confirmation_state(&app.state, "x", false)
                .await
                .expect("state")
        else {
            panic!("a made-up token is unknown");
        };
        let mut other = app.reader();
        other.name = "Grace".to_string();
        other.comment(SLUG, "Before anyone confirmed.", None).await;
        assert_eq!(pass(&app).await, 0);
        let token = link_token(confirmation, "/follow/confirm");
        let page = app.get(&format!("/follow/confirm?token={token}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(texts(&page.html(), ".page button").contains(&"Confirm".to_string()));
        let confirmed = app
            .post_form("confirm_follow", &[("token", token.as_str())], None)
            .await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
        assert_eq!(
            confirmed.json()["Confirmed"]["Brief"]["slug"],
            SLUG,
            "{}",
            confirmed.body
        );

        // Two comments, one held for review (a new reader's many links): one mail, two comments.
        let mut linus = app.reader();
        linus.name = "Linus".to_string();
        linus
            .comment(SLUG, "The *latency* numbers look right to me.", None)
            .await;
        let mut spammer = app.reader();
        spammer.name = "Spam".to_string();
        let links = "[a](https://a.example) [b](https://b.example) [c](https://c.example) [d](https://d.example)";
        spammer.comment(SLUG, links, None).await;
        other
            .comment(SLUG, "And <script>alert(1)</script> is text.", None)
            .await;
        // A correction from the desk: its own mail.
        let dana = app.editor(Role::Editor).await;
        let fields = dana
            .brief_fields(SLUG)
            .await
            .with(&[("note", "Fixed the context window figure.")]);
        let corrected = dana.send("correct_brief", &fields).await;
        assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.body);

        assert_eq!(pass(&app).await, 2);
        assert_eq!(pass(&app).await, 0, "nothing twice");
        settled(&app).await;
        let received = smtp.received();
        assert_eq!(
            received.len(),
            3,
            "the confirmation, a correction, the comments"
        );
        let update = mail_titled(&received, "Updated:");
        assert!(
            parts(&update)
                .0
                .contains("Fixed the context window figure.")
        );
        let comments = mail_titled(&received, "3 new comments");
        let (text, html) = parts(&comments);
        assert!(
            text.contains("Linus wrote") && text.contains("Grace wrote"),
            "{text}"
        );
        assert!(
            text.contains("Before anyone confirmed."),
            "what came while the link waited is news once confirmed"
        );
        assert!(
            !text.contains("a.example"),
            "the held comment is not mailed"
        );
        assert!(html.contains("&lt;script&gt;"), "words are escaped in HTML");
        assert!(!html.contains("<script>"));
        assert!(text.contains(&format!("/pulse/{SLUG}#comment-")));
        assert!(
            text.contains("/follow/manage?token="),
            "every mail links to manage"
        );

        // One click (from the mail provider: no cookie, no origin) stops it; a GET only asks.
        let stop = stop_link(&comments);
        let asked = app.get(&stop).await;
        assert_eq!(asked.status, StatusCode::OK);
        assert!(
            asked.body.contains("List-Unsubscribe"),
            "the button posts one-click"
        );
        linus.comment(SLUG, "Still following?", None).await;
        assert_eq!(pass(&app).await, 1, "opening the link stopped nothing");
        let mut ada = app.reader();
        ada.comment(SLUG, "After the stop.", None).await;
        let tampered = stop.replace("token=", "token=x");
        assert_eq!(
            one_click(&app, &tampered).await.status,
            StatusCode::BAD_REQUEST
        );
        let stopped = one_click(&app, &stop).await;
        assert_eq!(stopped.status, StatusCode::OK, "{}", stopped.body);
        assert_eq!(pass(&app).await, 0, "stopped follows get nothing");
    });
}

#[test]
fn new_comments_wait_for_their_batch_window_and_corrections_do_not() {
    with_smtp_and(
        &[("PULSE_FOLLOW_BATCH_MINUTES", "60")],
        async |smtp, app| {
            confirmed_follow(&app, &smtp, "batch@example.com", None).await;
            let mut grace = app.reader();
            grace
                .comment(SLUG, "First comment after following.", None)
                .await;
            assert_eq!(pass(&app).await, 1, "the first batch goes at once");
            let mut linus = app.reader();
            linus
                .comment(SLUG, "A second one, within the hour.", None)
                .await;
            assert_eq!(pass(&app).await, 0, "at most one comments mail an hour");
            let dana = app.editor(Role::Editor).await;
            let fields = dana
                .brief_fields(SLUG)
                .await
                .with(&[("note", "A late fix.")]);
            assert_eq!(
                dana.send("correct_brief", &fields).await.status,
                StatusCode::OK
            );
            assert_eq!(pass(&app).await, 1, "a correction does not wait");
        },
    );
}

#[test]
fn answers_never_tell_whether_an_address_follows_and_nobody_follows_for_someone_else() {
    with_smtp_and(AT_ONCE, async |smtp, app| {
        // A confirmed newsletter subscriber still confirms a follow by their own click.
        let subscribed = app
            .post_form("subscribe", &[("email", "known@example.com")], None)
            .await;
        assert_eq!(subscribed.status, StatusCode::OK);
        let first = follow(&app, "known@example.com", None).await;
        let received = smtp.wait_for(2).await;
        assert!(
            received
                .iter()
                .any(|m| subject(m).starts_with("Confirm: follow"))
        );
        confirm_latest(&app, &smtp, "known@example.com").await;
        settled(&app).await;
        let count = smtp.received().len();
        // Asking again when confirmed: the same answer, and no mail.
        let again = follow(&app, "known@example.com", None).await;
        let stranger = follow(&app, "stranger@example.com", None).await;
        assert_eq!(
            (first.status, first.body.clone()),
            (again.status, again.body.clone())
        );
        assert_eq!((again.status, again.body), (stranger.status, stranger.body));
        settled(&app).await;
        assert_eq!(
            smtp.received().len(),
            count + 1,
            "only the stranger is asked to confirm"
        );

        // Bad input: a clear 4xx, nothing stored.
        let bad = follow(&app, "not an address", None).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        let nowhere = app
            .post_form(
                "follow_brief",
                &[("slug", "no-such-brief"), ("email", "a@example.com")],
                None,
            )
            .await;
        assert_eq!(nowhere.status, StatusCode::NOT_FOUND, "{}", nowhere.body);
        // The daily cap holds across the newsletter and follows: no flood of confirmations.
        for _ in 0..5 {
            follow(&app, "flood@example.com", None).await;
        }
        settled(&app).await;
        let flood = smtp
            .received()
            .iter()
            .filter(|m| header(m, "To").as_deref() == Some("flood@example.com"))
            .count();
        assert_eq!(flood, app.config.newsletter.confirmations_per_day as usize);
        // The cap is one for the newsletter and follows: signing up sends nothing more today.
        let signed = app
            .post_form("subscribe", &[("email", "flood@example.com")], None)
            .await;
        assert_eq!(signed.status, StatusCode::OK);
        settled(&app).await;
        let to_flood = smtp
            .received()
            .iter()
            .filter(|m| header(m, "To").as_deref() == Some("flood@example.com"))
            .count();
        assert_eq!(to_flood, flood);

        // Asking from a browser with a reader cookie ties nothing of someone else's address to
        // it: "Your data" shows no follow for a followed address, nor for a new one.
        let nosy = app.known_reader(SLUG).await;
        for address in ["known@example.com", "fresh@example.com"] {
            let asked = follow(&app, address, Some(nosy.cookie())).await;
            assert_eq!(asked.status, StatusCode::OK);
        }
        let data = app
            .get_accepting("/api/my_data", "application/json", Some(nosy.cookie()))
            .await;
        assert_eq!(
            data.json()["follows"],
            serde_json::json!([]),
            "{}",
            data.body
        );
    });
}

#[test]
fn a_commenter_gets_replies_by_mail_but_not_held_or_removed_ones() {
    let settings = [
        ("PULSE_FOLLOW_BATCH_MINUTES", "0"),
        ("PULSE_COMMENTS_PER_MINUTE_PER_READER", "10"),
    ];
    with_smtp_and(&settings, async |smtp, app| {
        let mut ada = app.reader();
        let key = crate::support::submission_key();
        // A bad address refuses the comment, beside its field, and stores nothing.
        let refused = asking_replies(&mut ada, SLUG, &key, "nope").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(refused.body.contains("notify"), "{}", refused.body);
        let posted = asking_replies(&mut ada, SLUG, &key, "ada@example.com").await;
        assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
        let mine = posted.json()["id"].as_i64().expect("id");
        let received = smtp.wait_for(1).await;
        assert!(subject(&received[0]).starts_with("Confirm: replies"));
        let confirmed = confirm_latest(&app, &smtp, "ada@example.com").await;
        assert_eq!(confirmed["Confirmed"], "Replies", "{confirmed}");

        // Another comment of Ada's with the same address asks nothing again.
        let key = crate::support::submission_key();
        let other_brief = "postmortem-prompt-cache-stampede";
        let second = asking_replies(&mut ada, other_brief, &key, "ada@example.com").await;
        assert_eq!(second.status, StatusCode::OK, "{}", second.body);

        let mut bob = app.reader();
        bob.name = "Bob".to_string();
        let reply = bob.comment(SLUG, "Replying to Ada.", Some(mine)).await;
        let mut spammer = app.reader();
        let links = "[a](https://a.example) [b](https://b.example) [c](https://c.example) [d](https://d.example)";
        spammer.comment(SLUG, links, Some(mine)).await;
        let mut rude = app.reader();
        let rude_id = rude.comment(SLUG, "Something rude.", Some(mine)).await;
        let mod_ = app.editor(Role::Editor).await;
        let rude_id = rude_id.to_string();
        let hidden = mod_
            .post(
                "moderate",
                &[
                    ("id", rude_id.as_str()),
                    ("action", "hide"),
                    ("reason", "abuse"),
                ],
            )
            .await;
        assert_eq!(hidden.status, StatusCode::OK, "{}", hidden.body);
        // Ada's own reply to herself is no news to her.
        ada.comment(SLUG, "Answering myself.", Some(mine)).await;

        assert_eq!(pass(&app).await, 1);
        settled(&app).await;
        let received = smtp.received();
        assert_eq!(received.len(), 2, "one confirmation, one replies mail");
        let mail = &mail_titled(&received, "1 new reply");
        assert_eq!(subject(mail), "1 new reply to your comments");
        let (text, _) = parts(mail);
        assert!(
            text.contains("Bob wrote") && text.contains("Replying to Ada."),
            "{text}"
        );
        assert!(text.contains(&format!("#comment-{reply}")));
        assert!(!text.contains("Something rude") && !text.contains("a.example"));
        assert!(header(mail, "List-Unsubscribe").is_some());

        // On the page, Ada's browser is told of the reply (the count is the browser's job).
        let page = app
            .get_as(&format!("/pulse/{SLUG}"), ada.cookie())
            .await
            .html();
        let listed = attrs(&page, "nav.replies-to-you a", "href");
        assert_eq!(listed, vec![format!("#comment-{reply}")]);
        assert_eq!(attrs(&page, "nav.replies-to-you li", "data-at").len(), 1);
        // The thread tells that a moderator removed one, why, and nothing else about it.
        let note = texts(&page, ".comments__removed");
        assert_eq!(
            note,
            vec!["1 comment removed by moderators (abuse)".to_string()]
        );
        let stranger = app.get(&format!("/pulse/{SLUG}")).await.html();
        assert!(texts(&stranger, "nav.replies-to-you").is_empty());
    });
}

#[test]
fn two_senders_at_once_mail_each_comment_once() {
    with_smtp_and(AT_ONCE, async |smtp, app| {
        confirmed_follow(&app, &smtp, "once@example.com", None).await;
        let second = app.another_instance().await;
        for n in 0..3 {
            let mut reader = app.reader();
            reader.comment(SLUG, &format!("Comment {n}."), None).await;
        }
        let (a, b) = tokio::join!(pass(&app), pass(&second));
        assert_eq!(a + b, 1, "one mail between them");
        assert_eq!(pass(&app).await + pass(&second).await, 0);
        settled(&app).await;
        let comments = smtp
            .received()
            .iter()
            .filter(|m| subject(m).starts_with("3 new comments"))
            .count();
        assert_eq!(comments, 1);
    });
}

#[test]
fn follows_are_on_your_data_and_the_manage_page_and_go_with_an_erase() {
    with_smtp_and(AT_ONCE, async |smtp, app| {
        let reader = app.known_reader(SLUG).await;
        confirmed_follow(&app, &smtp, "mine@example.com", Some(reader.cookie())).await;
        let data = app
            .get_accepting("/api/my_data", "application/json", Some(reader.cookie()))
            .await;
        assert_eq!(data.status, StatusCode::OK, "{}", data.body);
        let follows = &data.json()["follows"];
        assert_eq!(follows[0]["email"], "mine@example.com", "{}", data.body);
        assert_eq!(follows[0]["status"], "Confirmed");
        let page = app.get_as("/my-data", reader.cookie()).await.html();
        assert!(
            texts(&page, ".follow-list li")
                .iter()
                .any(|t| t.contains("mine@example.com"))
        );

        // The manage link of a mail lists the address's follows, stops one, forgets them all.
        let mut grace = app.reader();
        grace.comment(SLUG, "News for the follower.", None).await;
        assert_eq!(pass(&app).await, 1);
        let received = smtp.wait_for(2).await;
        let manage = link_token(&mail_titled(&received, "1 new comment"), "/follow/manage");
        let listed = app.get(&format!("/follow/manage?token={manage}")).await;
        assert_eq!(listed.status, StatusCode::OK);
        let buttons = texts(&listed.html(), ".follow-list button");
        assert_eq!(buttons, vec!["Stop".to_string()]);
        let forged = app.get(&format!("/follow/manage?token=x{manage}")).await;
        assert_eq!(forged.status, StatusCode::NOT_FOUND);
        let stopped = app
            .post_form("stop_follow", &[("token", manage.as_str())], None)
            .await;
        assert_eq!(stopped.status, StatusCode::OK, "{}", stopped.body);
        let data = app
            .get_accepting("/api/my_data", "application/json", Some(reader.cookie()))
            .await
            .json();
        assert_eq!(data["follows"][0]["status"], "Ended");

        let erased = app
            .post_form(
                "erase_my_data",
                &[("confirm", "erase")],
                Some(reader.cookie()),
            )
            .await;
        assert_eq!(erased.status, StatusCode::OK, "{}", erased.body);
        assert_eq!(erased.json()["follows"], 1);
        let gone = app.get(&format!("/follow/manage?token={manage}")).await;
        assert_eq!(
            gone.status,
            StatusCode::NOT_FOUND,
            "the address is forgotten"
        );
    });
}

#[test]
fn the_newsletter_data_of_an_address_shows_its_follows_and_its_erase_takes_them() {
    with_smtp_and(AT_ONCE, async |smtp, app| {
        confirmed_follow(&app, &smtp, "Both@Example.com", None).await;
        let subscribed = app
            .post_form("subscribe", &[("email", "Both@Example.com")], None)
            .await;
        assert_eq!(subscribed.status, StatusCode::OK, "{}", subscribed.body);
        let id = app
            .store
            .subscriber("both@example.com")
            .await
            .expect("query")
            .expect("on the list")
            .id;
        let days = app.config.follow.days;
        let data = app
            .store
            .subscriber_data(id, days)
            .await
            .expect("query")
            .expect("data");
        assert_eq!(data.follows.len(), 1, "{data:?}");
        assert!(app.store.erase_subscriber(id).await.expect("erase"));
        let left = app
            .store
            .follows_of_address("both@example.com", days)
            .await
            .expect("query");
        assert!(left.is_empty(), "{left:?}");
    });
}
