//! "My data": a reader sees, downloads and erases everything tied to their reader id, and
//! nobody else can.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::{Reply, TestApp, cross_site_post, events, reader_cookie, with_app};

const SLUG: &str = "tallyho-eval-harness-launch";

/// Posts a comment as the reader with `cookie` (a new reader if `None`); its id and the reply.
async fn comment(
    app: &TestApp,
    cookie: Option<&str>,
    body: &str,
    parent: Option<i64>,
) -> (i64, Reply) {
    let reply = app.reader_as(cookie).post_comment(SLUG, body, parent).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let id = reply.json()["id"].as_i64().expect("comment id");
    (id, reply)
}

async fn get_with(app: &TestApp, uri: &str, cookie: &str, site: &str, mode: &str) -> Reply {
    app.send(
        Request::get(uri)
            .header("cookie", cookie)
            .header("sec-fetch-site", site)
            .header("sec-fetch-mode", mode)
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

#[test]
fn a_reader_sees_downloads_and_erases_everything_tied_to_them() {
    with_app(async |app| {
        // Ada reacts, comments, and replies to Bea; Bea replies to Ada's first comment; Ada
        // reports one of Bea's comments.
        let mut ada = app.reader();
        ada.react(SLUG, "hot", true).await;
        let ada_root = ada.comment(SLUG, "Ada's first thoughts", None).await;
        let mut bea = app.reader();
        let bea_root = bea.comment(SLUG, "Bea starts a thread", None).await;
        bea.comment(SLUG, "Bea answers Ada", Some(ada_root)).await;
        let ada_reply = ada.comment(SLUG, "Ada answers Bea", Some(bea_root)).await;
        let reported = ada.report(SLUG, bea_root, "off-topic").await;
        assert_eq!(reported.status, StatusCode::OK, "{}", reported.body);
        let (ada, bea) = (ada.cookie().to_string(), bea.cookie().to_string());
        let hot_before = app.brief(SLUG).await.expect("brief").reactions.counts["hot"];

        // Ada's data, and only Ada's.
        let mine = get_with(&app, "/api/my_data", &ada, "same-origin", "cors").await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        assert_eq!(mine.header("cache-control"), "no-store");
        assert_eq!(
            mine.header("etag"),
            "",
            "private data is not tagged for caches"
        );
        let data = mine.json();
        assert_eq!(data["known"], true);
        let bodies: Vec<&str> = data["comments"]
            .as_array()
            .expect("comments")
            .iter()
            .map(|c| c["body"].as_str().expect("body"))
            .collect();
        assert_eq!(bodies, ["Ada's first thoughts", "Ada answers Bea"]);
        assert_eq!(data["reactions"][0]["kind"], "hot");
        assert_eq!(data["reactions"][0]["brief_slug"], SLUG);
        assert_eq!(data["reports"][0]["comment_id"], bea_root);
        assert_eq!(data["reports"][0]["reason"], "off-topic");
        let nobody = app.get_json("/api/my_data").await.json();
        assert_eq!(nobody["known"], false);
        assert_eq!(nobody["comments"], serde_json::json!([]));

        // The same as a file to keep; another site's script may not read either.
        let file = get_with(&app, "/my-data.json", &ada, "same-origin", "navigate").await;
        assert_eq!(file.status, StatusCode::OK);
        assert!(file.header("content-disposition").starts_with("attachment"));
        assert_eq!(file.header("cache-control"), "no-store");
        assert_eq!(file.json(), data);
        for uri in ["/api/my_data", "/my-data.json"] {
            let stolen = get_with(&app, uri, &ada, "cross-site", "cors").await;
            assert_eq!(stolen.status, StatusCode::FORBIDDEN, "{uri}");
        }

        // Erasing needs the confirmation, and only Pulse's own pages may ask.
        let unconfirmed = app
            .post_form("erase_my_data", &[("confirm", "")], Some(&ada))
            .await;
        assert_eq!(unconfirmed.status, StatusCode::BAD_REQUEST);
        let forged = cross_site_post(&app, "erase_my_data", &[("confirm", "erase")], &ada).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let still = get_with(&app, "/api/my_data", &ada, "same-origin", "cors").await;
        assert_eq!(still.json(), data, "refused erasures change nothing");

        let events_before = events::<serde_json::Value>(&app, "comment_changed")
            .await
            .len();
        let erased = app
            .post_form("erase_my_data", &[("confirm", "erase")], Some(&ada))
            .await;
        assert_eq!(erased.status, StatusCode::OK, "{}", erased.body);
        assert_eq!(
            erased.json(),
            serde_json::json!({ "comments": 2, "reactions": 1, "reports": 1, "follows": 0 })
        );
        let forget = erased
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("pulse_reader="))
            .expect("the reader cookie is cleared");
        assert!(forget.contains("Max-Age=0"), "{forget}");

        // Nothing is tied to Ada any more.
        let after = get_with(&app, "/api/my_data", &ada, "same-origin", "cors")
            .await
            .json();
        assert_eq!(after["comments"], serde_json::json!([]));
        assert_eq!(after["reactions"], serde_json::json!([]));
        assert_eq!(after["reports"], serde_json::json!([]));
        // The thread: Ada's first comment stays as "[deleted]" because Bea answered it; her
        // reply to Bea is gone. Counts follow, and open pages were told.
        let brief = app.brief(SLUG).await.expect("brief");
        let root = brief
            .comments
            .iter()
            .find(|c| c.id == ada_root)
            .expect("placeholder");
        assert_eq!(root.state, pulse::model::CommentState::Deleted);
        assert!(root.author_name.is_empty() && root.body_html.is_empty());
        assert!(brief.comments.iter().all(|c| c.id != ada_reply));
        assert_eq!(
            brief.reactions.counts.get("hot").copied().unwrap_or(0),
            hot_before - 1
        );
        let told = events::<serde_json::Value>(&app, "comment_changed").await;
        assert_eq!(told.len(), events_before + 2);
        // The live log no longer holds Ada's words for anyone resuming from an old id.
        let log = app.store.events_after(0, 10_000).await.expect("events");
        assert!(
            log.iter()
                .all(|e| !e.payload.contains("Ada's first thoughts")
                    && !e.payload.contains("Ada answers Bea"))
        );
        assert!(
            log.iter().any(|e| e.payload.contains("Bea answers Ada")),
            "Bea's stay"
        );
        // Bea's things are untouched.
        let beas = get_with(&app, "/api/my_data", &bea, "same-origin", "cors")
            .await
            .json();
        assert_eq!(beas["comments"].as_array().expect("comments").len(), 2);

        // Erasing again, or with no reader at all, finds nothing and still succeeds.
        let again = app
            .post_form("erase_my_data", &[("confirm", "erase")], Some(&ada))
            .await;
        assert_eq!(
            again.json(),
            serde_json::json!({ "comments": 0, "reactions": 0, "reports": 0, "follows": 0 })
        );
    })
}

#[test]
fn the_page_lists_the_data_and_erases_it_without_javascript() {
    with_app(async |app| {
        let (_, reply) = comment(&app, None, "A comment to list", None).await;
        let cookie = reader_cookie(&reply);
        let page = app.get_as("/my-data", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.html();
        let text = crate::support::texts(&html, "main li p");
        assert_eq!(text, ["A comment to list"]);
        assert_eq!(
            crate::support::attrs(&html, "main form[method=post]", "action"),
            ["/api/erase_my_data"]
        );

        // A plain form post comes back to the page, which says what went.
        let body = "confirm=erase";
        let done = app
            .send(
                Request::post("/api/erase_my_data")
                    .header("host", "pulse.test")
                    .header("origin", "http://pulse.test")
                    .header("accept", "text/html")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", &cookie)
                    .body(Body::from(body))
                    .expect("request"),
            )
            .await;
        assert_eq!(done.status, StatusCode::FOUND, "{}", done.body);
        assert_eq!(done.header("location"), "/my-data?erased=1,0,0,0");
        let after = app.get("/my-data?erased=1,0,0,0").await.html();
        let notice = crate::support::texts(&after, "main [role=status]");
        assert!(
            notice
                .iter()
                .any(|n| n.starts_with("Deleted 1 comment, 0 reactions, 0 reports and 0 follows.")),
            "{notice:?}"
        );
        assert_eq!(
            crate::support::texts(&after, ".empty-state"),
            ["Nothing is stored about this browser."]
        );
    })
}
