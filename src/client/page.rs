//! Small things the browser does for a page: changing its address without reloading it, and
//! going somewhere else.

/// Replaces the address bar's path without a reload or a new history entry (a new draft gets
/// its own address once first saved, while the editor keeps its state).
pub fn replace_address(path: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
}

/// Loads `path` as a new page.
pub fn go_to(path: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(path);
    }
}
