//! The command line: `pulse` serves the site, `pulse import <dir>` loads content, `pulse digest
//! preview|send` shows or sends the weekly digest now.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::get_configuration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::server::config::{Config, KEYS};
use crate::server::content::import_dir;
use crate::server::digest;
use crate::server::http;
use crate::server::live::LiveHub;
use crate::server::mail::{MailQueue, Mailer, send_due};
use crate::server::metrics::Metrics;
use crate::server::newsletter::start_purge;
use crate::server::rate_limit::RateLimiter;
use crate::server::readers::ReaderKeys;
use crate::server::repo::Store;
use crate::server::state::AppState;

const USAGE: &str = "\
Pulse — a self-hostable AI-news briefing site

Usage:
  pulse                 start the web server (address from LEPTOS_SITE_ADDR)
  pulse import <dir>    import or update every brief (*.md) under <dir>, all or nothing
  pulse digest preview [--at <time>]
                        print the next weekly digest (text part) without sending anything
  pulse digest send [--at <time>]
                        compose this week's digest now and send it to every confirmed
                        subscriber (once: subscribers who have it already are skipped);
                        --at (RFC 3339, e.g. 2026-11-26T09:00:00Z) composes the issue of
                        that moment's week instead, from the briefs published until then
  pulse --help          show this help
  pulse --version       show the version

Settings are read from Leptos.toml (or the file named by PULSE_CONFIG); each can be
overridden by an environment variable:";

enum Command {
    Serve,
    Import(PathBuf),
    DigestPreview(Option<OffsetDateTime>),
    DigestSend(Option<OffsetDateTime>),
    Help,
    Version,
}

fn parse(args: &[String]) -> Result<Command, String> {
    match args {
        [] => Ok(Command::Serve),
        [flag] if flag == "--help" || flag == "-h" || flag == "help" => Ok(Command::Help),
        [flag] if flag == "--version" || flag == "-V" => Ok(Command::Version),
        [cmd, dir] if cmd == "import" => Ok(Command::Import(PathBuf::from(dir))),
        [cmd, sub, rest @ ..] if cmd == "digest" && (sub == "preview" || sub == "send") => {
            let at = match rest {
                [] => None,
                [flag, at] if flag == "--at" => {
                    Some(OffsetDateTime::parse(at, &Rfc3339).map_err(|_| {
                        format!("--at wants an RFC 3339 time, e.g. 2026-11-26T09:00:00Z, not {at}")
                    })?)
                }
                other => return Err(format!("unknown arguments: {}", other.join(" "))),
            };
            Ok(if sub == "send" {
                Command::DigestSend(at)
            } else {
                Command::DigestPreview(at)
            })
        }
        [cmd, ..] if cmd == "digest" => Err("`pulse digest` needs `preview` or `send`".into()),
        [cmd] if cmd == "import" => {
            Err("`pulse import` needs the directory to import, e.g. `pulse import content`".into())
        }
        other => Err(format!("unknown arguments: {}", other.join(" "))),
    }
}

fn usage() -> String {
    let keys: Vec<String> = KEYS
        .iter()
        .map(|(key, env)| format!("  {env:<20} {key}"))
        .collect();
    format!("{USAGE}\n{}\n", keys.join("\n"))
}

