//! Pulse: a self-hostable AI-news briefing site.
//!
//! One crate, two builds. With `ssr` it is the axum server (everything server-only lives in
//! [`server`], the crate's single `ssr` fence); with `hydrate` it is the WASM client that takes
//! over the server-rendered page. Everything else — model types, errors, server-function
//! declarations and components — is shared by both.

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

/// Entry point of the WASM client: reads what the server rendered into the page and hydrates it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let bootstrap = contexts::client_bootstrap();
    let live = contexts::live::LiveContext::new();
    let clock = contexts::clock::Clock::new(bootstrap.rendered_at);
    let visits = contexts::visits::Visits::new();
    let cursor = bootstrap.live_cursor;
    leptos::mount::hydrate_body(move || {
        bootstrap.provide();
        leptos::prelude::provide_context(live);
        leptos::prelude::provide_context(clock);
        leptos::prelude::provide_context(visits);
        leptos::view! { <app::App/> }
    });
    client::live::connect(live, cursor.0);
    client::clock::run(clock);
    client::visits::run(visits);
    // Marks the page as live (tests wait on it; CSS may key on it).
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
