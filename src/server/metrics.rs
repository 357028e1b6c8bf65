//! Operational metrics in the Prometheus text format, served on a port of their own
//! (`metrics.address`), never on the public one: requests by route and status with latency
//! histograms, the live layer's connections and events, the database pool, the mail queue.
//! Also gives every request an id that its log lines carry and its response returns.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::server::state::AppState;

/// The header that carries a request's id in both directions.
pub const REQUEST_ID: &str = "x-request-id";

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Request counts and latencies, by route, then method and status.
#[derive(Clone, Default)]
pub struct Metrics {
    requests: Arc<Mutex<BTreeMap<String, BTreeMap<Series, Histogram>>>>,
}

/// One series of a route: method, status.
type Series = (&'static str, u16);

#[derive(Default)]
struct Histogram {
    /// Observations at or below each bucket's bound (not cumulative yet).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    fn observe(&self, method: &'static str, route: &str, status: u16, seconds: f64) {
        // A poisoned lock only means another request panicked mid-update; counts stay usable.
        let mut requests = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Looked up by reference: a route seen before allocates nothing.
        let series = match requests.get_mut(route) {
            Some(series) => series,
            None => requests.entry(route.to_string()).or_default(),
        };
        let histogram = series.entry((method, status)).or_default();
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            histogram.buckets[bucket] += 1;
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    fn write_requests(&self, out: &mut String) {
        let requests = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        out.push_str(
            "# HELP pulse_http_requests_seconds Time to answer HTTP requests (to the first byte \
             of a stream), by route and status.\n# TYPE pulse_http_requests_seconds histogram\n",
        );
        let series = requests.iter().flat_map(|(route, s)| {
            s.iter()
                .map(move |((method, status), h)| (method, route, status, h))
        });
        for (method, route, status, h) in series {
            let labels = format!(
                "method=\"{}\",route=\"{}\",status=\"{status}\"",
                escape(method),
                escape(route)
            );
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "pulse_http_requests_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "pulse_http_requests_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 pulse_http_requests_seconds_sum{{{labels}}} {}\n\
                 pulse_http_requests_seconds_count{{{labels}}} {}",
                h.count, h.sum, h.count
            );
        }
    }
}

/// Label values are quoted; a route template could in theory hold a quote or backslash.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A proxy's request id is kept if it is plainly an id; otherwise a new one is made.
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .map_or_else(new_request_id, str::to_string)
}

