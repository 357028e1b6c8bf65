//! Reactions over HTTP: anonymous signed readers, idempotent set/unset, counts that match their
//! rows under concurrency, origin checks, rate limits, and the no-JavaScript form flow.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};

use crate::support::{Reply, TestApp, app_with, attrs, run, texts, with_app, with_settings};

/// Limits low enough to reach in a test.
const FEW_REACTIONS: &[(&str, &str)] = &[
    ("PULSE_REACTIONS_PER_MINUTE_PER_READER", "3"),
    ("PULSE_REACTIONS_PER_MINUTE_PER_IP", "5"),
];

const SLUG: &str = "kestrel-7b-open-weights";

/// A reaction post as the reaction bar's fetch sends it.
fn react(slug: &str, kind: &str, active: bool, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/api/react")
        .header("host", "pulse.test")
        .header("origin", "http://pulse.test")
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request
        .body(Body::from(format!(
            "slug={slug}&kind={kind}&active={active}"
        )))
        .expect("request")
}

/// The `name=value` part of the reader cookie a reply sets.
fn reader_cookie(reply: &Reply) -> String {
    let set = reply.header("set-cookie");
    assert!(
        set.starts_with("pulse_reader="),
        "no reader cookie in {set:?}"
    );
    set.split(';').next().unwrap_or_default().to_string()
}

async fn count(app: &TestApp, slug: &str, kind: &str) -> u32 {
    let brief = app.brief(slug).await.expect("brief");
    brief.reactions.counts.get(kind).copied().unwrap_or(0)
}

#[test]
fn reacting_is_anonymous_idempotent_and_reversible() {
    with_app(async |app| {
        let first = app.send(react(SLUG, "hot", true, None)).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let cookie = reader_cookie(&first);
        assert!(first.header("set-cookie").contains("HttpOnly"));
        let state = first.json();
        assert_eq!(state["counts"]["hot"], 1);
        assert_eq!(state["mine"], serde_json::json!(["hot"]));

        let again = app
            .send(react(SLUG, "hot", true, Some(&cookie)))
            .await
            .json();
        assert_eq!(
            again["counts"]["hot"], 1,
            "the same request twice leaves the same state"
        );

        let other = app.send(react(SLUG, "hot", true, None)).await;
        assert_eq!(
            other.json()["counts"]["hot"],
            2,
            "a second reader counts separately"
        );
        assert_eq!(other.json()["mine"], serde_json::json!(["hot"]));

        let off = app
            .send(react(SLUG, "hot", false, Some(&cookie)))
            .await
            .json();
        assert_eq!(off["counts"]["hot"], 1);
        assert_eq!(off["mine"], serde_json::json!([]));
        let off_again = app
            .send(react(SLUG, "hot", false, Some(&cookie)))
            .await
            .json();
        assert_eq!(off_again["counts"]["hot"], 1);
        assert_eq!(count(&app, SLUG, "hot").await, 1);
    })
}

#[test]
fn the_page_shows_counts_and_the_readers_own_reactions() {
    with_app(async |app| {
        let reply = app.send(react(SLUG, "useful", true, None)).await;
        let cookie = reader_cookie(&reply);

        let page = |cookie: Option<String>| {
            let mut request = Request::get(format!("/pulse/{SLUG}")).header("accept", "text/html");
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            app.send(request.body(Body::empty()).expect("request"))
        };
        let mine = page(Some(cookie)).await.html();
        let pressed = attrs(
            &mine,
            "section.reactions button[aria-pressed=true]",
            "class",
        );
        assert_eq!(pressed.len(), 1);
        let useful = texts(&mine, "section.reactions button[aria-pressed=true]");
        assert_eq!(useful, ["👍 Useful 1"]);

        let stranger = page(None).await.html();
        assert!(
            attrs(
                &stranger,
                "section.reactions button[aria-pressed=true]",
                "class"
            )
            .is_empty()
        );
        let buttons = texts(&stranger, "section.reactions button");
        assert_eq!(buttons.len(), 5);
        assert!(buttons.contains(&"👍 Useful 1".to_string()), "{buttons:?}");

        let feed = app.get("/").await.html();
        let card_counts = texts(&feed, "ol.feed__list .card__reaction");
        assert_eq!(card_counts, ["👍 Useful 1"]);
    })
}

#[test]
fn without_javascript_the_form_posts_and_comes_back() {
    with_app(async |app| {
        let request = Request::post("/api/react")
            .header("host", "pulse.test")
            .header("origin", "http://pulse.test")
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", format!("http://pulse.test/pulse/{SLUG}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "slug={SLUG}&kind=insightful&active=true"
            )))
            .expect("request");
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::FOUND);
        // Back to the brief (leptos_axum may add an empty query string).
        let location = reply.header("location");
        assert!(
            location.starts_with(&format!("http://pulse.test/pulse/{SLUG}")),
            "{location}"
        );
        reader_cookie(&reply);
        assert_eq!(count(&app, SLUG, "insightful").await, 1);
    })
}

