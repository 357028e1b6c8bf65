//! A time shown relative to now ("5 minutes ago") that keeps itself current, with the exact
//! time on hover and on keyboard focus.

use leptos::prelude::*;

use crate::contexts::clock::use_clock;
use crate::model::relative_time;

#[component]
pub fn RelativeTime(
    /// RFC 3339, for the `datetime` attribute.
    datetime: String,
    /// Seconds since the Unix epoch.
    unix: i64,
    /// The exact time as people read it, e.g. "27 Nov 2026, 13:05 UTC".
    exact: String,
) -> impl IntoView {
    let clock = use_clock();
    let label = {
        let exact = exact.clone();
        move || relative_time(unix, clock.now.get(), &exact)
    };
    view! {
        // Focusable so keyboard users can reach the exact time, which CSS shows on focus.
        <time class="relative-time" datetime=datetime title=exact.clone() data-exact=exact tabindex="0">
            {label}
        </time>
    }
}
