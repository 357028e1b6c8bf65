//! What the document's one live connection hears that islands need, handed to them. The
//! connection itself is the loader's (`pulse.js`): one `EventSource` on `/live`, resumed from
//! the id the first page was rendered at, kept open across navigations, reopened with back-off
//! from the last id seen when the browser gives up on it, and reopened at once, naming the
//! brief, when the page moves to another brief (so it counts as a reader there). The loader
//! writes what is only shown (counts, "reading now", new briefs, the connection's state) into
//! the page itself; comments come here, with [`live_event`], into
//! [`LiveContext`](crate::contexts::live::LiveContext) where the thread's island finds them.

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::contexts::live::use_live;
use crate::model::{COMMENT_CHANGED_EVENT, COMMENT_EVENT, CommentAdded, CommentChanged};

/// One event from the log heard: its type, its id (whole numbers far below 2^53) and its data.
#[wasm_bindgen]
pub fn live_event(kind: &str, id: f64, data: &str) {
    let live = use_live();
    let id = id as i64;
    match kind {
        COMMENT_EVENT => {
            if let Ok(added) = serde_json::from_str::<CommentAdded>(data) {
                live.heard_comment(id, added);
            }
        }
        COMMENT_CHANGED_EVENT => {
            if let Ok(changed) = serde_json::from_str::<CommentChanged>(data) {
                live.heard_change(id, changed);
            }
        }
        _ => {}
    }
}

/// The reader's own comment is on its way (`true`) or has landed or failed (`false`): while it
/// is, its live echo is not "new" to them (the page router, which sends the form, says so).
#[wasm_bindgen]
pub fn posting(on: bool) {
    use_live().posting.update(|n| {
        *n = if on { *n + 1 } else { n.saturating_sub(1) };
    });
}