pub fn main(args: Vec<String>) -> ExitCode {
    let command = match parse(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("pulse: {message}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("pulse {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Command::Serve
        | Command::Import(_)
        | Command::DigestPreview(_)
        | Command::DigestSend(_) => {}
    }
    init_logging();
    let config = match Config::load() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("pulse: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("pulse: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match command {
            Command::Import(dir) => import(config, dir).await,
            Command::DigestPreview(at) => digest_preview(config, at).await,
            Command::DigestSend(at) => digest_send(config, at).await,
            _ => serve(config).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pulse: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if std::env::var("PULSE_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Creates the data directory and opens the store.
async fn open_store(config: &Config) -> Result<Store, String> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        format!(
            "cannot create the data directory {}: {e}",
            config.data_dir.display()
        )
    })?;
    Store::open(&config.database_url, &config.site.categories)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))
}

async fn import(config: Config, dir: PathBuf) -> Result<(), String> {
    let store = open_store(&config).await?;
    let report = import_dir(&store, &dir, &config.site)
        .await
        .map_err(|e| e.to_string())?;
    println!("imported {}: {report}", dir.display());
    Ok(())
}

/// The application's state for the command line: no web server, no mail worker.
async fn cli_state(config: Config) -> Result<(AppState, Mailer), String> {
    let store = open_store(&config).await?;
    let mailer = Mailer::new(&config.mail, &config.data_dir)?;
    let secure = config.site.base_url.starts_with("https://");
    let readers = ReaderKeys::load_or_create(&config.secret_file, secure).map_err(|e| {
        format!(
            "cannot use the secret file {}: {e}",
            config.secret_file.display()
        )
    })?;
    // Nothing is rendered from the command line; the settings only fill the state.
    let leptos = get_configuration(None)
        .map(|c| c.leptos_options)
        .unwrap_or_else(|_| {
            leptos::prelude::LeptosOptions::builder()
                .output_name("pulse")
                .build()
        });
    let state = AppState {
        live: LiveHub::start(store.clone(), 1, Duration::from_secs(1)),
        mail: MailQueue::default(),
        store,
        config: Arc::new(config),
        leptos,
        readers,
        limiter: RateLimiter::default(),
        metrics: Metrics::default(),
    };
    Ok((state, mailer))
}

async fn digest_preview(config: Config, at: Option<OffsetDateTime>) -> Result<(), String> {
    let (state, _) = cli_state(config).await?;
    let now = at.unwrap_or_else(OffsetDateTime::now_utc);
    match digest::preview(&state, now)
        .await
        .map_err(|e| e.to_string())?
    {
        None => println!("No briefs since the last digest: the next one would be empty."),
        Some(issue) => {
            let (text, _) = digest::render(&state, &issue, "(each subscriber's unsubscribe link)");
            print!("{text}");
        }
    }
    Ok(())
}

async fn digest_send(config: Config, at: Option<OffsetDateTime>) -> Result<(), String> {
    let real_now = OffsetDateTime::now_utc();
    if at.is_some_and(|at| at > real_now + time::Duration::minutes(1)) {
        // An issue ending in the future would swallow every brief published until then.
        return Err("--at must not be in the future".to_string());
    }
    let (state, mailer) = cli_state(config).await?;
    let now = at.unwrap_or(real_now);
    let issue = digest::send_digest(&state, now)
        .await
        .map_err(|e| e.to_string())?;
    let Some(issue) = issue else {
        println!("No briefs since the last digest: nothing sent.");
        return Ok(());
    };
    // Deliver here and now; a running server would pick the queue up too, and claims keep the
    // two from sending the same message.
    send_due(&state.store, &mailer).await;
    let waiting = state
        .store
        .mail_queue_depth()
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Digest {} sent; {waiting} message(s) still queued for retry.",
        issue.slug
    );
    Ok(())
}

async fn serve(config: Config) -> Result<(), String> {
    let leptos = get_configuration(None)
        .map_err(|e| format!("Leptos settings: {e}"))?
        .leptos_options;
    let store = open_store(&config).await?;
    let empty = store
        .count_briefs()
        .await
        .map_err(|_| "cannot read the database".to_string())?
        == 0;
    if empty && config.content_dir.is_dir() {
        let report = import_dir(&store, &config.content_dir, &config.site)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(dir = %config.content_dir.display(), %report, "first start: imported content");
    }
    let store_for_live = store.clone();
    let max_live = config.limits.live_max_connections as usize;
    let stream_lifetime = Duration::from_secs(config.limits.live_stream_seconds.into());
    let secure = config.site.base_url.starts_with("https://");
    let readers = ReaderKeys::load_or_create(&config.secret_file, secure).map_err(|e| {
        format!(
            "cannot use the secret file {}: {e}",
            config.secret_file.display()
        )
    })?;
    let mailer = Mailer::new(&config.mail, &config.data_dir)?;
    if config.mail.smtp.is_none() {
        tracing::info!(dir = %config.data_dir.join("mail").display(),
            "no SMTP server configured: outgoing mail is written to files");
    }
    let mail = MailQueue::start(store.clone(), mailer);
    start_purge(store.clone(), config.newsletter.unconfirmed_purge_hours);
    let state = AppState {
        mail,
        store,
        config: Arc::new(config),
        leptos,
        readers,
        limiter: RateLimiter::default(),
        live: LiveHub::start(store_for_live, max_live, stream_lifetime),
        metrics: Metrics::default(),
    };
    digest::start_schedule(state.clone());
    http::serve(state)
        .await
        .map_err(|e| format!("server error: {e}"))
}
