//! Small helpers that change the response a server function or render is producing.

use axum::http::{HeaderValue, header};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::contexts::theme::{THEME_COOKIE, Theme};

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

/// Stores the reader's theme in a cookie (not HttpOnly: the client reads nothing from it, but
/// there is nothing secret in it either).
pub fn remember_theme(theme: Theme) {
    let Some(options) = use_context::<ResponseOptions>() else {
        return;
    };
    let cookie = format!(
        "{THEME_COOKIE}={}; Path=/; Max-Age={THEME_COOKIE_MAX_AGE}; SameSite=Lax",
        theme.as_str()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        options.append_header(header::SET_COOKIE, value);
    }
}

/// The theme remembered in the request's cookies, if any.
pub fn theme_from_cookies(headers: &axum::http::HeaderMap) -> Theme {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == THEME_COOKIE)
        .and_then(|(_, value)| Theme::parse(value))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

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
