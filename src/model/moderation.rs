//! The moderation desk's view: comments waiting for a moderator (held, or reported by readers)
//! with their context, the actions a moderator takes, and the audit log of those actions.

use serde::{Deserialize, Serialize};

/// Longest note a moderator may give with an action, in characters.
pub const MAX_MODERATION_NOTE_CHARS: usize = 500;

/// Why a comment is in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Waiting {
    /// Held: a new reader's comment with many links.
    Links,
    /// Held: enough readers reported it.
    Reports,
    /// Held: its author is blocked.
    Blocked,
    /// Still shown, but some readers reported it.
    Reported,
}

impl Waiting {
    pub fn label(self) -> &'static str {
        match self {
            Waiting::Links => "Held: many links from a new reader",
            Waiting::Reports => "Held: reported by readers",
            Waiting::Blocked => "Held: author blocked",
            Waiting::Reported => "Reported, still shown",
        }
    }
}

/// What readers said when reporting a comment: one reason, how many reported it for that, and
/// their notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub reason: String,
    pub count: u32,
    pub notes: Vec<String>,
}

/// One comment waiting for a moderator, with what they need to judge it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedComment {
    pub id: i64,
    pub brief_slug: String,
    pub brief_title: String,
    pub author_name: String,
    /// Sanitised when it was written.
    pub body_html: String,
    pub created_at: String,
    pub created_label: String,
    pub waiting: Waiting,
    pub reports: Vec<ReportSummary>,
    /// The comment it answers, if any: its author and text.
    pub parent_author: Option<String>,
    pub parent_html: Option<String>,
    /// Whether its author is blocked already.
    pub author_blocked: bool,
}

/// What a moderator does to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModerationAction {
    /// Show it (held) or keep it (reported); its reports are settled.
    Approve,
    /// Take it off every page (a "[removed]" placeholder stays if replies hang on it).
    Hide,
    /// Erase its text for good.
    Delete,
    /// Hold every future comment of its author for review.
    Block,
    /// Let its author's comments through again.
    Unblock,
}

impl ModerationAction {
    pub const ALL: [ModerationAction; 5] = [
        ModerationAction::Approve,
        ModerationAction::Hide,
        ModerationAction::Delete,
        ModerationAction::Block,
        ModerationAction::Unblock,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::Approve => "approve",
            ModerationAction::Hide => "hide",
            ModerationAction::Delete => "delete",
            ModerationAction::Block => "block",
            ModerationAction::Unblock => "unblock",
        }
    }

    pub fn parse(value: &str) -> Option<ModerationAction> {
        ModerationAction::ALL
            .into_iter()
            .find(|a| a.as_str() == value)
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: String,
    pub at_label: String,
    pub editor_name: String,
    pub action: ModerationAction,
    pub comment_id: Option<i64>,
    pub brief_slug: Option<String>,
    pub note: String,
}
