//! Comments over HTTP: posting, threading, idempotent retries, validation, honeypot, limits,
//! the no-JavaScript flow, hostile input shown only as text, and the live event.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::{
    FormPost, Reply, TestApp, assert_limited_after, attrs, reader_cookie, submission_key, texts,
    with_app, with_settings,
};

/// One reader posting many comments a minute.
const CHATTY_READER: &[(&str, &str)] = &[("PULSE_COMMENTS_PER_MINUTE_PER_READER", "100")];

const SLUG: &str = "postmortem-prompt-cache-stampede";

/// Form fields, the status they must get, and words the message must contain.
type BadCase<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str);

/// A post of comment form `fields`, as the comment form's script sends it.
fn post(fields: &[(&str, &str)]) -> FormPost {
    FormPost::to_api("post_comment").fields(fields)
}

/// A script's post of a comment by "Ada", from the reader with `cookie` (a new one if `None`).
fn comment_post(body: &str, key: &str, parent: Option<&str>, cookie: Option<&str>) -> FormPost {
    let mut fields = vec![
        ("slug", SLUG),
        ("name", "Ada"),
        ("body", body),
        ("key", key),
        ("website", ""),
    ];
    if let Some(parent) = parent {
        fields.push(("parent", parent));
    }
    post(&fields).cookie(cookie)
}

/// [`comment_post`], built.
fn comment_request(
    body: &str,
    key: &str,
    parent: Option<&str>,
    cookie: Option<&str>,
) -> Request<Body> {
    comment_post(body, key, parent, cookie).build()
}

/// Comment `n` of a run one reader (`cookie`, or a new one each time) posts in a row: its own
/// text and submission key.
fn one_of_many(n: usize, cookie: Option<&str>) -> FormPost {
    comment_post(
        &format!("comment number {n}"),
        &submission_key(),
        None,
        cookie,
    )
}

async fn comment(app: &TestApp, body: &str, key: &str, parent: Option<&str>) -> Reply {
    app.send(comment_request(body, key, parent, None)).await
}

async fn thread(app: &TestApp) -> Vec<pulse::model::Comment> {
    app.brief(SLUG).await.expect("brief").comments
}

#[test]
fn a_comment_is_stored_rendered_safely_and_shown_in_the_page() {
    with_app(async |app| {
        let reply = comment(
            &app,
            "Hello **world** <script>alert(1)</script>",
            "key-00000001",
            None,
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let posted = reply.json();
        let html = posted["body_html"].as_str().expect("html");
        // Parsed: the only markup is the paragraph and the bold; the script tag is text.
        let fragment = scraper::Html::parse_fragment(html);
        let elements: Vec<&str> = fragment
            .root_element()
            .descendants()
            .filter_map(|n| n.value().as_element().map(|e| e.name()))
            .filter(|name| *name != "html")
            .collect();
        assert_eq!(elements, ["p", "strong"], "{html}");
        assert_eq!(
            fragment.root_element().text().collect::<String>().trim(),
            "Hello world <script>alert(1)</script>"
        );

        let page = app.get(&format!("/pulse/{SLUG}")).await.html();
        assert_eq!(
            texts(&page, "section.comments .comments__count"),
            ["1 comment"]
        );
        assert_eq!(texts(&page, ".comment__author"), ["Ada"]);
        // The body shows the tags as text, and no script element can be closed or opened early.
        assert_eq!(
            texts(&page, ".comment__body"),
            ["Hello world <script>alert(1)</script>"]
        );
        for script in texts(&page, "script") {
            assert!(
                !script.contains("<script") && !script.contains("</script"),
                "{script}"
            );
        }
        let feed = app.get("/?page=2").await.html();
        let on_cards = texts(&app.get("/").await.html(), ".card__comments");
        let on_cards_2 = texts(&feed, ".card__comments");
        assert_eq!([on_cards, on_cards_2].concat(), ["1 comment"]);
    })
}

#[test]
fn retrying_a_submission_never_creates_a_second_comment() {
    with_app(async |app| {
        let first = comment(&app, "Only once", "retry-key-1", None).await.json();
        let again = comment(&app, "Only once", "retry-key-1", None).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.json()["id"], first["id"]);
        assert_eq!(thread(&app).await.len(), 1);
    })
}

#[test]
fn the_same_submission_sent_at_once_through_two_instances_is_stored_once() {
    with_app(async |app| {
        let other = app.another_instance().await;
        let reader = app.readers.mint().expect("reader");
        let cookie = app.readers.cookie(&reader, false);
        let cookie = cookie
            .to_str()
            .expect("ascii")
            .split(';')
            .next()
            .expect("pair");
        let sends = (0..8).map(|i| {
            let instance = if i % 2 == 0 { &app } else { &other };
            instance.send(comment_request(
                "Only once, at once",
                "race-key-1",
                None,
                Some(cookie),
            ))
        });
        let replies = futures::future::join_all(sends).await;
        let ids: Vec<String> = replies
            .iter()
            .map(|reply| {
                assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
                reply.json()["id"].to_string()
            })
            .collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        assert_eq!(thread(&app).await.len(), 1);
        assert_eq!(app.brief(SLUG).await.expect("brief").comment_count, 1);
    })
}

