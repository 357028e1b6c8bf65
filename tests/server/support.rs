//! Builds a Pulse app on a fresh database and sends it requests.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use pulse::model::editors::Role;
use pulse::model::{Brief, ThreadWindow};
use pulse::server::config::Config;
use pulse::server::content::{ImportError, ImportReport, import_dir};
use pulse::server::editors::hash_password;
use pulse::server::http::router;
use pulse::server::live::LiveHub;
use pulse::server::readers::ReaderKeys;
use pulse::server::repo::AddedEditor;
use pulse::server::repo::Store;
use pulse::server::state::{AppState, Mode};
use pulse::server::tokens::new_token;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tempfile::TempDir;
use time::{Duration, OffsetDateTime};
use tower::ServiceExt;

/// One runtime for every test, each request served from a runtime task: the way production runs.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime")
});

/// Runs one test's body on the shared runtime.
pub fn run(test: impl Future<Output = ()>) {
    RUNTIME.block_on(test);
}

pub struct TestApp {
    pub router: Router,
    pub live: LiveHub,
    pub store: Store,
    pub config: Arc<Config>,
    /// Signs reader cookies and unsubscribe links.
    pub readers: ReaderKeys,
    /// The state the router serves with (for calling server-side steps directly).
    pub state: AppState,
    /// The PostgreSQL database, when the suite runs on PostgreSQL.
    pub pg: Option<Arc<PgTestDb>>,
    // Held so the data directory (and the SQLite database) outlive the test.
    _dir: TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// Whether this run of the suite stores on PostgreSQL (`PULSE_TEST_BACKEND=postgres`) rather
/// than SQLite (the default). `.ci/test` runs the suite both ways.
pub fn on_postgres() -> bool {
    match std::env::var("PULSE_TEST_BACKEND").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("PULSE_TEST_BACKEND must be sqlite or postgres, not {other}"),
    }
}

/// The site's own settings, pointed at a throwaway data directory and database `db`, with
/// `overrides` applied as environment variables would be.
pub fn config_with_db(dir: &Path, db: &str, overrides: &[(&str, &str)]) -> Config {
    let text = std::fs::read_to_string("Leptos.toml").expect("Leptos.toml is readable");
    let data_dir = dir.display().to_string();
    let db = db.to_string();
    Config::from_sources(&text, |key| match key {
        "PULSE_DATA_DIR" => Some(data_dir.clone()),
        "DATABASE_URL" => Some(db.clone()),
        _ => overrides
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string()),
    })
    .expect("Leptos.toml is valid")
}

/// The site's own settings on a SQLite file in a throwaway data directory.
pub fn config(dir: &Path, overrides: &[(&str, &str)]) -> Config {
    let db = format!("sqlite://{}", dir.join("pulse.db").display());
    config_with_db(dir, &db, overrides)
}

/// Runs one test's body on the shared runtime with a fresh app holding the demo content.
pub fn with_app(test: impl AsyncFnOnce(TestApp)) {
    run(async { test(app().await).await });
}

/// [`with_app`], with some settings overridden.
pub fn with_settings(overrides: &[(&str, &str)], test: impl AsyncFnOnce(TestApp)) {
    run(async { test(app_with(overrides).await).await });
}

/// A fresh app with the demo content imported.
pub async fn app() -> TestApp {
    app_with(&[]).await
}

/// A fresh app with the demo content imported and some settings overridden.
pub async fn app_with(overrides: &[(&str, &str)]) -> TestApp {
    let app = empty_app_with(overrides).await;
    import_dir(&app.store, Path::new("content"), &app.config.site)
        .await
        .expect("demo content imports");
    app
}

/// A fresh app with an empty database.
pub async fn empty_app() -> TestApp {
    empty_app_with(&[]).await
}

/// A fresh app with an empty database and some settings overridden.
pub async fn empty_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let pg = if on_postgres() {
        Some(Arc::new(PgTestDb::create().await))
    } else {
        None
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let config = match &pg {
        Some(pg) => config_with_db(dir.path(), &pg.url, overrides),
        None => config(dir.path(), overrides),
    };
    instance(Arc::new(config), pg, dir, ReaderKeys::ephemeral()).await
}

