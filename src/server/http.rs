//! The HTTP surface: the router, the per-request context every render and server function
//! gets, the middleware (security headers, server-function status codes, compression, request
//! logs), static files, `/healthz` and `/readyz`, and serving with graceful shutdown.

use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use sha2::{Digest as _, Sha256};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::app::App;
use crate::contexts::clock::RenderedAt;
use crate::contexts::live::LiveCursor;
use crate::contexts::response::ResponseHooks;
use crate::error::AppError;
use crate::server::guard::accepts_html;
use crate::server::respond::{self, theme_from_cookies};
use crate::server::shell::{self, shell};
use crate::server::state::AppState;
use crate::server::{
    feeds, follow, insight, listen, live, metrics, my_data, newsletter, page_cache,
};

/// Largest request body accepted: a maximal comment, form-encoded, fits many times over.
const MAX_REQUEST_BODY: usize = 64 * 1024;
/// Largest server-function answer that gets an ETag (far above any real one).
const MAX_CACHED_BODY: usize = 4 * 1024 * 1024;
/// Largest page rendered (far above any real one; a page is read whole to end it at `</html>`).
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;
/// Largest server-function error body the status middleware will read.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The per-request CSP nonce, minted by [`security_headers`] and handed to Leptos so that every
/// inline script it writes carries it.
#[derive(Clone)]
pub(crate) struct CspNonce(pub(crate) Nonce);

/// Everything a render or a server function may ask for via `use_context`.
fn request_context(state: AppState) -> impl Fn() + Clone + Send + 'static {
    move || {
        let headers = use_context::<axum::http::request::Parts>().map(|p| {
            if let Some(CspNonce(nonce)) = p.extensions.get::<CspNonce>() {
                provide_context(nonce.clone());
            }
            p.headers
        });
        provide_context(theme_from_cookies(&headers.unwrap_or_default()));
        provide_context(state.config.site.clone());
        provide_context(LiveCursor(state.live.head()));
        provide_context(RenderedAt(time::OffsetDateTime::now_utc().unix_timestamp()));
        provide_context(ResponseHooks::new(respond::set_status));
        provide_context(state.clone());
    }
}

/// The whole application as an axum router.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let context = request_context(state.clone());
    let options = state.leptos.clone();

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/live", get(live::stream))
        .route("/feed.xml", get(feeds::all_briefs))
        .route("/feed.json", get(feeds::json_feed))
        .route("/category/{category}/feed.xml", get(feeds::category_briefs))
        .route("/tag/{tag}/feed.xml", get(feeds::tag_briefs))
        .route("/digest/feed.xml", get(feeds::digest_issues))
        .route("/pulse/{slug}/comments.xml", get(feeds::brief_comments))
        .route("/pulse/{slug}/updates.xml", get(feeds::brief_updates))
        .route("/sitemap.xml", get(feeds::sitemap))
        .route("/robots.txt", get(feeds::robots))
        .route("/my-data.json", get(my_data::download))
        .route("/client/{file}", get(shell::loader))
        .route("/newsletter/my-data.json", get(newsletter::data_download))
        // Mail clients post here directly (RFC 8058); the page at the same address is Leptos's.
        .route("/newsletter/unsubscribe", post(newsletter::one_click_unsubscribe))
        .route("/follow/stop", post(follow::one_click_stop))
        // Also mounts every server function under /api, with the same context.
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(options.clone()))
        .nest_service("/pkg", pkg_service(&state.leptos))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn(document_only))
        .layer(middleware::from_fn(navigation_redirects))
        // Inside the security headers: it needs the request's nonce.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            page_cache::serve,
        ))
        // Outside the cache: a cached answer is a page view too.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            insight::count_views,
        ))
        // Every request body Pulse accepts is small; larger ones get 413 before being read.
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY))
        .layer(middleware::from_fn(security_headers))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                // Path only: query strings may one day carry things that don't belong in logs.
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get(metrics::REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        // Outermost: the id exists before the request log starts, and the latency is the
        // whole answer's.
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .with_state(state)
}

/// Compiled assets. With hashed file names (release builds) they never change, so browsers
/// may keep them for a year.
fn pkg_service(options: &leptos::prelude::LeptosOptions) -> Router {
    let dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    let cache = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ))
}

