//! "My data": everything Pulse holds tied to a reader's anonymous id — their comments, the
//! reactions they gave, the reports they filed and the follows they asked for — and, for a newsletter subscriber, about
//! their address, as they see, download and erase it.

use crate::model::follow::FollowLine;
use crate::model::{CommentStatus, SubscriberStatus};
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
    pub status: CommentStatus,
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
    /// Follows asked for from this browser (briefs, replies), with the address each mails.
    pub follows: Vec<FollowLine>,
}

impl MyData {
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty()
            && self.reactions.is_empty()
            && self.reports.is_empty()
            && self.follows.is_empty()
    }
}

/// What erasing a reader's data removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Erased {
    pub comments: u32,
    pub reactions: u32,
    pub reports: u32,
    pub follows: u32,
}

/// What the newsletter holds about one address, shown through a link mailed to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SubscriberData {
    pub email: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: SubscriberStatus,
    /// When the reader signed up, and the wording they agreed to.
    pub consent_at: String,
    pub consent_version: String,
    pub confirmed_at: Option<String>,
    pub unsubscribed_at: Option<String>,
    /// When each digest was sent to the address (the messages themselves are not kept).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub digests_sent: Vec<String>,
    /// What the address follows (briefs, replies to its comments).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub follows: Vec<FollowLine>,
}

/// The answer to a request for a data link, whoever asks about whichever address.
pub const DATA_LINK_ANSWER: &str =
    "If that address is on the list, a link to its data is on its way. It works for 24 hours.";
