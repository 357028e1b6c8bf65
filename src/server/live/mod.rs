//! The live layer: readers get every change worth pushing as a small delta over Server-Sent
//! Events, and a reader whose connection drops gets exactly what they missed when it returns.
//!
//! Writers append a [`crate::model::LiveEvent`] to the event log inside their own transaction,
//! whose commit wakes the pump (`Store::appended`): no caller has to remember to. The pump is a
//! single task that reads the log in id order and broadcasts each event once, so every stream
//! sees events in order with no gaps. A connecting reader subscribes first, then replays what
//! it missed from the log, and skips ids it already sent.
//!
//! Several instances on one PostgreSQL database share the log. Each instance keeps one
//! connection LISTENing on [`EVENTS_CHANNEL`]; a notification only wakes the pump, which reads
//! the events themselves from the log, so a notification lost with a dropped connection costs
//! nothing: on reconnecting, the pump catches up from the last id it broadcast.
//!
//! A stream opened for one brief's page (`?brief=<slug>`) also counts as a reader of it, for
//! "N reading now". Each instance reports its counts to the database and reads everyone's
//! totals back every second ([`READING_TICK`]); a changed total goes to that brief's open
//! streams as a `reading` event without an id: it is not in the log, and nobody replays it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use tokio::sync::{Notify, broadcast, mpsc, watch};

mod direct;

pub use direct::{Opening, opening, serve as serve_direct};

use crate::model::{READING_EVENT, RESET_EVENT, ReadingNow, validate_slug};
use crate::server::rate_limit::client_source;
use crate::server::repo::{EVENTS_CHANNEL, Store, StoredEvent, stamp};
use crate::server::state::AppState;

/// Events buffered per subscriber; a reader further behind than this is cut off (and resumes).
const BROADCAST_CAPACITY: usize = 256;
/// Most events replayed to a returning reader; further behind than that, they refetch.
const MAX_REPLAY: u32 = 1_000;
/// Events a replay reads from the log and writes at a time.
const REPLAY_CHUNK: u32 = 100;
/// Events the pump reads and broadcasts at a time before letting the streams drain: a batch
/// larger than a stream's buffer would cut every stream off at once.
const PUMP_BATCH: u32 = 64;
/// Events kept in the log for returning readers.
const RETAIN_EVENTS: i64 = 10_000;
/// How often the pump looks at the log even without being woken (other processes write too:
/// the command line, or other instances if a notification is lost).
const PUMP_POLL: Duration = Duration::from_millis(500);
/// Pause before listening again after the listening connection failed.
const RELISTEN: Duration = Duration::from_secs(1);
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Reconnect delay the browser is told to use.
const RETRY: Duration = Duration::from_secs(2);
/// Reconnect delay for readers refused because the server is at its connection limit.
const BUSY_RETRY: Duration = Duration::from_secs(10);
/// Reconnect delay at the end of a stream's lifetime: come straight back.
const ROTATE_RETRY: Duration = Duration::from_millis(250);
/// How often an instance reports its readers per brief and reads the totals back.
const READING_TICK: Duration = Duration::from_secs(1);
/// How often an instance touches its reading rows even when nothing changed.
const READING_HEARTBEAT: Duration = Duration::from_secs(10);
/// Reading rows older than this belong to an instance that stopped: they no longer count.
const READING_STALE: time::Duration = time::Duration::seconds(30);

/// One logged event as it goes over the wire: rendered once by the pump and shared by every
/// stream (a clone is a reference count), so fanning out to thousands of readers formats
/// nothing per reader.
#[derive(Clone)]
struct Frame {
    id: i64,
    bytes: Bytes,
}

impl Frame {
    fn of(event: &StoredEvent) -> Frame {
        Frame {
            id: event.id,
            bytes: sse_frame(Some(event.id), Some(&event.kind), &event.payload, None),
        }
    }
}

/// A brief's reader count, rendered once for all its streams.
struct ReadingFrame {
    slug: String,
    bytes: Bytes,
}

#[derive(Clone)]
pub struct LiveHub {
    inner: Arc<Inner>,
}

