//! The command line: `pulse` serves the site, `pulse import <dir>` loads content.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::get_configuration;

use crate::server::config::{Config, KEYS};
use crate::server::content::import_dir;
use crate::server::http;
use crate::server::live::LiveHub;
use crate::server::mail::{MailQueue, Mailer};
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
  pulse --help          show this help
  pulse --version       show the version

Settings are read from Leptos.toml (or the file named by PULSE_CONFIG); each can be
overridden by an environment variable:";

enum Command {
    Serve,
    Import(PathBuf),
    Help,
    Version,
}

fn parse(args: &[String]) -> Result<Command, String> {
    match args {
        [] => Ok(Command::Serve),
        [flag] if flag == "--help" || flag == "-h" || flag == "help" => Ok(Command::Help),
        [flag] if flag == "--version" || flag == "-V" => Ok(Command::Version),
        [cmd, dir] if cmd == "import" => Ok(Command::Import(PathBuf::from(dir))),
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
        Command::Serve | Command::Import(_) => {}
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
    };
    http::serve(state)
        .await
        .map_err(|e| format!("server error: {e}"))
}
