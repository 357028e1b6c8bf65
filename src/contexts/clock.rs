//! The render's clock, for relative times ("5 minutes ago"): the server renders every time on
//! a page against one moment. In the browser there is none; `pulse.js` (`marks`) keeps the
//! page's relative times current against the browser's clock instead.

use leptos::prelude::use_context;

/// When the server rendered the page, in seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderedAt(pub i64);

/// The moment the page is rendered at, if this is a server render.
pub fn rendered_at() -> Option<i64> {
    use_context::<RenderedAt>().map(|r| r.0)
}
