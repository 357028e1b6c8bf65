//! What the document's one live connection hears, handed to the islands. The connection
//! itself is the loader's (`pulse.js`): one `EventSource` on `/live`, resumed from the id the
//! first page was rendered at, kept open across navigations, reopened with back-off from the
//! last id seen when the browser gives up on it, and reopened at once, naming the brief, when
//! the page moves to another brief (so it counts as a reader there). It calls these functions
//! with each event; they update [`LiveContext`], where the islands find them.

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::contexts::live::{Heard, LiveContext, LiveStatus, use_live};
use crate::model::{
    BRIEF_EVENT, BriefPublished, COMMENT_CHANGED_EVENT, COMMENT_EVENT, CommentAdded,
    CommentChanged, REACTIONS_EVENT, READING_EVENT, RESET_EVENT, ReactionsChanged, ReadingNow,
};

/// The event types the connection listens for, comma-separated.
#[wasm_bindgen]
pub fn live_kinds() -> String {
    [
        REACTIONS_EVENT,
        COMMENT_EVENT,
        COMMENT_CHANGED_EVENT,
        BRIEF_EVENT,
        RESET_EVENT,
        READING_EVENT,
    ]
    .join(",")
}

/// The connection opened (`true`) or was lost and is being reopened (`false`).
#[wasm_bindgen]
pub fn live_status(open: bool) {
    use_live().status.set(if open {
        LiveStatus::Live
    } else {
        LiveStatus::Offline
    });
}

/// One event heard: its type, its id in the log (0 when it has none) and its data.
#[wasm_bindgen]
pub fn live_event(kind: &str, id: f64, data: &str) {
    let live = use_live();
    // Ids are whole numbers far below 2^53.
    let id = id as i64;
    match kind {
        // The page missed too much to catch up by deltas: fetch it again.
        RESET_EVENT => crate::client::nav::reload(),
        READING_EVENT => {
            if let Ok(reading) = serde_json::from_str::<ReadingNow>(data) {
                live.reading.update(|all| {
                    all.insert(reading.slug, reading.count);
                });
            }
        }
        _ if id > 0 => heard(live, kind, id, data),
        _ => {}
    }
}

/// Records an event from the log (it has an id) in the live context.
fn heard(live: LiveContext, kind: &str, id: i64, data: &str) {
    match kind {
        REACTIONS_EVENT => {
            if let Ok(change) = serde_json::from_str::<ReactionsChanged>(data) {
                live.reactions.update(|all| {
                    all.insert(
                        change.slug,
                        Heard {
                            id,
                            value: change.counts,
                        },
                    );
                });
            }
        }
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
        BRIEF_EVENT => {
            if let Ok(published) = serde_json::from_str::<BriefPublished>(data) {
                live.new_briefs.update(|all| {
                    all.retain(|b| b.value.slug != published.brief.slug);
                    all.push(Heard {
                        id,
                        value: published.brief,
                    });
                });
            }
        }
        _ => {}
    }
}
