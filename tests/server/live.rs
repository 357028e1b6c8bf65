//! The live layer over real HTTP streams: resume by id with no gaps or duplicates, resets for
//! hostile or stale cursors, slow readers cut off while others keep receiving.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use pulse::server::readers::{ReaderId, ReaderKeys};

use crate::support::{TestApp, app, run, with_app};

const SLUG: &str = "halcyon-atlas-3-release";

/// One parsed SSE event.
#[derive(Debug, Clone, PartialEq)]
struct SseEvent {
    id: Option<String>,
    kind: Option<String>,
    data: String,
}

/// An open `/live` stream.
struct Stream {
    body: Body,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, after: Option<&str>, last_event_id: Option<&str>) -> Stream {
        let uri = match after {
            Some(after) => format!("/live?after={after}"),
            None => "/live".to_string(),
        };
        Stream::open_uri(app, &uri, last_event_id).await
    }

    async fn open_uri(app: &TestApp, uri: &str, last_event_id: Option<&str>) -> Stream {
        let mut request = Request::get(uri).header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = app.raw(request.body(Body::empty()).expect("request")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Stream {
            body: response.into_body(),
            buffer: String::new(),
        }
    }

    /// The next event with data (comments and retry-only blocks are skipped), or `None` if the
    /// stream ended or stayed silent for `wait`.
    async fn next(&mut self, wait: Duration) -> Option<SseEvent> {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = SseEvent {
                    id: None,
                    kind: None,
                    data: String::new(),
                };
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        event.id = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event.kind = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        event.data.push_str(v.trim());
                    }
                }
                if event.kind.is_some() || !event.data.is_empty() {
                    return Some(event);
                }
            }
            let frame = tokio::time::timeout(wait, self.body.frame())
                .await
                .ok()??
                .ok()?;
            if let Ok(data) = frame.into_data() {
                self.buffer.push_str(&String::from_utf8_lossy(&data));
            }
        }
    }

    /// Waits (up to five seconds) for a `reading` event saying `count`, skipping others; the
    /// events it saw if none did.
    async fn reading(&mut self, count: u64) -> Result<(), Vec<SseEvent>> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(tokio::time::Instant::now()) {
            let Some(event) = self.next(left).await else {
                break;
            };
            if event.kind.as_deref() == Some("reading") {
                assert_eq!(event.id, None, "reader counts are not in the log");
                let data: serde_json::Value = serde_json::from_str(&event.data).expect("json");
                assert_eq!(data["slug"], SLUG);
                if data["count"] == count {
                    return Ok(());
                }
            }
            seen.push(event);
        }
        Err(seen)
    }

    async fn take(&mut self, n: usize) -> Vec<SseEvent> {
        let mut events = Vec::new();
        for _ in 0..n {
            events.push(self.next(Duration::from_secs(5)).await.expect("an event"));
        }
        events
    }
}

/// Toggles a reaction through the store as the server function does; its commit wakes the
/// hub by itself.
async fn toggle(app: &TestApp, reader: &pulse::server::readers::ReaderId, active: bool) {
    app.store
        .set_reaction(SLUG, "hot", reader, active)
        .await
        .expect("react")
        .expect("brief");
}

/// A reader id nobody has used.
fn new_reader() -> ReaderId {
    ReaderKeys::ephemeral().mint().expect("id")
}

async fn newest(app: &TestApp) -> i64 {
    app.store.event_bounds().await.expect("bounds").0
}

#[test]
fn a_returning_reader_gets_exactly_what_they_missed() {
    with_app(async |app| {
        let (reader, start) = (new_reader(), newest(&app).await.to_string());

        let mut stream = Stream::open(&app, Some(&start), None).await;
        toggle(&app, &reader, true).await;
        let seen = stream.take(1).await;
        assert_eq!(seen[0].kind.as_deref(), Some("reactions"));
        let payload: serde_json::Value = serde_json::from_str(&seen[0].data).expect("json");
        assert_eq!(payload["slug"], SLUG);
        assert_eq!(payload["counts"]["hot"], 1);
        drop(stream);

        // Disconnected: four more changes happen.
        for active in [false, true, false, true] {
            toggle(&app, &reader, active).await;
        }
        let last_seen = seen[0].id.clone().expect("id");
        let mut back = Stream::open(&app, Some("0"), Some(&last_seen)).await;
        let missed = back.take(4).await;
        let ids: Vec<i64> = missed
            .iter()
            .map(|e| e.id.as_deref().expect("id").parse().expect("number"))
            .collect();
        let first: i64 = last_seen.parse().expect("number");
        assert_eq!(
            ids,
            [first + 1, first + 2, first + 3, first + 4],
            "in order, no gaps"
        );
        let counts: Vec<i64> = missed
            .iter()
            .map(|e| {
                serde_json::from_str::<serde_json::Value>(&e.data).expect("json")["counts"]["hot"]
                    .as_i64()
                    .unwrap_or(0)
            })
            .collect();
        assert_eq!(counts, [0, 1, 0, 1]);
        assert!(
            back.next(Duration::from_millis(700)).await.is_none(),
            "no duplicates afterwards"
        );

        // And it keeps receiving live.
        toggle(&app, &reader, false).await;
        let live = back.take(1).await;
        assert_eq!(
            live[0].id.as_deref(),
            Some((first + 5).to_string().as_str())
        );
    })
}

