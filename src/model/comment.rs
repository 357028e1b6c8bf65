//! Comments: what a reader sees of one, the live deltas of a thread, a reader's own
//! comments, reports, which page of a long thread to show, the rules a name and a body must
//! meet, and the relative times comments show ("5 minutes ago").

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::{SiteInfo, stored_words};

/// What other readers may see of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentState {
    Visible,
    /// Waiting for review; shown only to its author.
    Held,
    /// Deleted by its author; kept as a "[deleted]" placeholder because replies hang on it.
    Deleted,
    /// Taken down (by reports or a moderator); a placeholder because replies hang on it.
    Removed,
}

/// Where a stored comment stands with moderation: its `status` column. Whether its author
/// deleted it is kept apart (`deleted_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    /// Shown to everyone.
    Visible,
    /// Waiting for review; shown only to its author.
    Held,
    /// Taken down by moderation.
    Hidden,
}

stored_words!(CommentStatus, "comment status", {
    Visible => "visible",
    Held => "held",
    Hidden => "hidden",
});

/// One comment as a reader sees it. `body_html` was sanitised when it was written; placeholders
/// (deleted, removed) carry neither name nor body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub depth: u32,
    /// Plain text, never HTML.
    pub author_name: String,
    pub body_html: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Seconds since the Unix epoch, for relative times ("5 minutes ago").
    pub created_unix: i64,
    /// e.g. "27 Nov 2026, 13:05 UTC".
    pub created_label: String,
    /// When the author last edited it (RFC 3339, UTC).
    pub edited_at: Option<String>,
    pub state: CommentState,
}

impl Comment {
    /// Changes whenever what the comment shows changes (lists key their rows on it).
    pub fn revision(&self) -> (i64, Option<String>, CommentState) {
        (self.id, self.edited_at.clone(), self.state)
    }
}

/// A live delta: a comment was published on a brief, which now has `count` comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentAdded {
    pub slug: String,
    pub comment: Comment,
    pub count: u32,
}

/// A live delta: comment `id` changed. `comment` is what to show in its place now (an edit, or
/// a placeholder); `None` means it leaves the page. The brief now has `count` comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentChanged {
    pub slug: String,
    pub id: i64,
    pub comment: Option<Comment>,
    pub count: u32,
    /// Held for review: gone for everyone else, but its author still sees it, marked as held
    /// (a moderator's hide or delete leaves the author nothing either).
    #[serde(default)]
    pub held: bool,
}

/// One of the asking reader's own comments: its Markdown source (to edit) and how many seconds
/// of its edit window are left (0: closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnComment {
    pub id: i64,
    pub body_md: String,
    pub editable_seconds: u32,
}

/// Longest note a comment report may carry, in characters.
pub const MAX_REPORT_DETAIL_CHARS: u32 = 500;

/// Why a reader reports a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportReason {
    Spam,
    Abuse,
    OffTopic,
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 4] = [
        ReportReason::Spam,
        ReportReason::Abuse,
        ReportReason::OffTopic,
        ReportReason::Other,
    ];

    /// The stored and submitted form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Abuse => "abuse",
            ReportReason::OffTopic => "off-topic",
            ReportReason::Other => "other",
        }
    }

    /// The reason `word` names (as stored and submitted), if any.
    pub fn parse(word: &str) -> Option<ReportReason> {
        ReportReason::ALL.into_iter().find(|r| r.as_str() == word)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportReason::Spam => "Spam or advertising",
            ReportReason::Abuse => "Abusive or hateful",
            ReportReason::OffTopic => "Off topic",
            ReportReason::Other => "Something else",
        }
    }
}

/// "just now", "5 minutes ago", "3 hours ago", "2 days ago"; older than a week (or in the
/// future by more than a minute of clock skew) it is `exact`.
pub fn relative_time(then_unix: i64, now_unix: i64, exact: &str) -> String {
    let age = now_unix - then_unix;
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match age {
        -60..=44 => "just now".to_string(),
        45..=3_599 => plural((age / 60).max(1), "minute"),
        3_600..=86_399 => plural(age / 3_600, "hour"),
        86_400..=604_799 => plural(age / 86_400, "day"),
        _ => exact.to_string(),
    }
}

/// Which page of a long thread to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadWindow {
    /// The newest comments (the default).
    Newest,
    /// The page just before comment N (`?comments_before=N`).
    Before(i64),
    /// The page just after comment N (`?comments_after=N`).
    After(i64),
    /// The page holding comment N (`?comment=N`, and an address that opens a form on it).
    Around(i64),
}

