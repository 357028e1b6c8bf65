//! "My data": everything Pulse holds tied to a reader's anonymous id — their comments, the
//! reactions they gave and the reports they filed — as the reader sees, downloads and erases it.

use serde::{Deserialize, Serialize};

/// One of the reader's comments (deleted ones are gone already and not listed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyComment {
    pub id: i64,
    pub brief_slug: String,
    pub brief_title: String,
    /// The name it was posted under.
    pub author_name: String,
    /// As written (Markdown).
    pub body: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub edited_at: Option<String>,
    /// "visible", "held" (waiting for review) or "hidden" (taken down by moderation).
    pub status: String,
}

/// A reaction the reader gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyReaction {
    pub brief_slug: String,
    pub brief_title: String,
    /// The reaction's key (as configured: "hot", "insightful", …).
    pub kind: String,
    pub created_at: String,
}

/// A report the reader filed about someone's comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyReport {
    pub comment_id: i64,
    pub brief_slug: String,
    pub reason: String,
    pub detail: String,
    pub created_at: String,
}

/// Everything tied to one reader id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MyData {
    /// Whether the browser carries a reader id at all (without one, Pulse holds nothing).
    pub known: bool,
    pub comments: Vec<MyComment>,
    pub reactions: Vec<MyReaction>,
    pub reports: Vec<MyReport>,
}

impl MyData {
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty() && self.reactions.is_empty() && self.reports.is_empty()
    }
}

/// What erasing a reader's data removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Erased {
    pub comments: u32,
    pub reactions: u32,
    pub reports: u32,
}
