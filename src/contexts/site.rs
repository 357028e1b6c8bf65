//! The site's settings (name, house name, categories) as a context.

use leptos::prelude::use_context;

use crate::model::SiteInfo;

/// The site's settings; empty defaults only if nothing was provided (never in a real render).
pub fn use_site() -> SiteInfo {
    use_context::<SiteInfo>().unwrap_or_default()
}
