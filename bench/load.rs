//! `pulse-load`: the benchmark suite's own load client, for what general tools cannot do: hold
//! thousands of Server-Sent Events streams open, post comments through the real server function,
//! and time every comment from the moment it was sent to the moment each stream delivered it.
//!
//! It speaks just enough HTTP/1.1 over plain TCP (keep-alive, Content-Length and chunked bodies)
//! to stay cheap per connection, runs on one thread (`bench/run` pins it to its own core), and
//! prints one `RESULT key=value …` line for `bench/run` to read. Every loop is bounded in count
//! and time, and it only ever talks to the loopback addresses it is given.
//!
//! ```text
//! pulse-load fanout --publish ADDR --listen ADDR --slug SLUG --readers N --events E
//!                   [--interval-ms MS] [--server-pid PID]
//! pulse-load post   --addr ADDR --slug SLUG --seconds S --rate R|max [--connections C]
//!                   [--identities K]
//! ```

use std::collections::HashMap;
use std::io;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

/// Longest wait for any one network step; a stuck server fails the run instead of hanging it.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest wait for every reader to have every event after the last one was published.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(20);
/// Readers connecting at once while the fan-out audience is built up.
const CONNECT_CONCURRENCY: usize = 200;
/// Marker put in every comment body, followed by its sequence number and `z`.
const FANOUT_MARK: &str = "fanoutmark";
const POST_MARK: &str = "postmark";

type Failure = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("pulse-load: cannot start a runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let local = tokio::task::LocalSet::new();
    let outcome = local.block_on(&runtime, async {
        match args.first().map(String::as_str) {
            Some("fanout") => fanout(Options::parse(&args[1..])?).await,
            Some("post") => post(Options::parse(&args[1..])?).await,
            _ => Err("usage: pulse-load fanout|post --option value …".into()),
        }
    });
    match outcome {
        Ok(result) => {
            println!("RESULT {result}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("pulse-load: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `--name value` pairs.
struct Options(HashMap<String, String>);

impl Options {
    fn parse(args: &[String]) -> Result<Options, Failure> {
        let mut map = HashMap::new();
        let mut rest = args.iter();
        while let Some(name) = rest.next() {
            let key = name
                .strip_prefix("--")
                .ok_or_else(|| format!("expected --option, got {name}"))?;
            let value = rest
                .next()
                .ok_or_else(|| format!("--{key} needs a value"))?;
            map.insert(key.to_string(), value.clone());
        }
        Ok(Options(map))
    }

    fn text(&self, key: &str) -> Result<String, Failure> {
        self.0
            .get(key)
            .cloned()
            .ok_or_else(|| format!("--{key} is required").into())
    }

    fn number(&self, key: &str, default: Option<u64>) -> Result<u64, Failure> {
        match (self.0.get(key), default) {
            (Some(raw), _) => raw
                .parse()
                .map_err(|_| format!("--{key} must be a whole number").into()),
            (None, Some(value)) => Ok(value),
            (None, None) => Err(format!("--{key} is required").into()),
        }
    }
}

/// Resident memory of a process, in KiB, from `/proc/<pid>/status`.
fn rss_kib(pid: u64) -> Result<u64, Failure> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no VmRSS for process {pid}").into())
}

/// One keep-alive HTTP/1.1 connection.
struct Connection {
    stream: BufReader<TcpStream>,
    host: String,
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    /// `name=value` of every cookie the answer sets.
    fn cookies(&self) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(name, _)| name == "set-cookie")
            .filter_map(|(_, value)| value.split(';').next().map(str::to_string))
            .collect()
    }
}

impl Connection {
    async fn open(addr: &str) -> Result<Connection, Failure> {
        let stream = tokio::time::timeout(STEP_TIMEOUT, TcpStream::connect(addr)).await??;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream: BufReader::with_capacity(2048, stream),
            host: addr.to_string(),
        })
    }

    async fn send(&mut self, head: &str, body: &[u8]) -> io::Result<()> {
        let mut request = Vec::with_capacity(head.len() + body.len());
        request.extend_from_slice(head.as_bytes());
        request.extend_from_slice(body);
        self.stream.get_mut().write_all(&request).await
    }

    /// Status line and headers (names lower-cased).
    async fn read_head(&mut self) -> Result<(u16, Vec<(String, String)>), Failure> {
        let mut line = String::new();
        if self.stream.read_line(&mut line).await? == 0 {
            return Err("connection closed before an answer".into());
        }
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("not an HTTP status line: {line:?}"))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err("connection closed inside the headers".into());
            }
            let line = line.trim_end();
            if line.is_empty() {
                return Ok((status, headers));
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
    }

    /// One chunk of a chunked body into `into`; false at the last (empty) chunk.
    async fn read_chunk(&mut self, into: &mut Vec<u8>) -> Result<bool, Failure> {
        let mut line = String::new();
        if self.stream.read_line(&mut line).await? == 0 {
            return Err("connection closed inside a chunked body".into());
        }
        let size_text = line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        let start = into.len();
        into.resize(start + size, 0);
        self.stream.read_exact(&mut into[start..]).await?;
        let mut crlf = [0u8; 2];
        self.stream.read_exact(&mut crlf).await?;
        Ok(size > 0)
    }

    /// A whole request and its whole answer.
    async fn exchange(&mut self, head: &str, body: &[u8]) -> Result<Answer, Failure> {
        let work = async {
            self.send(head, body).await?;
            let (status, headers) = self.read_head().await?;
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.as_str())
            };
            let mut body = Vec::new();
            if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
                while self.read_chunk(&mut body).await? {}
                // The chunked body ends with an empty trailer line.
                let mut end = String::new();
                self.stream.read_line(&mut end).await?;
            } else {
                let length: usize = header("content-length")
                    .and_then(|v| v.parse().ok())
                    .ok_or("an answer with neither a length nor chunks")?;
                body.resize(length, 0);
                self.stream.read_exact(&mut body).await?;
            }
            Ok::<_, Failure>(Answer {
                status,
                headers,
                body,
            })
        };
        tokio::time::timeout(STEP_TIMEOUT, work)
            .await
            .map_err(|_| "no answer in time")?
    }
}