#[test]
fn an_event_committed_through_one_instance_reaches_readers_of_another() {
    run(async {
        let a = app().await;
        let b = a.another_instance().await;
        let reader = new_reader();
        let start = newest(&a).await.to_string();
        let mut on_b = Stream::open(&b, Some(&start), None).await;
        // Only A's hub is told; B learns of it from the database.
        toggle(&a, &reader, true).await;
        let event = on_b
            .next(Duration::from_secs(2))
            .await
            .expect("the event reaches B");
        assert_eq!(event.kind.as_deref(), Some("reactions"));
        let payload: serde_json::Value = serde_json::from_str(&event.data).expect("json");
        assert_eq!(payload["counts"]["hot"], 1);
    })
}

#[test]
fn hostile_or_stale_cursors_get_a_reset_never_an_error() {
    with_app(async |app| {
        let reader = new_reader();
        toggle(&app, &reader, true).await;
        let head = newest(&app).await;
        for cursor in ["abc", "-5", "99999999999", "1e3", "", "0x10"] {
            let mut stream = Stream::open(&app, None, Some(cursor)).await;
            let first = stream.next(Duration::from_secs(5)).await.expect("an event");
            assert_eq!(first.kind.as_deref(), Some("reset"), "cursor {cursor:?}");
            assert_eq!(first.id, Some(head.to_string()), "cursor {cursor:?}");
        }
        // Older than the retained log: pruned away, so the reader must refetch.
        toggle(&app, &reader, false).await;
        toggle(&app, &reader, true).await;
        app.store.prune_events(1).await.expect("prune");
        let mut stream = Stream::open(&app, Some("0"), None).await;
        let first = stream.next(Duration::from_secs(5)).await.expect("an event");
        assert_eq!(first.kind.as_deref(), Some("reset"));
    })
}

#[test]
fn a_reader_who_cannot_keep_up_is_cut_off_while_others_keep_receiving() {
    with_app(async |app| {
        let (reader, start) = (new_reader(), newest(&app).await.to_string());
        let mut slow = Stream::open(&app, Some(&start), None).await;
        let mut fast = Stream::open(&app, Some(&start), None).await;

        // More events than a subscriber may buffer; the fast reader keeps up, the slow one
        // reads nothing meanwhile.
        let total = 300;
        for i in 0..total {
            toggle(&app, &reader, i % 2 == 0).await;
            if i % 50 == 49 {
                let got = fast.take(50).await;
                assert_eq!(got.len(), 50);
            }
        }
        // The slow reader's stream ends instead of growing without bound...
        let mut received = 0;
        while slow.next(Duration::from_secs(5)).await.is_some() {
            received += 1;
        }
        assert!(
            received < total,
            "the slow reader was cut off after {received} events"
        );
        // ...and the fast one is still live.
        toggle(&app, &reader, true).await;
        assert_eq!(fast.take(1).await.len(), 1);
        assert_eq!(app.live.connections(), 1, "the cut-off stream was released");
    })
}

#[test]
fn over_the_connection_limit_readers_are_told_to_retry() {
    run(async {
        let app = crate::support::app_with(&[("PULSE_LIVE_MAX_CONNECTIONS", "5")]).await;
        let mut open = Vec::new();
        for _ in 0..5 {
            open.push(Stream::open(&app, None, None).await);
        }
        let refused = app
            .raw(Request::get("/live").body(Body::empty()).expect("request"))
            .await;
        assert_eq!(
            refused.status(),
            StatusCode::OK,
            "EventSource gives up on anything else"
        );
        let body = refused
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let text = String::from_utf8_lossy(&body);
        assert!(text.lines().any(|line| line == "retry: 10000"), "{text:?}");
        drop(open);
    })
}

