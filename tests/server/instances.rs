//! Several instances on one PostgreSQL database, as real `pulse` processes on their own
//! loopback ports: an event committed through one reaches live readers of the other; the
//! other's listening connection can be cut while events are published and its readers still
//! get every one; and a reader whose instance dies resumes on another by Last-Event-ID with no
//! gap and no duplicate.

use std::net::TcpListener as StdListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{PgTestDb, form, run};

const SLUG: &str = "halcyon-atlas-3-release";

/// A `pulse` server process, stopped (SIGKILL) when dropped.
pub(crate) struct Instance {
    child: Child,
    port: u16,
}

impl Instance {
    fn start(db: &PgTestDb, data: &Path, secret: &Path) -> Instance {
        Instance::spawn(Some(&db.url), data, secret, &[])
    }

    /// A server on a free loopback port with its data in `data`, storing in the database at
    /// `database_url` (or SQLite in `data`), with `settings` as environment variables.
    pub(crate) fn spawn(
        database_url: Option<&str>,
        data: &Path,
        secret: &Path,
        settings: &[(&str, &str)],
    ) -> Instance {
        let port = {
            let probe = StdListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().expect("addr").port()
        };
        std::fs::create_dir_all(data).expect("data dir");
        let mut command = Command::new(env!("CARGO_BIN_EXE_pulse"));
        match database_url {
            Some(url) => command.env("DATABASE_URL", url),
            None => command.env_remove("DATABASE_URL"),
        };
        let child = command
            .env("PULSE_DATA_DIR", data)
            .env("PULSE_SECRET_FILE", secret)
            .env("PULSE_CONTENT_DIR", "content")
            .env("PULSE_BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("LEPTOS_OUTPUT_NAME", "pulse")
            .env("LEPTOS_SITE_ROOT", data)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("PULSE_COMMENTS_PER_MINUTE_PER_READER", "100")
            .env("PULSE_COMMENTS_PER_MINUTE_PER_IP", "1000")
            .env("PULSE_REACTIONS_PER_MINUTE_PER_READER", "1000")
            .env("PULSE_REACTIONS_PER_MINUTE_PER_IP", "10000")
            .env("RUST_LOG", "warn")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .expect("start pulse");
        Instance { child, port }
    }

    /// Waits until `/readyz` says the instance serves and listens.
    pub(crate) async fn ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(reply) = self.request("GET", "/readyz", &[], "").await
                && reply.starts_with("HTTP/1.1 200")
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "instance on {} never ready",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// One request on its own connection; the whole raw answer.
    pub(crate) async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> std::io::Result<String> {
        request(self.port, method, path, headers, body).await
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// A same-origin form post to server function `endpoint` (answered with JSON).
    pub(crate) async fn post(
        &self,
        endpoint: &str,
        fields: &[(&str, &str)],
        cookie: &str,
    ) -> String {
        let origin = format!("http://127.0.0.1:{}", self.port);
        let mut headers = vec![
            ("origin", origin.as_str()),
            ("accept", "application/json"),
            ("content-type", "application/x-www-form-urlencoded"),
        ];
        if !cookie.is_empty() {
            headers.push(("cookie", cookie));
        }
        let reply = self
            .request("POST", &format!("/api/{endpoint}"), &headers, &form(fields))
            .await
            .expect("post");
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        reply
    }

    /// Opens `/live`, resuming after `last_event_id` if given.
    pub(crate) async fn live(&self, after: i64, last_event_id: Option<i64>) -> LiveReader {
        let mut tcp = TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connect");
        let mut head = format!(
            "GET /live?after={after} HTTP/1.1\r\nhost: 127.0.0.1:{}\r\naccept: text/event-stream\r\n",
            self.port
        );
        if let Some(id) = last_event_id {
            head.push_str(&format!("last-event-id: {id}\r\n"));
        }
        head.push_str("\r\n");
        tcp.write_all(head.as_bytes()).await.expect("send");
        LiveReader {
            tcp,
            text: String::new(),
            seen: 0,
        }
    }

    /// Stops the process at once (SIGKILL): nothing it has not written survives.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request to the server on loopback port `port`, on its own connection; the whole raw
/// answer.
pub(crate) async fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<String> {
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).await?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    tcp.write_all(head.as_bytes()).await?;
    tcp.write_all(body.as_bytes()).await?;
    let mut reply = Vec::new();
    tcp.read_to_end(&mut reply).await?;
    Ok(String::from_utf8_lossy(&reply).into_owned())
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A live stream read off the socket. Chunk sizes of the HTTP framing sit on lines of their
/// own and never look like `id:` or `event:` lines, so the events can be read straight off.
pub(crate) struct LiveReader {
    tcp: TcpStream,
    pub(crate) text: String,
    /// Events already returned.
    seen: usize,
}

impl LiveReader {
    fn events(&self) -> Vec<(i64, String)> {
        let mut events = Vec::new();
        let mut id = None;
        for line in self.text.lines() {
            if let Some(value) = line.strip_prefix("id: ") {
                id = value.trim().parse::<i64>().ok();
            } else if let Some(kind) = line.strip_prefix("event: ")
                && let Some(id) = id.take()
            {
                events.push((id, kind.trim().to_string()));
            }
        }
        events
    }

    /// The next `n` events (id, kind), waiting at most `wait` in all.
    pub(crate) async fn take(&mut self, n: usize, wait: Duration) -> Vec<(i64, String)> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut buffer = [0_u8; 8192];
        while self.events().len() < self.seen + n {
            let read = tokio::time::timeout_at(deadline, self.tcp.read(&mut buffer)).await;
            match read {
                Ok(Ok(read)) if read > 0 => {
                    self.text
                        .push_str(&String::from_utf8_lossy(&buffer[..read]));
                }
                _ => break,
            }
        }
        let events = self.events();
        let taken: Vec<_> = events.into_iter().skip(self.seen).take(n).collect();
        self.seen += taken.len();
        taken
    }

    /// Reads until the stream holds `text` (true), ends or `wait` passes (false).
    pub(crate) async fn until(&mut self, text: &str, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        let mut buffer = [0_u8; 8192];
        while !self.text.contains(text) {
            match tokio::time::timeout_at(deadline, self.tcp.read(&mut buffer)).await {
                Ok(Ok(read)) if read > 0 => {
                    self.text
                        .push_str(&String::from_utf8_lossy(&buffer[..read]));
                }
                _ => return false,
            }
        }
        true
    }
}

/// The newest event id in the shared log.
async fn newest(db: &PgTestDb) -> i64 {
    sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM events")
        .fetch_one(&db.pool)
        .await
        .expect("events")
        .unwrap_or(0)
}

/// The `pulse_reader=…` cookie an answer set.
fn cookie_of(reply: &str) -> String {
    reply
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .find(|v| v.starts_with("pulse_reader="))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no reader cookie in {reply}"))
        .to_string()
}

#[test]
fn two_instances_on_one_postgres_database_behave_like_one() {
    run(async {
        let db = PgTestDb::create().await;
        let dir = tempfile::tempdir().expect("dir");
        let secret = dir.path().join("secret.key");
        let a = Instance::start(&db, &dir.path().join("a"), &secret);
        a.ready().await;
        // Started after A: A imported the content and wrote the shared secret.
        let mut b = Instance::start(&db, &dir.path().join("b"), &secret);
        b.ready().await;

        // A reaction and a comment posted to A reach a reader connected to B.
        let start = newest(&db).await;
        let mut on_b = b.live(start, None).await;
        let reacted = a
            .post(
                "react",
                &[("slug", SLUG), ("kind", "hot"), ("active", "true")],
                "",
            )
            .await;
        let cookie = cookie_of(&reacted);
        a.post(
            "post_comment",
            &[
                ("slug", SLUG),
                ("name", "Ada"),
                ("body", "Posted on A, read on B"),
                ("key", "instances-0001"),
                ("website", ""),
            ],
            &cookie,
        )
        .await;
        let got = on_b.take(2, Duration::from_secs(5)).await;
        let kinds: Vec<&str> = got.iter().map(|(_, kind)| kind.as_str()).collect();
        assert_eq!(kinds, ["reactions", "comment"], "{got:?}");

        // B's listening connection is cut while A publishes: B's reader still gets every event,
        // in order, once B has listened again and caught up from the log.
        let cut: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%' \
             AND pid != pg_backend_pid()) AS t",
        )
        .fetch_one(&db.pool)
        .await
        .expect("terminate listeners");
        assert_eq!(cut, 2, "each instance had one listening connection");
        for active in ["false", "true", "false", "true", "false", "true"] {
            a.post(
                "react",
                &[("slug", SLUG), ("kind", "hot"), ("active", active)],
                &cookie,
            )
            .await;
        }
        let got = on_b.take(6, Duration::from_secs(10)).await;
        assert_eq!(got.len(), 6, "{got:?}");
        let ids: Vec<i64> = got.iter().map(|(id, _)| *id).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        let last_seen = *ids.last().expect("ids");
        drop(on_b);

        // A reader on B keeps reading while B dies; it comes back through A with its
        // Last-Event-ID and gets exactly what it missed.
        let mut on_b = b.live(last_seen, None).await;
        a.post(
            "react",
            &[("slug", SLUG), ("kind", "hot"), ("active", "false")],
            &cookie,
        )
        .await;
        let before_kill = on_b.take(1, Duration::from_secs(5)).await;
        assert_eq!(before_kill.len(), 1);
        b.kill();
        let resume_from = before_kill[0].0;
        for active in ["true", "false", "true"] {
            a.post(
                "react",
                &[("slug", SLUG), ("kind", "hot"), ("active", active)],
                &cookie,
            )
            .await;
        }
        let mut resumed = a.live(0, Some(resume_from)).await;
        let missed = resumed.take(3, Duration::from_secs(5)).await;
        let missed_ids: Vec<i64> = missed.iter().map(|(id, _)| *id).collect();
        let expected: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM events WHERE id > $1 ORDER BY id")
                .bind(resume_from)
                .fetch_all(&db.pool)
                .await
                .expect("events");
        assert_eq!(missed_ids, expected, "no gap, no duplicate");
        assert_eq!(missed_ids.len(), 3);
        // Nothing more arrives: no duplicate later either.
        assert!(resumed.take(1, Duration::from_millis(700)).await.is_empty());
    })
}