impl TestApp {
    /// Another server instance on the same database: its own state, live layer and memory;
    /// the same settings and secret key (as instances behind one load balancer share them).
    pub async fn another_instance(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        instance(
            self.config.clone(),
            self.pg.clone(),
            dir,
            self.readers.clone(),
        )
        .await
    }
}

async fn instance(
    config: Arc<Config>,
    pg: Option<Arc<PgTestDb>>,
    dir: TempDir,
    readers: ReaderKeys,
) -> TestApp {
    let leptos = LeptosOptions::builder().output_name("pulse").build();
    let state = AppState::build(config.clone(), leptos, readers.clone(), Mode::Serve)
        .await
        .expect("the app builds");
    let store = state.store.clone();
    TestApp {
        live: state.live.clone(),
        router: router(state.clone()),
        store,
        config,
        readers,
        state,
        pg,
        _dir: dir,
    }
}

impl TestApp {
    /// Imports every brief file under `dir`.
    pub async fn import(&self, dir: &Path) -> Result<ImportReport, ImportError> {
        import_dir(&self.store, dir, &self.config.site).await
    }

    /// The stored brief, if any.
    pub async fn brief(&self, slug: &str) -> Option<Brief> {
        self.store
            .get_brief(slug, None, &self.config.comments, ThreadWindow::Newest)
            .await
            .expect("brief query")
    }

    /// The response itself, body unread (for streams).
    pub async fn raw(&self, request: Request<Body>) -> axum::response::Response {
        let router = self.router.clone();
        tokio::spawn(router.oneshot(request))
            .await
            .expect("request task")
            .expect("router answers")
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        // Served from a runtime task, as hyper serves each connection.
        let res = self.raw(request).await;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.get_accepting(uri, "text/html", None).await
    }

