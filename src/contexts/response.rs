//! A hook for setting the HTTP status of the page being rendered.
//!
//! Components live in shared code, but only the server has a response to change. The server
//! provides a [`ResponseHooks`] per request; in the browser nothing is provided and
//! [`set_http_status`] does nothing, which is exactly right after hydration.

use std::sync::Arc;

use leptos::prelude::use_context;

type StatusSetter = Arc<dyn Fn(u16) + Send + Sync>;

#[derive(Clone)]
pub struct ResponseHooks {
    set_status: StatusSetter,
}

impl ResponseHooks {
    pub fn new(set_status: impl Fn(u16) + Send + Sync + 'static) -> Self {
        Self {
            set_status: Arc::new(set_status),
        }
    }
}

/// Sets the status of the response being rendered, if there is one.
pub fn set_http_status(code: u16) {
    if let Some(hooks) = use_context::<ResponseHooks>() {
        (hooks.set_status)(code);
    }
}
