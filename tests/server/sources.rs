//! The sources inbox: editors add feeds (RSS, Atom, JSON Feed) served here by a real local
//! HTTP server; Pulse fetches them at once and on schedule (conditional GET, back-off while one
//! fails), keeps one item per story, and refuses to fetch private addresses unless allowed.
//! Items start briefs, get dismissed, and are marked when a brief cites them; every change is
//! in the desk log, and nobody but an editor reaches any of it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use pulse::model::editors::Role;

use crate::support::{FormPost, TestApp, field_of_each, texts, with_app, with_settings};

const ALLOW_PRIVATE: &[(&str, &str)] = &[("PULSE_SOURCES_ALLOW_PRIVATE", "true")];

/// A feed server on 127.0.0.1: `/feed/<name>` serves what the test put there (with an ETag,
/// answering 304 to a matching If-None-Match), and it counts every request per path.
#[derive(Clone, Default)]
struct Feeds {
    bodies: Arc<Mutex<HashMap<String, String>>>,
    hits: Arc<Mutex<HashMap<String, Vec<Option<String>>>>>,
}

impl Feeds {
    async fn serve() -> (Feeds, SocketAddr) {
        let feeds = Feeds::default();
        let router = Router::new()
            .route("/feed/{name}", get(feed))
            .route("/loop", get(|| async { Redirect::temporary("/loop") }))
            .route("/hop/{n}", get(hop))
            .route("/huge", get(huge))
            .route("/streamed", get(streamed))
            .with_state(feeds.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the feed server");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        (feeds, addr)
    }

    fn put(&self, name: &str, body: String) {
        self.bodies
            .lock()
            .expect("feeds")
            .insert(name.to_string(), body);
    }

    /// The If-None-Match of each request for `path`, in order.
    fn hits(&self, path: &str) -> Vec<Option<String>> {
        self.hits
            .lock()
            .expect("hits")
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    fn total_hits(&self) -> usize {
        self.hits.lock().expect("hits").values().map(Vec::len).sum()
    }
}

async fn feed(
    State(feeds): State<Feeds>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let asked = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    feeds
        .hits
        .lock()
        .expect("hits")
        .entry(format!("/feed/{name}"))
        .or_default()
        .push(asked.clone());
    let Some(body) = feeds.bodies.lock().expect("feeds").get(&name).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", body.len());
    if asked.as_deref() == Some(etag.as_str()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    ([(header::ETAG, etag)], body).into_response()
}

/// `/hop/<n>`: `n` redirects, then the feed put as "hops".
async fn hop(State(feeds): State<Feeds>, Path(n): Path<u32>) -> Response {
    if n > 0 {
        return Redirect::temporary(&format!("/hop/{}", n - 1)).into_response();
    }
    let body = feeds.bodies.lock().expect("feeds").get("hops").cloned();
    body.map_or(
        StatusCode::NOT_FOUND.into_response(),
        IntoResponse::into_response,
    )
}

/// 7 MB in 1 MB chunks, without a length up front: the cap must hold while reading.
async fn streamed() -> Response {
    let chunk = axum::body::Bytes::from(vec![b' '; 1024 * 1024]);
    let chunks = (0..7).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
    axum::body::Body::from_stream(futures::stream::iter(chunks)).into_response()
}

async fn huge(State(feeds): State<Feeds>) -> Response {
    feeds
        .hits
        .lock()
        .expect("hits")
        .entry("/huge".into())
        .or_default()
        .push(None);
    let mut body = String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>");
    body.push_str(&"x".repeat(6 * 1024 * 1024));
    body.push_str("</title></channel></rss>");
    body.into_response()
}

/// An RSS 2.0 feed of `(title, link)` items.
fn rss(items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, link)| format!("<item><title>{title}</title><link>{link}</link></item>"))
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Lab</title>\
         <link>https://lab.example/</link><description>d</description>{items}</channel></rss>"
    )
}

