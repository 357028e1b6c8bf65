//! Asking the page router (`pulse.js`) to show another page, or this one again, without
//! reloading the document.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = pulse, js_name = navigate)]
    fn router_navigate(href: &str, replace: bool);
    #[wasm_bindgen(js_namespace = pulse, js_name = reload)]
    fn router_reload();
    #[wasm_bindgen(js_namespace = pulse, js_name = rename)]
    fn router_rename(href: &str);
}

/// Shows `href` as the next page (a new history entry).
pub fn go_to(href: &str) {
    router_navigate(href, false);
}

/// Shows `href` in place of this page (no new history entry).
pub fn replace_with(href: &str) {
    router_navigate(href, true);
}

/// Fetches this page again and shows what changed (the live connection missed too much).
pub fn reload() {
    router_reload();
}

/// Gives the page in the document a new address, without fetching anything (a new draft gets
/// its own address once first saved, while the editor keeps its state).
pub fn rename(href: &str) {
    router_rename(href);
}
