//! Moves the page's [`Clock`] along with the browser's, twice a minute: often enough for "just
//! now" to become "1 minute ago" on time, rarely enough to cost nothing.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::contexts::clock::Clock;

const TICK_MS: u32 = 30_000;

pub fn run(clock: Clock) {
    clock.now.set(now());
    // Lives as long as the page.
    Interval::new(TICK_MS, move || clock.now.set(now())).forget();
}

fn now() -> i64 {
    // Milliseconds since the epoch fit an f64 exactly for the next quarter-million years.
    (js_sys::Date::now() / 1000.0).floor() as i64
}