/// A new id: this process's random prefix and a counter, 16 hex digits. Ids only correlate
/// log lines, so they need to be unique, not unpredictable (and cost no system call).
fn new_request_id() -> String {
    static PREFIX: OnceLock<u32> = OnceLock::new();
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let prefix = *PREFIX.get_or_init(|| {
        let mut bytes = [0_u8; 4];
        if getrandom::fill(&mut bytes).is_err() {
            // The time will do if the system has no randomness.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            bytes = nanos.to_be_bytes();
        }
        u32::from_be_bytes(bytes)
    });
    let mut id = String::with_capacity(16);
    let _ = write!(
        id,
        "{prefix:08x}{:08x}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    id
}

/// Middleware: stamps the request id on the request (the request log's span reads it) and
/// on the response, and records the answer's status and latency under its route template
/// (never the raw path: one series per route, whatever readers type).
pub async fn track(State(metrics): State<Metrics>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = HeaderValue::from_str(&request_id(&request)).ok();
    if let Some(value) = &id {
        request.headers_mut().insert(REQUEST_ID, value.clone());
    }
    let method = method_label(request.method());
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let family = route_family(request.uri().path());
    let mut response = next.run(request).await;
    metrics.observe(
        method,
        matched.as_ref().map_or(family, MatchedPath::as_str),
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    if let Some(value) = id {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// The method's label: the standard methods by name, anything else as `other` — a client
/// can send any token as a method, and each distinct label would be a series kept forever.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// A route label for requests no axum route matched (static files, unknown paths).
fn route_family(path: &str) -> &'static str {
    if path.starts_with("/pkg/") {
        "/pkg/{file}"
    } else {
        "(unmatched)"
    }
}

/// Everything, in the Prometheus text format.
pub async fn render(state: &AppState) -> String {
    let mut out = String::new();
    state.metrics.write_requests(&mut out);
    let live = state.live.counters();
    let gauge = |out: &mut String, name: &str, help: &str, kind: &str, value: u64| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    };
    gauge(
        &mut out,
        "pulse_live_connections",
        "Open live event streams.",
        "gauge",
        live.connections,
    );
    gauge(
        &mut out,
        "pulse_live_events_published_total",
        "Events this instance read from the log and broadcast.",
        "counter",
        live.published,
    );
    gauge(
        &mut out,
        "pulse_live_events_delivered_total",
        "Events written to readers' streams as they happened.",
        "counter",
        live.delivered,
    );
    gauge(
        &mut out,
        "pulse_live_events_replayed_total",
        "Events written to returning readers' streams from the log.",
        "counter",
        live.replayed,
    );
    gauge(
        &mut out,
        "pulse_live_streams_dropped_total",
        "Streams ended because their reader fell too far behind (they resume by id).",
        "counter",
        live.dropped,
    );
    gauge(
        &mut out,
        "pulse_live_listening",
        "1 while events committed by other instances wake this one.",
        "gauge",
        u64::from(state.live.listening()),
    );
    let pages = state.pages.counters();
    gauge(
        &mut out,
        "pulse_page_cache_hits_total",
        "Anonymous page views answered from the render cache.",
        "counter",
        pages.hits,
    );
    gauge(
        &mut out,
        "pulse_page_cache_misses_total",
        "Anonymous page views rendered afresh (and kept).",
        "counter",
        pages.misses,
    );
    let (batches, writes) = state.store.write_batches();
    gauge(
        &mut out,
        "pulse_db_write_batches_total",
        "Commits of batched writes (SQLite: writers share one commit; see repo/group_commit.rs).",
        "counter",
        batches,
    );
    gauge(
        &mut out,
        "pulse_db_batched_writes_total",
        "Writes committed in those batches.",
        "counter",
        writes,
    );
    let (size, idle) = state.store.pool_use();
    gauge(
        &mut out,
        "pulse_db_connections",
        "Database connections open in the pool.",
        "gauge",
        u64::from(size),
    );
    gauge(
        &mut out,
        "pulse_db_connections_idle",
        "Database connections open and idle.",
        "gauge",
        idle as u64,
    );
    match state.store.mail_queue_depth().await {
        Ok(depth) => gauge(
            &mut out,
            "pulse_mail_queue_depth",
            "Messages waiting to be sent.",
            "gauge",
            depth,
        ),
        Err(_) => gauge(
            &mut out,
            "pulse_db_up",
            "Whether the database answered this scrape.",
            "gauge",
            0,
        ),
    }
    out
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        render(&state).await,
    )
        .into_response()
}

/// Serves `/metrics` on `addr` until the process ends.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "metrics are served at /metrics");
    let app = Router::new()
        .route("/metrics", get(metrics))
        .with_state(state);
    axum::serve(listener, app).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labelled_by_route() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/brief/{slug}", 200, 0.003);
        metrics.observe("GET", "/brief/{slug}", 200, 0.3);
        metrics.observe("GET", "/brief/{slug}", 200, 30.0);
        let mut out = String::new();
        metrics.write_requests(&mut out);
        let labels = "method=\"GET\",route=\"/brief/{slug}\",status=\"200\"";
        for (le, n) in [
            ("0.0025", 0),
            ("0.005", 1),
            ("0.25", 1),
            ("0.5", 2),
            ("10", 2),
        ] {
            let line = format!("pulse_http_requests_seconds_bucket{{{labels},le=\"{le}\"}} {n}\n");
            assert!(out.contains(&line), "{line} in {out}");
        }
        assert!(out.contains(&format!(
            "pulse_http_requests_seconds_bucket{{{labels},le=\"+Inf\"}} 3\n"
        )));
        assert!(out.contains(&format!(
            "pulse_http_requests_seconds_count{{{labels}}} 3\n"
        )));
    }

    #[test]
    fn made_up_methods_share_one_label() {
        use axum::http::Method;
        assert_eq!(method_label(&Method::GET), "GET");
        let long = "X".repeat(4096);
        for made_up in ["BREW", "PROPFIND", long.as_str()] {
            let method = Method::from_bytes(made_up.as_bytes()).expect("a token is a method");
            assert_eq!(method_label(&method), "other");
        }
    }

    #[test]
    fn request_ids_from_proxies_are_kept_only_when_plain() {
        let with = |id: &str| {
            Request::builder()
                .header(REQUEST_ID, id)
                .body(axum::body::Body::empty())
                .expect("request")
        };
        assert_eq!(request_id(&with("abc-123.x_y")), "abc-123.x_y");
        let replaced = request_id(&with("evil\" id"));
        assert_eq!(replaced.len(), 16);
        assert!(replaced.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(request_id(&with(&"a".repeat(65))).len(), 16);
    }
}
