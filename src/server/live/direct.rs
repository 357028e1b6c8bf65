//! Live streams served straight from the socket, without hyper. A connection whose first
//! request is `GET /live` (a page's event source on a connection of its own) is answered here
//! once its head is read; after its first frames and any replay, the stream belongs to a
//! shard: one task per server thread that writes each event to all of its streams with one
//! non-blocking write each. An idle stream is then its socket and a few dozen bytes — not an
//! HTTP connection's read and write buffers, a task and a timer of its own — and an event
//! costs each stream one `write`, not a wake-up.
//!
//! What a stream is sent is decided by the same code as for the streams hyper serves
//! ([`super::open`]): the limits, the brief, the cursor, the replay. What a stream's socket
//! cannot take at once waits in a backlog of its own, written on as the socket drains; a
//! stream whose socket takes nothing for `limits.write_stall_seconds`, or whose backlog
//! passes 256 KiB, is closed, as a stream that falls too far behind is, and the browser
//! resumes by `Last-Event-ID`.

use std::net::SocketAddr;
use std::sync::Weak;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::{ConnectInfo, Query};
use axum::http::Request;
use axum::http::request::Parts;
use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc};
use tokio::time::{Instant, MissedTickBehavior};

use super::{
    Batch, ConnectionGuard, Frame, Inner, KEEP_ALIVE, LiveQuery, ROTATE_RETRY, busy_frame, open,
    replayed, sse_comment,
};
use crate::server::state::AppState;

/// How a live stream's first request line starts.
const PREFIXES: [&[u8]; 2] = [b"GET /live?", b"GET /live "];
/// Largest request head read (far above what a browser sends for `/live`).
const MAX_HEAD: usize = 16 * 1024;
/// Most headers parsed.
const MAX_HEADERS: usize = 100;
/// How often a shard looks for closed sockets, ended lifetimes and streams due a keep-alive.
const TICK: Duration = Duration::from_secs(1);
/// Streams a shard writes to before letting other tasks run.
const WRITES_PER_TURN: usize = 1024;
/// Most bytes kept for a stream whose socket is full; beyond it the stream ends (the reader
/// resumes by id).
const MAX_BACKLOG: usize = 256 * 1024;

/// The answer's head: the headers every stream answer carries (those the security-headers
/// middleware gives a non-page answer, too), delimited by the connection's end.
const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\n\
content-type: text/event-stream\r\n\
cache-control: no-cache\r\n\
x-accel-buffering: no\r\n\
content-security-policy: default-src 'none'; frame-ancestors 'none'; sandbox\r\n\
x-content-type-options: nosniff\r\n\
referrer-policy: strict-origin-when-cross-origin\r\n\
x-frame-options: DENY\r\n\
connection: close\r\n\r\n";

const BAD_REQUEST: &[u8] =
    b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

/// What a connection's first bytes say.
pub enum Opening {
    /// A live stream's request: serve it here.
    Live,
    /// Anything else: hyper serves it.
    Other,
    /// Closed, or silent past the wait: nothing to serve.
    Gone,
}

