//! Small helpers that change the response a server function or render is producing.

use axum::http::{HeaderMap, HeaderValue, header};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::contexts::theme::{THEME_COOKIE, Theme};
use crate::server::readers::ReaderId;
use crate::server::state::AppState;

/// How long the theme cookie lives: a year, renewed on every change.
const THEME_COOKIE_MAX_AGE: u32 = 365 * 24 * 60 * 60;

/// Sets the status of the current response.
pub fn set_status(code: u16) {
    if let (Some(options), Ok(status)) = (
        use_context::<ResponseOptions>(),
        axum::http::StatusCode::from_u16(code),
    ) {
        options.set_status(status);
    }
}

/// `; Secure` when the site is served over https (every cookie Pulse sets carries it then).
fn secure_flag() -> &'static str {
    let secure = use_context::<AppState>().is_some_and(|state| secure_cookies(&state));
    if secure { "; Secure" } else { "" }
}

/// Stores the reader's theme in a cookie (not HttpOnly: the client reads nothing from it, but
/// there is nothing secret in it either).
pub fn remember_theme(theme: Theme) {
    let cookie = format!(
        "{THEME_COOKIE}={}; Path=/; Max-Age={THEME_COOKIE_MAX_AGE}; SameSite=Lax{}",
        theme.as_str(),
        secure_flag()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        set_cookie(value);
    }
}

/// Cookie remembering the display name a reader last commented under.
const NAME_COOKIE: &str = "pulse_name";

/// Remembers the reader's display name for their next comment (encoded: names are free text).
pub fn remember_name(name: &str) {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(name);
    let cookie = format!(
        "{NAME_COOKIE}={encoded}; Path=/; Max-Age={THEME_COOKIE_MAX_AGE}; HttpOnly; SameSite=Lax{}",
        secure_flag()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        set_cookie(value);
    }
}

/// The display name remembered in the request's cookies, if any.
pub fn remembered_name(headers: &HeaderMap) -> Option<String> {
    use base64::Engine as _;
    let encoded = cookie_value(headers, NAME_COOKIE)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .ok()?;
    String::from_utf8(bytes)
        .ok()
        .filter(|n| !n.is_empty() && n.chars().count() <= 200)
}

/// Marks the current response as never to be stored (a reader's own data): no cache keeps it,
/// and the server does not tag it for revalidation either.
pub fn no_store() {
    if let Some(options) = use_context::<ResponseOptions>() {
        options.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Whether cookies are marked `Secure` (the site is served over https).
pub fn secure_cookies(state: &AppState) -> bool {
    state.config.site.base_url.starts_with("https://")
}

/// Gives (or renews) `reader`'s cookie on the current response.
pub fn set_reader_cookie(state: &AppState, reader: &ReaderId) {
    set_cookie(state.readers.cookie(reader, secure_cookies(state)));
}

/// Makes the browser forget its reader id.
pub fn forget_reader_cookie(state: &AppState) {
    set_cookie(state.readers.forget_cookie(secure_cookies(state)));
}

/// Adds a `Set-Cookie` header to the current response.
pub fn set_cookie(value: HeaderValue) {
    if let Some(options) = use_context::<ResponseOptions>() {
        options.append_header(header::SET_COOKIE, value);
    }
}

/// The value of cookie `name` in the request, if present.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// The theme remembered in the request's cookies, if any.
pub fn theme_from_cookies(headers: &HeaderMap) -> Theme {
    cookie_value(headers, THEME_COOKIE)
        .and_then(Theme::parse)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_theme_cookie() {
        let mut headers = HeaderMap::new();
        assert_eq!(theme_from_cookies(&headers), Theme::System);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; pulse_theme=dark; b=2"),
        );
        assert_eq!(theme_from_cookies(&headers), Theme::Dark);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("pulse_theme=<script>"),
        );
        assert_eq!(theme_from_cookies(&headers), Theme::System);
    }
}
