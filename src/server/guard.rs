//! Request checks every mutating server function runs first.

use axum::http::{HeaderMap, header, request::Parts};
use leptos::prelude::use_context;

use crate::error::AppError;

/// Rejects requests a browser sent on behalf of another site (cross-site form posts, fetches).
pub fn require_same_origin() -> Result<(), AppError> {
    check_same_origin(&request_parts()?.headers)
}

/// Whether the client wants HTML back (a plain form post, not the app's fetch).
pub fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The request being served (method, URI, headers, connection info).
pub fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from server function context");
        AppError::Internal
    })
}

/// Browsers mark every request with `Sec-Fetch-Site` and POSTs with `Origin`; either one from
/// elsewhere means the request is refused. Clients that send neither (curl, scripts) are not
/// browsers carrying a reader's cookies, so there is nothing to forge.
pub fn check_same_origin(headers: &HeaderMap) -> Result<(), AppError> {
    let refused = || AppError::Forbidden("This action can only be taken from Pulse itself.".into());
    let value = |name| headers.get(name).map(|v| v.to_str().unwrap_or("\u{0}"));
    if let Some(site) = value(header::HeaderName::from_static("sec-fetch-site")) {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err(refused()),
        };
    }
    if let Some(origin) = value(header::ORIGIN) {
        let authority = origin.split_once("://").map(|(_, rest)| rest);
        let host = value(header::HOST);
        return match (authority, host) {
            (Some(a), Some(h)) if a.eq_ignore_ascii_case(h) => Ok(()),
            _ => Err(refused()),
        };
    }
    Ok(())
}

/// For reads that need a session: a page opened from another site (a navigation) may read, but
/// another site's script may not (`Sec-Fetch-Site` says where the request came from,
/// `Sec-Fetch-Mode` whether it is a navigation).
pub fn check_not_cross_site_script(headers: &HeaderMap) -> Result<(), AppError> {
    let value = |name: &'static str| {
        headers
            .get(header::HeaderName::from_static(name))
            .map(|v| v.to_str().unwrap_or("\u{0}"))
    };
    match (value("sec-fetch-site"), value("sec-fetch-mode")) {
        (Some("cross-site" | "same-site"), mode) if mode != Some("navigate") => Err(
            AppError::Forbidden("This can only be read from Pulse itself.".into()),
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    header::HeaderName::from_static(k),
                    HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn same_origin_passes_cross_site_fails() {
        assert!(check_same_origin(&headers(&[("sec-fetch-site", "same-origin")])).is_ok());
        assert!(check_same_origin(&headers(&[("sec-fetch-site", "cross-site")])).is_err());
        assert!(check_same_origin(&headers(&[("sec-fetch-site", "same-site")])).is_err());
        assert!(
            check_same_origin(&headers(&[
                ("origin", "http://pulse.test"),
                ("host", "pulse.test")
            ]))
            .is_ok()
        );
        assert!(
            check_same_origin(&headers(&[
                ("origin", "http://evil.test"),
                ("host", "pulse.test")
            ]))
            .is_err()
        );
        assert!(
            check_same_origin(&headers(&[("origin", "null"), ("host", "pulse.test")])).is_err()
        );
        assert!(check_same_origin(&headers(&[])).is_ok());
    }

    #[test]
    fn reads_refuse_other_sites_scripts_but_not_their_links() {
        let check = |pairs| check_not_cross_site_script(&headers(pairs));
        assert!(check(&[("sec-fetch-site", "cross-site"), ("sec-fetch-mode", "cors")]).is_err());
        assert!(check(&[("sec-fetch-site", "cross-site")]).is_err());
        assert!(
            check(&[
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "navigate")
            ])
            .is_ok()
        );
        assert!(
            check(&[
                ("sec-fetch-site", "same-origin"),
                ("sec-fetch-mode", "cors")
            ])
            .is_ok()
        );
        assert!(check(&[]).is_ok());
    }
}
