//! Long threads page: every page is bounded, every comment is on exactly one page, and every
//! address of a comment opens the page that holds it.

use axum::http::StatusCode;

use crate::support::{TestApp, attrs, texts, with_settings};

const SLUG: &str = "halcyon-atlas-3-release";

/// Posts a comment (a reply when `parent` is set) as a new reader; its id.
async fn post(app: &TestApp, body: &str, parent: Option<i64>) -> i64 {
    let mut grace = app.reader();
    grace.name = "Grace".to_string();
    grace.comment(SLUG, body, parent).await
}

/// The comment ids a page of the thread shows, in order.
fn shown(html: &scraper::Html) -> Vec<i64> {
    attrs(html, "#comment-thread > li", "id")
        .iter()
        .map(|id| {
            id.trim_start_matches("comment-")
                .parse()
                .expect("a comment id")
        })
        .collect()
}

#[test]
fn a_long_thread_pages_and_every_comment_is_on_exactly_one_page() {
    with_settings(&[("PULSE_COMMENT_THREAD_PAGE_SIZE", "5")], async |app| {
        let mut posted = Vec::new();
        for i in 0..12 {
            posted.push(post(&app, &format!("Comment number {i}"), None).await);
        }
        let first = posted[0];
        // Three replies to the oldest comment: they go with it, after the comments posted
        // before them in time.
        for i in 12..15 {
            post(&app, &format!("Reply number {i}"), Some(first)).await;
        }

        let newest = app.get(&format!("/pulse/{SLUG}")).await;
        assert_eq!(newest.status, StatusCode::OK);
        let html = newest.html();
        assert_eq!(shown(&html), posted[7..12], "the newest five");
        assert!(texts(&html, "a[rel=next]").is_empty(), "nothing is newer");

        // Older comments, page by page, back to the first; together they are the thread.
        let mut pages = vec![shown(&html)];
        let mut older = attrs(&html, "#comments-older a", "href");
        while let Some(href) = older.first().cloned() {
            assert!(pages.len() < 10, "the pages end");
            assert!(href.starts_with("?comments_before="), "{href}");
            let page = app.get(&format!("/pulse/{SLUG}{href}")).await;
            assert_eq!(page.status, StatusCode::OK);
            let html = page.html();
            assert_eq!(texts(&html, "#comments-newer a"), ["Newer comments"]);
            let ids = shown(&html);
            assert!(!ids.is_empty() && ids.len() <= 5, "{ids:?}");
            pages.push(ids);
            older = attrs(&html, "#comments-older a", "href");
        }
        pages.reverse();
        let all: Vec<i64> = pages.concat();
        assert_eq!(all.len(), 15, "{all:?}");
        assert_eq!(all[0], first);
        assert!(
            all[1..4].iter().all(|id| *id > posted[11]),
            "the oldest comment's replies stay with it: {all:?}"
        );
        assert_eq!(all[4..], posted[1..], "then the rest, oldest first");

        // Newer comments from the oldest page lead back to the newest.
        let oldest = app
            .get(&format!("/pulse/{SLUG}?comments_before={}", pages[1][0]))
            .await
            .html();
        assert_eq!(shown(&oldest), pages[0]);
        let newer = attrs(&oldest, "#comments-newer a", "href");
        assert_eq!(newer.len(), 1);
        let next = app.get(&format!("/pulse/{SLUG}{}", newer[0])).await.html();
        assert_eq!(shown(&next)[0], pages[1][0]);

        // The address of a comment, and the forms opened on it, show the page that holds it.
        let reply = all[2];
        for query in ["comment", "reply_to", "report"] {
            let page = app
                .get(&format!("/pulse/{SLUG}?{query}={reply}"))
                .await
                .html();
            assert!(shown(&page).contains(&reply), "?{query}={reply}");
        }
        // A link to a comment that is gone shows the newest page.
        let gone = app
            .get(&format!("/pulse/{SLUG}?comments_before=999999"))
            .await
            .html();
        assert_eq!(shown(&gone), posted[7..12]);
    })
}

#[test]
fn a_thread_of_hundreds_of_long_comments_answers_a_bounded_page() {
    with_settings(&[], async |app| {
        let words = "A long comment that fills the page with its many careful words. ".repeat(75);
        for i in 0..300 {
            post(&app, &format!("{i} {words}"), None).await;
        }
        let page = app.get(&format!("/pulse/{SLUG}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.html();
        assert_eq!(shown(&html).len(), 50);
        assert!(page.body.len() < 1024 * 1024, "{} bytes", page.body.len());
        assert_eq!(texts(&html, "#comments-older a"), ["Older comments"]);
        // The page is small enough to keep: the next readers get it from the cache (once the
        // live hub has caught up with the last post, which a cached copy is checked against).
        let mut from_cache = false;
        for _ in 0..100 {
            let hits = app.state.pages.counters().hits;
            let again = app.get(&format!("/pulse/{SLUG}")).await;
            assert_eq!(again.status, StatusCode::OK);
            if app.state.pages.counters().hits > hits {
                from_cache = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(from_cache, "the page is served from the render cache");
    })
}
