//! What happens to comments after they are posted, and the rules that need a reader's history:
//! editing and deleting one's own within the window, "[deleted]" placeholders, reports that
//! hide a comment, duplicate text, the first-day limit and the link rule for new readers — and
//! that only what everyone may see ever reaches the live log, counts and pages.

use axum::http::StatusCode;
use pulse::model::{
    COMMENT_CHANGED_EVENT, COMMENT_EVENT, CommentAdded, CommentChanged, CommentState,
};

use crate::support::{
    Reply, TestApp, app_with, events, reader_cookie, run, texts, with_app, with_settings,
};

/// Many readers reacting from one test address.
const MANY_REACTIONS: &[(&str, &str)] = &[("PULSE_REACTIONS_PER_MINUTE_PER_IP", "1000")];

const SLUG: &str = "postmortem-prompt-cache-stampede";

/// Posts as the reader with `cookie` (a new reader when `None`).
async fn post(app: &TestApp, cookie: Option<&str>, body: &str, parent: Option<i64>) -> Reply {
    app.reader_as(cookie).post_comment(SLUG, body, parent).await
}

/// Posts as a new reader; answers with the comment id and the reader's cookie.
async fn first_post(app: &TestApp, body: &str) -> (i64, String) {
    let mut reader = app.reader();
    let id = reader.comment(SLUG, body, None).await;
    (id, reader.cookie().to_string())
}

fn id_of(reply: &Reply) -> i64 {
    reply.json()["id"].as_i64().expect("comment id")
}

async fn edit(app: &TestApp, cookie: Option<&str>, id: i64, body: &str) -> Reply {
    let id = id.to_string();
    let fields = [("slug", SLUG), ("id", id.as_str()), ("body", body)];
    app.post_form("edit_comment", &fields, cookie).await
}

async fn delete(app: &TestApp, cookie: Option<&str>, id: i64) -> Reply {
    let id = id.to_string();
    app.post_form(
        "delete_comment",
        &[("slug", SLUG), ("id", id.as_str())],
        cookie,
    )
    .await
}

async fn report(app: &TestApp, cookie: Option<&str>, id: i64, reason: &str) -> Reply {
    app.reader_as(cookie).report(SLUG, id, reason).await
}

/// Another reader, with their own cookie (they got it by reacting).
async fn another_reader(app: &TestApp) -> String {
    app.known_reader(SLUG).await.cookie().to_string()
}

/// The thread as a reader without a cookie sees it.
async fn public_thread(app: &TestApp) -> Vec<pulse::model::Comment> {
    app.brief(SLUG).await.expect("brief").comments
}

async fn count(app: &TestApp) -> u32 {
    app.brief(SLUG).await.expect("brief").comment_count
}

/// The comment changes in the live log, decoded.
async fn changes(app: &TestApp) -> Vec<CommentChanged> {
    events(app, COMMENT_CHANGED_EVENT).await
}

async fn added_events(app: &TestApp) -> usize {
    events::<CommentAdded>(app, COMMENT_EVENT).await.len()
}

