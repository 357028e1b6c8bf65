//! The live connection's state, shared by every component on the page: whether it is live,
//! the latest reaction counts it has heard per brief, which brief's page is open (and how
//! many read it now), and an epoch that moves when the server says the page missed too much
//! and must refetch. The browser side that fills it in is
//! `crate::client::live`; on the server these stay at their initial values.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::model::{BriefSummary, Comment, CommentChanged, ReactionCounts};

/// Event id the server-rendered page is current to; the client resumes from there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveCursor(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LiveStatus {
    /// Not connected yet (and always, during server rendering).
    #[default]
    Connecting,
    Live,
    /// Lost; the client is reconnecting.
    Offline,
}

#[derive(Clone, Copy)]
pub struct LiveContext {
    pub status: RwSignal<LiveStatus>,
    /// Latest counts heard per brief slug.
    pub reactions: RwSignal<HashMap<String, ReactionCounts>>,
    /// Comments added per brief slug, in arrival order (kept current with later changes).
    pub comments: RwSignal<HashMap<String, Vec<Comment>>>,
    /// Every comment change heard (edits, deletions, take-downs), in arrival order.
    pub comment_changes: RwSignal<Vec<CommentChanged>>,
    /// Latest comment count heard per brief slug.
    pub comment_counts: RwSignal<HashMap<String, u32>>,
    /// Briefs published since the page was rendered, in arrival order.
    pub new_briefs: RwSignal<Vec<BriefSummary>>,
    /// Moves when the page's data must be refetched.
    pub epoch: RwSignal<u64>,
    /// The brief whose page is open, if any: the connection counts as its reader, and
    /// reopens when this changes.
    pub watching: RwSignal<Option<String>>,
    /// Latest "reading now" count heard per brief slug.
    pub reading: RwSignal<HashMap<String, u32>>,
}

impl LiveContext {
    pub fn new() -> LiveContext {
        LiveContext {
            status: RwSignal::new(LiveStatus::default()),
            reactions: RwSignal::new(HashMap::new()),
            comments: RwSignal::new(HashMap::new()),
            comment_changes: RwSignal::new(Vec::new()),
            comment_counts: RwSignal::new(HashMap::new()),
            new_briefs: RwSignal::new(Vec::new()),
            epoch: RwSignal::new(0),
            watching: RwSignal::new(None),
            reading: RwSignal::new(HashMap::new()),
        }
    }
}

impl Default for LiveContext {
    fn default() -> Self {
        LiveContext::new()
    }
}

/// Provides a live context unless the client entry point already did.
pub fn provide_live_context() {
    if use_context::<LiveContext>().is_none() {
        provide_context(LiveContext::new());
    }
}

impl LiveContext {
    /// Records a change heard live: heard comments follow it, and the page's thread applies it
    /// from [`LiveContext::comment_changes`].
    pub fn comment_changed(&self, changed: CommentChanged) {
        self.comment_counts.update(|all| {
            all.insert(changed.slug.clone(), changed.count);
        });
        self.comments.update(|all| {
            if let Some(heard) = all.get_mut(&changed.slug) {
                apply_change(heard, &changed);
            }
        });
        self.comment_changes.update(|all| all.push(changed));
    }

    /// The comment count of `slug`: the latest heard live, else `rendered`.
    pub fn comment_count(&self, slug: &str, rendered: u32) -> u32 {
        self.comment_counts
            .with(|all| all.get(slug).copied())
            .unwrap_or(rendered)
    }
}

pub fn use_live() -> LiveContext {
    use_context::<LiveContext>().unwrap_or_default()
}

/// Applies a change to a list of comments: the comment is replaced in place, or removed.
pub fn apply_change(comments: &mut Vec<Comment>, changed: &CommentChanged) {
    match &changed.comment {
        Some(comment) => {
            if let Some(slot) = comments.iter_mut().find(|c| c.id == changed.id) {
                *slot = comment.clone();
            }
        }
        None => comments.retain(|c| c.id != changed.id),
    }
}