/// An Atom feed of `(title, link)` entries.
fn atom(items: &[(&str, &str)]) -> String {
    let entries: String = items
        .iter()
        .enumerate()
        .map(|(i, (title, link))| {
            format!(
                "<entry><title>{title}</title><id>urn:e{i}</id><updated>2026-12-0{}T08:00:00Z</updated>\
                 <link rel=\"alternate\" href=\"{link}\"/></entry>",
                i + 1
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Papers</title>\
         <id>urn:papers</id><updated>2026-12-01T00:00:00Z</updated>{entries}</feed>"
    )
}

/// Makes every source due now, as if its poll interval had passed.
async fn all_due(app: &TestApp) {
    app.execute_sql("UPDATE sources SET next_fetch_at = '2000-01-01T00:00:00Z'")
        .await;
}

#[test]
fn an_editor_adds_sources_and_their_items_fill_the_inbox_once_each() {
    with_settings(ALLOW_PRIVATE, async |app| {
        let (feeds, addr) = Feeds::serve().await;
        let cited = app
            .brief("kestrel-7b-open-weights")
            .await
            .expect("a demo brief")
            .source_url;
        feeds.put(
            "lab",
            rss(&[
                (
                    "Atlas 4 &lt;b&gt;preview&lt;/b&gt;",
                    "https://lab.example/atlas-4?utm_source=rss",
                ),
                ("Kestrel weights", &format!("{cited}?utm_medium=feed")),
            ]),
        );
        feeds.put(
            "papers",
            atom(&[
                ("Atlas 4, the paper", "https://papers.example/atlas-4"),
                // The lab's post again, as another feed links it: shown once.
                ("Atlas 4 preview (mirror)", "http://LAB.example/atlas-4#top"),
            ]),
        );
        let dana = app.editor(Role::Editor).await;
        let added = dana
            .post(
                "add_source",
                &[
                    ("name", "Lab blog"),
                    ("url", &format!("http://{addr}/feed/lab")),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        let added = dana
            .post(
                "add_source",
                &[
                    ("name", "Papers"),
                    ("url", &format!("http://{addr}/feed/papers")),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        // The same feed twice is refused.
        let again = dana
            .post(
                "add_source",
                &[
                    ("name", "Lab again"),
                    ("url", &format!("http://{addr}/feed/lab")),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

        // Fetched at once: three stories, the lab's post once, titles as plain text.
        let inbox = dana.get("/api/desk_inbox").await.json();
        let titles = field_of_each(&inbox["items"], "title");
        assert_eq!(titles.len(), 3, "{titles:?}");
        assert!(
            titles.contains(&"Atlas 4 preview".to_string()),
            "{titles:?}"
        );
        assert!(!titles.iter().any(|t| t.contains("mirror")), "{titles:?}");
        let items = inbox["items"].as_array().expect("items");
        let kestrel = items
            .iter()
            .find(|i| i["title"] == "Kestrel weights")
            .expect("the cited story");
        assert_eq!(kestrel["cited"], true, "a brief already cites it");
        assert!(items.iter().filter(|i| i["cited"] == true).count() == 1);

        // The next poll asks conditionally; unchanged feeds bring nothing new.
        all_due(&app).await;
        assert_eq!(
            pulse::server::sources::poll_due(&app.state)
                .await
                .expect("poll"),
            0
        );
        let asked = feeds.hits("/feed/lab");
        assert_eq!(asked.len(), 2, "{asked:?}");
        assert!(asked[0].is_none() && asked[1].is_some(), "{asked:?}");

        // A new post reaches the inbox within one poll, on top.
        feeds.put(
            "lab",
            rss(&[
                ("Atlas 4 ships", "https://lab.example/atlas-4-ships"),
                ("Kestrel weights", &cited),
            ]),
        );
        all_due(&app).await;
        assert_eq!(
            pulse::server::sources::poll_due(&app.state)
                .await
                .expect("poll"),
            1
        );
        let inbox = dana.get("/api/desk_inbox").await.json();
        let newest = inbox["newest_id"].as_i64().expect("newest id");
        let news = dana
            .get(&format!("/api/inbox_news?after={}", newest - 1))
            .await;
        assert_eq!(news.json(), 1, "{}", news.body);
        let ships = inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["title"] == "Atlas 4 ships")
            .expect("the new post")
            .clone();
        let id = ships["id"].as_i64().expect("id");

        // "Start a brief" opens the editor with the title, source and link filled in.
        let opened = dana.get(&format!("/api/open_draft?item={id}")).await;
        assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
        let start = &opened.json()["start"];
        assert_eq!(start["title"], "Atlas 4 ships");
        assert_eq!(start["source_name"], "Lab blog");
        assert_eq!(start["source_url"], "https://lab.example/atlas-4-ships");
        let page = dana.page(&format!("/desk/new?item={id}")).await.html();
        let values = crate::support::attrs(&page, "input[name='fields[title]']", "value");
        assert_eq!(values, ["Atlas 4 ships"]);

        // Dismissed: gone for every editor, and logged.
        let gone = dana.post("dismiss_item", &[("id", &id.to_string())]).await;
        assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
        let twice = dana.post("dismiss_item", &[("id", &id.to_string())]).await;
        assert_eq!(twice.status, StatusCode::NOT_FOUND, "{}", twice.body);
        let other = app.editor_as("omar@pulse.test", Role::Editor).await;
        let inbox = other.get("/api/desk_inbox").await.json();
        assert!(!field_of_each(&inbox["items"], "title").contains(&"Atlas 4 ships".to_string()));

        // The pages, as an editor without JavaScript sees them.
        let html = other.page("/desk/inbox").await.html();
        let shown = texts(&html, "ol.inbox h2");
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert_eq!(texts(&html, "ol.inbox .badge"), ["Cited by a brief"]);
        let html = other.page("/desk/sources").await.html();
        assert_eq!(texts(&html, "table.desk-table tbody tr").len(), 2);

        // Removing a source takes its items; the log has everything, for admins.
        let sources = other.get("/api/desk_sources").await.json();
        let papers = sources
            .as_array()
            .expect("sources")
            .iter()
            .find(|s| s["name"] == "Papers")
            .expect("papers")["id"]
            .to_string();
        let removed = other.post("remove_source", &[("id", &papers)]).await;
        assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
        let inbox = other.get("/api/desk_inbox").await.json();
        assert_eq!(field_of_each(&inbox["items"], "title").len(), 2);
        let admin = app.editor_as("ines@pulse.test", Role::Admin).await;
        let log = admin.get("/api/desk_log").await;
        assert_eq!(log.status, StatusCode::OK, "{}", log.body);
        let actions = field_of_each(&log.json(), "action");
        assert_eq!(
            actions,
            ["RemoveSource", "DismissItem", "AddSource", "AddSource"],
            "newest first"
        );
        let refused = dana.get("/api/desk_log").await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "editors do not read the log"
        );

        // Added again, a source takes its stories back; a dismissed one stays dismissed.
        let again = other
            .post(
                "add_source",
                &[
                    ("name", "Papers"),
                    ("url", &format!("http://{addr}/feed/papers")),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.body);
        let titles = field_of_each(&other.get("/api/desk_inbox").await.json()["items"], "title");
        assert_eq!(titles.len(), 3, "{titles:?}");
        assert!(
            titles.contains(&"Atlas 4, the paper".to_string()),
            "{titles:?}"
        );
        assert!(!titles.contains(&"Atlas 4 ships".to_string()), "{titles:?}");
    });
}

#[test]
fn a_source_at_a_private_address_is_refused_unless_allowed() {
    with_app(async |app| {
        let (feeds, addr) = Feeds::serve().await;
        feeds.put("lab", rss(&[("Local", "https://lab.example/local")]));
        let dana = app.editor(Role::Editor).await;
        for url in [
            format!("http://{addr}/feed/lab"),
            format!("http://[::1]:{}/feed/lab", addr.port()),
            format!("http://2130706433:{}/feed/lab", addr.port()),
            "file:///etc/passwd".to_string(),
        ] {
            let refused = dana
                .post("add_source", &[("name", "Local"), ("url", &url)])
                .await;
            assert_eq!(
                refused.status,
                StatusCode::BAD_REQUEST,
                "{url}: {}",
                refused.body
            );
        }
        let sources = dana.get("/api/desk_sources").await.json();
        assert_eq!(sources.as_array().map(Vec::len), Some(0), "nothing stored");

        // A name that resolves to loopback is stored, but never fetched.
        let by_name = format!("http://localhost:{}/feed/lab", addr.port());
        let added = dana
            .post("add_source", &[("name", "By name"), ("url", &by_name)])
            .await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        let sources = dana.get("/api/desk_sources").await.json();
        assert_eq!(sources[0]["health"], "failing", "{sources}");
        let error = sources[0]["last_error"].as_str().unwrap_or_default();
        assert!(error.contains("no public address"), "{error}");
        assert_eq!(feeds.total_hits(), 0, "the feed server was never reached");
        let inbox = dana.get("/api/desk_inbox").await.json();
        assert_eq!(inbox["items"].as_array().map(Vec::len), Some(0));
    });
}

#[test]
fn hostile_and_broken_feeds_fail_politely_and_back_off() {
    with_settings(ALLOW_PRIVATE, async |app| {
        let (feeds, addr) = Feeds::serve().await;
        feeds.put("broken", "<html><body>not a feed</body></html>".to_string());
        feeds.put(
            "tricky",
            rss(&[
                (
                    "&lt;img src=x onerror=alert(1)&gt;Safe title",
                    "https://lab.example/tricky",
                ),
                ("Script", "javascript:alert(1)"),
            ]),
        );
        let dana = app.editor(Role::Editor).await;
        feeds.put(
            "hops",
            rss(&[("Three hops away", "https://lab.example/hops")]),
        );
        let redirects = "more than 3 redirects";
        let cases = [
            ("Huge", format!("http://{addr}/huge"), "larger than 5 MB"),
            (
                "Streamed",
                format!("http://{addr}/streamed"),
                "larger than 5 MB",
            ),
            ("Loop", format!("http://{addr}/loop"), redirects),
            ("Four hops", format!("http://{addr}/hop/4"), redirects),
            ("Broken", format!("http://{addr}/feed/broken"), "not a feed"),
            (
                "Gone",
                format!("http://{addr}/feed/missing"),
                "answered HTTP 404",
            ),
        ];
        for (name, url, _) in &cases {
            let added = dana
                .post("add_source", &[("name", name), ("url", url)])
                .await;
            assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        }
        for (name, url) in [
            ("Tricky", format!("http://{addr}/feed/tricky")),
            ("Three hops", format!("http://{addr}/hop/3")),
        ] {
            let added = dana
                .post("add_source", &[("name", name), ("url", &url)])
                .await;
            assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        }

        let sources = dana.get("/api/desk_sources").await.json();
        for (name, _, error) in &cases {
            let source = sources
                .as_array()
                .expect("sources")
                .iter()
                .find(|s| s["name"] == *name)
                .expect("the source");
            assert_eq!(source["health"], "failing", "{source}");
            assert_eq!(source["failures"], 1, "{source}");
            let said = source["last_error"].as_str().unwrap_or_default();
            assert!(said.contains(error), "{name}: {said}");
        }
        // Failing sources wait twice the poll interval; working ones are due after one.
        let before = feeds.total_hits();
        assert_eq!(
            pulse::server::sources::poll_due(&app.state)
                .await
                .expect("poll"),
            0
        );
        assert_eq!(feeds.total_hits(), before, "nothing is due yet");
        let due_in = async |minutes: i64| {
            let at = time::OffsetDateTime::now_utc() + time::Duration::minutes(minutes);
            app.store
                .due_sources(at, 100)
                .await
                .expect("due sources")
                .len()
        };
        assert_eq!(
            due_in(16).await,
            2,
            "the working sources, after one interval"
        );
        assert_eq!(due_in(29).await, 2, "the failing ones wait longer");
        assert_eq!(due_in(31).await, 2 + cases.len());

        // Hostile text is text: no element from a feed reaches the page.
        let html = dana.page("/desk/inbox").await.html();
        let mut titles = texts(&html, "ol.inbox h2");
        titles.sort();
        assert_eq!(titles, ["Safe title", "Three hops away"]);
        let hrefs = crate::support::attrs(&html, "ol.inbox h2 a", "href");
        assert!(
            hrefs.iter().all(|h| h.starts_with("https://lab.example/")),
            "{hrefs:?}"
        );
        assert_eq!(
            html.select(&scraper::Selector::parse("ol.inbox img").expect("selector"))
                .count(),
            0
        );
        let page = dana.page("/desk/sources").await.html();
        let errors = texts(&page, ".source__error");
        assert_eq!(errors.len(), cases.len(), "{errors:?}");
    });
}

#[test]
fn only_editors_reach_the_inbox_and_only_from_pulse_itself() {
    with_settings(ALLOW_PRIVATE, async |app| {
        for uri in [
            "/api/desk_inbox",
            "/api/desk_sources",
            "/api/inbox_news?after=0",
        ] {
            let reply = app.get_accepting(uri, "application/json", None).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{uri}");
        }
        let mut reader = app.reader();
        let reply = reader
            .post(
                "add_source",
                &[("name", "Mine"), ("url", "https://lab.example/feed")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
        let dana = app.editor(Role::Editor).await;
        let cross_site = FormPost::to_api("add_source")
            .fields(&[("name", "Theirs"), ("url", "https://lab.example/feed")])
            .cookie(dana.cookie.as_str())
            .origin("https://elsewhere.example");
        assert_eq!(app.submit(cross_site).await.status, StatusCode::FORBIDDEN);
        for (name, url) in [("", "https://lab.example/feed"), ("Lab", "not an address")] {
            let reply = dana
                .post("add_source", &[("name", name), ("url", url)])
                .await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{name} {url}: {}",
                reply.body
            );
        }
        let sources = dana.get("/api/desk_sources").await.json();
        assert_eq!(sources.as_array().map(Vec::len), Some(0), "nothing stored");
    });
}
