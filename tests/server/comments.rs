//! Comments over HTTP: posting, threading, idempotent retries, validation, honeypot, limits,
//! the no-JavaScript flow, hostile input shown only as text, and the live event.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::{Reply, TestApp, app, app_with, attrs, form, reader_cookie, run, texts};

const SLUG: &str = "postmortem-prompt-cache-stampede";

/// Form fields, the status they must get, and words the message must contain.
type BadCase<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str);

fn post(fields: &[(&str, &str)], cookie: Option<&str>, accept: &str) -> Request<Body> {
    let body = form(fields);
    let mut request = Request::post("/api/post_comment")
        .header("host", "pulse.test")
        .header("origin", "http://pulse.test")
        .header("accept", accept)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("content-length", body.len());
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Body::from(body)).expect("request")
}

/// A script's post of a comment by "Ada", from the reader with `cookie` (a new one if `None`).
fn comment_request(
    body: &str,
    key: &str,
    parent: Option<&str>,
    cookie: Option<&str>,
) -> Request<Body> {
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
    post(&fields, cookie, "application/json")
}

async fn comment(app: &TestApp, body: &str, key: &str, parent: Option<&str>) -> Reply {
    app.send(comment_request(body, key, parent, None)).await
}

async fn thread(app: &TestApp) -> Vec<pulse::model::Comment> {
    app.brief(SLUG).await.expect("brief").comments
}

#[test]
fn a_comment_is_stored_rendered_safely_and_shown_in_the_page() {
    run(async {
        let app = app().await;
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
    run(async {
        let app = app().await;
        let first = comment(&app, "Only once", "retry-key-1", None).await.json();
        let again = comment(&app, "Only once", "retry-key-1", None).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.json()["id"], first["id"]);
        assert_eq!(thread(&app).await.len(), 1);
    })
}

#[test]
fn the_same_submission_sent_at_once_through_two_instances_is_stored_once() {
    run(async {
        let app = app().await;
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
    run(async {
        let app = app_with(&[("PULSE_COMMENTS_PER_MINUTE_PER_READER", "100")]).await;
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
    run(async {
        let app = app().await;
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
            let reply = app.send(post(&fields, None, "application/json")).await;
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
        let mut cross = post(
            &[
                ("slug", SLUG),
                ("name", "Ada"),
                ("body", "hi"),
                ("key", "key-0000008"),
            ],
            None,
            "application/json",
        );
        cross
            .headers_mut()
            .insert("origin", "http://evil.test".parse().expect("origin"));
        assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
        assert!(thread(&app).await.is_empty());
    })
}

#[test]
fn the_honeypot_pretends_and_stores_nothing() {
    run(async {
        let app = app().await;
        let fields = [
            ("slug", SLUG),
            ("name", "Bot"),
            ("body", "buy now"),
            ("key", "bot-key-01"),
            ("website", "http://spam.example"),
        ];
        let reply = app.send(post(&fields, None, "application/json")).await;
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
    run(async {
        let app = app().await;
        let per_minute = app.config.comments.per_minute_per_reader as usize;
        let first = comment(&app, "one", "limit-key-0", None).await;
        let cookie = reader_cookie(&first);
        let mut statuses = vec![first.status];
        for i in 1..=per_minute {
            let request = comment_request(
                &format!("more {i}"),
                &format!("limit-key-{i}"),
                None,
                Some(&cookie),
            );
            statuses.push(app.send(request).await.status);
        }
        assert!(
            statuses[..per_minute].iter().all(|s| *s == StatusCode::OK),
            "{statuses:?}"
        );
        assert_eq!(statuses[per_minute], StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(thread(&app).await.len(), per_minute);
    })
}

#[test]
fn without_javascript_the_form_posts_and_lands_on_the_new_comment() {
    run(async {
        let app = app().await;
        let fields = [
            ("slug", SLUG),
            ("name", "<b>Eve</b>"),
            ("body", "From a form"),
            ("key", "form-key-01"),
            ("website", ""),
        ];
        let mut request = post(&fields, None, "text/html,application/xhtml+xml");
        request.headers_mut().insert(
            "referer",
            format!("http://pulse.test/pulse/{SLUG}")
                .parse()
                .expect("referer"),
        );
        let reply = app.send(request).await;
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
    run(async {
        let app = app().await;
        let huge = "x".repeat(200 * 1024);
        let fields = [
            ("slug", SLUG),
            ("name", "Ada"),
            ("body", huge.as_str()),
            ("key", "huge-key-01"),
        ];
        let reply = app.send(post(&fields, None, "application/json")).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(thread(&app).await.is_empty());
    })
}

#[test]
fn comment_limits_hold_across_instances_and_per_address() {
    use std::net::SocketAddr;

    use axum::extract::ConnectInfo;
    use pulse::server::rate_limit::RateLimiter;
    use pulse::server::state::AppState;
    use tower::ServiceExt;

    run(async {
        let app = app().await;
        let per_reader = app.config.comments.per_minute_per_reader as usize;
        // A second instance: its own router and in-memory limiter, the same database.
        let other = pulse::server::http::router(AppState {
            limiter: RateLimiter::default(),
            ..app.state.clone()
        });
        let first = comment(&app, "from instance one", "multi-key-0", None).await;
        let cookie = reader_cookie(&first);
        let mut statuses = vec![first.status];
        for i in 1..=per_reader {
            let request = comment_request(
                &format!("alternating {i}"),
                &format!("multi-key-{i}"),
                None,
                Some(&cookie),
            );
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
        assert!(
            statuses[..per_reader].iter().all(|s| *s == StatusCode::OK),
            "{statuses:?}"
        );
        assert_eq!(
            statuses[per_reader],
            StatusCode::TOO_MANY_REQUESTS,
            "{statuses:?}"
        );

        // Per address: new readers (no cookie) from one address share its limit.
        let per_ip = app.config.comments.per_minute_per_ip as usize;
        let mut statuses = Vec::new();
        for i in 0..=per_ip {
            let mut request = comment_request(
                &format!("same place {i}"),
                &format!("ip-key-{i}"),
                None,
                None,
            );
            let peer: SocketAddr = "203.0.113.9:50000".parse().expect("address");
            request.extensions_mut().insert(ConnectInfo(peer));
            statuses.push(app.send(request).await.status);
        }
        assert!(
            statuses[..per_ip].iter().all(|s| *s == StatusCode::OK),
            "{statuses:?}"
        );
        assert_eq!(
            statuses[per_ip],
            StatusCode::TOO_MANY_REQUESTS,
            "{statuses:?}"
        );
    })
}

#[test]
fn over_https_every_cookie_is_secure() {
    run(async {
        let app = app_with(&[("PULSE_BASE_URL", "https://pulse.test")]).await;
        let reply = app
            .send(comment_request(
                "Secure cookies only.",
                "key-secure-1",
                None,
                None,
            ))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let theme = app
            .send(
                Request::post("/api/set_theme")
                    .header("host", "pulse.test")
                    .header("origin", "https://pulse.test")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from("theme=dark"))
                    .expect("request"),
            )
            .await;
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