#[test]
fn authors_edit_their_comment_and_everyone_sees_it_marked_edited() {
    with_app(async |app| {
        let (id, mine) = first_post(&app, "First *draft*").await;

        let reply = edit(&app, Some(&mine), id, "Second **take**").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let thread = public_thread(&app).await;
        assert_eq!(thread.len(), 1);
        assert_eq!(
            thread[0].body_html.trim(),
            "<p>Second <strong>take</strong></p>"
        );
        assert!(thread[0].edited_at.is_some());
        let page = app.get(&format!("/pulse/{SLUG}")).await.html();
        assert_eq!(texts(&page, ".comment__edited"), ["edited"]);
        assert_eq!(texts(&page, ".comment__body"), ["Second take"]);

        // The edit went out live as a replacement, with the count unchanged.
        let heard = changes(&app).await;
        assert_eq!(heard.len(), 1);
        assert_eq!(heard[0].id, id);
        assert_eq!(heard[0].count, 1);
        let shown = heard[0].comment.as_ref().expect("replacement");
        assert_eq!(shown.body_html, thread[0].body_html);

        // The author's page offers Edit and Delete and carries the source to edit.
        let own_page = app.get_as(&format!("/pulse/{SLUG}"), &mine).await.html();
        let links = texts(&own_page, ".comment__actions a");
        assert!(links.contains(&"Edit".to_string()), "{links:?}");
        assert!(links.contains(&"Delete".to_string()), "{links:?}");
        let own_brief = app
            .send(
                axum::http::Request::get(format!("/api/get_brief?slug={SLUG}"))
                    .header("cookie", &mine)
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await
            .json();
        assert_eq!(own_brief["mine"][0]["body_md"], "Second **take**");
        assert!(
            own_brief["mine"][0]["editable_seconds"]
                .as_u64()
                .expect("seconds")
                > 800
        );
        // The edit form opens in place without JavaScript.
        let editing = app
            .get_as(&format!("/pulse/{SLUG}?edit={id}"), &mine)
            .await
            .html();
        assert_eq!(
            texts(&editing, "form.comment-edit textarea"),
            ["Second **take**"]
        );
    })
}

#[test]
fn nobody_else_can_change_a_comment() {
    with_app(async |app| {
        let (id, _) = first_post(&app, "Mine alone").await;
        let other = another_reader(&app).await;

        let without_cookie = edit(&app, None, id, "hijacked").await;
        assert_eq!(without_cookie.status, StatusCode::FORBIDDEN);
        let someone_else = edit(&app, Some(&other), id, "hijacked").await;
        assert_eq!(someone_else.status, StatusCode::FORBIDDEN);
        assert_eq!(
            delete(&app, Some(&other), id).await.status,
            StatusCode::FORBIDDEN
        );
        let thread = public_thread(&app).await;
        assert_eq!(thread[0].body_html.trim(), "<p>Mine alone</p>");
        assert!(thread[0].edited_at.is_none());
        // The page shows someone else's comment with Report, never Edit.
        let page = app.get_as(&format!("/pulse/{SLUG}"), &other).await.html();
        assert_eq!(texts(&page, ".comment__actions a"), ["Reply", "Report"]);
        assert!(changes(&app).await.is_empty());
    })
}

#[test]
fn the_edit_window_closes() {
    with_settings(&[("PULSE_COMMENT_EDIT_MINUTES", "0")], async |app| {
        let (id, mine) = first_post(&app, "Set in stone").await;
        let late = edit(&app, Some(&mine), id, "changed my mind").await;
        assert_eq!(late.status, StatusCode::FORBIDDEN);
        assert!(late.json().to_string().contains("minutes"), "{}", late.body);
        assert_eq!(
            delete(&app, Some(&mine), id).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            public_thread(&app).await[0].body_html.trim(),
            "<p>Set in stone</p>"
        );
        // Past the window the page offers neither Edit nor Delete.
        let page = app.get_as(&format!("/pulse/{SLUG}"), &mine).await.html();
        assert_eq!(texts(&page, ".comment__actions a"), ["Reply"]);
    })
}

#[test]
fn a_deleted_comment_leaves_a_placeholder_only_while_replies_hang_on_it() {
    with_app(async |app| {
        let (lonely, mine) = first_post(&app, "Nobody answers this").await;
        let (parent, _) = first_post(&app, "Someone answers this").await;
        let reply = post(&app, None, "An answer", Some(parent)).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(count(&app).await, 3);

        let gone = delete(&app, Some(&mine), lonely).await;
        assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
        assert_eq!(gone.json()["comment"], serde_json::Value::Null);
        assert_eq!(count(&app).await, 2);
        assert!(public_thread(&app).await.iter().all(|c| c.id != lonely));

        // The parent's author deletes it: the reply keeps its place under "[deleted]".
        let parent_author = {
            // Post again as a fresh reader whose comment gets a reply, then delete it.
            let (id, cookie) = first_post(&app, "A parent to delete").await;
            let answer = post(&app, None, "Hanging on", Some(id)).await;
            assert_eq!(answer.status, StatusCode::OK);
            (id, cookie)
        };
        let deleted = delete(&app, Some(&parent_author.1), parent_author.0).await;
        assert_eq!(deleted.status, StatusCode::OK);
        let thread = public_thread(&app).await;
        let placeholder = thread
            .iter()
            .find(|c| c.id == parent_author.0)
            .expect("placeholder");
        assert_eq!(placeholder.state, CommentState::Deleted);
        assert!(placeholder.body_html.is_empty() && placeholder.author_name.is_empty());
        let page = app.get(&format!("/pulse/{SLUG}")).await;
        assert!(
            !page.body.contains("A parent to delete"),
            "the text is erased"
        );
        let html = page.html();
        assert_eq!(texts(&html, ".comment__placeholder"), ["[deleted]"]);
        assert!(texts(&html, ".comment__body").contains(&"Hanging on".to_string()));
        // Counts follow: 5 posted, 2 deleted.
        assert_eq!(count(&app).await, 3);
        assert_eq!(texts(&html, ".comments__count"), ["3 comments"]);

        // Live: one removal, one placeholder.
        let heard = changes(&app).await;
        assert_eq!(heard.len(), 2);
        assert!(heard[0].comment.is_none());
        assert_eq!(
            heard[1].comment.as_ref().map(|c| c.state),
            Some(CommentState::Deleted)
        );
        // A deleted comment cannot be replied to, edited or deleted again.
        let late_reply = post(&app, None, "Too late", Some(lonely)).await;
        assert_eq!(late_reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(late_reply.json()["Invalid"]["field"], "parent");
        assert_eq!(
            delete(&app, Some(&mine), lonely).await.status,
            StatusCode::NOT_FOUND
        );
    })
}

#[test]
fn the_same_text_twice_is_refused() {
    with_app(async |app| {
        let (_, mine) = first_post(&app, "Great point").await;
        let again = post(&app, Some(&mine), "Great point", None).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        assert!(again.body.contains("same comment"), "{}", again.body);
        assert_eq!(public_thread(&app).await.len(), 1);
        // Someone else may say the same thing.
        assert_eq!(
            post(&app, None, "Great point", None).await.status,
            StatusCode::OK
        );
    })
}

#[test]
fn a_new_reader_has_a_first_day_limit() {
    run(async {
        let app = app_with(&[
            ("PULSE_COMMENTS_FIRST_DAY_LIMIT", "3"),
            ("PULSE_COMMENTS_PER_MINUTE_PER_READER", "100"),
            ("PULSE_COMMENTS_PER_MINUTE_PER_IP", "1000"),
        ])
        .await;
        let (_, mine) = first_post(&app, "one").await;
        for body in ["two", "three"] {
            assert_eq!(
                post(&app, Some(&mine), body, None).await.status,
                StatusCode::OK
            );
        }
        let fourth = post(&app, Some(&mine), "four", None).await;
        assert_eq!(fourth.status, StatusCode::TOO_MANY_REQUESTS);
        let retry_after: u64 = fourth.header("retry-after").parse().expect("Retry-After");
        assert!((86_000..=86_400).contains(&retry_after), "{retry_after}");
        assert_eq!(public_thread(&app).await.len(), 3);
    })
}

#[test]
fn links_from_a_new_reader_wait_for_review_and_reach_nobody_else() {
    with_app(async |app| {
        let max = app.config.comments.new_reader_max_links as usize;
        let few: String = (0..max).map(|i| format!("https://a{i}.example ")).collect();
        assert_eq!(post(&app, None, &few, None).await.status, StatusCode::OK);
        let events_before = added_events(&app).await;

        let many = format!("{few} [one more](https://spam.example)");
        let held = post(&app, None, &many, None).await;
        assert_eq!(held.status, StatusCode::OK, "{}", held.body);
        assert_eq!(held.json()["state"], "held");
        let cookie = reader_cookie(&held);
        let id = id_of(&held);

        assert_eq!(public_thread(&app).await.len(), 1, "others never see it");
        assert_eq!(count(&app).await, 1);
        assert_eq!(added_events(&app).await, events_before, "nothing broadcast");
        let feed = app.get("/").await.html();
        assert!(texts(&feed, ".card__comments").contains(&"1 comment".to_string()));
        // Its author sees it, marked as held.
        let own = app.get_as(&format!("/pulse/{SLUG}"), &cookie).await.html();
        let notices = texts(&own, &format!("#comment-{id} .comment__notice"));
        assert_eq!(notices.len(), 1);
        assert!(notices[0].starts_with("Held for review"), "{notices:?}");
    })
}

#[test]
fn links_without_slashes_count_as_links() {
    with_app(async |app| {
        let max = app.config.comments.new_reader_max_links as usize;
        // Autolinked addresses and scheme-only destinations: no `://` anywhere.
        let sneaky: String = (0..=max)
            .map(|i| {
                if i % 2 == 0 {
                    format!("<a{i}@spam.example> ")
                } else {
                    format!("[deal {i}](http:spam{i}.example) ")
                }
            })
            .collect();
        let held = post(&app, None, &sneaky, None).await;
        assert_eq!(held.status, StatusCode::OK, "{}", held.body);
        assert_eq!(held.json()["state"], "held", "{} links", max + 1);
        assert!(public_thread(&app).await.is_empty());
    })
}

#[test]
fn reports_from_enough_readers_take_a_comment_down() {
    with_app(async |app| {
        let threshold = app.config.comments.report_threshold;
        let (id, author) = first_post(&app, "Something people dislike").await;
        let (other_id, _) = first_post(&app, "Harmless").await;

        // Reporting one's own comment is refused; a bad reason gets a clear message.
        let own = report(&app, Some(&author), id, "spam").await;
        assert_eq!(own.status, StatusCode::BAD_REQUEST);
        let first = another_reader(&app).await;
        let bad = report(&app, Some(&first), id, "boring").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["Invalid"]["field"], "reason");

        // One reader reporting again and again counts once.
        for _ in 0..threshold {
            assert_eq!(
                report(&app, Some(&first), id, "spam").await.status,
                StatusCode::OK
            );
        }
        assert_eq!(public_thread(&app).await.len(), 2);
        assert!(changes(&app).await.is_empty());

        for _ in 1..threshold {
            let reader = another_reader(&app).await;
            assert_eq!(
                report(&app, Some(&reader), id, "abuse").await.status,
                StatusCode::OK
            );
        }
        let thread = public_thread(&app).await;
        assert_eq!(thread.iter().map(|c| c.id).collect::<Vec<_>>(), [other_id]);
        assert_eq!(count(&app).await, 1);
        let heard = changes(&app).await;
        assert_eq!(heard.len(), 1);
        assert_eq!(
            (
                heard[0].id,
                heard[0].comment.is_none(),
                heard[0].count,
                heard[0].held
            ),
            (id, true, 1, true)
        );
        // Gone from other pages; its author still sees it, as held.
        let page = app.get(&format!("/pulse/{SLUG}")).await;
        assert!(!page.body.contains("Something people dislike"));
        let own_page = app.get_as(&format!("/pulse/{SLUG}"), &author).await.html();
        assert_eq!(
            texts(&own_page, &format!("#comment-{id} .comment__body")).len(),
            1
        );
        // A taken-down comment can no longer be reported.
        let late = another_reader(&app).await;
        assert_eq!(
            report(&app, Some(&late), id, "spam").await.status,
            StatusCode::NOT_FOUND
        );
    })
}

#[test]
fn a_taken_down_comment_with_replies_leaves_a_removed_placeholder() {
    with_settings(&[("PULSE_COMMENT_REPORT_THRESHOLD", "1")], async |app| {
        let (id, _) = first_post(&app, "Out of line").await;
        assert_eq!(
            post(&app, None, "Still a fair reply", Some(id))
                .await
                .status,
            StatusCode::OK
        );
        let reader = another_reader(&app).await;
        assert_eq!(
            report(&app, Some(&reader), id, "abuse").await.status,
            StatusCode::OK
        );

        let html = app.get(&format!("/pulse/{SLUG}")).await.html();
        assert_eq!(texts(&html, ".comment__placeholder"), ["[removed]"]);
        assert_eq!(texts(&html, ".comment__body"), ["Still a fair reply"]);
        let heard = changes(&app).await;
        assert_eq!(
            heard[0]
                .comment
                .as_ref()
                .map(|c| (c.state, c.body_html.as_str())),
            Some((CommentState::Removed, ""))
        );
    })
}

#[test]
fn without_javascript_changes_post_as_forms_and_land_back_on_the_brief() {
    with_app(async |app| {
        let (id, mine) = first_post(&app, "Typo hre").await;
        let id_text = id.to_string();
        let as_form = |endpoint: &str, fields: &[(&str, &str)]| {
            let body = crate::support::form(fields);
            axum::http::Request::post(format!("/api/{endpoint}"))
                .header("host", "pulse.test")
                .header("origin", "http://pulse.test")
                .header("accept", "text/html")
                .header("cookie", &mine)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .expect("request")
        };
        let edited = app
            .send(as_form(
                "edit_comment",
                &[("slug", SLUG), ("id", &id_text), ("body", "Typo here")],
            ))
            .await;
        assert_eq!(edited.status, StatusCode::FOUND, "{}", edited.body);
        assert_eq!(
            edited.header("location"),
            format!("/pulse/{SLUG}?comment={id}#comment-{id}")
        );

        let other = another_reader(&app).await;
        let (other_id, _) = first_post(&app, "Report me").await;
        let reported = app
            .send({
                let mut r = as_form(
                    "report_comment",
                    &[
                        ("slug", SLUG),
                        ("id", &other_id.to_string()),
                        ("reason", "off-topic"),
                    ],
                );
                r.headers_mut()
                    .insert("cookie", other.parse().expect("cookie"));
                r
            })
            .await;
        assert_eq!(reported.status, StatusCode::FOUND, "{}", reported.body);
        let back = reported.header("location").to_string();
        assert_eq!(
            back,
            format!("/pulse/{SLUG}?reported={other_id}#comment-{other_id}")
        );
        let thanks = app
            .get(back.split('#').next().unwrap_or_default())
            .await
            .html();
        assert_eq!(
            texts(&thanks, ".comment__notice"),
            ["Thanks for the report. A moderator will take a look."]
        );

        let deleted = app
            .send(as_form(
                "delete_comment",
                &[("slug", SLUG), ("id", &id_text)],
            ))
            .await;
        assert_eq!(deleted.status, StatusCode::FOUND);
        assert_eq!(
            deleted.header("location"),
            format!("/pulse/{SLUG}#comments")
        );
        assert!(public_thread(&app).await.iter().all(|c| c.id != id));
    })
}

#[test]
fn reports_from_one_address_or_network_count_once_however_many_cookies() {
    use std::net::SocketAddr;

    use axum::extract::ConnectInfo;

    with_settings(MANY_REACTIONS, async |app| {
        let (id, _) = first_post(&app, "Reported from one place").await;
        let report_from = |ip: &str| {
            let body = crate::support::form(&[
                ("slug", SLUG),
                ("id", &id.to_string()),
                ("reason", "spam"),
            ]);
            let mut request = axum::http::Request::post("/api/report_comment")
                .header("host", "pulse.test")
                .header("origin", "http://pulse.test")
                .header("accept", "application/json")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .expect("request");
            let peer: SocketAddr = format!("{ip}:40000").parse().expect("address");
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        };
        // No cookie each time: a new reader every time, all from one address.
        for _ in 0..5 {
            assert_eq!(
                app.send(report_from("203.0.113.7")).await.status,
                StatusCode::OK
            );
        }
        // The same address mapped into IPv6, and many addresses of one IPv6 /64 (one
        // household's line), are one source each.
        assert_eq!(
            app.send(report_from("[::ffff:203.0.113.7]")).await.status,
            StatusCode::OK
        );
        for ip in [
            "[2001:db8:7:7::1]",
            "[2001:db8:7:7::2]",
            "[2001:db8:7:7:ffff:1:2:3]",
        ] {
            assert_eq!(app.send(report_from(ip)).await.status, StatusCode::OK);
        }
        assert_eq!(
            public_thread(&app).await.len(),
            1,
            "one address, or one /64, is one source"
        );
        for ip in ["198.51.100.1"] {
            assert_eq!(app.send(report_from(ip)).await.status, StatusCode::OK);
        }
        assert!(
            public_thread(&app).await.is_empty(),
            "three sources hold it"
        );
    })
}