    /// A GET of `uri` asking for `accept`, with `cookie` if given.
    pub async fn get_accepting(&self, uri: &str, accept: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(uri).header("accept", accept);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    /// A page as the reader with `cookie` sees it.
    pub async fn get_as(&self, uri: &str, cookie: &str) -> Reply {
        self.get_accepting(uri, "text/html", Some(cookie)).await
    }

    /// A same-site form post to server function `endpoint`, as a script sends it (answered with
    /// JSON), from the reader with `cookie` if given.
    pub async fn post_form(
        &self,
        endpoint: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Reply {
        self.submit(FormPost::to_api(endpoint).fields(fields).cookie(cookie))
            .await
    }

    /// Sends a form post built with [`FormPost`].
    pub async fn submit(&self, post: FormPost) -> Reply {
        self.send(post.build()).await
    }

    /// Page `uri`, which must answer 200, parsed.
    pub async fn page(&self, uri: &str) -> scraper::Html {
        let reply = self.get(uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
        reply.html()
    }

    /// Only the status of a GET of page `uri`.
    pub async fn status(&self, uri: &str) -> StatusCode {
        self.get(uri).await.status
    }

    pub async fn get_json(&self, uri: &str) -> Reply {
        self.get_accepting(uri, "application/json", None).await
    }
}

/// A form post as it leaves a browser: by default a script on one of Pulse's own pages
/// (same origin, asking for JSON, no cookie), until told otherwise.
pub struct FormPost {
    uri: String,
    headers: Vec<(&'static str, String)>,
    body: String,
    peer: Option<SocketAddr>,
}

impl FormPost {
    /// A post to any address of the site.
    pub fn to(uri: impl Into<String>) -> FormPost {
        FormPost {
            uri: uri.into(),
            headers: vec![
                ("host", "pulse.test".to_string()),
                ("origin", "http://pulse.test".to_string()),
                ("accept", "application/json".to_string()),
                (
                    "content-type",
                    "application/x-www-form-urlencoded".to_string(),
                ),
            ],
            body: String::new(),
            peer: None,
        }
    }

    /// A post to server function `endpoint`.
    pub fn to_api(endpoint: &str) -> FormPost {
        FormPost::to(format!("/api/{endpoint}"))
    }

    /// The body: `fields`, form-encoded.
    pub fn fields(self, fields: &[(&str, &str)]) -> FormPost {
        self.body(form(fields))
    }

    /// The body as it stands.
    pub fn body(mut self, body: impl Into<String>) -> FormPost {
        self.body = body.into();
        self
    }

    /// Sets header `name` (replacing the default, if any).
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> FormPost {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.into()));
        self
    }

    /// Leaves header `name` out.
    pub fn without(mut self, name: &str) -> FormPost {
        self.headers.retain(|(n, _)| *n != name);
        self
    }

    /// Sent with `cookie` (nothing when `None` or empty).
    pub fn cookie<'c>(self, cookie: impl Into<Option<&'c str>>) -> FormPost {
        match cookie.into() {
            Some(cookie) if !cookie.is_empty() => self.header("cookie", cookie),
            _ => self,
        }
    }

    /// As a browser sends a form without JavaScript: it wants a page back.
    pub fn plain_form(self) -> FormPost {
        self.header("accept", "text/html")
    }

    /// Sent from a page of `origin` instead of Pulse's own.
    pub fn origin(self, origin: &str) -> FormPost {
        self.header("origin", origin)
    }

    /// Arriving from client address `ip` (`[…]` for IPv6).
    pub fn peer(mut self, ip: &str) -> FormPost {
        self.peer = Some(format!("{ip}:40000").parse().expect("address"));
        self
    }

    pub fn build(self) -> Request<Body> {
        let mut request = Request::post(self.uri).header("content-length", self.body.len());
        for (name, value) in self.headers {
            request = request.header(name, value);
        }
        let mut request = request.body(Body::from(self.body)).expect("request");
        if let Some(peer) = self.peer {
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        request
    }
}

/// Text of every element matching `selector`, trimmed.
pub fn texts(html: &scraper::Html, selector: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("valid selector");
    html.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// An attribute of every element matching `selector`.
pub fn attrs(html: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("valid selector");
    html.select(&selector)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// `statuses`, answers to writes in a row, show the first `allowed` let through and the rest
/// refused with 429.
pub fn assert_limited_after(statuses: &[StatusCode], allowed: usize) {
    let (through, refused) = statuses.split_at(allowed);
    assert!(through.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    assert!(
        !refused.is_empty() && refused.iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

/// Every item of JSON array `list`, each a string.
pub fn strings(list: &serde_json::Value) -> Vec<String> {
    items(list)
        .iter()
        .filter_map(|item| item.as_str().map(str::to_string))
        .collect()
}

/// Field `field` (a string) of every object in JSON array `list`.
pub fn field_of_each(list: &serde_json::Value, field: &str) -> Vec<String> {
    items(list)
        .iter()
        .filter_map(|item| item[field].as_str().map(str::to_string))
        .collect()
}

fn items(list: &serde_json::Value) -> &[serde_json::Value] {
    list.as_array()
        .unwrap_or_else(|| panic!("not an array: {list}"))
}

/// Runs `command` with `stdin` written to its standard input; what it printed and how it ended.
pub fn run_with_input(command: &mut std::process::Command, stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    use std::process::Stdio;

    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?} runs: {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write to its input");
    child.wait_with_output().expect("it ends")
}

/// Writes a file into a test content directory.
pub fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write content file");
}

/// Form-encodes `fields` as the site's scripts send them (server functions' encoder): values
/// percent-encoded (all but unreserved characters), names as they are (`fields[take]`).
pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Form-encodes `fields` as a browser submits a form: names percent-encoded too
/// (`fields%5Btake%5D`).
pub fn browser_form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `pulse_reader=…` pair a reply set, ready for a `cookie` header.
pub fn reader_cookie(reply: &Reply) -> String {
    given_reader_cookie(reply).unwrap_or_else(|| panic!("no reader cookie in {:?}", reply.headers))
}

fn given_reader_cookie(reply: &Reply) -> Option<String> {
    given_cookie(reply, "pulse_reader")
}

/// The `name=…` pair of cookie `name` a reply set, if it set one.
fn given_cookie(reply: &Reply, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&prefix))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

/// A distinct submission key per call (comment forms carry one).
pub fn submission_key() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("key-{:016x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A reader of the site, as a browser is one: no cookie until Pulse gives them one on their
/// first write, and that cookie on everything they do after.
pub struct Reader<'a> {
    app: &'a TestApp,
    /// `pulse_reader=…`, once Pulse gave them one.
    pub cookie: Option<String>,
    /// The display name their comments carry.
    pub name: String,
}

impl TestApp {
    /// A new reader, who has not written anything yet.
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            app: self,
            cookie: None,
            name: "Ada".to_string(),
        }
    }

    /// The reader whose cookie is `cookie` (a new reader when `None`).
    pub fn reader_as(&self, cookie: Option<&str>) -> Reader<'_> {
        Reader {
            cookie: cookie.map(str::to_string),
            ..self.reader()
        }
    }

    /// A reader who already has their cookie (they got it by reacting to brief `slug`).
    pub async fn known_reader(&self, slug: &str) -> Reader<'_> {
        let mut reader = self.reader();
        let reply = reader.react(slug, "insightful", true).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reader
    }
}

impl Reader<'_> {
    /// The reader's cookie (they must have one by now).
    pub fn cookie(&self) -> &str {
        self.cookie.as_deref().expect("this reader has a cookie")
    }

