//! Values provided once near the root and read by components anywhere below.
//!
//! The server provides them per request (site settings, the reader's theme cookie, the
//! live cursor, the render time, the HTTP-status hook). In the browser only what islands need
//! exists, provided on the root owner by `hydrate`: the site's settings, read back out of the
//! page ([`client_site`]). The live cursor goes to the browser as `data-live-cursor` on
//! `<html>`, where the page router reads it.

pub mod clock;
pub mod live;
pub mod response;
pub mod site;
pub mod theme;

/// Id of the `<script type="application/json">` element that carries
/// [`SiteInfo`](crate::model::SiteInfo) to the client.
pub const SITE_INFO_ELEMENT_ID: &str = "pulse-site";

/// Reads the site's settings out of the server-rendered document.
#[cfg(feature = "hydrate")]
pub fn client_site() -> crate::model::SiteInfo {
    leptos::prelude::document()
        .get_element_by_id(SITE_INFO_ELEMENT_ID)
        .and_then(|el| el.text_content())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}
