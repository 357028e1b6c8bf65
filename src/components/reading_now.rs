//! "N reading now" on a brief's page: the open pages of this brief on every instance, as the
//! live connection hears it. A count, never who. Nothing shows until the connection has said
//! (so not on the server, and not without JavaScript, where nothing would keep it true): the
//! page router (`pulse.js`) writes it in. Its `data-watch` names the brief: while it is in
//! the document, the live connection counts as one of the brief's readers.

use leptos::prelude::*;

#[component]
pub fn ReadingNow(slug: String) -> impl IntoView {
    // Always present and polite, so the change is announced without stealing attention.
    view! { <p class="reading-now" aria-live="polite" data-watch=slug></p> }
}
