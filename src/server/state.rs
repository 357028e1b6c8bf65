//! Shared application state: built once at start, cloned cheaply into every request.

use std::sync::Arc;

use axum::extract::FromRef;
use axum::http::request::Parts;
use leptos::prelude::{LeptosOptions, use_context};

use crate::error::AppError;
use crate::server::config::Config;
use crate::server::live::LiveHub;
use crate::server::mail::MailQueue;
use crate::server::metrics::Metrics;
use crate::server::page_cache::PageCache;
use crate::server::rate_limit::RateLimiter;
use crate::server::readers::{ReaderId, ReaderKeys};
use crate::server::repo::Store;

#[derive(Clone)]
pub struct AppState {
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

impl AppState {
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

/// The state, from inside a server function or a server render.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState was not provided to this request");
        AppError::Internal
    })
}