/// A reader identity for posting: its cookies (empty until the server mints a reader) and the
/// client address a trusted proxy would have forwarded for it.
struct Identity {
    cookies: String,
    forwarded_for: String,
}

impl Identity {
    fn new(index: usize) -> Identity {
        Identity {
            cookies: String::new(),
            forwarded_for: format!(
                "10.{}.{}.{}",
                (index >> 16) & 255,
                (index >> 8) & 255,
                index & 255
            ),
        }
    }
}

/// Percent-encodes a form value (everything but unreserved characters).
fn form_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Posts one comment through the real server function, as a browser's script would.
async fn post_comment(
    connection: &mut Connection,
    identity: &mut Identity,
    slug: &str,
    body: &str,
    key: &str,
) -> Result<u16, Failure> {
    let form = format!(
        "slug={}&name=Load&body={}&key={}&website=",
        form_value(slug),
        form_value(body),
        form_value(key)
    );
    let cookie = if identity.cookies.is_empty() {
        String::new()
    } else {
        format!("Cookie: {}\r\n", identity.cookies)
    };
    let head = format!(
        "POST /api/post_comment HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
         Accept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         X-Forwarded-For: {ip}\r\n{cookie}Content-Length: {length}\r\n\r\n",
        host = connection.host,
        ip = identity.forwarded_for,
        length = form.len(),
    );
    let answer = connection.exchange(&head, form.as_bytes()).await?;
    let cookies = answer.cookies();
    if !cookies.is_empty() {
        identity.cookies = cookies.join("; ");
    }
    if answer.status != 200 {
        let text = String::from_utf8_lossy(&answer.body);
        eprintln!(
            "post answered {}: {}",
            answer.status,
            text.chars().take(200).collect::<String>()
        );
    }
    Ok(answer.status)
}

/// An open live stream, read line by line.
struct LiveStream {
    connection: Connection,
    chunked: bool,
    pending: Vec<u8>,
}

impl LiveStream {
    async fn open(addr: &str, slug: &str) -> Result<LiveStream, Failure> {
        let mut connection = Connection::open(addr).await?;
        let head = format!(
            "GET /live?brief={slug} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        );
        connection.send(&head, b"").await?;
        let (status, headers) = tokio::time::timeout(STEP_TIMEOUT, connection.read_head())
            .await
            .map_err(|_| "live stream did not answer in time")??;
        if status != 200 {
            return Err(format!("live stream answered {status}").into());
        }
        let chunked = headers
            .iter()
            .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
        Ok(LiveStream {
            connection,
            chunked,
            pending: Vec::with_capacity(512),
        })
    }

    /// The next line of the stream, without its line ending; `None` when it ends.
    async fn line(&mut self) -> Result<Option<String>, Failure> {
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=end).collect();
                let text = String::from_utf8_lossy(&line);
                return Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()));
            }
            let more = if self.chunked {
                self.connection.read_chunk(&mut self.pending).await?
            } else {
                let mut buffer = [0u8; 1024];
                let n = self.connection.stream.read(&mut buffer).await?;
                self.pending.extend_from_slice(&buffer[..n]);
                n > 0
            };
            if !more {
                return Ok(None);
            }
        }
    }
}

