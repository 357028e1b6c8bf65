//! Moderation from the desk: the queue of held and reported comments with their context,
//! approve / hide / delete / block, each reaching open pages live and recorded in the audit log
//! that only admins read; and none of it for anyone without a desk session.

use axum::http::StatusCode;
use pulse::model::editors::Role;
use pulse::model::{COMMENT_CHANGED_EVENT, COMMENT_EVENT, CommentAdded, CommentChanged};

use crate::support::{
    Editor, FormPost, Reply, TestApp, app_with, events, get_with, reader_cookie, refused_cookies,
    run, with_app,
};

const SLUG: &str = "postmortem-prompt-cache-stampede";

/// Posts as the reader with `cookie` (a new reader when `None`), expecting it stored.
async fn post(app: &TestApp, cookie: Option<&str>, body: &str) -> Reply {
    let reply = app.reader_as(cookie).post_comment(SLUG, body, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply
}

/// Reports comment `id` as a new reader each time (they got their cookie by reacting).
async fn report(app: &TestApp, id: i64, reason: &str, detail: &str) {
    let mut reader = app.known_reader(SLUG).await;
    let id = id.to_string();
    let fields = [
        ("slug", SLUG),
        ("id", id.as_str()),
        ("reason", reason),
        ("detail", detail),
    ];
    let reply = reader.post("report_comment", &fields).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// The editor's judgement `action` (with `note`) on comment `id`: the answer's status.
async fn moderate(by: &Editor<'_>, id: i64, action: &str, note: &str) -> StatusCode {
    let id = id.to_string();
    let fields = [("id", id.as_str()), ("action", action), ("note", note)];
    by.post("moderate", &fields).await.status
}

async fn queue(by: &Editor<'_>) -> serde_json::Value {
    let reply = by.get("/api/moderation_queue").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

async fn public_ids(app: &TestApp) -> Vec<i64> {
    app.brief(SLUG)
        .await
        .expect("brief")
        .comments
        .iter()
        .map(|c| c.id)
        .collect()
}

#[test]
fn reported_comments_are_judged_from_the_queue_and_pages_follow_live() {
    with_app(async |app| {
        let dana = app.editor(Role::Editor).await;
        let threshold = app.config.comments.report_threshold;

        let first = post(&app, None, "A fair point, made rudely").await;
        let first_id = first.json()["id"].as_i64().expect("id");
        let second = post(&app, None, "Buy cheap watches").await;
        let second_id = second.json()["id"].as_i64().expect("id");
        assert!(queue(&dana).await.as_array().expect("queue").is_empty());

        // One report: still shown, but in the queue. Enough reports: held, off every page.
        report(&app, first_id, "abuse", "needlessly harsh").await;
        for _ in 0..threshold {
            report(&app, second_id, "spam", "").await;
        }
        let waiting = queue(&dana).await;
        let items = waiting.as_array().expect("queue");
        assert_eq!(items.len(), 2, "{waiting}");
        assert_eq!(items[0]["id"], first_id);
        assert_eq!(items[0]["waiting"], "reported");
        assert_eq!(items[0]["brief_slug"], SLUG);
        assert_eq!(items[0]["reports"][0]["reason"], "abuse");
        assert_eq!(items[0]["reports"][0]["notes"][0], "needlessly harsh");
        assert_eq!(items[1]["waiting"], "reports");
        assert_eq!(items[1]["reports"][0]["count"], threshold);
        assert_eq!(public_ids(&app).await, [first_id]);

        // Approving the held one puts it back on every page (as a new comment to them) and
        // settles its reports; hiding the reported one takes it off every page.
        assert_eq!(
            moderate(&dana, second_id, "approve", "not spam after all").await,
            StatusCode::OK
        );
        let added: Vec<CommentAdded> = events(&app, COMMENT_EVENT).await;
        assert_eq!(added.last().map(|a| a.comment.id), Some(second_id));
        assert_eq!(moderate(&dana, first_id, "hide", "").await, StatusCode::OK);
        let changed: Vec<CommentChanged> = events(&app, COMMENT_CHANGED_EVENT).await;
        let last = changed.last().expect("a change");
        // Gone for its author too: nothing marks it as merely held.
        assert_eq!(
            (last.id, last.comment.is_none(), last.held),
            (first_id, true, false)
        );
        assert_eq!(public_ids(&app).await, [second_id]);
        let page = app.get(&format!("/pulse/{SLUG}")).await;
        assert!(!page.body.contains("made rudely"));
        assert!(queue(&dana).await.as_array().expect("queue").is_empty());

        // Hiding twice changes nothing and logs nothing; an unknown comment is 404; a bad
        // action or note is 400.
        let before = events::<CommentChanged>(&app, COMMENT_CHANGED_EVENT)
            .await
            .len();
        assert_eq!(moderate(&dana, first_id, "hide", "").await, StatusCode::OK);
        assert_eq!(
            events::<CommentChanged>(&app, COMMENT_CHANGED_EVENT)
                .await
                .len(),
            before
        );
        assert_eq!(
            moderate(&dana, 999_999, "hide", "").await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            moderate(&dana, second_id, "ban", "").await,
            StatusCode::BAD_REQUEST
        );
        let long = "x".repeat(501);
        assert_eq!(
            moderate(&dana, second_id, "hide", &long).await,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(public_ids(&app).await, [second_id]);

        // Deleting erases the text for good.
        assert_eq!(
            moderate(&dana, second_id, "delete", "on reflection").await,
            StatusCode::OK
        );
        assert!(public_ids(&app).await.is_empty());

        // The audit log: admins only, newest first, who, what and why.
        let log = dana.get("/api/audit_log").await;
        assert_eq!(log.status, StatusCode::FORBIDDEN);
        let ada = app.editor_as("ada@pulse.test", Role::Admin).await;
        let log = ada.get("/api/audit_log").await.json();
        let lines: Vec<(String, String, String)> = log
            .as_array()
            .expect("log")
            .iter()
            .map(|l| {
                (
                    l["editor_name"].as_str().unwrap_or("").to_string(),
                    l["action"].as_str().unwrap_or("").to_string(),
                    l["note"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let by_dana = |a: &str, n: &str| ("Dana Desk".to_string(), a.to_string(), n.to_string());
        assert_eq!(
            lines,
            [
                by_dana("delete", "on reflection"),
                by_dana("hide", ""),
                by_dana("approve", "not spam after all")
            ]
        );
    })
}

#[test]
fn a_blocked_readers_comments_wait_for_a_moderator() {
    run(async {
        // One reader posts three times in a row here.
        let app = app_with(&[("PULSE_COMMENTS_PER_MINUTE_PER_READER", "10")]).await;
        let dana = app.editor(Role::Editor).await;
        let first = post(&app, None, "First words").await;
        let author = reader_cookie(&first);
        let id = first.json()["id"].as_i64().expect("id");

        assert_eq!(
            moderate(&dana, id, "block", "spam run").await,
            StatusCode::OK
        );
        let held = post(&app, Some(&author), "Second words").await;
        assert_eq!(held.json()["state"], "held");
        let held_id = held.json()["id"].as_i64().expect("id");
        assert_eq!(public_ids(&app).await, [id]);
        let waiting = queue(&dana).await;
        assert_eq!(waiting[0]["id"], held_id);
        assert_eq!(waiting[0]["waiting"], "blocked");
        assert_eq!(waiting[0]["author_blocked"], true);

        assert_eq!(
            moderate(&dana, held_id, "unblock", "").await,
            StatusCode::OK
        );
        let free = post(&app, Some(&author), "Third words").await;
        assert_eq!(free.json()["state"], "visible");
        assert_eq!(public_ids(&app).await.len(), 2);
    })
}

#[test]
fn moderation_refuses_and_changes_nothing_without_a_live_session() {
    with_app(async |app| {
        let posted = post(&app, None, "Leave me be").await;
        let id = posted.json()["id"].as_i64().expect("id");
        let dana = app.editor(Role::Admin).await;
        let id_field = id.to_string();
        let hide = [("id", id_field.as_str()), ("action", "hide")];
        for (what, cookie) in refused_cookies(&app, "dana@pulse.test").await {
            for uri in ["/api/moderation_queue", "/api/audit_log"] {
                let reply = get_with(&app, uri, &cookie, &[]).await;
                assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{uri} with {what}");
            }
            let reply = app.post_form("moderate", &hide, Some(&cookie)).await;
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "moderate with {what}"
            );
        }
        let cross_site = [("sec-fetch-site", "cross-site"), ("sec-fetch-mode", "cors")];
        let reply = get_with(&app, "/api/moderation_queue", &dana.cookie, &cross_site).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        // No Origin at all, only the browser's word that the post is cross-site.
        let cross = FormPost::to_api("moderate")
            .fields(&hide)
            .cookie(dana.cookie.as_str())
            .without("origin")
            .without("accept")
            .header("sec-fetch-site", "cross-site");
        let reply = app.submit(cross).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(public_ids(&app).await, [id], "nothing changed");
    })
}
