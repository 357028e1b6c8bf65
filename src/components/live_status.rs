//! A quiet line in the header: says so when live updates are lost, and when they are back.
//! The page router (`pulse.js`), which owns the live connection, writes it.

use leptos::prelude::*;

#[component]
pub fn LiveStatusNote() -> impl IntoView {
    view! { <p class="live-status" role="status" data-state="connecting"></p> }
}