/// Liveness: the process answers and its database does.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => probe(StatusCode::OK, "ok"),
        Err(_) => probe(StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Readiness, for a load balancer: the schema is migrated (the store does that before the
/// server listens), the database answers, and events committed by other instances reach this
/// one's readers.
async fn readyz(State(state): State<AppState>) -> Response {
    if state.store.ping().await.is_err() {
        return probe(StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    }
    if !state.live.listening() {
        return probe(
            StatusCode::SERVICE_UNAVAILABLE,
            "not yet listening for live events",
        );
    }
    probe(StatusCode::OK, "ready")
}

fn probe(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        format!("{message}\n"),
    )
        .into_response()
}

/// Security headers on every response; a fresh CSP nonce for every HTML page.
async fn security_headers(mut req: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let csp = if is_html {
        page_policy(&nonce)
    } else {
        Some(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'; sandbox",
        ))
    };
    let headers = res.headers_mut();
    if let Some(value) = csp {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if is_html && !headers.contains_key(header::CACHE_CONTROL) {
        // Pages change live and vary with the reader's cookies: always revalidate.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    res
}

/// A page's Content-Security-Policy with its `nonce`: the text around the nonce is worked out
/// once, so each answer only joins three pieces.
fn page_policy(nonce: &str) -> Option<HeaderValue> {
    static AROUND: OnceLock<(&str, String)> = OnceLock::new();
    let (before, after) = AROUND.get_or_init(|| {
        (
            "default-src 'self'; script-src 'self' 'nonce-",
            format!(
                "' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
                 connect-src 'self'{}; object-src 'none'; base-uri 'none'; form-action 'self'; \
                 frame-ancestors 'none'",
                dev_reload_source()
            ),
        )
    });
    let mut policy = String::with_capacity(before.len() + nonce.len() + after.len());
    policy.push_str(before);
    policy.push_str(nonce);
    policy.push_str(after);
    HeaderValue::from_maybe_shared(Bytes::from(policy)).ok()
}

/// `cargo leptos watch` reloads the page over a websocket on the reload port.
fn dev_reload_source() -> String {
    match (
        std::env::var("LEPTOS_WATCH"),
        std::env::var("LEPTOS_RELOAD_PORT"),
    ) {
        (Ok(_), Ok(port)) if port.parse::<u16>().is_ok() => {
            format!(" ws://127.0.0.1:{port} ws://localhost:{port}")
        }
        _ => String::new(),
    }
}

/// The app's routes, worked out once per process. Route generation renders the app in a special
/// mode; it must not run while other requests are being rendered (seen to stall them).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// A page ends at `</html>`. Leptos follows every rendered page with scripts carrying data for
/// hydrating resources; with islands nothing reads them (no resource outside an island is sent
/// along, so they are empty), and a script after `</html>` is not valid HTML.
async fn document_only(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !is_html {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE_BYTES).await else {
        tracing::error!("page too large or broken while rendering");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    const END: &[u8] = b"</html>";
    let end = bytes
        .windows(END.len())
        .rposition(|w| w == END)
        .map_or(bytes.len(), |at| at + END.len());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(spell_out_empty_comments(&bytes[..end])))
}

/// Leptos marks places in a page with `<!>`, which browsers read as an empty comment but HTML
/// calls a bogus comment (a parse error the W3C checker reports). `<!---->` is the same empty
/// comment, spelled validly. Readers' text never holds a bare `<` (it is escaped), so every
/// `<!>` in a page is such a marker.
fn spell_out_empty_comments(page: &[u8]) -> Vec<u8> {
    const MARKER: &[u8] = b"<!>";
    const VALID: &[u8] = b"<!---->";
    let mut out = Vec::with_capacity(page.len() + page.len() / 64);
    let mut rest = page;
    while let Some(at) = rest.windows(MARKER.len()).position(|w| w == MARKER) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(VALID);
        rest = &rest[at + MARKER.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// The page router's requests (`Pulse-Navigation: 1`) get a redirect as `204` with
/// `Pulse-Location`: a fetch would follow it by itself and lose the target's `#fragment` (a
/// form that lands on the comment it posted, say).
async fn navigation_redirects(req: Request, next: Next) -> Response {
    let navigating = req.headers().contains_key(NAVIGATION_HEADER);
    let mut res = next.run(req).await;
    if !navigating || !res.status().is_redirection() {
        return res;
    }
    let Some(location) = res.headers_mut().remove(header::LOCATION) else {
        return res;
    };
    *res.status_mut() = StatusCode::NO_CONTENT;
    let headers = res.headers_mut();
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(NAVIGATION_LOCATION, location);
    let (parts, _) = res.into_parts();
    Response::from_parts(parts, Body::empty())
}

/// Sent by the page router (`src/client/pulse.js`) with every page it fetches.
pub const NAVIGATION_HEADER: &str = "pulse-navigation";
/// Where a redirect for the page router leads.
const NAVIGATION_LOCATION: &str = "pulse-location";

/// Server functions answer every error with 500; this gives each [`AppError`] its real status.
/// A plain form post (no JavaScript) gets a readable page instead of JSON. Successful GETs get
/// an ETag and must revalidate: cacheable, and never stale after a write — except answers
/// marked `no-store` (a reader's own data), which are passed through as they are.
async fn server_fn_status(req: Request, next: Next) -> Response {
    let is_api_get = req.method() == Method::GET && req.uri().path().starts_with("/api/");
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let wants_html = accepts_html(req.headers());
    let res = next.run(req).await;
    if res.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return error_response(res, wants_html).await;
    }
    let no_store = res
        .headers()
        .get(header::CACHE_CONTROL)
        .is_some_and(|v| v.as_bytes() == b"no-store");
    if is_api_get && res.status() == StatusCode::OK && !no_store {
        return with_etag(res, if_none_match).await;
    }
    res
}

async fn with_etag(res: Response, if_none_match: Option<HeaderValue>) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_CACHED_BODY).await else {
        tracing::error!("server function answer too large to tag");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let digest = Sha256::digest(&bytes);
    // Weak: the compression layer may re-encode the bytes this tag describes.
    let etag = format!("W/\"{}\"", URL_SAFE_NO_PAD.encode(&digest[..16]));
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    parts
        .headers
        .insert(header::VARY, HeaderValue::from_static("cookie"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, value);
    }
    if if_none_match.is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

async fn error_response(res: Response, wants_html: bool) -> Response {
    let (mut parts, body) = res.into_parts();
    let error = match to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => serde_json::from_slice::<AppError>(&bytes).unwrap_or(AppError::Internal),
        Err(_) => AppError::Internal,
    };
    parts.status =
        StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    parts.headers.remove(header::LOCATION);
    if let AppError::TooManyRequests { retry_after } = &error {
        parts
            .headers
            .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
    }
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let body = if wants_html {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        Body::from(plain_error_page(&error))
    } else {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Body::from(serde_json::to_vec(&error).unwrap_or_default())
    };
    Response::from_parts(parts, body)
}

/// A minimal page for a failed form post without JavaScript. A message about one field says
/// which (`data-field`), so the page router can put it beside that field instead.
fn plain_error_page(error: &AppError) -> String {
    plain_page_about(error.title(), &error.to_string(), error.field())
}

/// A minimal page: a heading, one message and the way home (text is escaped here).
pub fn plain_page(title: &str, message: &str) -> String {
    plain_page_about(title, message, None)
}

fn plain_page_about(title: &str, message: &str, field: Option<&str>) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let about = field
        .map(|f| format!(" data-field=\"{}\"", escape(f)))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title}</title></head><body><main>\
         <h1>{title}</h1><p{about}>{message}</p><p><a href=\"/\">Back to Pulse</a></p></main></body></html>",
        title = escape(title),
        message = escape(message),
    )
}

