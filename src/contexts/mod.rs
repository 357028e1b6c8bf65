//! Values provided once near the root and read by components anywhere below.
//!
//! The server provides the raw values per request (site settings, the reader's theme cookie,
//! the HTTP-status hook); the WASM client reads the same values back out of the rendered page in
//! [`client_bootstrap`], so both sides render identically.

pub mod clock;
pub mod live;
pub mod response;
pub mod site;
pub mod theme;
pub mod visits;

use leptos::prelude::provide_context;

use crate::model::SiteInfo;
use clock::RenderedAt;
use live::LiveCursor;
use theme::Theme;

/// Id of the `<script type="application/json">` element that carries [`SiteInfo`] to the client.
pub const SITE_INFO_ELEMENT_ID: &str = "pulse-site";
/// Attribute on `<html>` carrying the [`LiveCursor`] the page was rendered at.
pub const LIVE_CURSOR_ATTRIBUTE: &str = "data-live-cursor";
/// Attribute on `<html>` carrying the [`RenderedAt`] time of the page.
pub const RENDERED_AT_ATTRIBUTE: &str = "data-rendered-at";

/// Everything the root of the app needs before it renders.
#[derive(Debug, Clone, Default)]
pub struct Bootstrap {
    pub site: SiteInfo,
    pub theme: Theme,
    pub live_cursor: LiveCursor,
    pub rendered_at: RenderedAt,
}

impl Bootstrap {
    pub fn provide(self) {
        provide_context(self.site);
        provide_context(self.theme);
        provide_context(self.live_cursor);
        provide_context(self.rendered_at);
    }
}

/// Reads the bootstrap values out of the server-rendered document.
#[cfg(feature = "hydrate")]
pub fn client_bootstrap() -> Bootstrap {
    let document = leptos::prelude::document();
    let site = document
        .get_element_by_id(SITE_INFO_ELEMENT_ID)
        .and_then(|el| el.text_content())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    let theme = document
        .document_element()
        .and_then(|el| el.get_attribute(theme::THEME_ATTRIBUTE))
        .and_then(|value| Theme::parse(&value))
        .unwrap_or_default();
    let root_number = |attribute: &str| -> Option<i64> {
        document
            .document_element()?
            .get_attribute(attribute)?
            .parse()
            .ok()
    };
    Bootstrap {
        site,
        theme,
        live_cursor: root_number(LIVE_CURSOR_ATTRIBUTE)
            .map(LiveCursor)
            .unwrap_or_default(),
        rendered_at: root_number(RENDERED_AT_ATTRIBUTE)
            .map(RenderedAt)
            .unwrap_or_default(),
    }
}