/// Looks at a new connection's first bytes (without taking them) for a live stream's request
/// line, waiting until `deadline` at most.
pub async fn opening(tcp: &TcpStream, deadline: Instant) -> Opening {
    let mut first = [0_u8; 10];
    let mut pause = Duration::from_millis(1);
    loop {
        let seen = match tokio::time::timeout_at(deadline, tcp.peek(&mut first)).await {
            Ok(Ok(0) | Err(_)) | Err(_) => return Opening::Gone,
            Ok(Ok(seen)) => seen,
        };
        if !PREFIXES.iter().any(|p| p.starts_with(&first[..seen])) {
            return Opening::Other;
        }
        if seen == first.len() {
            return Opening::Live;
        }
        // Only part of the line is here yet (a peek returns at once while anything is): look
        // again a little later, less and less often for a client that sends a byte at a time.
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// A stream on its way into a shard.
pub(super) struct Joining {
    tcp: TcpStream,
    guard: ConnectionGuard,
    /// The id of the last event it was sent.
    last_sent: i64,
    deadline: Instant,
    /// How long its socket may take no bytes before the stream ends.
    stall: Duration,
    /// Its own subscription since it opened: what the shard sent before it arrived.
    own: broadcast::Receiver<Frame>,
}

/// One stream a shard serves.
struct Direct {
    tcp: TcpStream,
    guard: ConnectionGuard,
    last_sent: i64,
    deadline: Instant,
    stall: Duration,
    /// When the socket last took bytes.
    last_write: Instant,
    /// Bytes the socket could not take yet (empty, and unallocated, while the reader keeps up).
    backlog: Vec<u8>,
}

impl Direct {
    /// Writes `bytes` without waiting: what the socket cannot take now waits in the backlog,
    /// behind anything already there. `false`: the stream is over (the socket failed, or the
    /// backlog would pass [`MAX_BACKLOG`]; part of a frame may have gone out, which the
    /// browser discards).
    fn send(&mut self, bytes: &[u8]) -> bool {
        if !self.flush() {
            return false;
        }
        if !self.backlog.is_empty() {
            return self.keep(bytes);
        }
        match self.tcp.try_write(bytes) {
            Ok(n) => {
                if n > 0 {
                    self.last_write = Instant::now();
                }
                n == bytes.len() || self.keep(&bytes[n..])
            }
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => self.keep(bytes),
            Err(_) => false,
        }
    }

    fn keep(&mut self, rest: &[u8]) -> bool {
        if self.backlog.len() + rest.len() > MAX_BACKLOG {
            return false;
        }
        self.backlog.extend_from_slice(rest);
        true
    }

    /// Writes what the backlog holds, as far as the socket takes it; `false` if it failed.
    fn flush(&mut self) -> bool {
        if self.backlog.is_empty() {
            return true;
        }
        match self.tcp.try_write(&self.backlog) {
            Ok(n) => {
                if n > 0 {
                    self.last_write = Instant::now();
                }
                self.backlog.drain(..n);
                if self.backlog.is_empty() {
                    self.backlog = Vec::new();
                }
                true
            }
            Err(error) => error.kind() == std::io::ErrorKind::WouldBlock,
        }
    }

    /// Whether the reader has gone: the socket reads as closed (a reader's browser sends
    /// nothing after its request, so anything else it sends is ignored).
    fn gone(&self) -> bool {
        let mut scratch = [0_u8; 64];
        match self.tcp.try_read(&mut scratch) {
            Ok(0) => true,
            Ok(_) => false,
            Err(error) => error.kind() != std::io::ErrorKind::WouldBlock,
        }
    }
}

/// Serves a connection [`opening`] found to be a live stream's: reads the request head (by
/// `deadline`, the same one the opening had), opens the stream, writes its first frames and
/// its replay, and hands it to a shard.
pub async fn serve(state: AppState, mut tcp: TcpStream, peer: SocketAddr, deadline: Instant) {
    let Some(parts) = read_head(&mut tcp, peer, deadline).await else {
        let _ = tcp.write_all(BAD_REQUEST).await;
        return;
    };
    let Ok(Query(query)) = Query::<LiveQuery>::try_from_uri(&parts.uri) else {
        let _ = tcp.write_all(BAD_REQUEST).await;
        return;
    };
    let Some(opened) = open(&state, &parts, query).await else {
        let mut refusal = HEAD.to_vec();
        refusal.extend_from_slice(&busy_frame());
        let _ = tcp.write_all(&refusal).await;
        return;
    };
    let stall = Duration::from_secs(state.config.limits.write_stall_seconds.into());
    let mut start = HEAD.to_vec();
    for frame in &opened.first {
        start.extend_from_slice(frame);
    }
    if !write_within(&mut tcp, &start, stall).await {
        return;
    }
    if let Some(after) = opened.replay_after {
        let inner = state.live.inner.clone();
        let mut replay = std::pin::pin!(replayed(state.store.clone(), inner, after, opened.newest));
        while let Some(chunk) = replay.next().await {
            // A replay that fails part way ends the stream: the reader resumes from what it got.
            let Some(chunk) = chunk else { return };
            if !write_within(&mut tcp, &chunk, stall).await {
                return;
            }
        }
    }
    let inner = &state.live.inner;
    let Some(shards) = inner.shards.get().filter(|s| !s.is_empty()) else {
        return;
    };
    let shard = &shards[inner.next_shard.fetch_add(1, Ordering::Relaxed) % shards.len()];
    // A shard that is gone (the hub is closing) drops the stream, which ends it.
    let _ = shard.send(Joining {
        tcp,
        guard: opened.guard,
        last_sent: opened.newest,
        deadline: opened.deadline,
        stall,
        own: opened.receiver,
    });
}

/// Writes `bytes` whole unless the socket makes no progress for `stall`.
async fn write_within(tcp: &mut TcpStream, bytes: &[u8], stall: Duration) -> bool {
    matches!(
        tokio::time::timeout(stall, tcp.write_all(bytes)).await,
        Ok(Ok(()))
    )
}

/// Reads and parses the request head by `deadline`; `None` if it is malformed, too large or
/// too slow.
async fn read_head(tcp: &mut TcpStream, peer: SocketAddr, deadline: Instant) -> Option<Parts> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 1024];
    loop {
        let read =
            tokio::time::timeout_at(deadline, tokio::io::AsyncReadExt::read(tcp, &mut chunk))
                .await
                .ok()?
                .ok()?;
        if read == 0 {
            return None;
        }
        head.extend_from_slice(&chunk[..read]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&head).ok()? {
            httparse::Status::Complete(_) => {
                let mut builder = Request::builder()
                    .method(request.method?)
                    .uri(request.path?);
                for header in request.headers.iter() {
                    builder = builder.header(header.name, header.value);
                }
                let (mut parts, ()) = builder.body(()).ok()?.into_parts();
                parts.extensions.insert(ConnectInfo(peer));
                return Some(parts);
            }
            httparse::Status::Partial if head.len() < MAX_HEAD => {}
            httparse::Status::Partial => return None,
        }
    }
}

