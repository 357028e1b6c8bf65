//! The page's clock, for relative times ("5 minutes ago"). It starts at the moment the server
//! rendered the page — on both sides, so hydration sees the same text — and the WASM client
//! (`crate::client::clock`) then moves it along with the browser's clock.

use leptos::prelude::*;

/// When the server rendered the page, in seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderedAt(pub i64);

#[derive(Clone, Copy)]
pub struct Clock {
    /// Now, in seconds since the Unix epoch.
    pub now: RwSignal<i64>,
}

impl Clock {
    pub fn new(rendered_at: RenderedAt) -> Clock {
        Clock {
            now: RwSignal::new(rendered_at.0),
        }
    }
}

/// Provides a clock unless the client entry point already did.
pub fn provide_clock_context() {
    if use_context::<Clock>().is_none() {
        provide_context(Clock::new(use_context().unwrap_or_default()));
    }
}

pub fn use_clock() -> Clock {
    use_context::<Clock>().unwrap_or_else(|| Clock::new(RenderedAt::default()))
}