    /// Posts form `fields` to server function `endpoint` with the reader's cookie, and keeps
    /// the cookie the answer gives.
    pub async fn post(&mut self, endpoint: &str, fields: &[(&str, &str)]) -> Reply {
        let reply = self
            .app
            .post_form(endpoint, fields, self.cookie.as_deref())
            .await;
        if let Some(cookie) = given_reader_cookie(&reply) {
            self.cookie = Some(cookie);
        }
        reply
    }

    /// Sets whether the reader gives reaction `kind` to brief `slug`.
    pub async fn react(&mut self, slug: &str, kind: &str, active: bool) -> Reply {
        let active = active.to_string();
        let fields = [("slug", slug), ("kind", kind), ("active", active.as_str())];
        self.post("react", &fields).await
    }

    /// Posts a comment on brief `slug` (a reply to `parent`, if given) with a fresh
    /// submission key; the answer as it came.
    pub async fn post_comment(&mut self, slug: &str, body: &str, parent: Option<i64>) -> Reply {
        let key = submission_key();
        let parent = parent.map(|p| p.to_string());
        let name = self.name.clone();
        let mut fields = vec![
            ("slug", slug),
            ("name", name.as_str()),
            ("body", body),
            ("key", key.as_str()),
        ];
        if let Some(parent) = &parent {
            fields.push(("parent", parent.as_str()));
        }
        self.post("post_comment", &fields).await
    }

    /// [`Reader::post_comment`], expected to be stored: the new comment's id.
    pub async fn comment(&mut self, slug: &str, body: &str, parent: Option<i64>) -> i64 {
        let reply = self.post_comment(slug, body, parent).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json()["id"].as_i64().expect("comment id")
    }

    /// Changes the words of their comment `id` on brief `slug` to `body`.
    pub async fn edit(&mut self, slug: &str, id: i64, body: &str) -> Reply {
        let id = id.to_string();
        let fields = [("slug", slug), ("id", id.as_str()), ("body", body)];
        self.post("edit_comment", &fields).await
    }

    /// Deletes their comment `id` on brief `slug`.
    pub async fn delete(&mut self, slug: &str, id: i64) -> Reply {
        let id = id.to_string();
        self.post("delete_comment", &[("slug", slug), ("id", id.as_str())])
            .await
    }

    /// Reports comment `id` on brief `slug` for `reason`.
    pub async fn report(&mut self, slug: &str, id: i64, reason: &str) -> Reply {
        let id = id.to_string();
        let fields = [("slug", slug), ("id", id.as_str()), ("reason", reason)];
        self.post("report_comment", &fields).await
    }
}

