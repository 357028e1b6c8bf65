//! Shared application state: built once at start ([`AppState::build`], the one place the app
//! is assembled: by the server, the command line and the tests), cloned cheaply into every
//! request.

use crate::server::insight::PageViews;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use axum::http::request::Parts;
use leptos::prelude::{LeptosOptions, use_context};

use crate::error::AppError;
use crate::server::config::Config;
use crate::server::live::LiveHub;
use crate::server::mail::{MailQueue, Mailer};
use crate::server::metrics::Metrics;
use crate::server::page_cache::PageCache;
use crate::server::rate_limit::RateLimiter;
use crate::server::readers::{ReaderId, ReaderKeys};
use crate::server::repo::Store;
use crate::server::sources::Fetcher;

/// The application's state. Every request and render gets a clone (several, through the
/// middleware), so a clone is one reference count; the parts are [`AppParts`].
#[derive(Clone)]
pub struct AppState(Arc<AppParts>);

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// What [`AppState`] holds.
#[derive(Clone)]
pub struct AppParts {
    pub store: Store,
    pub config: Arc<Config>,
    pub leptos: LeptosOptions,
    pub readers: ReaderKeys,
    pub limiter: RateLimiter,
    pub live: LiveHub,
    /// Wakes the mail worker after something was queued.
    pub mail: MailQueue,
    pub metrics: Metrics,
    /// Anonymous page views rendered once and served again until something changes.
    pub pages: PageCache,
    /// Page views of briefs counted here, not yet in the database (insight).
    pub views: PageViews,
    /// The one HTTP client the sources inbox fetches feeds with.
    pub fetcher: Fetcher,
}

impl FromRef<AppState> for Metrics {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// What the state is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Serving requests: the live layer's pump and the mail worker run.
    Serve,
    /// A command-line command: nothing runs in the background (a command that mails sends
    /// through its own [`Mailer`]).
    Command,
}

impl AppState {
    /// Opens the store and assembles everything a request or a command needs. `readers` is
    /// the key that signs readers' cookies ([`reader_keys`] reads the configured one).
    pub async fn build(
        config: Arc<Config>,
        leptos: LeptosOptions,
        readers: ReaderKeys,
        mode: Mode,
    ) -> Result<AppState, String> {
        let store = open_store(&config).await?;
        let (live, mail) = match mode {
            Mode::Serve => {
                let mailer = Mailer::new(&config.mail, &config.data_dir)?;
                let live = LiveHub::start(
                    store.clone(),
                    config.limits.live_max_connections as usize,
                    Duration::from_secs(config.limits.live_stream_seconds.into()),
                );
                (live, MailQueue::start(store.clone(), mailer))
            }
            Mode::Command => (LiveHub::idle(store.clone()), MailQueue::default()),
        };
        let user_agent = format!(
            "Pulse/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            config.site.base_url
        );
        let fetcher = Fetcher::new(config.sources.allow_private_addresses, &user_agent)
            .map_err(|_| "cannot build the feed client".to_string())?;
        Ok(AppState(Arc::new(AppParts {
            fetcher,
            pages: PageCache::new(Duration::from_secs(config.page_cache_seconds.into())),
            store,
            config,
            leptos,
            readers,
            limiter: RateLimiter::default(),
            live,
            mail,
            metrics: Metrics::default(),
            views: PageViews::new(),
        })))
    }

    /// The same app with in-memory limits and counters of its own, as a second instance on
    /// the same database has (what must hold across instances is counted in the database).
    pub fn with_own_limits(&self) -> AppState {
        AppState(Arc::new(AppParts {
            limiter: RateLimiter::default(),
            views: PageViews::new(),
            ..(*self.0).clone()
        }))
    }
}

impl AppParts {
    /// Counts one of `reader`'s small writes (`action`: a reaction, a report, a change to their
    /// comment, an erasure) against the per-reader and per-address limits of reactions.
    pub fn limit_reader_write(
        &self,
        action: &str,
        parts: &Parts,
        reader: &ReaderId,
    ) -> Result<(), AppError> {
        let limits = &self.config.limits;
        self.limiter.limit_write(
            action,
            parts,
            &limits.trusted_proxies,
            reader,
            limits.reactions_per_minute_per_reader,
            limits.reactions_per_minute_per_ip,
        )
    }
}

/// Creates the data directory and opens the store.
pub async fn open_store(config: &Config) -> Result<Store, String> {
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

/// The configured key that signs readers' cookies, created on first start.
pub fn reader_keys(config: &Config) -> Result<ReaderKeys, String> {
    ReaderKeys::load_or_create(&config.secret_file).map_err(|e| {
        format!(
            "cannot use the secret file {}: {e}",
            config.secret_file.display()
        )
    })
}

/// The state, from inside a server function or a server render.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState was not provided to this request");
        AppError::Internal
    })
}
