//! "New since your last visit": when the reader's previous visit ended, so briefs and comments
//! that arrived after it can be marked. It is kept in the reader's own browser (no account, no
//! cookie, nothing sent to the server) by `crate::client::visits`; until that has run — on the
//! server, and with JavaScript off — nothing is marked, so hydration sees the same page.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Visits {
    /// When the previous visit ended (`YYYY-MM-DDTHH:MM:SSZ`, the stored timestamps' format,
    /// so text order is time order); `None` on a first visit, or before the browser said.
    pub since: RwSignal<Option<String>>,
}

impl Visits {
    pub fn new() -> Visits {
        Visits {
            since: RwSignal::new(None),
        }
    }

    /// Whether something stamped `at` arrived since the previous visit (reactive).
    pub fn is_new(&self, at: &str) -> bool {
        self.since
            .with(|since| since.as_deref().is_some_and(|since| at > since))
    }
}

impl Default for Visits {
    fn default() -> Self {
        Visits::new()
    }
}

/// Provides the visit context unless the client entry point already did.
pub fn provide_visits_context() {
    if use_context::<Visits>().is_none() {
        provide_context(Visits::new());
    }
}

pub fn use_visits() -> Visits {
    use_context::<Visits>().unwrap_or_default()
}
