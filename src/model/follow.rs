//! Following without an account: an address follows one brief (its corrections and new
//! comments) or a reader's replies (answers to the comments that reader posts). What the
//! follow forms answer, what a confirmation link is worth, and how a follow shows on the pages
//! that list them (the manage page a mailed link opens, "Your data").

use serde::{Deserialize, Serialize};

use crate::model::stored_words;

/// What an address follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FollowKind {
    /// One brief: each correction, and new comments in batches.
    Brief,
    /// Replies to the comments of the reader who asked.
    Replies,
}

stored_words!(FollowKind, "follow kind", {
    Brief => "brief",
    Replies => "replies",
});

/// Where a follow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FollowStatus {
    /// Asked for; nothing is mailed until the link in the confirmation is used.
    Pending,
    /// Mail goes out.
    Confirmed,
    /// Stopped by its address, or quiet for `follow.days`.
    Ended,
}

stored_words!(FollowStatus, "follow status", {
    Pending => "pending",
    Confirmed => "confirmed",
    Ended => "ended",
});

/// The answer to every "Follow this brief", whatever the address's state: it must not tell
/// anyone whether an address already follows it.
pub const FOLLOW_ANSWER: &str = "Thanks! If this address does not follow this brief yet, we've sent it a link to confirm. Check your inbox.";

/// Where a follow's confirmation link stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FollowConfirmation {
    /// Not used yet: the page offers the confirm button for this follow.
    Valid(FollowTarget),
    /// Just confirmed.
    Confirmed(FollowTarget),
    Expired,
    Used,
    Unknown,
}

/// What a follow is about, as pages name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FollowTarget {
    Brief { slug: String, title: String },
    Replies,
}

impl FollowTarget {
    /// "“Title”" or "replies to your comments".
    pub fn describe(&self) -> String {
        match self {
            FollowTarget::Brief { title, .. } => format!("“{title}”"),
            FollowTarget::Replies => "replies to your comments".to_string(),
        }
    }
}

/// One follow, as the page that manages an address's follows and "Your data" list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowLine {
    pub id: i64,
    pub target: FollowTarget,
    pub status: FollowStatus,
    /// The address mail goes to (shown only to whoever holds the link or the reader cookie).
    pub email: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub confirmed_at: Option<String>,
    /// When it ends by itself if nothing happens (confirmed follows only).
    pub ends_at: Option<String>,
}

/// Every follow of one address, for the page a mailed "manage" link opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedFollows {
    pub email: String,
    pub follows: Vec<FollowLine>,
}

/// The removal reasons the thread tells, with how many comments each took down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Removals {
    /// (reason word, count), most first.
    pub by_reason: Vec<(String, u32)>,
}

impl Removals {
    pub fn total(&self) -> u32 {
        self.by_reason.iter().map(|(_, n)| n).sum()
    }

    /// "2 comments removed by moderators (spam, off topic)", or nothing when none were.
    pub fn sentence(&self) -> Option<String> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let reasons = self
            .by_reason
            .iter()
            .map(|(reason, n)| {
                let word = match reason.as_str() {
                    "off-topic" => "off topic",
                    "other" => "other reasons",
                    word => word,
                };
                if self.by_reason.len() == 1 {
                    word.to_string()
                } else {
                    format!("{word}: {n}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let noun = if total == 1 { "comment" } else { "comments" };
        Some(format!("{total} {noun} removed by moderators ({reasons})"))
    }
}

/// A reply to one of the reader's own comments on this brief, for "N replies to you since
/// your last visit" (the browser counts the ones newer than the visit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyToYou {
    pub id: i64,
    pub author_name: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_removal_note_counts_by_reason_only() {
        assert_eq!(Removals::default().sentence(), None);
        let one = Removals {
            by_reason: vec![("spam".to_string(), 2)],
        };
        assert_eq!(
            one.sentence().as_deref(),
            Some("2 comments removed by moderators (spam)")
        );
        let two = Removals {
            by_reason: vec![("spam".to_string(), 2), ("off-topic".to_string(), 1)],
        };
        assert_eq!(
            two.sentence().as_deref(),
            Some("3 comments removed by moderators (spam: 2, off topic: 1)")
        );
    }
}
