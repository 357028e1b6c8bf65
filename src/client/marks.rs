//! One routine over the whole page for what changes with time or with the reader's visits:
//! relative times ("5 minutes ago"), "New since your last visit" marks, and the Edit/Delete
//! links of one's own comment once its edit window has closed. The server renders each with
//! what it needs as attributes; this keeps them true, twice a minute and whenever elements are
//! added to the page (a navigation, a comment or brief shown live), so nothing that adds them
//! has to remember to.

use std::cell::RefCell;

use gloo_timers::callback::Interval;
use wasm_bindgen::JsCast;

use crate::model::relative_time;

/// Relative times: `<time class="relative-time" data-unix=… data-exact=…>`.
const RELATIVE_TIMES: &str = "time.relative-time[data-unix]";
/// "New" marks: `<span class="new-mark" data-at=… hidden>`.
const NEW_MARKS: &str = ".new-mark[data-at]";
/// Things that go when a moment passes: `data-until=<unix seconds>`.
const UNTIL: &str = "[data-until]";

const TICK_MS: u32 = 30_000;

thread_local! {
    /// When the reader's previous visit ended (`YYYY-MM-DDTHH:MM:SSZ`), if they had one.
    static SINCE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Starts keeping the page's marks true; `since` is when the previous visit ended.
pub fn start(since: Option<String>) {
    SINCE.set(since);
    refresh();
    // Both live as long as the document.
    Interval::new(TICK_MS, refresh).forget();
    watch_additions();
}

/// Refreshes once after each burst of additions to the page (in the next animation frame, so
/// a burst costs one pass).
fn watch_additions() {
    use wasm_bindgen::closure::Closure;

    thread_local! {
        static QUEUED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    let on_added = Closure::<dyn FnMut()>::new(|| {
        if QUEUED.replace(true) {
            return;
        }
        leptos::prelude::request_animation_frame(|| {
            QUEUED.set(false);
            refresh();
        });
    });
    let Ok(observer) = web_sys::MutationObserver::new(on_added.as_ref().unchecked_ref()) else {
        return;
    };
    let options = web_sys::MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    if observer.observe_with_options(&body, &options).is_ok() {
        on_added.forget();
    }
}

/// Brings every mark on the page up to date now.
pub fn refresh() {
    let now = now();
    for el in all(RELATIVE_TIMES) {
        let unix = el.get_attribute("data-unix").and_then(|u| u.parse().ok());
        let exact = el.get_attribute("data-exact").unwrap_or_default();
        if let Some(unix) = unix {
            let label = relative_time(unix, now, &exact);
            if el.text_content().as_deref() != Some(label.as_str()) {
                el.set_text_content(Some(&label));
            }
        }
    }
    SINCE.with_borrow(|since| {
        for el in all(NEW_MARKS) {
            let at = el.get_attribute("data-at").unwrap_or_default();
            let is_new = since.as_deref().is_some_and(|since| at.as_str() > since);
            set_hidden(&el, !is_new);
        }
    });
    for el in all(UNTIL) {
        let until: Option<i64> = el.get_attribute("data-until").and_then(|u| u.parse().ok());
        if until.is_some_and(|until| now >= until) {
            set_hidden(&el, true);
        }
    }
}

fn set_hidden(el: &web_sys::Element, hidden: bool) {
    if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>()
        && el.hidden() != hidden
    {
        el.set_hidden(hidden);
    }
}

fn all(selector: &str) -> Vec<web_sys::Element> {
    let Some(found) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all(selector).ok())
    else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .collect()
}

/// Now, in seconds since the Unix epoch.
pub fn now() -> i64 {
    // Milliseconds since the epoch fit an f64 exactly for the next quarter-million years.
    (js_sys::Date::now() / 1000.0).floor() as i64
}