#[test]
fn bad_and_cross_site_requests_change_nothing() {
    with_app(async |app| {
        let mut cross = react(SLUG, "hot", true, None);
        cross
            .headers_mut()
            .insert("origin", "http://evil.test".parse().expect("origin"));
        let refused = app.send(cross).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.headers.get("set-cookie").is_none());

        for (slug, kind, status) in [
            (SLUG, "angry", StatusCode::BAD_REQUEST),
            ("no-such-brief", "hot", StatusCode::NOT_FOUND),
            ("Bad_Slug", "hot", StatusCode::BAD_REQUEST),
        ] {
            let reply = app.send(react(slug, kind, true, None)).await;
            assert_eq!(reply.status, status, "{slug} {kind}: {}", reply.body);
        }
        let garbage = Request::post("/api/react")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(Body::from("slug=x&kind=hot&active=maybe"))
            .expect("request");
        assert_eq!(app.send(garbage).await.status, StatusCode::BAD_REQUEST);

        let forged = app
            .send(react(
                SLUG,
                "hot",
                true,
                Some("pulse_reader=AAAAAAAAAAAAAAAAAAAAAA.forged"),
            ))
            .await;
        assert_eq!(forged.status, StatusCode::OK);
        assert_ne!(
            reader_cookie(&forged),
            "pulse_reader=AAAAAAAAAAAAAAAAAAAAAA.forged"
        );

        assert_eq!(
            count(&app, SLUG, "hot").await,
            1,
            "only the forged-cookie request counted, as a new reader"
        );
        let drift: Vec<_> = app.store.recount_reactions().await.expect("recount");
        assert!(
            drift.iter().all(|(_, _, kept, counted)| kept == counted),
            "{drift:?}"
        );
    })
}

#[test]
fn readers_and_addresses_are_rate_limited() {
    with_settings(FEW_REACTIONS, async |app| {
        let first = app.send(react(SLUG, "hot", true, None)).await;
        let cookie = reader_cookie(&first);
        for active in [false, true] {
            let reply = app.send(react(SLUG, "hot", active, Some(&cookie))).await;
            assert_eq!(reply.status, StatusCode::OK);
        }
        let limited = app.send(react(SLUG, "hot", false, Some(&cookie))).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = limited
            .header("retry-after")
            .parse()
            .expect("Retry-After seconds");
        assert!((1..=60).contains(&retry));
        assert_eq!(
            count(&app, SLUG, "hot").await,
            1,
            "the refused request changed nothing"
        );

        // Per address: new readers from one IP; a spoofed X-Forwarded-For does not help.
        let from_ip = |kind: &str| {
            let mut request = react(SLUG, kind, true, None);
            request
                .headers_mut()
                .insert("x-forwarded-for", "198.51.100.1".parse().expect("ip"));
            request.extensions_mut().insert(ConnectInfo(
                "203.0.113.5:40000".parse::<SocketAddr>().expect("addr"),
            ));
            request
        };
        let statuses: Vec<StatusCode> = {
            let mut out = Vec::new();
            for kind in [
                "hot",
                "insightful",
                "skeptical",
                "useful",
                "worrying",
                "hot",
            ] {
                out.push(app.send(from_ip(kind)).await.status);
            }
            out
        };
        assert_eq!(&statuses[..5], [StatusCode::OK; 5]);
        assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    })
}

#[test]
fn concurrent_toggles_leave_counts_equal_to_rows() {
    run(async {
        let app = std::sync::Arc::new(
            app_with(&[("PULSE_REACTIONS_PER_MINUTE_PER_READER", "1000")]).await,
        );
        // 24 readers each set a reaction, then 8 of them take it back, all at once.
        let mut cookies = Vec::new();
        for _ in 0..24 {
            let reply = app.send(react(SLUG, "worrying", false, None)).await;
            cookies.push(reader_cookie(&reply));
        }
        let mut tasks = Vec::new();
        for (i, cookie) in cookies.iter().enumerate() {
            for active in [true, i >= 8] {
                let app = app.clone();
                let cookie = cookie.clone();
                tasks.push(tokio::spawn(async move {
                    app.send(react(SLUG, "worrying", active, Some(&cookie)))
                        .await
                        .status
                }));
            }
        }
        for task in tasks {
            assert_eq!(task.await.expect("task"), StatusCode::OK);
        }
        let kept = count(&app, SLUG, "worrying").await;
        let drift = app.store.recount_reactions().await.expect("recount");
        assert!(
            drift.iter().all(|(_, _, kept, counted)| kept == counted),
            "{drift:?}"
        );
        assert!(
            (16..=24).contains(&kept),
            "16 readers kept theirs, 8 raced set and unset: {kept}"
        );
    })
}