/// The sequence number after `mark` in an event's data (`…<mark>123z…`).
fn marked(data: &str, mark: &str) -> Option<usize> {
    let at = data.find(mark)? + mark.len();
    let digits: &str = &data[at..];
    let end = digits.find('z')?;
    digits[..end].parse().ok()
}

/// When each marked comment was sent, in nanoseconds since the run began (0: not yet).
struct SendTimes {
    start: Instant,
    sent: Vec<AtomicU64>,
}

impl SendTimes {
    fn new(count: usize) -> SendTimes {
        SendTimes {
            start: Instant::now(),
            sent: (0..count).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn now(&self) -> u64 {
        // Never 0, which means "not sent".
        (self.start.elapsed().as_nanos() as u64).max(1)
    }

    fn mark_sent(&self, seq: usize) {
        if let Some(slot) = self.sent.get(seq) {
            slot.store(self.now(), Ordering::Relaxed);
        }
    }

    /// Microseconds since `seq` was sent, if it was.
    fn since_sent(&self, seq: usize) -> Option<u64> {
        let sent = self.sent.get(seq)?.load(Ordering::Relaxed);
        (sent > 0).then(|| self.now().saturating_sub(sent) / 1_000)
    }
}

/// What one reader saw.
#[derive(Default)]
struct Seen {
    latencies_us: Vec<u64>,
    distinct: usize,
    duplicates: usize,
}

/// Reads one stream until it has every one of `expected` marked comments or `stop` fires.
async fn watch_stream(
    mut stream: LiveStream,
    mark: &'static str,
    expected: usize,
    times: Rc<SendTimes>,
    progress: Rc<AtomicUsize>,
    mut stop: watch::Receiver<bool>,
) -> Seen {
    let mut seen = Seen::default();
    let mut got = vec![false; expected];
    let mut is_comment = false;
    while seen.distinct < expected {
        let line = tokio::select! {
            line = stream.line() => line,
            _ = stop.changed() => break,
        };
        let Ok(Some(line)) = line else { break };
        if let Some(kind) = line.strip_prefix("event:") {
            is_comment = kind.trim() == "comment";
        } else if let Some(data) = line.strip_prefix("data:") {
            if is_comment && let Some(seq) = marked(data, mark) {
                match got.get_mut(seq) {
                    Some(slot) if !*slot => {
                        *slot = true;
                        seen.distinct += 1;
                        progress.fetch_add(1, Ordering::Relaxed);
                        if let Some(us) = times.since_sent(seq) {
                            seen.latencies_us.push(us);
                        }
                    }
                    Some(_) => seen.duplicates += 1,
                    None => {}
                }
            }
        } else if line.is_empty() {
            is_comment = false;
        }
    }
    seen
}

/// Opens a stream and waits for its first line (the server has registered it by then).
async fn open_ready(addr: &str, slug: &str) -> Result<LiveStream, Failure> {
    let mut stream = LiveStream::open(addr, slug).await?;
    tokio::time::timeout(STEP_TIMEOUT, stream.line())
        .await
        .map_err(|_| "live stream sent nothing in time")??
        .ok_or("live stream ended at once")?;
    Ok(stream)
}

/// p50 / p99 / max of microsecond samples, as milliseconds.
fn percentiles(samples: &mut [u64]) -> (f64, f64, f64) {
    if samples.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    samples.sort_unstable();
    let at = |q: f64| {
        let index = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[index] as f64 / 1_000.0
    };
    (
        at(0.50),
        at(0.99),
        samples[samples.len() - 1] as f64 / 1_000.0,
    )
}

/// N readers on one brief's live stream (on `--listen`), E comments posted (on `--publish`):
/// publish→receive latency over every delivery, gaps, and the server's memory per stream.
async fn fanout(options: Options) -> Result<String, Failure> {
    let publish = options.text("publish")?;
    let listen = options.text("listen")?;
    let slug = options.text("slug")?;
    let readers = options.number("readers", None)? as usize;
    let events = options.number("events", None)? as usize;
    let interval = Duration::from_millis(options.number("interval-ms", Some(100))?);
    let server_pid = options.number("server-pid", Some(0))?;

    let rss_before = if server_pid > 0 {
        rss_kib(server_pid)?
    } else {
        0
    };
    let times = Rc::new(SendTimes::new(events));
    let (stop_tx, stop_rx) = watch::channel(false);
    let gate = Rc::new(Semaphore::new(CONNECT_CONCURRENCY));
    let connected = Rc::new(AtomicUsize::new(0));
    let progress = Rc::new(AtomicUsize::new(0));
    let opened = Instant::now();
    let mut tasks: Vec<JoinHandle<Result<Seen, String>>> = Vec::with_capacity(readers);
    for _ in 0..readers {
        let (listen, slug, gate, connected) = (
            listen.clone(),
            slug.clone(),
            gate.clone(),
            connected.clone(),
        );
        let (times, progress, stop) = (times.clone(), progress.clone(), stop_rx.clone());
        tasks.push(tokio::task::spawn_local(async move {
            let stream = {
                let _permit = gate.acquire().await.map_err(|e| e.to_string())?;
                open_ready(&listen, &slug)
                    .await
                    .map_err(|e| e.to_string())?
            };
            connected.fetch_add(1, Ordering::Relaxed);
            Ok(watch_stream(stream, FANOUT_MARK, events, times, progress, stop).await)
        }));
    }
    let connect_deadline = Instant::now() + Duration::from_secs(120);
    while connected.load(Ordering::Relaxed) < readers {
        if Instant::now() > connect_deadline || tasks.iter().any(|t| t.is_finished()) {
            return Err(format!(
                "only {} of {readers} readers connected",
                connected.load(Ordering::Relaxed)
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let connect_seconds = opened.elapsed().as_secs_f64();
    // Let presence ticks and allocations settle before weighing the server.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_after = if server_pid > 0 {
        rss_kib(server_pid)?
    } else {
        0
    };

    let mut publisher = Connection::open(&publish).await?;
    let mut identity = Identity::new(1);
    let run = std::process::id();
    let mut refused = 0usize;
    for seq in 0..events {
        times.mark_sent(seq);
        let status = post_comment(
            &mut publisher,
            &mut identity,
            &slug,
            &format!("{FANOUT_MARK}{seq}z: event {seq} of the fan-out run"),
            &format!("fanout-{run}-{seq}"),
        )
        .await?;
        if status != 200 {
            refused += 1;
        }
        tokio::time::sleep(interval).await;
    }
    // Done once every reader has every accepted comment, or the drain time is up.
    let target = readers * (events - refused);
    let drain_deadline = tokio::time::Instant::now() + DRAIN_TIMEOUT;
    while progress.load(Ordering::Relaxed) < target && tokio::time::Instant::now() < drain_deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop_tx.send(true);

    let mut latencies = Vec::with_capacity(readers * events);
    let (mut delivered, mut duplicates, mut failed) = (0usize, 0usize, 0usize);
    for task in tasks {
        match task.await {
            Ok(Ok(seen)) => {
                delivered += seen.distinct;
                duplicates += seen.duplicates;
                latencies.extend(seen.latencies_us);
            }
            _ => failed += 1,
        }
    }
    let expected = target;
    let gaps = expected.saturating_sub(delivered);
    let (p50, p99, max) = percentiles(&mut latencies);
    let per_connection = if server_pid > 0 {
        (rss_after.saturating_sub(rss_before)) as f64 / readers as f64
    } else {
        0.0
    };
    Ok(format!(
        "readers={readers} events={events} refused={refused} failed_readers={failed} \
         delivered={delivered} expected={expected} gaps={gaps} duplicates={duplicates} \
         p50_ms={p50:.2} p99_ms={p99:.2} max_ms={max:.2} connect_s={connect_seconds:.1} \
         rss_before_kib={rss_before} rss_after_kib={rss_after} kib_per_stream={per_connection:.2}"
    ))
}

/// Comments posted for `--seconds`, at a fixed `--rate` per second (open loop: each post's
/// latency counts from when it was due, so a server that falls behind shows it) or as fast as
/// `--connections` keep-alive connections allow (`--rate max`). One live stream on the same
/// brief checks that every accepted comment was fanned out, and times its arrival.
async fn post(options: Options) -> Result<String, Failure> {
    let addr = options.text("addr")?;
    let slug = options.text("slug")?;
    let seconds = options.number("seconds", None)?;
    let rate = match options.text("rate")?.as_str() {
        "max" => None,
        raw => Some(
            raw.parse::<u64>()
                .map_err(|_| "--rate must be a number or max")?,
        ),
    };
    let connections = options.number("connections", Some(32))? as usize;
    let identities = options.number("identities", Some(512))? as usize;
    // Bounded: a fixed rate sends exactly rate × seconds; max rate stops at this many.
    let capacity = match rate {
        Some(r) => (r * seconds) as usize,
        None => 200_000,
    };

    let times = Rc::new(SendTimes::new(capacity));
    let progress = Rc::new(AtomicUsize::new(0));
    let (stop_tx, stop_rx) = watch::channel(false);
    let watcher = {
        let stream = open_ready(&addr, &slug).await?;
        let (times, progress, stop) = (times.clone(), progress.clone(), stop_rx.clone());
        tokio::task::spawn_local(watch_stream(
            stream, POST_MARK, capacity, times, progress, stop,
        ))
    };

    let next = Rc::new(AtomicUsize::new(0));
    let identities: Rc<Vec<std::cell::RefCell<Identity>>> = Rc::new(
        (0..identities)
            .map(|i| std::cell::RefCell::new(Identity::new(i + 2)))
            .collect(),
    );
    let run = std::process::id();
    let began = Instant::now();
    let deadline = began + Duration::from_secs(seconds);
    // A fixed rate the server cannot keep up with still ends: whatever is not sent by then is
    // reported as not sent.
    let hard_deadline = began + Duration::from_secs(seconds * 2 + 5);
    let mut workers = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (addr, slug, next, times, identities) = (
            addr.clone(),
            slug.clone(),
            next.clone(),
            times.clone(),
            identities.clone(),
        );
        workers.push(tokio::task::spawn_local(async move {
            let mut connection = Connection::open(&addr).await.map_err(|e| e.to_string())?;
            let (mut latencies, mut ok, mut refused) = (Vec::new(), 0usize, 0usize);
            loop {
                let seq = next.fetch_add(1, Ordering::Relaxed);
                if seq >= capacity || Instant::now() > hard_deadline {
                    break;
                }
                let due = match rate {
                    Some(r) => began + Duration::from_nanos(seq as u64 * 1_000_000_000 / r),
                    None if Instant::now() >= deadline => break,
                    None => Instant::now(),
                };
                tokio::time::sleep_until(due.into()).await;
                // Identities are taken in turn. The post uses a copy (a borrow cannot be held
                // across the await); the cookies the server sets are stored back after.
                let mut identity = {
                    let shared = identities[seq % identities.len()].borrow();
                    Identity {
                        cookies: shared.cookies.clone(),
                        forwarded_for: shared.forwarded_for.clone(),
                    }
                };
                times.mark_sent(seq);
                let status = post_comment(
                    &mut connection,
                    &mut identity,
                    &slug,
                    &format!("{POST_MARK}{seq}z: comment {seq} of the posting run"),
                    &format!("post-{run}-{seq}"),
                )
                .await
                .map_err(|e| e.to_string())?;
                latencies.push(due.elapsed().as_micros() as u64);
                if status == 200 {
                    ok += 1;
                } else {
                    refused += 1;
                }
                identities[seq % identities.len()].borrow_mut().cookies = identity.cookies;
            }
            Ok::<_, String>((latencies, ok, refused))
        }));
    }
    let (mut latencies, mut ok, mut refused, mut failed) = (Vec::new(), 0, 0, 0);
    for worker in workers {
        match worker.await {
            Ok(Ok((l, o, r))) => {
                latencies.extend(l);
                ok += o;
                refused += r;
            }
            Ok(Err(error)) => {
                eprintln!("a posting connection failed: {error}");
                failed += 1;
            }
            Err(_) => failed += 1,
        }
    }
    let elapsed = began.elapsed().as_secs_f64();
    let sent = latencies.len();
    // Done once the stream has every accepted comment, or the drain time is up.
    let drain_deadline = tokio::time::Instant::now() + DRAIN_TIMEOUT;
    while progress.load(Ordering::Relaxed) < ok && tokio::time::Instant::now() < drain_deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop_tx.send(true);
    let mut seen = watcher.await.unwrap_or_default();
    let (p50, p99, max) = percentiles(&mut latencies);
    let (e50, e99, emax) = percentiles(&mut seen.latencies_us);
    let mode = match rate {
        Some(r) => format!("fixed target_rate={r}"),
        None => "max".to_string(),
    };
    Ok(format!(
        "mode={mode} connections={connections} planned={capacity} sent={sent} ok={ok} refused={refused} \
         failed_connections={failed} seconds={elapsed:.2} rate={:.0} \
         resp_p50_ms={p50:.2} resp_p99_ms={p99:.2} resp_max_ms={max:.2} \
         fanned_out={} duplicates={} e2e_p50_ms={e50:.2} e2e_p99_ms={e99:.2} e2e_max_ms={emax:.2}",
        ok as f64 / elapsed,
        seen.distinct,
        seen.duplicates,
    ))
}
