//! Shared application state: built once at start, cloned cheaply into every request.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::{LeptosOptions, use_context};

use crate::error::AppError;
use crate::server::config::Config;
use crate::server::live::LiveHub;
use crate::server::mail::MailQueue;
use crate::server::metrics::Metrics;
use crate::server::rate_limit::RateLimiter;
use crate::server::readers::ReaderKeys;
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

/// The state, from inside a server function or a server render.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState was not provided to this request");
        AppError::Internal
    })
}