/// "1 comment", "3 comments".
pub fn comments_label(count: u32) -> String {
    if count == 1 {
        "1 comment".to_string()
    } else {
        format!("{count} comments")
    }
}

/// Checks a display name: trimmed, 1 to the configured number of characters, no control
/// characters and nothing invisible (see [`hides_characters`]). Returns the trimmed name.
pub fn check_comment_name<'a>(name: &'a str, site: &SiteInfo) -> Result<&'a str, AppError> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > site.comment_max_name_chars as usize {
        return Err(AppError::invalid(
            "name",
            format!(
                "Please give a display name of 1 to {} characters.",
                site.comment_max_name_chars
            ),
        ));
    }
    if hides_characters(name) {
        return Err(AppError::invalid(
            "name",
            "Names cannot contain invisible or direction-changing characters.",
        ));
    }
    Ok(name)
}

/// Whether a name holds something a reader would not see, or that would reorder what they
/// see: control characters, the bidirectional embeddings, overrides and isolates (one
/// unclosed U+202E turns everything after it around), zero-width and other blank-looking
/// characters, the byte-order mark and tag characters. The zero-width joiner is allowed only
/// inside an emoji sequence (between two symbols), where it is part of what is drawn.
pub fn hides_characters(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        if c == '\u{200D}' {
            let symbol = |c: Option<&char>| {
                c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace() && !c.is_ascii())
            };
            return !(i > 0 && symbol(chars.get(i - 1)) && symbol(chars.get(i + 1)));
        }
        c.is_control()
            || matches!(
                c,
                '\u{00AD}'
                    | '\u{034F}'
                    | '\u{061C}'
                    | '\u{115F}'
                    | '\u{1160}'
                    | '\u{17B4}'
                    | '\u{17B5}'
                    | '\u{180E}'
                    | '\u{200B}'
                    | '\u{200C}'
                    | '\u{200E}'
                    | '\u{200F}'
                    | '\u{2028}'..='\u{202E}'
                    | '\u{2060}'..='\u{206F}'
                    | '\u{3164}'
                    | '\u{FEFF}'
                    | '\u{FFA0}'
                    | '\u{FFF9}'..='\u{FFFB}'
                    | '\u{E0000}'..='\u{E007F}'
            )
    })
}

/// Checks a comment body: not empty, not over the configured length. Returns it trimmed.
pub fn check_comment_body<'a>(body: &'a str, site: &SiteInfo) -> Result<&'a str, AppError> {
    let body = body.trim();
    let chars = body.chars().count();
    if chars == 0 {
        return Err(AppError::invalid("body", "Write something before posting."));
    }
    if chars > site.comment_max_body_chars as usize {
        return Err(AppError::invalid(
            "body",
            format!(
                "Comments can be at most {} characters; this one has {chars}.",
                site.comment_max_body_chars
            ),
        ));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_hide_nothing() {
        for fine in [
            "Ada",
            "Grace Hopper",
            "José",
            "李小龍",
            "Ada 👩\u{200D}💻",
            "🏳\u{FE0F}\u{200D}🌈",
        ] {
            assert!(!hides_characters(fine), "{fine:?} should be accepted");
        }
        for hidden in [
            "Ada\u{202E}nimda",
            "\u{2067}Ada",
            "A\u{200B}da",
            "Ada\u{200D}",
            "A\u{200D}da",
            "Ada\u{FEFF}",
            "Ada\u{00AD}",
            "Ada\u{E0041}",
            "Ada\u{0007}",
            "\u{3164}",
        ] {
            assert!(hides_characters(hidden), "{hidden:?} should be refused");
        }
    }

    #[test]
    fn relative_times() {
        let exact = "20 Nov 2026, 09:30 UTC";
        let cases = [
            (0, "just now"),
            (-30, "just now"),
            (44, "just now"),
            (45, "1 minute ago"),
            (119, "1 minute ago"),
            (120, "2 minutes ago"),
            (3_599, "59 minutes ago"),
            (3_600, "1 hour ago"),
            (86_399, "23 hours ago"),
            (86_400, "1 day ago"),
            (6 * 86_400, "6 days ago"),
            (7 * 86_400, exact),
            (-61, exact),
        ];
        for (age, want) in cases {
            assert_eq!(
                relative_time(1_000_000 - age, 1_000_000, exact),
                want,
                "{age}"
            );
        }
    }
}