/// One shard: writes every event, and every "reading now" count, to its streams; each tick,
/// drops streams whose reader left, tells those at the end of their lifetime to come straight
/// back, and keeps quiet ones open with a comment line. Ends when the hub does.
pub(super) async fn shard(hub: Weak<Inner>, mut joining: mpsc::UnboundedReceiver<Joining>) {
    let (mut frames, mut reading, mut closing) = {
        let Some(inner) = hub.upgrade() else { return };
        (
            inner.sender.subscribe(),
            inner.reading_sender.subscribe(),
            inner.closing.subscribe(),
        )
    };
    let mut streams: Vec<Direct> = Vec::new();
    // The newest event this shard has written out (to whichever streams it had).
    let mut last_seen = 0_i64;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            arrived = joining.recv() => {
                let Some(arrived) = arrived else { return };
                if !*closing.borrow()
                    && let Some(stream) = admit(arrived, last_seen)
                {
                    streams.push(stream);
                }
            }
            received = frames.recv() => match received {
                Ok(first) => {
                    let batch = Batch::gather(first, &mut frames);
                    last_seen = batch.last;
                    send_batch(&mut streams, &batch).await;
                    if batch.lagged {
                        last_seen = lagged(&mut streams, &hub);
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    last_seen = lagged(&mut streams, &hub);
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            count = reading.recv() => match count {
                Ok(count) => {
                    streams.retain_mut(|s| {
                        s.guard.brief.as_deref() != Some(count.slug.as_str()) || s.send(&count.bytes)
                    });
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = tick.tick() => tend(&mut streams),
            changed = closing.changed() => {
                streams.clear();
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

/// This shard fell behind the broadcast: its streams cannot be told what it missed, so they
/// end, and their readers resume by id from the log. Until the next event arrives, the shard
/// cannot say where it is, so the "newest written" it returns makes every stream that joins
/// in the meantime look behind: it catches up from its own subscription or ends too.
fn lagged(streams: &mut Vec<Direct>, hub: &Weak<Inner>) -> i64 {
    if let Some(inner) = hub.upgrade() {
        inner
            .dropped
            .fetch_add(streams.len() as u64, Ordering::Relaxed);
    }
    streams.clear();
    i64::MAX
}

/// Takes a stream in: first sends it what this shard already wrote to the others since it
/// opened (from its own subscription), so it continues exactly after its last id.
fn admit(mut joining: Joining, last_seen: i64) -> Option<Direct> {
    let mut stream = Direct {
        tcp: joining.tcp,
        guard: joining.guard,
        last_sent: joining.last_sent,
        deadline: joining.deadline,
        stall: joining.stall,
        last_write: Instant::now(),
        backlog: Vec::new(),
    };
    while stream.last_sent < last_seen {
        let frame = joining.own.try_recv().ok()?;
        if frame.id <= stream.last_sent || frame.id > last_seen {
            continue;
        }
        if !stream.send(&frame.bytes) {
            return None;
        }
        stream.last_sent = frame.id;
        stream.guard.inner.delivered.fetch_add(1, Ordering::Relaxed);
    }
    Some(stream)
}

/// Writes a batch to every stream that needs it, dropping those that cannot take it.
async fn send_batch(streams: &mut Vec<Direct>, batch: &Batch) {
    let mut i = 0;
    let mut written = 0;
    while i < streams.len() {
        let stream = &mut streams[i];
        if let Some((bytes, count)) = batch.after(stream.last_sent) {
            if !stream.send(bytes) {
                streams.swap_remove(i);
                continue;
            }
            stream.last_sent = batch.last;
            stream
                .guard
                .inner
                .delivered
                .fetch_add(count, Ordering::Relaxed);
            written += 1;
            if written % WRITES_PER_TURN == 0 {
                tokio::task::yield_now().await;
            }
        }
        i += 1;
    }
}

/// The tick's chores: readers that left go; backlogs are written on, and a stream whose socket
/// took nothing for its stall limit goes; streams at the end of their lifetime are told to
/// come straight back, and go; quiet ones get a keep-alive.
fn tend(streams: &mut Vec<Direct>) {
    let now = Instant::now();
    streams.retain_mut(|stream| {
        if stream.gone() || !stream.flush() {
            return false;
        }
        if !stream.backlog.is_empty() {
            return now.duration_since(stream.last_write) < stream.stall;
        }
        if now >= stream.deadline {
            stream.send(&sse_comment("reconnect", Some(ROTATE_RETRY)));
            return false;
        }
        now.duration_since(stream.last_write) < KEEP_ALIVE || stream.send(b":\n\n")
    });
}