/// Where the test may create databases; PULSE_TEST_POSTGRES_URL overrides it.
fn admin_url() -> String {
    std::env::var("PULSE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A database of its own for one test, dropped when the test ends (even by panic).
/// A database of its own on PostgreSQL when the suite runs there (`None`: SQLite, in the
/// data directory), for tests that start real `pulse` processes.
pub async fn postgres_if_chosen() -> Option<PgTestDb> {
    if on_postgres() {
        Some(PgTestDb::create().await)
    } else {
        None
    }
}

pub struct PgTestDb {
    pub name: String,
    /// Where to connect to it.
    pub url: String,
    pub pool: PgPool,
}

impl PgTestDb {
    pub async fn create() -> PgTestDb {
        let name = format!(
            "pulse_test_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        );
        let mut admin = PgConnection::connect(&admin_url())
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL must run on 127.0.0.1:5432 for these tests ({e}); \
                 start it with: pg_ctlcluster --skip-systemctl-redirect 15 main start"
                )
            });
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create the test database");
        let url = match admin_url().rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("PULSE_TEST_POSTGRES_URL must end in /<database>"),
        };
        let pool = PgPool::connect(&url)
            .await
            .expect("connect to the test database");
        PgTestDb { name, url, pool }
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        // A plain process: Drop cannot await, and the pool may still hold connections.
        let _ = std::process::Command::new("psql")
            .arg(admin_url())
            .args(["-q", "-c"])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .status();
    }
}

/// The payloads of every stored live event of `kind`, oldest first.
pub async fn events<T: serde::de::DeserializeOwned>(app: &TestApp, kind: &str) -> Vec<T> {
    app.store
        .events_after(0, 1_000)
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.kind == kind)
        .map(|e| serde_json::from_str(&e.payload).expect("payload"))
        .collect()
}

impl TestApp {
    /// Runs `sql` on the app's database directly, behind the store's back (to set up states
    /// the store itself never leaves, such as a database from an older version).
    pub async fn execute_sql(&self, sql: &str) {
        match &self.pg {
            Some(pg) => {
                sqlx::query(sql)
                    .execute(&pg.pool)
                    .await
                    .expect("sql on postgres");
            }
            None => {
                let pool = sqlx::SqlitePool::connect(&self.config.database_url)
                    .await
                    .expect("open the sqlite file");
                sqlx::query(sql)
                    .execute(&pool)
                    .await
                    .expect("sql on sqlite");
                pool.close().await;
            }
        }
    }
}

// The desk: editor accounts and sessions.

pub const PASSWORD: &str = "a long and quiet desk password";

/// Adds an editor account of `role` with [`PASSWORD`].
pub async fn add(app: &TestApp, email: &str, role: Role) {
    let hash = hash_password(PASSWORD.to_string()).await.expect("hash");
    let added = app
        .store
        .add_editor(email, "Dana Desk", role, &hash)
        .await
        .expect("add editor");
    assert!(matches!(added, AddedEditor::Added(_)), "{added:?}");
}

pub async fn sign_in(app: &TestApp, email: &str, password: &str, cookie: Option<&str>) -> Reply {
    app.post_form(
        "sign_in",
        &[("email", email), ("password", password), ("next", "/desk")],
        cookie,
    )
    .await
}

/// The `pulse_desk=…` pair a reply set.
pub fn desk_cookie(reply: &Reply) -> String {
    given_cookie(reply, "pulse_desk")
        .unwrap_or_else(|| panic!("no desk cookie in {:?}", reply.headers))
}

/// Signs editor `email` in; their desk cookie.
pub async fn signed_in(app: &TestApp, email: &str) -> String {
    let reply = sign_in(app, email, PASSWORD, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    desk_cookie(&reply)
}

/// A GET of `uri` with `cookie` and more `headers`, answered with JSON.
pub async fn get_with(app: &TestApp, uri: &str, cookie: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::get(uri)
        .header("accept", "application/json")
        .header("cookie", cookie);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::empty()).expect("request"))
        .await
}

/// An editor at the desk, signed in: their session goes with everything they do.
pub struct Editor<'a> {
    app: &'a TestApp,
    pub email: String,
    /// `pulse_desk=…`
    pub cookie: String,
}

impl TestApp {
    /// A new desk account for `email` with `role` and [`PASSWORD`], signed in.
    pub async fn editor_as(&self, email: &str, role: Role) -> Editor<'_> {
        add(self, email, role).await;
        Editor {
            app: self,
            email: email.to_string(),
            cookie: signed_in(self, email).await,
        }
    }

    /// Dana (`dana@pulse.test`), with `role`, signed in.
    pub async fn editor(&self, role: Role) -> Editor<'_> {
        self.editor_as("dana@pulse.test", role).await
    }
}

