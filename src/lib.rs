//! Pulse: a self-hostable AI-news briefing site.
//!
//! One crate, two builds. With `ssr` it is the axum server (everything server-only lives in
//! [`server`], the crate's single `ssr` fence); with `hydrate` it is the WASM client, which
//! hydrates only the page's islands (the interactive parts; everything else stays the HTML the
//! server sent). Everything else — model types, errors, server-function declarations and
//! components — is shared by both; only what an island reaches is compiled into the client.

// Leptos views are deeply nested types; the hydrate build's layout queries need more depth
// than rustc's default of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
#[cfg(feature = "hydrate")]
pub mod client;
pub mod components;
pub mod contexts;
pub mod error;
pub mod model;

#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the WASM client, called by the loader before it hydrates the islands: sets
/// up what every island shares (the site's settings, as a context of the root owner every
/// island hangs off).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::*;

    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    client::islands::init();
    provide_context(contexts::client_site());
}