struct Inner {
    sender: broadcast::Sender<Frame>,
    /// The store notifies it after every commit that appended to the log.
    wake: Arc<Notify>,
    connections: AtomicUsize,
    max_connections: usize,
    stream_lifetime: Duration,
    /// Id of the newest event broadcast so far.
    head: AtomicI64,
    closing: watch::Sender<bool>,
    /// Whether changes committed by other instances wake this one (always, on SQLite: there
    /// are no other instances).
    listening: AtomicBool,
    published: AtomicU64,
    delivered: AtomicU64,
    replayed: AtomicU64,
    dropped: AtomicU64,
    /// This instance's open streams per brief slug.
    readers: Mutex<HashMap<String, u32>>,
    /// This instance's open streams per client source (an address, or an IPv6 /64).
    sources: Mutex<HashMap<String, u32>>,
    /// Open streams per brief over every instance, as last read from the database.
    reading: Mutex<HashMap<String, u32>>,
    /// Briefs that gained a stream since the last tick: that stream was sent an estimate, so
    /// the next tick sends their real total even if it did not change.
    fresh: Mutex<HashSet<String>>,
    reading_sender: broadcast::Sender<Arc<ReadingFrame>>,
    /// The shards that serve streams straight from their sockets (see `direct`), one per
    /// server thread; unset for a hub that serves no streams.
    shards: OnceLock<Vec<mpsc::UnboundedSender<direct::Joining>>>,
    /// Which shard takes the next stream.
    next_shard: AtomicUsize,
}

