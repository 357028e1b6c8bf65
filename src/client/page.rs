//! Small things the browser does for a page: changing its address without reloading it,
//! going somewhere else, and asking before a link leaves unsaved work behind.

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

/// While it lives, asks before a click on a link leaves the page when `unsaved` says there
/// is something to lose. It listens in the capture phase, ahead of the router's own link
/// handling; a "stay" answer stops the click there. Closing or reloading the tab is covered by
/// `beforeunload` instead.
pub struct LeaveGuard {
    listener: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MouseEvent)>,
}

impl LeaveGuard {
    pub fn new(unsaved: impl Fn() -> bool + 'static) -> Option<LeaveGuard> {
        use wasm_bindgen::JsCast;

        let window = web_sys::window()?;
        let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MouseEvent)>::new(
            move |ev: web_sys::MouseEvent| {
                if ev.default_prevented()
                    || ev.button() != 0
                    || ev.ctrl_key()
                    || ev.meta_key()
                    || ev.shift_key()
                    || ev.alt_key()
                    || !unsaved()
                {
                    return;
                }
                let link = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|e| e.closest("a[href]").ok().flatten());
                let Some(link) = link else { return };
                if link.get_attribute("target").is_some_and(|t| t != "_self") {
                    return;
                }
                let leave = web_sys::window()
                    .and_then(|w| {
                        w.confirm_with_message("You have unsaved changes. Leave this page anyway?")
                            .ok()
                    })
                    .unwrap_or(true);
                if !leave {
                    ev.prevent_default();
                    ev.stop_immediate_propagation();
                }
            },
        );
        window
            .add_event_listener_with_callback_and_bool(
                "click",
                listener.as_ref().unchecked_ref(),
                true,
            )
            .ok()?;
        Some(LeaveGuard { listener })
    }
}

impl Drop for LeaveGuard {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;

        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback_and_bool(
                "click",
                self.listener.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}