/// Binds the configured address and serves until SIGTERM or Ctrl-C, then lets in-flight
/// requests finish.
pub async fn serve(state: AppState) -> std::io::Result<()> {
    let addr = state.leptos.site_addr;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, backend = state.store.backend(), "Pulse is listening");
    if let Some(metrics_addr) = state.config.metrics_addr {
        let metrics_state = state.clone();
        tokio::spawn(async move {
            if let Err(error) = metrics::serve(metrics_state, metrics_addr).await {
                tracing::error!(%error, %metrics_addr, "cannot serve metrics");
            }
        });
    }
    let hub = state.live.clone();
    let limits = &state.config.limits;
    let timeouts = listen::Timeouts {
        header_read: Duration::from_secs(limits.header_read_seconds.into()),
        write_stall: Duration::from_secs(limits.write_stall_seconds.into()),
    };
    listen::serve(
        listener,
        router(state.clone()),
        Some(state),
        timeouts,
        async move {
            shutdown_signal().await;
            // Open event streams would otherwise hold the shutdown open forever.
            hub.close();
        },
    )
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
    // Give in-flight responses a moment; axum stops accepting new connections right away.
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_comment_markers_are_spelled_validly() {
        assert_eq!(
            spell_out_empty_comments(b"<p><!></p><!><!--x--><!>"),
            b"<p><!----></p><!----><!--x--><!---->".to_vec()
        );
        assert_eq!(
            spell_out_empty_comments(b"no markers"),
            b"no markers".to_vec()
        );
    }
}
