//! The search field in the site header, on every page: a GET form to `/search` (with
//! JavaScript the page router shows the results without a reload). `/` focuses it.

use leptos::prelude::*;

use crate::model::search::MAX_SEARCH_CHARS;

/// The field's id, which the `/` shortcut focuses.
pub const SEARCH_FIELD_ID: &str = "site-search";

#[component]
pub fn SearchBox() -> impl IntoView {
    view! {
        <form class="site-search" role="search" aria-label="Site" action="/search" method="get">
            <label class="visually-hidden" for=SEARCH_FIELD_ID>"Search Pulse"</label>
            <input
                id=SEARCH_FIELD_ID
                type="search"
                name="q"
                placeholder="Search briefs"
                maxlength=MAX_SEARCH_CHARS.to_string()
                autocomplete="off"
            />
            <button type="submit" class="site-search__go">"Search"</button>
        </form>
    }
}
