//! A time shown relative to now ("5 minutes ago"), with the exact time on hover and on
//! keyboard focus. The server renders it against its clock; in the browser the `marks` of
//! `pulse.js` keep it current.

use leptos::prelude::*;

use crate::contexts::clock::rendered_at;
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
    let label = match rendered_at() {
        Some(now) => relative_time(unix, now, &exact),
        None => exact.clone(),
    };
    view! {
        // Focusable so keyboard users can reach the exact time, which CSS shows on focus.
        <time
            class="relative-time"
            datetime=datetime
            title=exact.clone()
            data-exact=exact
            data-unix=unix
            tabindex="0"
        >
            {label}
        </time>
    }
}
