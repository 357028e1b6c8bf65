//! The HTML document around every page, and the client's loader.
//!
//! Pulse's client is its own loader and page router (`src/client/pulse.js`, served here at an
//! address that changes with its content, so browsers keep it for good), which fetches the
//! WASM client only for a page with islands.
//! Leptos' own `HydrationScripts` is not used: its preload links carry the CSP nonce as their
//! `crossorigin` value (invalid HTML), and its islands router does not do what a reader needs
//! (see the README, "The client").

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};
use sha2::{Digest as _, Sha256};

use crate::app::App;
use crate::contexts::SITE_INFO_ELEMENT_ID;
use crate::contexts::live::LiveCursor;
use crate::contexts::site::use_site;
use crate::contexts::theme::{Theme, use_theme};

/// The loader and page router, as the browser gets it.
const CLIENT_JS: &str = include_str!("../client/pulse.js");

/// The document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Only islands hydrate: nothing rendered outside one needs its data sent along.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let theme = use_theme();
    let theme_attr = (theme != Theme::System).then_some(theme.as_str());
    let live_cursor = use_context::<LiveCursor>().unwrap_or_default().0;
    // `<` is escaped so no value can close the script element early.
    let site = use_site();
    let site_json = serde_json::to_string(&site)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    // Feed readers find the feeds from any page.
    let base = site.base_url.trim_end_matches('/').to_string();
    let feeds_title = format!("{} — all briefs", site.name);
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme_attr data-live-cursor=live_cursor>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="alternate" type="application/atom+xml" title=feeds_title.clone() href=format!("{base}/feed.xml")/>
                <link rel="alternate" type="application/feed+json" title=feeds_title href=format!("{base}/feed.json")/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <script type="application/json" id=SITE_INFO_ELEMENT_ID inner_html=site_json></script>
                <AutoReload options=options.clone()/>
                <ClientScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Starts the loader, which fetches the WASM client once the browser is idle. Nothing is
/// preloaded: the page paints without waiting for the client, and the client's bytes never
/// compete with what the reader sees first.
#[component]
fn ClientScripts(options: LeptosOptions) -> impl IntoView {
    let files = client_files(&options);
    let nonce = use_nonce();
    view! {
        <script
            type="module"
            id="pulse-client"
            src=loader_path()
            data-js=files.js.clone()
            data-wasm=files.wasm.clone()
            nonce=nonce
        ></script>
    }
}

/// Where the client's two files are, as cargo-leptos built them.
#[derive(Debug, Clone)]
struct ClientFiles {
    js: String,
    wasm: String,
}

/// Worked out once: with hashed file names, from the hash file cargo-leptos writes beside the
/// server binary.
fn client_files(options: &LeptosOptions) -> &'static ClientFiles {
    static FILES: OnceLock<ClientFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let name = options.output_name.to_string();
        let (mut js, mut wasm) = (name.clone(), name);
        if options.hash_files {
            let hashes = std::env::current_exe()
                .ok()
                .and_then(|exe| {
                    let file = exe.parent()?.join(options.hash_file.as_ref());
                    std::fs::read_to_string(file).ok()
                })
                .unwrap_or_default();
            if hashes.is_empty() {
                tracing::error!("hashed file names are on, but there is no hash file");
            }
            for (file, hash) in hashes.lines().filter_map(|l| l.trim().split_once(':')) {
                match file {
                    "js" => js = format!("{js}.{}", hash.trim()),
                    "wasm" => wasm = format!("{wasm}.{}", hash.trim()),
                    _ => {}
                }
            }
        } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            wasm.push_str("_bg");
        }
        let pkg = &options.site_pkg_dir;
        ClientFiles {
            js: format!("/{pkg}/{js}.js"),
            wasm: format!("/{pkg}/{wasm}.wasm"),
        }
    })
}

/// The loader's file name: its content's hash is in it.
fn loader_file() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let digest = Sha256::digest(CLIENT_JS.as_bytes());
        let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("pulse.{hash}.js")
    })
}

fn loader_path() -> String {
    format!("/client/{}", loader_file())
}

/// `GET /client/{file}`: the loader, kept by browsers for a year (its name changes with it).
pub async fn loader(Path(file): Path<String>) -> Response {
    if file != loader_file() {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        CLIENT_JS,
    )
        .into_response()
}
