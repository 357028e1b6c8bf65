//! Small things the browser does for a page: reading the brief editor's form as the server
//! rendered it, and asking before a link leaves unsaved work behind.

/// The brief editor's fields as the form in the document holds them (`fields[<name>]`).
pub fn brief_fields() -> crate::model::desk::BriefFields {
    use wasm_bindgen::JsCast;

    let value = |name: &str| -> String {
        let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| {
            d.query_selector(&format!("[name='fields[{name}]']"))
                .ok()
                .flatten()
        }) else {
            return String::new();
        };
        if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            input.value()
        } else if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            area.value()
        } else if let Some(select) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
            select.value()
        } else {
            String::new()
        }
    };
    crate::model::desk::BriefFields {
        slug: value("slug"),
        title: value("title"),
        category: value("category"),
        tags: value("tags"),
        summary: value("summary"),
        source_name: value("source_name"),
        source_url: value("source_url"),
        what_happened: value("what_happened"),
        take: value("take"),
        what_to_do: value("what_to_do"),
        who: value("who"),
        what_changes: value("what_changes"),
        when: value("when"),
        watch_for: value("watch_for"),
        skeptics: value("skeptics"),
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
