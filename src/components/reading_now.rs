//! "N reading now" on a brief's page (an island): the open pages of this brief on every
//! instance, as the live connection hears it. A count, never who. Nothing shows until the
//! connection has said (so not on the server, and not without JavaScript, where nothing would
//! keep it true). Its `data-watch` names the brief: while it is in the document, the live
//! connection counts as one of the brief's readers.

use leptos::prelude::*;

use crate::contexts::live::use_live;

#[island]
pub fn ReadingNow(slug: String) -> impl IntoView {
    let live = use_live();
    let watch = slug.clone();
    let label = move || match live.reading.with(|all| all.get(&slug).copied()) {
        None | Some(0) => String::new(),
        Some(1) => "1 reading now".to_string(),
        Some(n) => format!("{n} reading now"),
    };
    // Always present and polite, so the change is announced without stealing attention.
    view! { <p class="reading-now" aria-live="polite" data-watch=watch>{label}</p> }
}
