//! "N reading now" on a brief's page: the open pages of this brief on every instance, as the
//! live connection hears it. A count, never who. Nothing shows until the connection has
//! said (so not on the server, and not without JavaScript, where nothing would keep it true).

use leptos::prelude::*;

use crate::contexts::live::use_live;

#[component]
pub fn ReadingNow(slug: String) -> impl IntoView {
    let live = use_live();
    let label = move || match live.reading.with(|all| all.get(&slug).copied()) {
        None | Some(0) => String::new(),
        Some(1) => "1 reading now".to_string(),
        Some(n) => format!("{n} reading now"),
    };
    // Always present and polite, so the change is announced without stealing attention.
    view! { <p class="reading-now" aria-live="polite">{label}</p> }
}