impl<'a> Editor<'a> {
    /// The same editor signed in again (from another browser, say): a session of its own.
    pub async fn another_session(&self) -> Editor<'a> {
        Editor {
            app: self.app,
            email: self.email.clone(),
            cookie: signed_in(self.app, &self.email).await,
        }
    }

    /// Posts `fields` to desk function `endpoint`, as the desk's scripts do.
    pub async fn post(&self, endpoint: &str, fields: &[(&str, &str)]) -> Reply {
        self.app
            .post_form(endpoint, fields, Some(&self.cookie))
            .await
    }

    /// [`Editor::post`] of fields built up as [`Fields`].
    pub async fn send(&self, endpoint: &str, fields: &Fields) -> Reply {
        self.post(endpoint, &fields.pairs()).await
    }

    /// Posts `fields` to `endpoint` as a browser without JavaScript does: it lands on a page.
    pub async fn post_plain(&self, endpoint: &str, fields: &Fields) -> Reply {
        let post = FormPost::to_api(endpoint)
            .body(browser_form(&fields.pairs()))
            .cookie(self.cookie.as_str())
            .plain_form();
        self.app.submit(post).await
    }

    /// [`Editor::post_plain`], expected to be sent on (302 Found): where the browser lands.
    pub async fn lands(&self, endpoint: &str, fields: &Fields) -> String {
        let reply = self.post_plain(endpoint, fields).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
        reply.header("location").to_string()
    }

    /// The stored fields of published brief `slug`, as its correction form sends them back.
    pub async fn brief_fields(&self, slug: &str) -> Fields {
        let opened = self.get(&format!("/api/open_brief?slug={slug}")).await;
        assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
        let json = opened.json();
        let stored: Vec<(String, &str)> = json["fields"]
            .as_object()
            .expect("fields")
            .iter()
            .map(|(k, v)| (format!("fields[{k}]"), v.as_str().unwrap_or_default()))
            .collect();
        let stored: Vec<(&str, &str)> = stored.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        Fields::new(&stored).with(&[("slug", slug)])
    }

    /// A desk function read with GET (`/api/…`), answered with JSON.
    pub async fn get(&self, uri: &str) -> Reply {
        get_with(self.app, uri, &self.cookie, &[]).await
    }

    /// A desk page, as HTML.
    pub async fn page(&self, uri: &str) -> Reply {
        self.app.get_as(uri, &self.cookie).await
    }
}

/// Form fields built up by a test, in order, each name at most once.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn new(fields: &[(&str, &str)]) -> Fields {
        Fields::default().with(fields)
    }

    /// These fields with `extra` set, each replacing a field of the same name.
    pub fn with(&self, extra: &[(&str, &str)]) -> Fields {
        let mut all = self.0.clone();
        for (name, value) in extra {
            all.retain(|(n, _)| n != name);
            all.push(((*name).to_string(), (*value).to_string()));
        }
        Fields(all)
    }

    /// As `post_form` takes them.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.0
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }
}

/// Cookies a desk function must refuse with 401, named: none, a reader's cookie, and a session
/// of `email` (an existing editor) that ended yesterday.
pub async fn refused_cookies(app: &TestApp, email: &str) -> [(&'static str, String); 3] {
    let reader = app
        .known_reader("halcyon-atlas-3-release")
        .await
        .cookie()
        .to_string();
    let (token, hash) = new_token("a test session").expect("token");
    let editor = app
        .store
        .editor_credentials(email)
        .await
        .expect("query")
        .expect("editor")
        .0;
    app.store
        .sign_in_succeeded(
            &editor,
            &["-"],
            &hash,
            None,
            OffsetDateTime::now_utc() - Duration::days(2),
            Duration::hours(12),
        )
        .await
        .expect("old session");
    [
        ("no cookie", String::new()),
        ("a reader cookie", reader),
        ("an ended session", format!("pulse_desk={token}")),
    ]
}

/// A form post to `endpoint` with `cookie` that comes from another site.
pub async fn cross_site_post(
    app: &TestApp,
    endpoint: &str,
    fields: &[(&str, &str)],
    cookie: &str,
) -> Reply {
    let post = FormPost::to_api(endpoint)
        .fields(fields)
        .cookie(cookie)
        .origin("https://evil.test")
        .without("accept");
    app.submit(post).await
}
