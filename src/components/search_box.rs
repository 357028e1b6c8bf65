//! The search field in the site header, on every page: a GET form to `/search`, which the
//! browser submits without JavaScript and the router takes over with it. `/` focuses it.

use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::model::encode_query_value;
use crate::model::search::MAX_SEARCH_CHARS;

/// The field's id, which the `/` shortcut focuses.
pub const SEARCH_FIELD_ID: &str = "site-search";

/// A search form's submit handler: with JavaScript, the app moves to the results itself (one
/// clean `?q=` address, no page load); without it, the form's own GET does the same.
pub fn search_on_submit(field: NodeRef<Input>) -> impl Fn(SubmitEvent) + 'static {
    let navigate = use_navigate();
    move |ev: SubmitEvent| {
        let Some(query) = field.get_untracked().map(|f| f.value()) else {
            return;
        };
        ev.prevent_default();
        let to = format!("/search?q={}", encode_query_value(query.trim()));
        navigate(&to, Default::default());
    }
}

#[component]
pub fn SearchBox() -> impl IntoView {
    let field = NodeRef::<Input>::new();
    view! {
        <form class="site-search" role="search" action="/search" method="get" on:submit=search_on_submit(field)>
            <label class="visually-hidden" for=SEARCH_FIELD_ID>"Search Pulse"</label>
            <input
                id=SEARCH_FIELD_ID
                type="search"
                name="q"
                placeholder="Search briefs"
                maxlength=MAX_SEARCH_CHARS.to_string()
                autocomplete="off"
                node_ref=field
            />
            <button type="submit" class="site-search__go">"Search"</button>
        </form>
    }
}
