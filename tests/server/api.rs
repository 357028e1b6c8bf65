//! Server functions over HTTP: GET reads with clear 4xx answers, POSTs guarded by origin.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::with_app;

#[test]
fn reads_are_cacheable_and_revalidate() {
    with_app(async |app| {
        let reply = app.get_json("/api/list_briefs?page=1").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.header("cache-control"), "no-cache");
        let etag = reply.header("etag").to_string();
        assert!(etag.starts_with("W/\""), "{etag}");
        let feed = reply.json();
        assert_eq!(feed["page"], 1);
        let page_size = app.config.page_size as usize;
        assert_eq!(feed["briefs"].as_array().map(Vec::len), Some(page_size));

        let revalidate = |etag: &str| {
            Request::get("/api/list_briefs?page=1")
                .header("accept", "application/json")
                .header("if-none-match", etag)
                .body(Body::empty())
                .expect("request")
        };
        let unchanged = app.send(revalidate(&etag)).await;
        assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
        assert!(unchanged.body.is_empty());

        // After a write the same tag no longer matches: nobody sees stale counts.
        let slug = feed["briefs"][0]["slug"]
            .as_str()
            .expect("slug")
            .to_string();
        let reader = pulse::server::readers::ReaderKeys::ephemeral()
            .mint()
            .expect("id");
        app.store
            .set_reaction(&slug, "hot", &reader, true)
            .await
            .expect("react");
        let changed = app.send(revalidate(&etag)).await;
        assert_eq!(changed.status, StatusCode::OK);
        assert_ne!(changed.header("etag"), etag);

        let tools = app
            .get_json("/api/list_briefs?page=1&category=tools")
            .await
            .json();
        assert_eq!(tools["category"]["name"], "Tools");
    })
}

#[test]
fn bad_arguments_get_a_clear_4xx() {
    with_app(async |app| {
        for (uri, status) in [
            ("/api/list_briefs?page=abc", StatusCode::BAD_REQUEST),
            ("/api/list_briefs?page=0", StatusCode::BAD_REQUEST),
            ("/api/list_briefs", StatusCode::BAD_REQUEST),
            (
                "/api/list_briefs?page=1&category=..%2Fetc",
                StatusCode::BAD_REQUEST,
            ),
            (
                "/api/list_briefs?page=1&category=gossip",
                StatusCode::NOT_FOUND,
            ),
            ("/api/list_briefs?page=500", StatusCode::NOT_FOUND),
            (
                "/api/get_brief?slug=..%2F..%2Fetc%2Fpasswd",
                StatusCode::BAD_REQUEST,
            ),
            ("/api/get_brief", StatusCode::BAD_REQUEST),
            ("/api/get_brief?slug=no-such-brief", StatusCode::NOT_FOUND),
        ] {
            let reply = app.get_json(uri).await;
            assert_eq!(reply.status, status, "{uri}: {}", reply.body);
            let error = reply.json();
            let message = error
                .as_object()
                .and_then(|o| o.values().next())
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            assert!(
                !message.is_empty(),
                "{uri}: the error says what was wrong: {error}"
            );
            assert_eq!(reply.header("cache-control"), "no-store", "{uri}");
        }
    })
}

fn post_theme(theme: &str, origin: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/api/set_theme")
        .header("host", "pulse.test")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request
        .body(Body::from(format!("theme={theme}")))
        .expect("request")
}

#[test]
fn set_theme_refuses_cross_site_posts() {
    with_app(async |app| {
        let refused = app.send(post_theme("dark", Some("http://evil.test"))).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert!(refused.headers.get("set-cookie").is_none());

        let accepted = app
            .send(post_theme("dark", Some("http://pulse.test")))
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
        assert!(
            accepted
                .header("set-cookie")
                .starts_with("pulse_theme=dark;")
        );

        let bad = app
            .send(post_theme("neon", Some("http://pulse.test")))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.headers.get("set-cookie").is_none());
    })
}

#[test]
fn healthz_checks_the_database() {
    with_app(async |app| {
        let reply = app.get("/healthz").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, "ok\n");
    })
}

#[test]
fn readyz_metrics_and_request_ids_describe_the_instance() {
    with_app(async |app| {
        // Ready once the listener is up (at once on SQLite; after LISTEN on PostgreSQL).
        let mut ready = app.get("/readyz").await;
        for _ in 0..50 {
            if ready.status == StatusCode::OK {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            ready = app.get("/readyz").await;
        }
        assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
        assert_eq!(ready.body, "ready\n");

        let page = app.get("/pulse/halcyon-atlas-3-release").await;
        assert_eq!(page.header("x-request-id").len(), 16);
        let missing = app.get("/pulse/no-such-brief").await;
        assert_ne!(missing.header("x-request-id"), page.header("x-request-id"));

        let metrics = pulse::server::metrics::render(&app.state).await;
        // By route template, never by the raw path.
        assert!(
            metrics.contains(
                "pulse_http_requests_seconds_count{method=\"GET\",route=\"/pulse/{slug}\",status=\"200\"} 1\n"
            ),
            "{metrics}"
        );
        assert!(!metrics.contains("halcyon"), "{metrics}");
        assert!(metrics.contains("pulse_mail_queue_depth 0\n"), "{metrics}");
        assert!(metrics.contains("pulse_live_listening 1\n"), "{metrics}");
        assert!(metrics.contains("pulse_live_connections 0\n"), "{metrics}");
    })
}