#[test]
fn a_stream_ends_after_its_lifetime_asking_for_a_quick_reconnect() {
    run(async {
        let app = crate::support::app_with(&[("PULSE_LIVE_STREAM_SECONDS", "1")]).await;
        let response = app
            .raw(Request::get("/live").body(Body::empty()).expect("request"))
            .await;
        let body = tokio::time::timeout(Duration::from_secs(5), response.into_body().collect())
            .await
            .expect("the stream ends by itself")
            .expect("body")
            .to_bytes();
        let text = String::from_utf8_lossy(&body);
        let last_block = text.trim_end().rsplit("\n\n").next().unwrap_or_default();
        assert!(last_block.lines().any(|l| l == "retry: 250"), "{text:?}");
        assert_eq!(app.live.connections(), 0);
    })
}

#[test]
fn a_posted_comment_reaches_open_streams_as_a_delta() {
    with_app(async |app| {
        let start = newest(&app).await.to_string();
        let mut stream = Stream::open(&app, Some(&start), None).await;
        let body =
            "slug=halcyon-atlas-3-release&name=Ada&body=Live%20hello&key=live-comment-1&website=";
        let request = Request::post("/api/post_comment")
            .header("origin", "http://pulse.test")
            .header("host", "pulse.test")
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        assert_eq!(app.send(request).await.status, StatusCode::OK);
        let event = stream.take(1).await.remove(0);
        assert_eq!(event.kind.as_deref(), Some("comment"));
        let added: pulse::model::CommentAdded =
            serde_json::from_str(&event.data).expect("a CommentAdded");
        assert_eq!(added.slug, SLUG);
        assert_eq!(added.count, 1);
        assert_eq!(added.comment.author_name, "Ada");
        assert_eq!(added.comment.body_html, "<p>Live hello</p>\n");
    })
}