#[test]
fn replies_thread_under_their_parent_up_to_the_deepest_level() {
    with_settings(CHATTY_READER, async |app| {
        let root = comment(&app, "root", "thread-key-0", None).await.json()["id"].to_string();
        let other = comment(&app, "second root", "thread-key-1", None)
            .await
            .json()["id"]
            .to_string();
        let mut parent = root.clone();
        for level in 1..=5 {
            let reply = comment(
                &app,
                &format!("level {level}"),
                &format!("thread-key-l{level}"),
                Some(&parent),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            parent = reply.json()["id"].to_string();
        }
        let comments = thread(&app).await;
        let order: Vec<(String, u32)> = comments
            .iter()
            .map(|c| {
                (
                    c.body_html
                        .replace("<p>", "")
                        .replace("</p>", "")
                        .trim()
                        .to_string(),
                    c.depth,
                )
            })
            .collect();
        let max = app.config.comments.max_depth;
        assert_eq!(order[0], ("root".to_string(), 0));
        assert_eq!(
            order.last().expect("last").0,
            "second root",
            "replies come before the next root"
        );
        let depths: Vec<u32> = order[1..6].iter().map(|(_, d)| *d).collect();
        let expected: Vec<u32> = (1..=5).map(|level: u32| level.min(max)).collect();
        assert_eq!(
            depths, expected,
            "replies beyond the deepest level attach at it"
        );
        assert_ne!(root, other);
    })
}

#[test]
fn bad_submissions_get_clear_4xx_and_change_nothing() {
    with_app(async |app| {
        let long_body = "x".repeat(app.config.site.comment_max_body_chars as usize + 1);
        let long_name = "n".repeat(app.config.site.comment_max_name_chars as usize + 1);
        let cases: Vec<BadCase> = vec![
            (
                vec![
                    ("slug", SLUG),
                    ("name", "Ada"),
                    ("body", "   "),
                    ("key", "key-0000001"),
                ],
                StatusCode::BAD_REQUEST,
                "Write something",
            ),
            (
                vec![
                    ("slug", SLUG),
                    ("name", "Ada"),
                    ("body", &long_body),
                    ("key", "key-0000002"),
                ],
                StatusCode::BAD_REQUEST,
                "at most",
            ),
            (
                vec![
                    ("slug", SLUG),
                    ("name", &long_name),
                    ("body", "hi"),
                    ("key", "key-0000003"),
                ],
                StatusCode::BAD_REQUEST,
                "display name",
            ),
            (
                vec![
                    ("slug", SLUG),
                    ("name", ""),
                    ("body", "hi"),
                    ("key", "key-0000004"),
                ],
                StatusCode::BAD_REQUEST,
                "display name",
            ),
            (
                vec![
                    ("slug", SLUG),
                    ("name", "Ada\u{202E}nimda"),
                    ("body", "hi"),
                    ("key", "key-0000008"),
                ],
                StatusCode::BAD_REQUEST,
                "direction-changing",
            ),
            (
                vec![
                    ("slug", SLUG),
                    ("name", "A\u{200B}da"),
                    ("body", "hi"),
                    ("key", "key-0000009"),
                ],
                StatusCode::BAD_REQUEST,
                "invisible",
            ),
            (
                vec![
                    ("slug", SLUG),
                    ("name", "Ada"),
                    ("body", "hi"),
                    ("key", "bad key!"),
                ],
                StatusCode::BAD_REQUEST,
                "reload",
            ),
            (
                vec![
                    ("slug", SLUG),
                    ("name", "Ada"),
                    ("body", "hi"),
                    ("key", "key-0000005"),
                    ("parent", "999999"),
                ],
                StatusCode::BAD_REQUEST,
                "no longer there",
            ),
            (
                vec![
                    ("slug", SLUG),
                    ("name", "Ada"),
                    ("body", "hi"),
                    ("key", "key-0000006"),
                    ("parent", "abc"),
                ],
                StatusCode::BAD_REQUEST,
                "Invalid",
            ),
            (
                vec![
                    ("slug", "no-such-brief"),
                    ("name", "Ada"),
                    ("body", "hi"),
                    ("key", "key-0000007"),
                ],
                StatusCode::NOT_FOUND,
                "no brief",
            ),
        ];
        for (fields, status, message) in cases {
            let reply = app.submit(post(&fields)).await;
            assert_eq!(reply.status, status, "{fields:?}: {}", reply.body);
            // The error is JSON with one variant; its message (or, for a field, its `message`)
            // says what was wrong.
            let error = reply.json();
            let said = error
                .as_object()
                .and_then(|o| o.values().next())
                .and_then(|v| v.as_str().or_else(|| v["message"].as_str()))
                .unwrap_or_default();
            assert!(said.contains(message), "{fields:?}: {error}");
        }
        let cross = post(&[
            ("slug", SLUG),
            ("name", "Ada"),
            ("body", "hi"),
            ("key", "key-0000008"),
        ])
        .origin("http://evil.test");
        assert_eq!(app.submit(cross).await.status, StatusCode::FORBIDDEN);
        assert!(thread(&app).await.is_empty());
    })
}

#[test]
fn the_honeypot_pretends_and_stores_nothing() {
    with_app(async |app| {
        let fields = [
            ("slug", SLUG),
            ("name", "Bot"),
            ("body", "buy now"),
            ("key", "bot-key-01"),
            ("website", "http://spam.example"),
        ];
        let reply = app.submit(post(&fields)).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(thread(&app).await.is_empty());
        assert_eq!(
            app.store.event_bounds().await.expect("bounds").0,
            0,
            "nothing broadcast"
        );
    })
}

#[test]
fn readers_are_rate_limited() {
    with_app(async |app| {
        let per_minute = app.config.comments.per_minute_per_reader as usize;
        let first = comment(&app, "one", "limit-key-0", None).await;
        let cookie = reader_cookie(&first);
        let mut statuses = vec![first.status];
        for i in 1..=per_minute {
            statuses.push(app.submit(one_of_many(i, Some(&cookie))).await.status);
        }
        assert_limited_after(&statuses, per_minute);
        assert_eq!(thread(&app).await.len(), per_minute);
    })
}

#[test]
fn without_javascript_the_form_posts_and_lands_on_the_new_comment() {
    with_app(async |app| {
        let fields = [
            ("slug", SLUG),
            ("name", "<b>Eve</b>"),
            ("body", "From a form"),
            ("key", "form-key-01"),
            ("website", ""),
        ];
        let request = post(&fields)
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", format!("http://pulse.test/pulse/{SLUG}"));
        let reply = app.submit(request).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
        let id = thread(&app).await[0].id;
        assert_eq!(
            reply.header("location"),
            format!("/pulse/{SLUG}?comment={id}#comment-{id}")
        );
        assert!(
            reply
                .headers
                .get_all("set-cookie")
                .iter()
                .any(|c| c.to_str().unwrap_or("").starts_with("pulse_name="))
        );

        let page = app.get(&format!("/pulse/{SLUG}")).await.html();
        assert_eq!(
            texts(&page, ".comment__author"),
            ["<b>Eve</b>"],
            "names are text, never markup"
        );
        assert!(attrs(&page, ".comment__author b", "class").is_empty());
    })
}

#[test]
fn oversized_requests_are_refused_before_being_read() {
    with_app(async |app| {
        let huge = "x".repeat(200 * 1024);
        let fields = [
            ("slug", SLUG),
            ("name", "Ada"),
            ("body", huge.as_str()),
            ("key", "huge-key-01"),
        ];
        let reply = app.submit(post(&fields)).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(thread(&app).await.is_empty());
    })
}

#[test]
fn comment_limits_hold_across_instances_and_per_address() {
    use tower::ServiceExt;

    with_app(async |app| {
        let per_reader = app.config.comments.per_minute_per_reader as usize;
        // A second instance: its own router and in-memory limiter, the same database.
        let other = pulse::server::http::router(app.state.with_own_limits());
        let first = comment(&app, "from instance one", "multi-key-0", None).await;
        let cookie = reader_cookie(&first);
        let mut statuses = vec![first.status];
        for i in 1..=per_reader {
            let request = one_of_many(i, Some(&cookie)).build();
            let status = if i % 2 == 1 {
                other
                    .clone()
                    .oneshot(request)
                    .await
                    .expect("router")
                    .status()
            } else {
                app.send(request).await.status
            };
            statuses.push(status);
        }
        assert_limited_after(&statuses, per_reader);

        // Per address: new readers (no cookie) from one address share its limit.
        let per_ip = app.config.comments.per_minute_per_ip as usize;
        let mut statuses = Vec::new();
        for i in 0..=per_ip {
            let request = one_of_many(i, None).peer("203.0.113.9");
            statuses.push(app.submit(request).await.status);
        }
        assert_limited_after(&statuses, per_ip);
    })
}

#[test]
fn over_https_every_cookie_is_secure() {
    with_settings(&[("PULSE_BASE_URL", "https://pulse.test")], async |app| {
        let reply = app
            .send(comment_request(
                "Secure cookies only.",
                "key-secure-1",
                None,
                None,
            ))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let theme = FormPost::to_api("set_theme")
            .fields(&[("theme", "dark")])
            .origin("https://pulse.test")
            .without("accept");
        let theme = app.submit(theme).await;
        assert_eq!(theme.status, StatusCode::OK, "{}", theme.body);
        let cookies: Vec<String> = [&reply, &theme]
            .iter()
            .flat_map(|r| r.headers.get_all("set-cookie").iter())
            .map(|c| c.to_str().unwrap_or("").to_string())
            .collect();
        for name in ["pulse_reader=", "pulse_name=", "pulse_theme="] {
            let cookie = cookies
                .iter()
                .find(|c| c.starts_with(name))
                .unwrap_or_else(|| panic!("{name} is set: {cookies:?}"));
            assert!(cookie.ends_with("; Secure"), "{cookie}");
        }
    })
}
