//! The editor desk's view of briefs: the searchable list editors work from.

use serde::{Deserialize, Serialize};

use crate::model::Category;

/// Longest desk search, in characters.
pub const MAX_DESK_QUERY_CHARS: usize = 200;

/// One row of the desk's brief list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskBrief {
    pub slug: String,
    pub title: String,
    pub category: Category,
    /// RFC 3339, UTC.
    pub published_at: String,
    /// e.g. "27 Nov 2026".
    pub published_label: String,
    /// Comments readers can see.
    pub comment_count: u32,
    /// Comments waiting for a moderator.
    pub held_count: u32,
}

/// One page of the desk's brief list, with the filters that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskBriefPage {
    pub briefs: Vec<DeskBrief>,
    pub page: u32,
    pub total_pages: u32,
    pub total: u32,
    pub query: String,
    pub category: Option<Category>,
}

/// Every field of a brief as the desk's editor form holds it: plain text and Markdown, exactly
/// what an editor typed. The server turns it into a brief file and checks and renders it with
/// the same code as an import.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BriefFields {
    pub slug: String,
    pub title: String,
    /// A category slug.
    pub category: String,
    /// Tag slugs, separated by commas.
    pub tags: String,
    pub summary: String,
    pub source_name: String,
    pub source_url: String,
    pub what_happened: String,
    pub take: String,
    pub what_to_do: String,
    /// The four Builder's Brief fields: one line of inline Markdown each.
    pub who: String,
    pub what_changes: String,
    pub when: String,
    pub watch_for: String,
    pub skeptics: String,
}
