//! Asking the page router (`pulse.js`) to show another page, or to give this one a new
//! address, without reloading the document.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = pulse, js_name = navigate)]
    fn router_navigate(href: &str, replace: bool);
    #[wasm_bindgen(js_namespace = pulse, js_name = rename)]
    fn router_rename(href: &str);
}

/// Shows `href` as the next page (a new history entry).
pub fn go_to(href: &str) {
    router_navigate(href, false);
}

/// Gives the page in the document a new address, without fetching anything (a new draft gets
/// its own address once first saved, while the editor keeps its state).
pub fn rename(href: &str) {
    router_rename(href);
}
