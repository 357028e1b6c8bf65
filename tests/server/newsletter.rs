//! The newsletter sign-up through a real SMTP server process (Python's aiosmtpd, installed by
//! `.ci/setup`): subscribe, read the confirmation email as received, confirm, unsubscribe with
//! one click — plus the answers that must not tell who is subscribed, the daily cap, header
//! injection, the honeypot, and the `.eml` files written when no SMTP server is configured.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use pulse::model::{SUBSCRIBE_ANSWER, SubscriberStatus};

use crate::support::{
    FormPost, Reply, TestApp, app_with, assert_limited_after, run, texts, with_app, with_settings,
};

/// Sign-ups from one test address, many times a minute.
const OPEN_SIGN_UPS: &[(&str, &str)] = &[("PULSE_NEWSLETTER_SUBSCRIBES_PER_MINUTE_PER_IP", "100")];

/// An aiosmtpd process storing what it receives in a Maildir; killed when dropped.
pub(crate) struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        SmtpServer::spawn(|port, maildir| {
            let mut command = Command::new("python3");
            command
                .args(["-m", "aiosmtpd", "-n", "-l"])
                .arg(format!("127.0.0.1:{port}"))
                .args(["-c", "aiosmtpd.handlers.Mailbox"])
                .arg(maildir);
            command
        })
    }

    /// One that waits half a second over each recipient (see `SLOW_SMTP`).
    fn start_slow() -> SmtpServer {
        SmtpServer::spawn(|port, maildir| {
            let mut command = Command::new("python3");
            command
                .args(["-c", SLOW_SMTP])
                .arg(port.to_string())
                .arg(maildir);
            command
        })
    }

    /// Runs the server `command` builds for a free port and a Maildir path that does not
    /// exist yet (the handler creates it), and waits until it listens.
    fn spawn(command: impl Fn(u16, &Path) -> Command) -> SmtpServer {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let maildir = tempfile::tempdir().expect("maildir");
        let child = command(port, &maildir.path().join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd runs (python3 -m pip install aiosmtpd)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer {
            child,
            port,
            maildir,
        }
    }

    /// Settings pointing Pulse at this server; the sign-up limit is raised because these
    /// tests sign several addresses up from one place.
    pub(crate) fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PULSE_SMTP_HOST", "127.0.0.1".to_string()),
            ("PULSE_SMTP_PORT", self.port.to_string()),
            ("PULSE_SMTP_TLS", "none".to_string()),
            (
                "PULSE_NEWSLETTER_SUBSCRIBES_PER_MINUTE_PER_IP",
                "100".to_string(),
            ),
        ]
    }

    /// Every message received so far, raw.
    pub(crate) fn received(&self) -> Vec<Vec<u8>> {
        messages_in(&self.maildir.path().join("box").join("new"))
    }

    /// Waits until `count` messages have arrived, and returns them all.
    pub(crate) async fn wait_for(&self, count: usize) -> Vec<Vec<u8>> {
        wait_for_files(|| self.received(), count).await
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn messages_in(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

async fn wait_for_files(read: impl Fn() -> Vec<Vec<u8>>, count: usize) -> Vec<Vec<u8>> {
    let started = Instant::now();
    loop {
        let found = read();
        if found.len() >= count {
            return found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "expected {count} messages, got {}",
            found.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until every message in the outbox is delivered, so a count taken after it is final:
/// nothing queued or claimed can still arrive. A second copy of a message (two senders on one
/// claim, the bug the "once" tests look for) would still be on its way when the first is
/// recorded: it gets a short grace to land and be counted.
pub(crate) async fn settled(app: &TestApp) {
    const DUPLICATE_GRACE: Duration = Duration::from_millis(300);
    let started = Instant::now();
    loop {
        let waiting = app.store.mail_queue_depth().await.expect("depth");
        if waiting == 0 {
            tokio::time::sleep(DUPLICATE_GRACE).await;
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the outbox never emptied: {waiting} waiting"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn subscribe(app: &TestApp, email: &str) -> Reply {
    app.post_form("subscribe", &[("email", email)], None).await
}

/// Runs one test's body with an SMTP server and an app (demo content) that mails through it.
pub(crate) fn with_smtp(test: impl AsyncFnOnce(SmtpServer, TestApp)) {
    with_smtp_and(&[], test);
}

/// [`with_smtp`] with `extra` settings on top.
pub(crate) fn with_smtp_and(
    extra: &[(&'static str, &str)],
    test: impl AsyncFnOnce(SmtpServer, TestApp),
) {
    run(async {
        let smtp = SmtpServer::start();
        let settings = smtp.settings();
        let mut all = pairs(&settings);
        all.extend_from_slice(extra);
        let app = app_with(&all).await;
        test(smtp, app).await;
    });
}

/// The settings as `app_with` takes them.
pub(crate) fn pairs<'a>(settings: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    settings.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The text and HTML parts of a received message.
pub(crate) fn parts(raw: &[u8]) -> (String, String) {
    let mail = mailparse::parse_mail(raw).expect("a parsable message");
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    let body = |mime: &str| {
        mail.subparts
            .iter()
            .find(|p| p.ctype.mimetype == mime)
            .unwrap_or_else(|| panic!("no {mime} part"))
            .get_body()
            .expect("decodable part")
    };
    (body("text/plain"), body("text/html"))
}

pub(crate) fn header(raw: &[u8], name: &str) -> Option<String> {
    use mailparse::MailHeaderMap;
    mailparse::parse_mail(raw)
        .expect("a parsable message")
        .headers
        .get_first_value(name)
}

/// The token of the link to `path` in a message's text part (the HTML part has it too).
pub(crate) fn link_token(raw: &[u8], path: &str) -> String {
    let (text, html) = parts(raw);
    let link = text
        .split_whitespace()
        .find(|w| w.contains(&format!("{path}?token=")))
        .unwrap_or_else(|| panic!("a link to {path}"));
    assert!(html.contains(link), "the HTML part has the same link");
    link.rsplit_once("token=").expect("token").1.to_string()
}

/// The confirmation token in a confirmation email.
fn token_in(raw: &[u8]) -> String {
    link_token(raw, "/newsletter/confirm")
}

async fn confirm(app: &TestApp, token: &str) -> Reply {
    app.post_form("confirm_subscription", &[("token", token)], None)
        .await
}

/// The id of subscriber `email`, who must be on the list.
async fn subscriber_id(app: &TestApp, email: &str) -> i64 {
    let stored = app.store.subscriber(email).await.expect("subscriber query");
    stored
        .unwrap_or_else(|| panic!("{email} is on the list"))
        .id
}

/// Where `email` stands, as the status column says it; `None`: not on the list.
async fn status(app: &TestApp, email: &str) -> Option<&'static str> {
    let stored = app.store.subscriber(email).await.expect("subscriber query");
    stored.map(|subscriber| match subscriber.status {
        SubscriberStatus::Pending => "pending",
        SubscriberStatus::Confirmed => "confirmed",
        SubscriberStatus::Unsubscribed => "unsubscribed",
    })
}

async fn one_click(app: &TestApp, token: &str) -> Reply {
    app.send(
        Request::post(format!("/newsletter/unsubscribe?token={token}"))
            // Mail providers post from their own servers: no cookie, no Origin of ours.
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("List-Unsubscribe=One-Click"))
            .expect("request"),
    )
    .await
}

#[test]
fn a_reader_subscribes_confirms_by_email_and_leaves_with_one_click() {
    with_smtp(async |smtp, app| {
        let reply = subscribe(&app, "Reader@Example.com").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.json(), SUBSCRIBE_ANSWER);
        assert_eq!(status(&app, "reader@example.com").await, Some("pending"));

        let received = smtp.wait_for(1).await;
        let raw = &received[0];
        assert_eq!(header(raw, "To").as_deref(), Some("Reader@Example.com"));
        assert!(header(raw, "From").is_some_and(|f| f.contains('@')));
        assert!(header(raw, "Subject").is_some_and(|s| s.starts_with("Confirm your")));
        assert!(header(raw, "Date").is_some_and(|d| mailparse::dateparse(&d).is_ok()));
        assert!(header(raw, "Message-ID").is_some_and(|m| m.starts_with('<') && m.contains('@')));
        assert!(
            header(raw, "List-Unsubscribe").is_none(),
            "not a newsletter"
        );
        let token = token_in(raw);
        assert!(token.len() >= 43, "at least 256 bits");

        // The link shows a button; it does not confirm by itself.
        let page = app.get(&format!("/newsletter/confirm?token={token}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let buttons = texts(&page.html(), "main button, .page button");
        assert!(
            buttons.contains(&"Confirm my subscription".to_string()),
            "{buttons:?}"
        );
        assert_eq!(status(&app, "reader@example.com").await, Some("pending"));

        let confirmed = confirm(&app, &token).await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
        assert_eq!(confirmed.json(), "Confirmed");
        assert_eq!(status(&app, "reader@example.com").await, Some("confirmed"));
        // Single use: the link now offers a new one.
        assert_eq!(confirm(&app, &token).await.json(), "Used");
        let spent = app.get(&format!("/newsletter/confirm?token={token}")).await;
        assert!(spent.body.contains("already used"), "{}", spent.body);

        // One click, from a mail provider: no cookie, no origin, no further step.
        let id = subscriber_id(&app, "reader@example.com").await;
        let unsubscribe =
            pulse::server::newsletter::unsubscribe_token(&app.readers, id, "reader@example.com");
        // Opening the link only shows the button.
        let page = app
            .get(&format!("/newsletter/unsubscribe?token={unsubscribe}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("List-Unsubscribe"),
            "the button posts one-click"
        );
        assert_eq!(status(&app, "reader@example.com").await, Some("confirmed"));
        // A tampered token changes nothing, and neither does a genuine one for another address
        // under the same id (as after ids are reused).
        let other =
            pulse::server::newsletter::unsubscribe_token(&app.readers, id, "someone@example.com");
        assert_eq!(
            one_click(&app, &other).await.status,
            StatusCode::BAD_REQUEST
        );
        let forged = unsubscribe.replacen(&id.to_string(), &(id + 1).to_string(), 1);
        assert_eq!(
            one_click(&app, &forged).await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(status(&app, "reader@example.com").await, Some("confirmed"));
        let left = one_click(&app, &unsubscribe).await;
        assert_eq!(left.status, StatusCode::OK, "{}", left.body);
        assert!(left.body.contains("unsubscribed"));
        assert_eq!(
            status(&app, "reader@example.com").await,
            Some("unsubscribed")
        );
        // Without the one-click body it is refused.
        let bare = app
            .send(
                Request::post(format!("/newsletter/unsubscribe?token={unsubscribe}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(bare.status, StatusCode::BAD_REQUEST);
    })
}

#[test]
fn the_answer_is_the_same_whoever_is_asking_about() {
    with_smtp(async |smtp, app| {
        // pending
        subscribe(&app, "pending@example.com").await;
        // confirmed
        subscribe(&app, "confirmed@example.com").await;
        // unsubscribed
        subscribe(&app, "gone@example.com").await;
        let received = smtp.wait_for(3).await;
        for raw in &received {
            let to = header(raw, "To").unwrap_or_default();
            if to != "pending@example.com" {
                assert_eq!(confirm(&app, &token_in(raw)).await.json(), "Confirmed");
            }
        }
        let gone = subscriber_id(&app, "gone@example.com").await;
        app.store.unsubscribe(gone).await.expect("unsubscribe");

        let mut answers = Vec::new();
        for email in [
            "new@example.com",
            "pending@example.com",
            "confirmed@example.com",
            "gone@example.com",
        ] {
            let reply = subscribe(&app, email).await;
            answers.push((reply.status, reply.body.clone()));
        }
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
        // Behind the identical answers: new, pending and returning get a confirmation; the
        // confirmed address gets nothing.
        let received = smtp.wait_for(6).await;
        let to = |address: &str| {
            received
                .iter()
                .filter(|raw| header(raw, "To").as_deref() == Some(address))
                .count()
        };
        assert_eq!(
            [
                to("new@example.com"),
                to("pending@example.com"),
                to("confirmed@example.com"),
                to("gone@example.com")
            ],
            [1, 2, 1, 2]
        );
        assert_eq!(status(&app, "gone@example.com").await, Some("pending"));
    })
}

#[test]
fn confirmation_emails_are_capped_per_mailbox_per_day() {
    with_settings(OPEN_SIGN_UPS, async |app| {
        let cap = app.config.newsletter.confirmations_per_day as usize;
        // One mailbox under many spellings: plus-tags and case lead to the same inbox.
        for i in 0..cap + 3 {
            let address = match i % 3 {
                0 => "again@example.com".to_string(),
                1 => format!("again+{i}@example.com"),
                _ => format!("AGAIN+{i}@Example.com"),
            };
            assert_eq!(subscribe(&app, &address).await.status, StatusCode::OK);
        }
        let files = wait_for_files(|| messages_in(&app.config.data_dir.join("mail")), cap).await;
        settled(&app).await;
        assert_eq!(messages_in(&app.config.data_dir.join("mail")).len(), cap);
        assert_eq!(files.len(), cap);
        assert_eq!(app.store.mail_queue_depth().await.expect("depth"), 0);
    })
}

#[test]
fn without_an_smtp_server_mail_is_written_to_files() {
    with_app(async |app| {
        assert!(app.config.mail.smtp.is_none());
        subscribe(&app, "files@example.com").await;
        let files = wait_for_files(|| messages_in(&app.config.data_dir.join("mail")), 1).await;
        assert_eq!(
            header(&files[0], "To").as_deref(),
            Some("files@example.com")
        );
        let token = token_in(&files[0]);
        assert_eq!(confirm(&app, &token).await.json(), "Confirmed");
    })
}

#[test]
fn addresses_never_confirmed_are_purged_and_consent_is_recorded() {
    with_app(async |app| {
        subscribe(&app, "waiting@example.com").await;
        subscribe(&app, "sure@example.com").await;
        let files = wait_for_files(|| messages_in(&app.config.data_dir.join("mail")), 2).await;
        let sure = files
            .iter()
            .find(|raw| header(raw, "To").as_deref() == Some("sure@example.com"))
            .expect("confirmation");
        assert_eq!(confirm(&app, &token_in(sure)).await.json(), "Confirmed");

        let consent = app
            .store
            .consent("sure@example.com")
            .await
            .expect("query")
            .expect("a consent record");
        assert_eq!(consent.1, app.config.newsletter.consent_version);
        assert!(
            consent.2.is_some(),
            "confirmation time recorded: {consent:?}"
        );

        // Nothing is old enough yet; an hour from now both sign-ups are past a 0-hour limit.
        assert_eq!(
            app.store
                .purge_unconfirmed(time::OffsetDateTime::now_utc() - time::Duration::hours(1))
                .await
                .expect("purge"),
            0
        );
        let later = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
        assert_eq!(app.store.purge_unconfirmed(later).await.expect("purge"), 1);
        assert_eq!(status(&app, "waiting@example.com").await, None);
        assert_eq!(status(&app, "sure@example.com").await, Some("confirmed"));
    })
}

#[test]
fn bad_addresses_bots_and_cross_site_posts_change_nothing() {
    with_settings(OPEN_SIGN_UPS, async |app| {
        for bad in [
            "",
            "not an address",
            "a@example.com\r\nBcc: victim@example.com",
            "a@example.com\nSubject: hi",
            "Ada <a@example.com>",
            "a@example.com, b@example.com",
        ] {
            let reply = subscribe(&app, bad).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad:?}");
            assert_eq!(reply.json()["Invalid"]["field"], "email", "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(subscribe(&app, &long).await.status, StatusCode::BAD_REQUEST);

        let bot = app
            .post_form(
                "subscribe",
                &[
                    ("email", "bot@example.com"),
                    ("website", "http://spam.example"),
                ],
                None,
            )
            .await;
        assert_eq!(bot.status, StatusCode::OK);
        assert_eq!(bot.json(), SUBSCRIBE_ANSWER);

        let cross = app
            .send(
                Request::post("/api/subscribe")
                    .header("host", "pulse.test")
                    .header("origin", "https://evil.example")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from("email=cross%40example.com"))
                    .expect("request"),
            )
            .await;
        assert_eq!(cross.status, StatusCode::FORBIDDEN);

        for email in ["bot@example.com", "cross@example.com", "a@example.com"] {
            assert_eq!(status(&app, email).await, None, "{email}");
        }
        assert_eq!(app.store.mail_queue_depth().await.expect("depth"), 0);
        settled(&app).await;
        assert!(messages_in(&app.config.data_dir.join("mail")).is_empty());
    })
}

#[test]
fn sign_ups_are_rate_limited_per_address() {
    with_app(async |app| {
        let limit = app.config.newsletter.subscribes_per_minute_per_ip as usize;
        let mut statuses = Vec::new();
        for i in 0..=limit {
            statuses.push(subscribe(&app, &format!("r{i}@example.com")).await.status);
        }
        assert_limited_after(&statuses, limit);

        // A second instance (its own memory, the same database) is over the limit too.
        let other = pulse::server::http::router(app.state.with_own_limits());
        let request = Request::post("/api/subscribe")
            .header("host", "pulse.test")
            .header("origin", "http://pulse.test")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("email=elsewhere%40example.com"))
            .expect("request");
        let reply = tower::ServiceExt::oneshot(other, request)
            .await
            .expect("router");
        assert_eq!(reply.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(status(&app, "elsewhere@example.com").await, None);
    })
}

#[test]
fn without_javascript_the_forms_post_and_land_on_pages() {
    with_app(async |app| {
        let form = |endpoint: &str, body: &str| {
            Request::post(format!("/api/{endpoint}"))
                .header("host", "pulse.test")
                .header("origin", "http://pulse.test")
                .header("accept", "text/html")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body.to_string()))
                .expect("request")
        };
        let sent = app
            .send(form("subscribe", "email=form%40example.com"))
            .await;
        assert_eq!(sent.status, StatusCode::FOUND);
        assert_eq!(sent.header("location"), "/newsletter?sent=1");
        let landing = app.get("/newsletter?sent=1").await.html();
        assert_eq!(texts(&landing, "p.notice"), [SUBSCRIBE_ANSWER]);

        // A refusal is a bare page whose message names the field it is about, so the page
        // router can put it beside that field.
        let refused = app.send(form("subscribe", "email=a%40b")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        let refusal = refused.html();
        assert_eq!(
            texts(&refusal, "main p[data-field=\"email\"]"),
            ["Please enter an email address like name@example.com."]
        );

        let files = wait_for_files(|| messages_in(&app.config.data_dir.join("mail")), 1).await;
        let token = token_in(&files[0]);
        let done = app
            .send(form("confirm_subscription", &format!("token={token}")))
            .await;
        assert_eq!(done.status, StatusCode::FOUND);
        assert_eq!(done.header("location"), "/newsletter/confirm?confirmed=1");
        let page = app.get("/newsletter/confirm?confirmed=1").await.html();
        assert_eq!(texts(&page, "h1"), ["You're subscribed"]);
    })
}

#[test]
fn the_box_is_on_the_feed_and_on_every_brief() {
    with_app(async |app| {
        for path in ["/", "/pulse/postmortem-prompt-cache-stampede"] {
            let page = app.get(path).await.html();
            assert_eq!(
                texts(&page, "section.newsletter h2"),
                ["Get the weekly AI digest — every Thursday"],
                "{path}"
            );
        }
    })
}

/// Signs up and confirms `email` through the real flow; the confirmation is message `nth`.
async fn confirmed_subscriber(app: &TestApp, smtp: &SmtpServer, email: &str) {
    let before = smtp.received().len();
    assert_eq!(subscribe(app, email).await.status, StatusCode::OK);
    let received = smtp.wait_for(before + 1).await;
    let raw = received
        .iter()
        .find(|raw| header(raw, "To").as_deref() == Some(email))
        .expect("the confirmation email");
    assert_eq!(confirm(app, &token_in(raw)).await.json(), "Confirmed");
}

/// A brief published at `at`, with a title that tries to smuggle a header line.
fn late_brief(dir: &Path, at: &str, title: &str) {
    crate::support::write(
        dir,
        "late.md",
        &format!(
            "+++\nslug = \"late-breaking-eval-note\"\ntitle = \"{title}\"\n\
             category = \"ai-news\"\ntags = []\npublished_at = {at}\nsummary = \"A brief for the next digest.\"\n\n\
             [source]\nname = \"Pulse\"\nurl = \"https://pulse.example/late\"\n+++\n\n\
             ## What Happened\n\nSomething happened.\n\n## Take\n\nIt matters *a little*.\n\n\
             ## What To Do\n\nNothing yet.\n\n## Builder's Brief\n\n- **Who:** Builders\n\
             - **What changes:** Little\n- **When:** Now\n- **Watch for:** More\n\n\
             ## What Skeptics Say\n\nIt may not matter.\n"
        ),
    );
}

fn digests(received: &[Vec<u8>]) -> Vec<&Vec<u8>> {
    received
        .iter()
        .filter(|raw| header(raw, "List-Unsubscribe").is_some())
        .collect()
}

/// Whom the digests among `received` went to, in the order they arrived.
fn digest_recipients(received: &[Vec<u8>]) -> Vec<String> {
    digests(received)
        .iter()
        .map(|raw| header(raw, "To").unwrap_or_default())
        .collect()
}

/// [`digest_recipients`], sorted.
fn sorted_recipients(received: &[Vec<u8>]) -> Vec<String> {
    let mut to = digest_recipients(received);
    to.sort();
    to
}

#[test]
fn two_instances_sending_the_same_digest_at_once_send_it_once() {
    use pulse::server::digest::send_digest;
    use time::macros::datetime;

    with_smtp(async |smtp, app| {
        // Its own schedule, mail worker and memory; the same database and SMTP server.
        let other = app.another_instance().await;
        confirmed_subscriber(&app, &smtp, "first@example.com").await;
        confirmed_subscriber(&app, &smtp, "second@example.com").await;
        smtp.wait_for(2).await;

        let slot = datetime!(2026-11-26 9:00 UTC);
        let (one, two) = tokio::join!(
            send_digest(&app.state, slot),
            send_digest(&other.state, slot)
        );
        let (one, two) = (one.expect("digest"), two.expect("digest"));
        assert_eq!(
            one.map(|i| i.slug),
            two.map(|i| i.slug),
            "both name the same issue"
        );
        smtp.wait_for(4).await;
        // Both workers have sent anything left over (they share the outbox).
        settled(&app).await;
        assert_eq!(
            sorted_recipients(&smtp.received()),
            ["first@example.com", "second@example.com"]
        );
    })
}

#[test]
fn the_digest_reaches_each_confirmed_subscriber_once_and_one_click_ends_it() {
    use pulse::server::digest::send_digest;
    use time::macros::datetime;

    with_smtp(async |smtp, app| {
        confirmed_subscriber(&app, &smtp, "first@example.com").await;
        confirmed_subscriber(&app, &smtp, "second@example.com").await;
        subscribe(&app, "unconfirmed@example.com").await;
        smtp.wait_for(3).await;

        // Thursday 26 Nov 2026, 09:00: the three demo briefs of that week.
        let slot = datetime!(2026-11-26 9:00 UTC);
        let issue = send_digest(&app.state, slot)
            .await
            .expect("digest")
            .expect("a non-empty week");
        assert_eq!(issue.slug, "2026-w48");
        // The schedule firing again sends nothing twice.
        send_digest(&app.state, slot).await.expect("digest again");
        smtp.wait_for(5).await;
        settled(&app).await;
        assert_eq!(
            smtp.received().len(),
            5,
            "3 confirmations + 2 digests, nothing more"
        );
        let all = smtp.received();
        let sent = digests(&all);
        assert_eq!(
            sorted_recipients(&all),
            ["first@example.com", "second@example.com"]
        );

        // The message itself: headers, both parts, links.
        let raw = sent
            .iter()
            .find(|raw| header(raw, "To").as_deref() == Some("first@example.com"))
            .expect("first's digest");
        assert!(header(raw, "Subject").is_some_and(|s| s.contains("week 48, 2026")));
        assert!(header(raw, "Date").is_some_and(|d| mailparse::dateparse(&d).is_ok()));
        assert!(header(raw, "Message-ID").is_some());
        assert_eq!(
            header(raw, "List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        let list_unsubscribe = header(raw, "List-Unsubscribe").expect("List-Unsubscribe");
        let https = list_unsubscribe
            .split(',')
            .map(|p| p.trim().trim_start_matches('<').trim_end_matches('>'))
            .collect::<Vec<_>>();
        assert!(
            https[0].contains("/newsletter/unsubscribe?token="),
            "{list_unsubscribe}"
        );
        assert!(https[1].starts_with("mailto:"), "{list_unsubscribe}");
        let (text, html) = parts(raw);
        for slug in [
            "kestrel-7b-open-weights",
            "us-states-ai-disclosure-template",
            "tallyho-eval-harness-launch",
        ]
        .iter()
        .filter(|s| html.contains(**s))
        {
            assert!(
                text.contains(&format!("/pulse/{slug}")),
                "{slug} in both parts"
            );
        }
        assert!(text.contains("/pulse/kestrel-7b-open-weights"), "{text}");
        assert!(text.contains("Pulse's Take:"), "{text}");
        assert!(
            text.contains(https[0]),
            "the text part has the unsubscribe link"
        );
        let doc = scraper::Html::parse_document(&html);
        let links = crate::support::attrs(&doc, "a", "href");
        assert!(
            links.iter().any(|l| l.ends_with("/digest/2026-w48")),
            "{links:?}"
        );
        assert!(links.iter().any(|l| l == https[0]), "{links:?}");
        // The issue is on the site.
        let page = app.get("/digest/2026-w48").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            texts(&page.html(), "h2")
                .iter()
                .any(|t| t.contains("Kestrel-7B"))
        );
        let archive = app.get("/digest").await.html();
        assert!(texts(&archive, ".digest-list a")[0].contains("week 48, 2026"));
        assert_eq!(app.status("/digest/2026-w47").await, StatusCode::NOT_FOUND);
        assert_eq!(app.status("/digest/nonsense").await, StatusCode::NOT_FOUND);

        // One click from the mail client, then the next week's digest skips that address.
        let token = https[0].rsplit_once("token=").expect("token").1;
        assert_eq!(one_click(&app, token).await.status, StatusCode::OK);
        let dir = tempfile::tempdir().expect("dir");
        // A title that would end a mail header line never gets in at all…
        late_brief(
            dir.path(),
            "2026-11-25T10:00:00Z",
            "Late note\\r\\nBcc: victim@example.com",
        );
        assert!(app.import(dir.path()).await.is_err());
        // …and a header-like one stays text. Dated inside week 48 but imported after its
        // issue went out, the brief joins week 49.
        late_brief(
            dir.path(),
            "2026-11-25T10:00:00Z",
            "Late note Bcc: victim@example.com",
        );
        app.import(dir.path()).await.expect("late brief imports");
        let next = send_digest(&app.state, datetime!(2026-12-03 9:00 UTC))
            .await
            .expect("digest")
            .expect("a non-empty week");
        assert_eq!(next.slug, "2026-w49");
        smtp.wait_for(6).await;
        settled(&app).await;
        let all = smtp.received();
        let week49: Vec<String> = digests(&all)
            .iter()
            .filter(|raw| header(raw, "Subject").is_some_and(|s| s.contains("week 49")))
            .map(|raw| header(raw, "To").unwrap_or_default())
            .collect();
        assert_eq!(week49, ["second@example.com"]);
        // The hostile title stayed inside the Subject-free body: no extra recipient header.
        let late = digests(&all)
            .into_iter()
            .find(|raw| header(raw, "Subject").is_some_and(|s| s.contains("week 49")))
            .expect("week 49");
        assert_eq!(header(late, "Bcc"), None);
        let (text, _) = parts(late);
        assert!(text.contains("Late note"), "{text}");
        // An empty week sends nothing and stores no issue.
        assert!(
            send_digest(&app.state, datetime!(2026-12-10 9:00 UTC))
                .await
                .expect("digest")
                .is_none()
        );
    })
}

#[test]
fn a_digest_cut_short_resumes_without_sending_anyone_twice() {
    use pulse::server::digest::{compose_issue, queue_issue, send_digest};
    use time::macros::datetime;

    with_smtp(async |smtp, app| {
        for n in 0..3 {
            confirmed_subscriber(&app, &smtp, &format!("reader{n}@example.com")).await;
        }
        let confirmations = smtp.wait_for(3).await.len();
        let slot = datetime!(2026-11-26 9:00 UTC);
        let issue = compose_issue(&app.state, slot)
            .await
            .expect("compose")
            .expect("issue");
        // The sender stops after its first batch, as a crash would leave it …
        queue_issue(&app.state, &issue, Some(1))
            .await
            .expect("first message");
        // … and the schedule, firing again after a restart, finishes the job.
        send_digest(&app.state, slot).await.expect("resume");
        send_digest(&app.state, slot).await.expect("and again");
        smtp.wait_for(confirmations + 3).await;
        settled(&app).await;
        assert_eq!(
            sorted_recipients(&smtp.received()),
            [
                "reader0@example.com",
                "reader1@example.com",
                "reader2@example.com"
            ]
        );
        assert_eq!(app.store.mail_queue_depth().await.expect("depth"), 0);
    })
}

/// An SMTP server that takes its time over each recipient (before any message data is sent,
/// so a sender killed while waiting has delivered nothing), storing mail in a Maildir.
const SLOW_SMTP: &str = r#"
import asyncio, sys
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

class Slow(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(0.5)
        envelope.rcpt_tos.append(address)
        return "250 OK"

controller = Controller(Slow(sys.argv[2]), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
asyncio.get_event_loop().run_forever()
"#;

#[test]
fn a_sender_killed_mid_digest_and_run_again_sends_each_subscriber_one_copy() {
    run(async {
        let smtp = SmtpServer::start_slow();
        let received = || smtp.received();
        let mut settings = smtp.settings();
        // Each delivery may take half a claim (2 s here): the slow server needs 0.5 s per
        // recipient, with room to spare on a loaded machine.
        settings.push(("PULSE_MAIL_CLAIM_SECONDS", "4".into()));
        let settings = pairs(&settings);
        let app = app_with(&settings).await;
        let subscribers = [
            "k0@example.com",
            "k1@example.com",
            "k2@example.com",
            "k3@example.com",
        ];
        for email in subscribers {
            subscribe(&app, email).await;
        }
        for raw in wait_for_files(received, subscribers.len()).await {
            assert_eq!(confirm(&app, &token_in(&raw)).await.json(), "Confirmed");
        }

        // The real command line, on the same database and SMTP server.
        let sender = || {
            let mut command = Command::new(env!("CARGO_BIN_EXE_pulse"));
            command
                .args(["digest", "send", "--at", "2026-11-26T09:00:00Z"])
                .env("PULSE_DATA_DIR", &app.config.data_dir)
                .env("DATABASE_URL", &app.config.database_url)
                .envs(settings.iter().copied())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            command
        };
        let digests_now = || digest_recipients(&received());
        let mut first = sender().spawn().expect("pulse digest send");
        // Kill it once its first digest is delivered *and recorded* (the outbox holds one
        // fewer), while the next one waits on the slow server: a kill between the server's
        // acceptance and the record is the documented at-least-once window, not this test.
        let started = Instant::now();
        loop {
            let waiting = app.store.mail_queue_depth().await.expect("depth") as usize;
            if !digests_now().is_empty() && waiting == subscribers.len() - 1 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no digest was delivered and recorded"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        first.kill().expect("kill the sender");
        let _ = first.wait();
        let cut_short = digests_now().len();
        assert!(
            cut_short < subscribers.len(),
            "the sender was stopped mid-run"
        );

        // Once its claims lapse (the clock must pass them: 4 s), one more run finishes the job.
        tokio::time::sleep(Duration::from_secs(5)).await;
        let status = sender().status().expect("pulse digest send again");
        assert!(status.success());
        assert_eq!(
            app.store.mail_queue_depth().await.expect("depth"),
            0,
            "the second run sent everything left"
        );
        assert_eq!(
            sorted_recipients(&received()),
            subscribers,
            "each subscriber exactly once (first run sent {cut_short})"
        );
    })
}

/// The token of the data link in a message.
fn data_token_in(raw: &[u8]) -> String {
    link_token(raw, "/newsletter/my-data")
}

#[test]
fn a_subscriber_sees_downloads_and_erases_their_address_through_a_mailed_link() {
    with_app(async |app| {
        let mail = app.config.data_dir.join("mail");
        let email = "keeper@example.com";
        subscribe(&app, email).await;
        let files = wait_for_files(|| messages_in(&mail), 1).await;
        assert_eq!(
            confirm(&app, &token_in(&files[0])).await.json(),
            "Confirmed"
        );

        // Known or not, the answer is the same; only the address on the list gets mail.
        let asked = app
            .post_form("request_data_link", &[("email", email)], None)
            .await;
        let stranger = app
            .post_form(
                "request_data_link",
                &[("email", "nobody@example.com")],
                None,
            )
            .await;
        assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
        assert_eq!(asked.body, stranger.body);
        assert_eq!(
            asked.json(),
            pulse::model::my_data::DATA_LINK_ANSWER,
            "the promised answer"
        );
        let files = wait_for_files(|| messages_in(&mail), 2).await;
        settled(&app).await;
        assert_eq!(
            messages_in(&mail).len(),
            2,
            "no mail for an unknown address"
        );
        let raw = files
            .iter()
            .find(|raw| parts(raw).0.contains("/newsletter/my-data?token="))
            .expect("the data link");
        assert_eq!(header(raw, "To").as_deref(), Some(email));
        let token = data_token_in(raw);

        // The link shows the record, on a page and as a file.
        let data = app
            .get_json(&format!("/api/subscriber_data?token={token}"))
            .await;
        assert_eq!(data.status, StatusCode::OK, "{}", data.body);
        let data = data.json();
        assert_eq!(data["email"], email);
        assert_eq!(data["status"], "confirmed");
        assert_eq!(
            data["consent_version"],
            app.config.newsletter.consent_version
        );
        assert!(data["confirmed_at"].is_string());
        let page = app.get(&format!("/newsletter/my-data?token={token}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(texts(&page.html(), "main dd").contains(&email.to_string()));
        let file = app
            .get(&format!("/newsletter/my-data.json?token={token}"))
            .await;
        assert_eq!(file.status, StatusCode::OK);
        assert!(file.header("content-disposition").starts_with("attachment"));
        assert_eq!(file.json(), data);

        // Forged, altered or expired links show nothing.
        let id = subscriber_id(&app, email).await;
        let expired = pulse::server::newsletter::data_token(&app.readers, id, email, 1_000);
        for bad in ["forged", &format!("{token}x"), &expired] {
            let reply = app
                .get_json(&format!("/api/subscriber_data?token={bad}"))
                .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{bad}");
            let file = app
                .get(&format!("/newsletter/my-data.json?token={bad}"))
                .await;
            assert_eq!(file.status, StatusCode::NOT_FOUND, "{bad}");
        }

        // Deleting needs the confirmation and Pulse's own page; then the address is gone,
        // with its messages, and the link with it.
        let erase = |confirm: &'static str| {
            let fields = [("token", token.as_str()), ("confirm", confirm)];
            app.submit(FormPost::to_api("erase_subscription").fields(&fields))
        };
        let unconfirmed = erase("").await;
        assert_eq!(unconfirmed.status, StatusCode::BAD_REQUEST);
        let forged = crate::support::cross_site_post(
            &app,
            "erase_subscription",
            &[("token", &token), ("confirm", "erase")],
            "",
        )
        .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert_eq!(status(&app, email).await, Some("confirmed"));
        let erased = erase("erase").await;
        assert_eq!(erased.status, StatusCode::OK, "{}", erased.body);
        assert_eq!(status(&app, email).await, None);
        assert_eq!(app.store.consent(email).await.expect("query"), None);
        assert_eq!(app.store.data_links_since(id, "").await.expect("query"), 0);
        let gone = app
            .get_json(&format!("/api/subscriber_data?token={token}"))
            .await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
    })
}