#[test]
fn reading_now_counts_the_open_pages_of_a_brief_across_instances() {
    run(async {
        let a = app().await;
        let b = a.another_instance().await;
        let page = format!("/live?brief={SLUG}");
        let mut first = Stream::open_uri(&a, &page, None).await;
        first
            .reading(1)
            .await
            .expect("the first reader counts themselves");

        // A second reader through another instance: both pages hear 2.
        let mut second = Stream::open_uri(&b, &page, None).await;
        second.reading(2).await.expect("B counts A's reader");
        first.reading(2).await.expect("A hears of B's reader");

        // Streams of other pages, or naming no brief properly, or no brief there is, count
        // for nobody here.
        let mut other = Stream::open_uri(&a, "/live?brief=kestrel-7b-open-weights", None).await;
        let mut hostile = Stream::open_uri(&a, "/live?brief=%3Cscript%3E", None).await;
        let mut made_up = Stream::open_uri(&a, "/live?brief=no-such-brief-at-all", None).await;
        assert!(made_up.next(Duration::from_millis(100)).await.is_none());
        let _plain = Stream::open(&a, None, None).await;
        assert!(hostile.next(Duration::from_millis(1_500)).await.is_none());
        let event = other
            .next(Duration::from_secs(2))
            .await
            .expect("its own count");
        assert!(event.data.contains("kestrel-7b-open-weights"), "{event:?}");
        // Three pages open at once on the site: the day's peak for insight says so.
        let today = time::OffsetDateTime::now_utc().date().to_string();
        let started = std::time::Instant::now();
        loop {
            let days = a.store.site_days(&today).await.expect("insight days");
            if days.iter().any(|d| d.day == today && d.reading_peak >= 3) {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(5), "{days:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // The second page closes: the first hears 1 again.
        drop(second);
        first.reading(1).await.expect("the count falls back");
        let totals = a.live.reading();
        assert_eq!(totals.get(SLUG), Some(&1), "{totals:?}");
        assert_eq!(
            totals.get("kestrel-7b-open-weights"),
            Some(&1),
            "{totals:?}"
        );
        assert_eq!(totals.len(), 2, "{totals:?}");

        // A reload: the new page opens as the old one closes. It is first sent an estimate
        // (counting the old page too), then the real number.
        let mut reloaded = Stream::open_uri(&a, &page, None).await;
        drop(first);
        reloaded
            .reading(1)
            .await
            .expect("the real count follows the estimate");
    })
}

#[test]
fn words_edited_away_or_held_are_never_replayed() {
    run(async {
        let app = crate::support::app_with(&[("PULSE_COMMENT_REPORT_THRESHOLD", "1")]).await;
        let start = newest(&app).await.to_string();
        let mut author = app.reader();
        let id = author
            .comment(SLUG, "Original words, soon edited away", None)
            .await;
        let edited = author.edit(SLUG, id, "The words as they stand now").await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);

        let held_id = app
            .reader()
            .comment(SLUG, "Words a reader reports and the site holds", None)
            .await;
        let reported = app.reader().report(SLUG, held_id, "spam").await;
        assert_eq!(reported.status, StatusCode::OK, "{}", reported.body);

        // A reader resuming from before all of it is replayed the log as it stands.
        let mut stream = Stream::open(&app, None, Some(&start)).await;
        let mut replayed = String::new();
        while let Some(event) = stream.next(Duration::from_millis(500)).await {
            replayed.push_str(&event.data);
            replayed.push('\n');
        }
        assert!(
            replayed.contains("The words as they stand now"),
            "{replayed}"
        );
        assert!(!replayed.contains("Original words"), "{replayed}");
        assert!(
            !replayed.contains("reports and the site holds"),
            "{replayed}"
        );
    })
}

#[test]
fn one_client_address_cannot_take_every_stream() {
    use std::net::SocketAddr;

    use axum::extract::ConnectInfo;

    run(async {
        let app = crate::support::app_with(&[("PULSE_LIVE_MAX_CONNECTIONS_PER_IP", "2")]).await;
        let open_from = |ip: &str| {
            let mut request = Request::get("/live").body(Body::empty()).expect("request");
            let peer: SocketAddr = format!("{ip}:40000").parse().expect("address");
            request.extensions_mut().insert(ConnectInfo(peer));
            app.raw(request)
        };
        let busy = |text: &str| text.lines().any(|line| line == "retry: 10000");
        let first_text = |response: axum::response::Response| async move {
            let mut body = response.into_body();
            let frame = tokio::time::timeout(Duration::from_secs(2), body.frame())
                .await
                .expect("a first frame")
                .expect("a frame")
                .expect("data");
            String::from_utf8_lossy(&frame.into_data().expect("data")).into_owned()
        };
        let a = open_from("203.0.113.5").await;
        let _a2 = open_from("203.0.113.5").await;
        let b = open_from("[2001:db8:5:5::1]").await;
        let _c = open_from("[2001:db8:5:5::2]").await;
        assert_eq!(app.live.connections(), 4);
        // The third from one address (however it is spelled), or from one IPv6 /64, is told
        // to come back later…
        for ip in [
            "203.0.113.5",
            "[::ffff:203.0.113.5]",
            "[2001:db8:5:5:ffff::9]",
        ] {
            let refused = open_from(ip).await;
            assert!(busy(&first_text(refused).await), "{ip}");
        }
        assert_eq!(app.live.connections(), 4, "refusals hold no place");
        // …while everyone else still gets in, and a closed stream frees its place.
        let other = open_from("198.51.100.8").await;
        assert!(!busy(&first_text(other).await));
        drop((a, b));
        let again = open_from("[2001:db8:5:5::3]").await;
        assert!(!busy(&first_text(again).await));
        let again = open_from("203.0.113.5").await;
        assert!(!busy(&first_text(again).await));
    })
}

#[test]
fn a_long_replay_arrives_whole_in_order() {
    with_app(async |app| {
        let start = newest(&app).await;
        let reader = new_reader();
        // More events than one replay chunk.
        for i in 0..130 {
            toggle(&app, &reader, i % 2 == 0).await;
        }
        let end = newest(&app).await;
        assert_eq!(end - start, 130);
        let mut stream = Stream::open(&app, Some(&start.to_string()), None).await;
        let ids: Vec<i64> = stream
            .take(130)
            .await
            .iter()
            .map(|e| {
                e.id.as_deref()
                    .and_then(|id| id.parse().ok())
                    .expect("an id")
            })
            .collect();
        let expected: Vec<i64> = (start + 1..=end).collect();
        assert_eq!(ids, expected);
        assert!(
            stream.next(Duration::from_millis(300)).await.is_none(),
            "nothing twice"
        );
    })
}
