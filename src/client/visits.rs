//! Keeps the reader's visits in their browser's `localStorage`: when they were last seen on
//! the site, and, for the visit under way, when the previous one ended. A visit ends after
//! [`VISIT_GAP_SECONDS`] without a page open, so reloading or moving between pages does not
//! clear the marks; coming back later does. Nothing here reaches the server.

use gloo_timers::callback::Interval;
use wasm_bindgen::JsValue;

use crate::client::marks::now;

/// Seconds since the Unix epoch when a page of the site was last open.
const LAST_SEEN_KEY: &str = "pulse.lastSeen";
/// When the previous visit ended, for the visit under way.
const SINCE_KEY: &str = "pulse.since";
/// How long without the site before the next page starts a new visit.
const VISIT_GAP_SECONDS: i64 = 30 * 60;
/// How often an open page says the reader is still here.
const STILL_HERE_MS: u32 = 60_000;

/// Records this visit and answers when the previous one ended (`YYYY-MM-DDTHH:MM:SSZ`, the
/// format of the times the server sends, so they compare as text); `None` on a first visit or
/// when the browser keeps nothing.
pub fn start() -> Option<String> {
    // Storage refused (a privacy setting): no marks, nothing else changes.
    let storage = web_sys::window()?.local_storage().ok().flatten()?;
    let now = now();
    let last_seen = storage
        .get_item(LAST_SEEN_KEY)
        .ok()
        .flatten()
        .and_then(|v| v.parse::<i64>().ok());
    let since = match last_seen {
        // A first visit marks nothing.
        None => None,
        Some(last) if now - last > VISIT_GAP_SECONDS => {
            let since = stamp(last);
            let _ = storage.set_item(SINCE_KEY, &since);
            Some(since)
        }
        Some(_) => storage.get_item(SINCE_KEY).ok().flatten(),
    };
    let _ = storage.set_item(LAST_SEEN_KEY, &now.to_string());
    // Lives as long as the document. Only while the page is in view: a tab forgotten in the
    // background does not keep the visit going for ever.
    Interval::new(STILL_HERE_MS, move || {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_none_or(|d| d.hidden());
        if !hidden {
            let _ = storage.set_item(LAST_SEEN_KEY, &self::now().to_string());
        }
    })
    .forget();
    since
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix time.
fn stamp(unix: i64) -> String {
    let iso: String = js_sys::Date::new(&JsValue::from_f64(unix as f64 * 1000.0))
        .to_iso_string()
        .into();
    format!("{}Z", iso.get(..19).unwrap_or_default())
}
