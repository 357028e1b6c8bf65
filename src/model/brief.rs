//! Briefs on the wire: the categories they are filed under, a feed card and a page of the
//! feed, and a whole brief with its updates, Builder's Brief and the briefs citing it.

use serde::{Deserialize, Serialize};

use crate::model::{Comment, OwnComment, ReactionCounts, ReactionState};

/// One of the site's categories, as configured in `Leptos.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub slug: String,
    pub name: String,
}

/// A brief as a feed card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefSummary {
    pub slug: String,
    pub title: String,
    pub category: Category,
    pub summary: String,
    /// RFC 3339, UTC.
    pub published_at: String,
    /// e.g. "27 Nov 2026".
    pub published_label: String,
    pub reading_minutes: u32,
    pub reactions: ReactionCounts,
    pub comment_count: u32,
    /// Tag slugs, in the brief's order.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One page of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPage {
    pub briefs: Vec<BriefSummary>,
    pub page: u32,
    pub total_pages: u32,
    pub total_briefs: u32,
    /// The category the feed is filtered by, if any.
    pub category: Option<Category>,
    /// The tag the feed is filtered by, if any.
    #[serde(default)]
    pub tag: Option<String>,
}

/// An editor's correction note, shown as "Updated" under the title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefUpdate {
    pub at: String,
    pub at_label: String,
    pub note: String,
}

/// The four labelled fields of the Builder's Brief, as sanitised HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderBrief {
    pub who_html: String,
    pub what_changes_html: String,
    pub when_html: String,
    pub watch_for_html: String,
}

/// A link to another brief (used by Cited By).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefLink {
    pub slug: String,
    pub title: String,
    pub category: Category,
    pub published_label: String,
}

/// A whole brief. Every `*_html` field was rendered from Markdown and sanitised at import time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brief {
    pub slug: String,
    pub title: String,
    pub category: Category,
    pub summary: String,
    pub tags: Vec<String>,
    pub published_at: String,
    pub published_label: String,
    pub updates: Vec<BriefUpdate>,
    pub reading_minutes: u32,
    pub source_name: String,
    pub source_url: String,
    pub what_happened_html: String,
    pub take_html: String,
    pub what_to_do_html: String,
    pub builder: BuilderBrief,
    pub skeptics_html: String,
    pub cited_by: Vec<BriefLink>,
    /// Counts for everyone; `mine` for the reader asking.
    pub reactions: ReactionState,
    /// One page of the thread, oldest first, replies directly after what they reply to.
    pub comments: Vec<Comment>,
    /// When older comments exist: the first one shown (they come before it).
    pub older_comments: Option<i64>,
    /// When newer comments exist: the last one shown (they come after it).
    pub newer_comments: Option<i64>,
    pub comment_count: u32,
    /// This reader's own comments in the thread.
    pub mine: Vec<OwnComment>,
    /// The display name this reader last used, to prefill the form.
    pub my_name: Option<String>,
    /// A fresh idempotency key for this page's comment form.
    pub comment_key: String,
    /// Other readers' replies to this reader's comments here (the browser tells which are new).
    pub replies_to_you: Vec<crate::model::follow::ReplyToYou>,
    /// How many comments moderators took down here, by reason.
    pub removals: crate::model::follow::Removals,
}
