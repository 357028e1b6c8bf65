//! The "New" label on a brief or comment that arrived since the reader's previous visit.

use leptos::prelude::*;

/// "New", hidden until the browser says the reader's previous visit ended before `at`: the
/// server never knows their visits, so `pulse.js` (`marks`) shows it (nothing shows without
/// JavaScript, or on a first visit).
#[component]
pub fn NewMark(
    /// When it arrived (RFC 3339, UTC).
    at: String,
) -> impl IntoView {
    view! {
        <span class="new-mark" data-at=at hidden>
            "New"
            <span class="visually-hidden">" since your last visit"</span>
        </span>
    }
}
