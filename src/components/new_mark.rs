//! The "New" label on a brief or comment that arrived since the reader's previous visit.

use leptos::prelude::*;

use crate::contexts::visits::use_visits;

/// "New" if what arrived `at` came after the previous visit; nothing otherwise.
#[component]
pub fn NewMark(
    /// When it arrived (RFC 3339, UTC).
    at: String,
) -> impl IntoView {
    let visits = use_visits();
    // Always rendered, shown or hidden: the server never knows the reader's visits, so the
    // page hydrates with the same elements whatever the browser then says.
    view! {
        <span class="new-mark" hidden=move || !visits.is_new(&at)>
            "New"
            <span class="visually-hidden">" since your last visit"</span>
        </span>
    }
}
