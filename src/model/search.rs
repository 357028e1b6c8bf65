//! Full-text search as the reader sees it: a page of ranked hits, each with its matching words
//! marked, and the limits a query must keep.

use serde::{Deserialize, Serialize};

use crate::model::Category;

/// Longest query accepted, in characters (after trimming).
pub const MAX_SEARCH_CHARS: usize = 256;
/// Words of a query used at most; the rest are ignored, and the page says so.
pub const MAX_SEARCH_TERMS: usize = 12;

/// A run of text, `hit` when it is a word the query matched (shown marked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marked {
    pub text: String,
    pub hit: bool,
}

/// One brief found, with the words that matched marked in its title and in an excerpt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub slug: String,
    pub title: Vec<Marked>,
    pub category: Category,
    /// RFC 3339, UTC.
    pub published_at: String,
    /// e.g. "27 Nov 2026".
    pub published_label: String,
    /// The passage with the most matches (or the summary when only the title or tags matched);
    /// it starts or ends with "…" where it cuts the text.
    pub excerpt: Vec<Marked>,
    pub tags: Vec<String>,
}

/// One page of search results, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SearchResults {
    /// The query as asked (trimmed).
    pub query: String,
    /// The words searched for, as matched (folded to lower case without accents).
    pub terms: Vec<String>,
    /// Whether words beyond [`MAX_SEARCH_TERMS`] were left out.
    pub truncated: bool,
    pub hits: Vec<SearchHit>,
    pub total: u32,
    pub page: u32,
    pub total_pages: u32,
}