impl Inner {
    fn readers(&self) -> std::sync::MutexGuard<'_, HashMap<String, u32>> {
        self.readers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sources(&self) -> std::sync::MutexGuard<'_, HashMap<String, u32>> {
        self.sources.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn reading(&self) -> std::sync::MutexGuard<'_, HashMap<String, u32>> {
        self.reading.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fresh(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.fresh.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What the live layer has done since start (for `/metrics`).
#[derive(Debug, Clone, Copy, Default)]
pub struct LiveCounters {
    pub connections: u64,
    /// Events read from the log and broadcast.
    pub published: u64,
    /// Events written to streams as they happened.
    pub delivered: u64,
    /// Events written to returning readers' streams from the log.
    pub replayed: u64,
    /// Streams cut off because their reader fell too far behind.
    pub dropped: u64,
}

impl LiveHub {
    /// Starts the pump for `store`'s event log (and, on PostgreSQL, the listener that hears
    /// other instances' commits, and "reading now").
    pub fn start(store: Store, max_connections: usize, stream_lifetime: Duration) -> LiveHub {
        let hub = LiveHub::new(&store, max_connections, stream_lifetime);
        if let Some(pool) = store.postgres_pool() {
            tokio::spawn(listen(pool.clone(), Arc::downgrade(&hub.inner)));
        }
        tokio::spawn(reading_now(store.clone(), Arc::downgrade(&hub.inner)));
        tokio::spawn(pump(store, Arc::downgrade(&hub.inner)));
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let shards = (0..threads)
            .map(|_| {
                let (joining, arrivals) = mpsc::unbounded_channel();
                tokio::spawn(direct::shard(Arc::downgrade(&hub.inner), arrivals));
                joining
            })
            .collect();
        let _ = hub.inner.shards.set(shards);
        hub
    }

    /// A hub that runs nothing and accepts no streams: for the command line, which serves no
    /// readers.
    pub fn idle(store: Store) -> LiveHub {
        LiveHub::new(&store, 0, Duration::ZERO)
    }

    fn new(store: &Store, max_connections: usize, stream_lifetime: Duration) -> LiveHub {
        let (sender, _) = broadcast::channel(BROADCAST_CAPACITY);
        let inner = Arc::new(Inner {
            sender,
            wake: store.appended(),
            connections: AtomicUsize::new(0),
            max_connections,
            stream_lifetime,
            head: AtomicI64::new(0),
            closing: watch::Sender::new(false),
            listening: AtomicBool::new(store.postgres_pool().is_none()),
            published: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
            replayed: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            readers: Mutex::new(HashMap::new()),
            sources: Mutex::new(HashMap::new()),
            reading: Mutex::new(HashMap::new()),
            fresh: Mutex::new(HashSet::new()),
            reading_sender: broadcast::channel(BROADCAST_CAPACITY).0,
            shards: OnceLock::new(),
            next_shard: AtomicUsize::new(0),
        });
        LiveHub { inner }
    }

    /// Ends every open stream (readers reconnect elsewhere or after a restart).
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    /// Id of the newest event broadcast: a page rendered now is current to at least this.
    pub fn head(&self) -> i64 {
        self.inner.head.load(Ordering::Relaxed)
    }

    /// Whether events committed by other instances reach this one right away (for /readyz).
    pub fn listening(&self) -> bool {
        self.inner.listening.load(Ordering::Relaxed)
    }

    pub fn counters(&self) -> LiveCounters {
        let inner = &self.inner;
        LiveCounters {
            connections: inner.connections.load(Ordering::Relaxed) as u64,
            published: inner.published.load(Ordering::Relaxed),
            delivered: inner.delivered.load(Ordering::Relaxed),
            replayed: inner.replayed.load(Ordering::Relaxed),
            dropped: inner.dropped.load(Ordering::Relaxed),
        }
    }

    /// Open streams right now.
    pub fn connections(&self) -> usize {
        self.inner.connections.load(Ordering::Relaxed)
    }

    /// Open streams per brief over every instance, as last read (at most a tick old).
    pub fn reading(&self) -> HashMap<String, u32> {
        self.inner.reading().clone()
    }
}

/// Reports this instance's readers per brief and reads everyone's totals back, every tick;
/// changed totals go to the streams of those briefs. Stops (clearing this instance's rows)
/// when the hub is gone.
async fn reading_now(store: Store, hub: Weak<Inner>) {
    // Which instance the rows are; random, so a restarted process starts afresh.
    let mut id = [0u8; 12];
    let instance = match getrandom::fill(&mut id) {
        Ok(()) => id.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        Err(_) => format!("pid-{}", std::process::id()),
    };
    let mut reported: HashMap<String, u32> = HashMap::new();
    let mut reported_at = tokio::time::Instant::now();
    let mut peak = Peak::default();
    loop {
        tokio::time::sleep(READING_TICK).await;
        let Some(inner) = hub.upgrade() else {
            let _ = store.forget_reading(&instance).await;
            return;
        };
        let now = time::OffsetDateTime::now_utc();
        let stale = stamp(now - READING_STALE);
        let mine = inner.readers().clone();
        let heartbeat = !mine.is_empty() && reported_at.elapsed() >= READING_HEARTBEAT;
        if (mine != reported || heartbeat)
            && store
                .report_reading(&instance, &mine, &stamp(now), &stale)
                .await
                .is_ok()
        {
            reported = mine;
            reported_at = tokio::time::Instant::now();
        }
        let Ok(totals) = store.reading_totals(&stale).await else {
            continue;
        };
        peak.see(&store, now, totals.values().sum()).await;
        let fresh: HashSet<String> = std::mem::take(&mut *inner.fresh());
        let changed: BTreeMap<String, u32> = {
            let mut last = inner.reading();
            let mut changed: BTreeMap<String, u32> = totals
                .iter()
                .filter(|(slug, n)| last.get(*slug) != Some(n) || fresh.contains(*slug))
                .map(|(slug, n)| (slug.clone(), *n))
                .collect();
            for slug in last.keys().chain(fresh.iter()) {
                if !totals.contains_key(slug) {
                    changed.insert(slug.clone(), 0);
                }
            }
            *last = totals;
            changed
        };
        for (slug, count) in changed {
            let bytes = reading_frame(&ReadingNow {
                slug: slug.clone(),
                count,
            });
            let _ = inner
                .reading_sender
                .send(Arc::new(ReadingFrame { slug, bytes }));
        }
    }
}

/// The highest total of pages open at once seen today, written to the store when it rises (a
/// write only then, not every tick).
#[derive(Default)]
struct Peak {
    day: String,
    total: u32,
}

impl Peak {
    async fn see(&mut self, store: &Store, now: time::OffsetDateTime, total: u32) {
        let day = stamp(now).get(..10).unwrap_or_default().to_string();
        if day != self.day {
            self.day = day;
            self.total = 0;
        }
        if total > self.total && store.record_reading_peak(&self.day, total).await.is_ok() {
            self.total = total;
        }
    }
}

/// Broadcasts committed events in id order; stops when the hub is gone.
async fn pump(store: Store, hub: Weak<Inner>) {
    let mut last = match store.event_bounds().await {
        Ok((newest, _)) => newest,
        Err(_) => 0,
    };
    let mut last_prune = last;
    if let Some(inner) = hub.upgrade() {
        inner.head.store(last, Ordering::Relaxed);
    }
    loop {
        // Held for one bounded round only, so the pump ends soon after the hub is dropped.
        let Some(inner) = hub.upgrade() else { return };
        let _ = tokio::time::timeout(PUMP_POLL, inner.wake.notified()).await;
        loop {
            match store.events_after(last, PUMP_BATCH).await {
                Ok(batch) if batch.is_empty() => break,
                Ok(batch) => {
                    for event in batch {
                        last = event.id;
                        inner.published.fetch_add(1, Ordering::Relaxed);
                        // No receivers is fine: nobody is watching.
                        let _ = inner.sender.send(Frame::of(&event));
                    }
                    inner.head.store(last, Ordering::Relaxed);
                    // Let the streams take this batch before the next one arrives.
                    tokio::task::yield_now().await;
                }
                Err(_) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
        if last - last_prune >= 1_000 && store.prune_events(RETAIN_EVENTS).await.is_ok() {
            last_prune = last;
        }
    }
}

/// Keeps one connection LISTENing for events committed anywhere, and wakes the pump for each,
/// and after every reconnect (to catch up on what was committed while it was away). Stops
/// when the hub is gone.
async fn listen(pool: sqlx::PgPool, hub: Weak<Inner>) {
    use sqlx::postgres::PgListener;
    loop {
        let listener = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(EVENTS_CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = match listener.await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for events; retrying");
                if hub.strong_count() == 0 {
                    return;
                }
                tokio::time::sleep(RELISTEN).await;
                continue;
            }
        };
        loop {
            let Some(inner) = hub.upgrade() else { return };
            inner.listening.store(true, Ordering::Relaxed);
            inner.wake.notify_one();
            drop(inner);
            match listener.try_recv().await {
                Ok(Some(_)) => {}
                // The connection dropped and a new one now listens: catch up.
                Ok(None) => tracing::warn!("event listener reconnected"),
                Err(error) => {
                    tracing::warn!(%error, "event listener failed; listening again");
                    if let Some(inner) = hub.upgrade() {
                        inner.listening.store(false, Ordering::Relaxed);
                    }
                    tokio::time::sleep(RELISTEN).await;
                    break;
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct LiveQuery {
    /// The event id the page was rendered at; `Last-Event-ID` wins when the browser sends one.
    after: Option<String>,
    /// The brief whose page is open, if it is a brief's page: the stream counts as its reader.
    brief: Option<String>,
}

/// Counts an open stream (and its source's streams, and its brief's reader) for as long as
/// it lives.
struct ConnectionGuard {
    inner: Arc<Inner>,
    source: Option<String>,
    brief: Option<String>,
}

impl ConnectionGuard {
    /// Takes a place for a stream from `source`, or `None` when the server, or that source,
    /// has as many open as it may.
    fn new(inner: Arc<Inner>, source: Option<String>, per_source: u32) -> Option<ConnectionGuard> {
        if inner.connections.fetch_add(1, Ordering::Relaxed) >= inner.max_connections {
            inner.connections.fetch_sub(1, Ordering::Relaxed);
            return None;
        }
        // From here on, dropping the guard gives every place back.
        let mut guard = ConnectionGuard {
            inner,
            source: None,
            brief: None,
        };
        if let Some(source) = source {
            let mut sources = guard.inner.sources();
            let open = sources.entry(source.clone()).or_default();
            if *open >= per_source {
                drop(sources);
                return None;
            }
            *open += 1;
            drop(sources);
            guard.source = Some(source);
        }
        Some(guard)
    }

    /// Counts the stream as a reader of `slug` too.
    fn reading(&mut self, slug: String) {
        *self.inner.readers().entry(slug.clone()).or_default() += 1;
        self.inner.fresh().insert(slug.clone());
        self.brief = Some(slug);
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.inner.connections.fetch_sub(1, Ordering::Relaxed);
        if let Some(source) = &self.source {
            let mut sources = self.inner.sources();
            if let Some(n) = sources.get_mut(source) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    sources.remove(source);
                }
            }
        }
        if let Some(slug) = &self.brief {
            let mut readers = self.inner.readers();
            if let Some(n) = readers.get_mut(slug) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    readers.remove(slug);
                }
            }
        }
    }
}

/// One Server-Sent Events block: optional id and type, the data (one `data:` line per line of
/// it), and an optional reconnect delay.
fn sse_frame(id: Option<i64>, kind: Option<&str>, data: &str, retry: Option<Duration>) -> Bytes {
    let mut out = String::with_capacity(data.len() + 48);
    if let Some(id) = id {
        out.push_str("id: ");
        out.push_str(&id.to_string());
        out.push('\n');
    }
    if let Some(kind) = kind {
        out.push_str("event: ");
        out.push_str(kind);
        out.push('\n');
    }
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line.trim_end_matches('\r'));
        out.push('\n');
    }
    if let Some(retry) = retry {
        out.push_str("retry: ");
        out.push_str(&retry.as_millis().to_string());
        out.push('\n');
    }
    out.push('\n');
    Bytes::from(out)
}

/// A comment line (ignored by the browser) with an optional reconnect delay.
fn sse_comment(text: &str, retry: Option<Duration>) -> Bytes {
    let retry = retry.map_or(String::new(), |r| format!("retry: {}\n", r.as_millis()));
    Bytes::from(format!(": {text}\n{retry}\n"))
}

fn reading_frame(reading: &ReadingNow) -> Bytes {
    let data = serde_json::to_string(reading).unwrap_or_default();
    sse_frame(None, Some(READING_EVENT), &data, None)
}

fn reset_frame(newest: i64) -> Bytes {
    sse_frame(Some(newest), Some(RESET_EVENT), "{}", Some(RETRY))
}

/// A stream answer: the frames as they come, never compressed or buffered on the way.
fn event_stream(frames: impl Stream<Item = Bytes> + Send + 'static) -> Response {
    let mut response = Body::from_stream(frames.map(Ok::<_, Infallible>)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // nginx and similar proxies would otherwise hold events back to fill their buffers.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// A stream accepted by [`open`]: what it is sent first, what it replays, and what it listens
/// to from then on.
struct Opened {
    first: Vec<Bytes>,
    /// Events to replay from the log: after this id, up to `newest`.
    replay_after: Option<i64>,
    /// The newest event when the stream opened: live events start after it.
    newest: i64,
    receiver: broadcast::Receiver<Frame>,
    reading: Option<broadcast::Receiver<Arc<ReadingFrame>>>,
    deadline: tokio::time::Instant,
    guard: ConnectionGuard,
}

/// Decides what a new stream gets, for streams hyper serves ([`stream`]) and those served
/// straight from the socket ([`direct`]) alike: a place within the connection limits, the
/// brief it reads (if published), and where it starts (live, a replay, or a reset). `None`:
/// refused, to be told to come back later.
async fn open(state: &AppState, parts: &Parts, query: LiveQuery) -> Option<Opened> {
    let inner = state.live.inner.clone();
    let limits = &state.config.limits;
    let source = client_source(parts, &limits.trusted_proxies);
    let mut guard =
        ConnectionGuard::new(inner.clone(), source, limits.live_max_connections_per_ip)?;
    // A malformed slug, or one of no published brief, counts as no brief: nobody is told
    // about it, and made-up slugs cannot fill the reading table (`presence`).
    let brief = match query.brief.filter(|slug| validate_slug(slug).is_ok()) {
        Some(slug) => match state.store.brief_is_published(&slug).await {
            Ok(true) => Some(slug),
            Ok(false) => None,
            Err(_) => return None,
        },
        None => None,
    };
    if let Some(slug) = &brief {
        guard.reading(slug.clone());
    }

    // Subscribe before reading the log, so nothing committed in between is missed.
    let receiver = inner.sender.subscribe();
    let reading = brief.as_ref().map(|_| inner.reading_sender.subscribe());
    let (newest, oldest) = state.store.event_bounds().await.ok()?;
    let cursor = parts
        .headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(query.after);

    let mut first = Vec::new();
    let mut replay_after = None;
    match cursor.map(|raw| raw.trim().parse::<i64>()) {
        // No cursor: live from now on.
        None => first.push(sse_comment("live", Some(RETRY))),
        Some(Ok(after)) if (oldest - 1..=newest).contains(&after) => {
            // Ids only grow, so the distance bounds the count; only a long way back needs
            // the log to say how many are really there.
            let too_many = newest - after > i64::from(MAX_REPLAY)
                && state.store.count_events_after(after).await.ok()? > i64::from(MAX_REPLAY);
            if too_many {
                first.push(reset_frame(newest));
            } else {
                first.push(sse_comment("resumed", Some(RETRY)));
                replay_after = Some(after);
            }
        }
        // Malformed, from the future, or older than the log: start over cleanly.
        Some(_) => first.push(reset_frame(newest)),
    }
    if let Some(slug) = &brief {
        // The last total, with this reader, until the next tick counts them properly.
        let others = inner.reading().get(slug).copied().unwrap_or(0);
        first.push(reading_frame(&ReadingNow {
            slug: slug.clone(),
            count: others + 1,
        }));
    }
    Some(Opened {
        first,
        replay_after,
        newest,
        receiver,
        reading,
        deadline: tokio::time::Instant::now() + inner.stream_lifetime,
        guard,
    })
}

/// `GET /live`: the event stream for one open page, served through hyper (a connection that
/// asked for something else first, HTTP/2, and the in-process tests; see [`direct`] for the
/// usual way).
pub async fn stream(
    State(state): State<AppState>,
    parts: Parts,
    Query(query): Query<LiveQuery>,
) -> Response {
    // A browser's EventSource gives up for good on any non-200 answer, so a refusal is a
    // 200 stream that only says "retry later" and ends.
    let Some(opened) = open(&state, &parts, query).await else {
        return busy_response();
    };
    let replay = opened.replay_after.map(|after| {
        replayed(
            state.store.clone(),
            state.live.inner.clone(),
            after,
            opened.newest,
        )
    });
    let live = live_events(
        opened.receiver,
        opened.reading,
        opened.newest,
        state.live.inner.closing.subscribe(),
        opened.deadline,
        opened.guard,
    );
    // A replay that fails part way ends the stream there (`None`): going live after a gap
    // would lose events for good, while a browser that reconnects resumes from what it got.
    let frames = stream::iter(opened.first.into_iter().map(Some))
        .chain(stream::iter(replay).flatten())
        .chain(live.map(Some))
        .take_while(|frame| std::future::ready(frame.is_some()))
        .filter_map(std::future::ready);
    event_stream(frames)
}

/// What a returning reader missed, from just after `after` up to `until` (what the live
/// broadcast covers from there on), read from the log [`REPLAY_CHUNK`] events at a time as the
/// stream drains, so a long replay is never held in memory whole. A failing read yields
/// `None` and stops.
fn replayed(
    store: Store,
    inner: Arc<Inner>,
    after: i64,
    until: i64,
) -> impl Stream<Item = Option<Bytes>> + Send {
    stream::unfold(Some(after), move |cursor| {
        let (store, inner) = (store.clone(), inner.clone());
        async move {
            let cursor = cursor.filter(|c| *c < until)?;
            let Ok(events) = store.events_after(cursor, REPLAY_CHUNK).await else {
                return Some((None, None));
            };
            let events: Vec<&StoredEvent> = events.iter().filter(|e| e.id <= until).collect();
            let last = events.last()?.id;
            inner
                .replayed
                .fetch_add(events.len() as u64, Ordering::Relaxed);
            let mut bytes = Vec::new();
            for event in events {
                bytes.extend_from_slice(&Frame::of(event).bytes);
            }
            Some((Some(Bytes::from(bytes)), Some(last)))
        }
    })
}

/// Broadcast events after `last_sent`, until the stream's lifetime is up (the reader is told
/// to come straight back), the reader falls too far behind (they resume by id), or the server
/// shuts down. A stream silent for [`KEEP_ALIVE`] gets a comment line, so that proxies and
/// browsers keep it open.
fn live_events(
    receiver: broadcast::Receiver<Frame>,
    reading: Option<broadcast::Receiver<Arc<ReadingFrame>>>,
    last_sent: i64,
    closing: watch::Receiver<bool>,
    deadline: tokio::time::Instant,
    guard: ConnectionGuard,
) -> impl Stream<Item = Bytes> {
    let state = Some((receiver, reading, last_sent, closing, guard));
    stream::unfold(state, move |state| async move {
        let (mut receiver, mut reading, mut last_sent, mut closing, guard) = state?;
        // One timer per stream: whichever comes first of the keep-alive and the end of life.
        let wake = deadline.min(tokio::time::Instant::now() + KEEP_ALIVE);
        loop {
            if *closing.borrow() {
                return None;
            }
            let received = tokio::select! {
                received = receiver.recv() => received,
                Some(frame) = next_reading(&mut reading, guard.brief.as_deref()) => {
                    let bytes = frame.bytes.clone();
                    return Some((bytes, Some((receiver, reading, last_sent, closing, guard))));
                }
                _ = closing.changed() => return None,
                () = tokio::time::sleep_until(wake) => {
                    if wake >= deadline {
                        return Some((sse_comment("reconnect", Some(ROTATE_RETRY)), None));
                    }
                    let keep_alive = Bytes::from_static(b":\n\n");
                    return Some((keep_alive, Some((receiver, reading, last_sent, closing, guard))));
                }
            };
            match received {
                Ok(frame) if frame.id <= last_sent => continue,
                Ok(frame) => {
                    // Whatever else is already waiting goes out in the same write.
                    let batch = Batch::gather(frame, &mut receiver);
                    guard
                        .inner
                        .delivered
                        .fetch_add(batch.starts.len() as u64, Ordering::Relaxed);
                    if batch.lagged {
                        // What was joined still goes; the reader resumes after its last id.
                        guard.inner.dropped.fetch_add(1, Ordering::Relaxed);
                        return Some((batch.bytes, None));
                    }
                    last_sent = batch.last;
                    return Some((
                        batch.bytes,
                        Some((receiver, reading, last_sent, closing, guard)),
                    ));
                }
                // Lagged: this reader cannot keep up; ending the stream bounds its memory, and
                // the browser reconnects with Last-Event-ID.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    guard.inner.dropped.fetch_add(1, Ordering::Relaxed);
                    return None;
                }
                // Closed: the hub is gone.
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

/// Most frames joined into one write.
const MAX_JOINED: usize = 64;

/// Events that arrived together, as one piece of bytes, with where each starts.
struct Batch {
    bytes: Bytes,
    /// (id, offset) of each event, in id order.
    starts: Vec<(i64, usize)>,
    last: i64,
    /// The subscription fell behind while gathering: whoever reads it must end after these.
    lagged: bool,
}

impl Batch {
    /// `first` and the frames already waiting behind it (up to [`MAX_JOINED`]), as one piece
    /// of bytes (no copy when nothing waits).
    fn gather(first: Frame, frames: &mut broadcast::Receiver<Frame>) -> Batch {
        let mut starts = vec![(first.id, 0)];
        let mut last = first.id;
        let mut joined: Option<Vec<u8>> = None;
        let mut lagged = false;
        while starts.len() < MAX_JOINED {
            let next = match frames.try_recv() {
                Ok(next) => next,
                Err(broadcast::error::TryRecvError::Lagged(_)) => {
                    lagged = true;
                    break;
                }
                Err(_) => break,
            };
            if next.id <= last {
                continue;
            }
            let bytes = joined.get_or_insert_with(|| first.bytes.to_vec());
            starts.push((next.id, bytes.len()));
            bytes.extend_from_slice(&next.bytes);
            last = next.id;
        }
        Batch {
            bytes: joined.map_or(first.bytes, Bytes::from),
            starts,
            last,
            lagged,
        }
    }

    /// What a stream that was last sent `last_sent` still needs of this batch, and how many
    /// events that is.
    fn after(&self, last_sent: i64) -> Option<(&[u8], u64)> {
        let from = self.starts.iter().position(|(id, _)| *id > last_sent)?;
        let offset = self.starts[from].1;
        Some((&self.bytes[offset..], (self.starts.len() - from) as u64))
    }
}

/// The next reader count of `brief` from the "reading now" broadcast; never ready for a stream
/// without a brief. A lagging receiver skips ahead (only the latest count matters), and a
/// closed one (the hub is gone) is dropped.
async fn next_reading(
    reading: &mut Option<broadcast::Receiver<Arc<ReadingFrame>>>,
    brief: Option<&str>,
) -> Option<Arc<ReadingFrame>> {
    let (Some(receiver), Some(brief)) = (reading.as_mut(), brief) else {
        return std::future::pending().await;
    };
    loop {
        match receiver.recv().await {
            Ok(frame) if frame.slug == brief => return Some(frame),
            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => {
                *reading = None;
                return std::future::pending().await;
            }
        }
    }
}

fn busy_response() -> Response {
    event_stream(stream::once(async { busy_frame() }))
}

/// What a refused reader is told: come back later.
fn busy_frame() -> Bytes {
    sse_comment("busy", Some(BUSY_RETRY))
}
