//! The live stream: its SSE event types, the [`LiveEvent`] every logged change is, and the
//! payloads that exist only for it (readers on a brief now, a brief just published).

use serde::{Deserialize, Serialize};

use crate::model::{BriefSummary, CommentAdded, CommentChanged, ReactionsChanged};

/// SSE event type of a reaction-count change; its data is a [`ReactionsChanged`].
pub const REACTIONS_EVENT: &str = "reactions";
/// SSE event type telling the client it missed too much and must refetch.
pub const RESET_EVENT: &str = "reset";

/// SSE event type of a new comment; its data is a [`CommentAdded`].
pub const COMMENT_EVENT: &str = "comment";
/// SSE event type of a comment edited, deleted or taken down; its data is a [`CommentChanged`].
pub const COMMENT_CHANGED_EVENT: &str = "comment_changed";

/// SSE event type of how many readers have a brief open; its data is a [`ReadingNow`]. Sent
/// only to streams opened for that brief, and never logged: it carries no event id.
pub const READING_EVENT: &str = "reading";

/// How many open pages (live connections, on every instance) show brief `slug` right now.
/// A count, never who.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingNow {
    pub slug: String,
    pub count: u32,
}

/// SSE event type of a brief that just went live; its data is a [`BriefPublished`].
pub const BRIEF_EVENT: &str = "brief";

/// A brief published from the desk (now, on schedule, or again after being unpublished): open
/// feeds offer it as "1 new brief — show".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefPublished {
    pub brief: BriefSummary,
}

/// Every change the live log carries: the only thing that is appended to it, and what each
/// logged row reads back as. The SSE event type is [`LiveEvent::kind`]; its data, the
/// variant's payload as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    Reactions(ReactionsChanged),
    Comment(CommentAdded),
    CommentChanged(CommentChanged),
    Brief(BriefPublished),
}

impl LiveEvent {
    /// The SSE event type, as stored in the log's `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            LiveEvent::Reactions(_) => REACTIONS_EVENT,
            LiveEvent::Comment(_) => COMMENT_EVENT,
            LiveEvent::CommentChanged(_) => COMMENT_CHANGED_EVENT,
            LiveEvent::Brief(_) => BRIEF_EVENT,
        }
    }

    /// The comment the event is about, if any (its later edits and removals rewrite it).
    pub fn comment_id(&self) -> Option<i64> {
        match self {
            LiveEvent::Comment(added) => Some(added.comment.id),
            LiveEvent::CommentChanged(changed) => Some(changed.id),
            LiveEvent::Reactions(_) | LiveEvent::Brief(_) => None,
        }
    }

    /// The payload as JSON, the SSE `data:` line.
    pub fn payload(&self) -> serde_json::Result<String> {
        match self {
            LiveEvent::Reactions(event) => serde_json::to_string(event),
            LiveEvent::Comment(event) => serde_json::to_string(event),
            LiveEvent::CommentChanged(event) => serde_json::to_string(event),
            LiveEvent::Brief(event) => serde_json::to_string(event),
        }
    }

    /// Reads a logged event back; `None` for a kind or payload this build does not know.
    pub fn decode(kind: &str, payload: &str) -> Option<LiveEvent> {
        match kind {
            REACTIONS_EVENT => serde_json::from_str(payload).ok().map(LiveEvent::Reactions),
            COMMENT_EVENT => serde_json::from_str(payload).ok().map(LiveEvent::Comment),
            COMMENT_CHANGED_EVENT => serde_json::from_str(payload)
                .ok()
                .map(LiveEvent::CommentChanged),
            BRIEF_EVENT => serde_json::from_str(payload).ok().map(LiveEvent::Brief),
            _ => None,
        }
    }
}
