//! What the page's one live connection has heard that islands need: the latest comment count
//! per brief, and the comments and comment changes heard (everything else it hears is only
//! shown, and the page router, `pulse.js`, writes it into the page; it never reaches WASM). Everything heard carries its
//! event id, so an island takes only what is newer than the page it was rendered in (a page
//! fetched after an event already shows it). The browser side that fills it in is
//! `crate::client::live`; on the server these stay empty.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::model::{CommentAdded, CommentChanged};

/// How many heard comments and changes are kept for islands created later.
const KEPT: usize = 500;

/// Event id the server-rendered page is current to; the client resumes from there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveCursor(pub i64);

/// Something heard live, with the id of the event that said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heard<T> {
    pub id: i64,
    pub value: T,
}

#[derive(Clone, Copy)]
pub struct LiveContext {
    /// Latest comment count heard per brief slug.
    pub comment_counts: RwSignal<HashMap<String, Heard<u32>>>,
    /// Comments published, in arrival order (the latest [`KEPT`]).
    pub comments: RwSignal<Vec<Heard<CommentAdded>>>,
    /// Comments edited, deleted or taken down, in arrival order (the latest [`KEPT`]).
    pub comment_changes: RwSignal<Vec<Heard<CommentChanged>>>,
    /// Moves each time the document becomes another page (or the same one, fetched again).
    pub page: RwSignal<u64>,
    /// The event id the page in the document was rendered at: an island takes only what was
    /// heard after the page it came with (read once, when it is created).
    pub cursor: RwSignal<i64>,
    /// How many of this page's own comments are on their way (their live echo is not news).
    pub posting: RwSignal<u32>,
}

impl LiveContext {
    pub fn new() -> LiveContext {
        LiveContext {
            comment_counts: RwSignal::new(HashMap::new()),
            comments: RwSignal::new(Vec::new()),
            comment_changes: RwSignal::new(Vec::new()),
            page: RwSignal::new(0),
            cursor: RwSignal::new(0),
            posting: RwSignal::new(0),
        }
    }

    /// The comment count of `slug`: the latest heard after event `after`, else `rendered`
    /// (tracked).
    pub fn comment_count(&self, slug: &str, after: i64, rendered: u32) -> u32 {
        self.comment_counts
            .with(|all| all.get(slug).filter(|h| h.id > after).map(|h| h.value))
            .unwrap_or(rendered)
    }

    pub fn heard_comment(&self, id: i64, added: CommentAdded) {
        self.heard_count(id, &added.slug, added.count);
        self.comments
            .update(|all| keep(all, Heard { id, value: added }));
    }

    pub fn heard_change(&self, id: i64, changed: CommentChanged) {
        self.heard_count(id, &changed.slug, changed.count);
        // A comment heard but not shown yet shows as it is now.
        self.comments.update(|all| match &changed.comment {
            Some(comment) => {
                for heard in all.iter_mut().filter(|h| h.value.comment.id == changed.id) {
                    heard.value.comment = comment.clone();
                }
            }
            None => all.retain(|h| h.value.comment.id != changed.id),
        });
        self.comment_changes
            .update(|all| keep(all, Heard { id, value: changed }));
    }
}

impl LiveContext {
    fn heard_count(&self, id: i64, slug: &str, count: u32) {
        self.comment_counts.update(|all| {
            all.insert(slug.to_string(), Heard { id, value: count });
        });
    }
}

fn keep<T>(all: &mut Vec<Heard<T>>, heard: Heard<T>) {
    if all.len() >= KEPT {
        all.drain(..all.len() + 1 - KEPT);
    }
    all.push(heard);
}

impl Default for LiveContext {
    fn default() -> Self {
        LiveContext::new()
    }
}

pub fn use_live() -> LiveContext {
    use_context::<LiveContext>().unwrap_or_default()
}
