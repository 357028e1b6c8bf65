//! Plain data shared by the server and the client: what a feed page and a brief look like on
//! the wire, plus the input rules (slugs, page numbers) both sides check the same way.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub mod desk;
pub mod editors;
pub mod moderation;
pub mod my_data;
pub mod props;
pub mod search;
pub mod share;

/// Longest slug accepted anywhere (brief or category).
pub const MAX_SLUG_LEN: usize = 96;
/// Highest page number the feed accepts; far beyond any real archive, it bounds the query.
pub const MAX_PAGE: u32 = 10_000;

/// One of the site's categories, as configured in `Leptos.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub slug: String,
    pub name: String,
}

/// One kind of reaction readers can give a brief, as configured in `Leptos.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// Stable identifier, stored with every reaction.
    pub key: String,
    pub emoji: String,
    pub label: String,
}

/// Reaction counts of one brief, by reaction key (kinds nobody chose are absent).
pub type ReactionCounts = BTreeMap<String, u32>;

/// SSE event type of a reaction-count change; its data is a [`ReactionsChanged`].
pub const REACTIONS_EVENT: &str = "reactions";
/// SSE event type telling the client it missed too much and must refetch.
pub const RESET_EVENT: &str = "reset";

/// A live delta: the new counts of one brief (absolute, so applying it twice is harmless).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReactionsChanged {
    pub slug: String,
    pub counts: ReactionCounts,
}

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

/// The reaction bar's state for one reader: everyone's counts, and which ones this reader gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReactionState {
    pub counts: ReactionCounts,
    pub mine: Vec<String>,
}

/// What the client needs to know about the site itself; rendered into the page by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SiteInfo {
    pub name: String,
    pub house_name: String,
    pub tagline: String,
    pub base_url: String,
    pub categories: Vec<Category>,
    pub reactions: Vec<Reaction>,
    /// Longest comment body, in characters.
    pub comment_max_body_chars: u32,
    /// Longest display name, in characters.
    pub comment_max_name_chars: u32,
    /// How long after posting a reader may edit or delete their comment, in seconds.
    pub comment_edit_seconds: u32,
}

impl SiteInfo {
    pub fn reaction(&self, key: &str) -> Option<&Reaction> {
        self.reactions.iter().find(|r| r.key == key)
    }

    /// The configured reactions that have a non-zero count, in bar order.
    pub fn reactions_given(&self, counts: &ReactionCounts) -> Vec<(Reaction, u32)> {
        self.reactions
            .iter()
            .filter_map(|r| {
                counts
                    .get(&r.key)
                    .filter(|n| **n > 0)
                    .map(|n| (r.clone(), *n))
            })
            .collect()
    }

    pub fn category(&self, slug: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.slug == slug)
    }
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

/// One issue of the weekly digest, as the archive lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestSummary {
    /// e.g. "2026-w48".
    pub slug: String,
    pub title: String,
    /// RFC 3339, UTC: when it was composed.
    pub created_at: String,
    /// e.g. "26 Nov 2026".
    pub created_label: String,
    pub brief_count: u32,
}

/// One brief in a digest issue. `take_html` was sanitised when the brief was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestItem {
    pub slug: String,
    pub title: String,
    pub category: Category,
    pub summary: String,
    pub take_html: String,
    pub published_label: String,
}

/// A whole digest issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestIssue {
    pub summary: DigestSummary,
    pub items: Vec<DigestItem>,
}

/// The mailbox an address delivers to, for counting mail sent to it: lowercased, with a
/// `+tag` on the local part removed (`Ada+news@Example.com` → `ada@example.com`).
pub fn mailbox_key(email: &str) -> String {
    let lower = email.trim().to_lowercase();
    match lower.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split_once('+').map_or(local, |(base, _)| base);
            format!("{local}@{domain}")
        }
        None => lower,
    }
}

/// Checks a digest issue's address: `2026-w48` (an ISO year and week).
pub fn validate_digest_slug(slug: &str) -> Result<(), AppError> {
    let ok = slug.len() == 8
        && slug.is_ascii()
        && slug.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && &slug[4..6] == "-w"
        && slug.as_bytes()[6..].iter().all(u8::is_ascii_digit)
        && slug[6..].parse::<u8>().is_ok_and(|w| (1..=53).contains(&w));
    if ok {
        Ok(())
    } else {
        Err(AppError::not_found(
            "There is no digest issue at this address.",
        ))
    }
}

/// The answer to every newsletter sign-up, whatever the address's state: it must not tell
/// anyone whether an address is subscribed.
pub const SUBSCRIBE_ANSWER: &str = "Thanks! If this address isn't subscribed yet, we've sent it a link to confirm. Check your inbox.";

/// Where a newsletter confirmation link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Confirmation {
    /// Not used yet: the page offers the confirm button.
    Valid,
    /// Just confirmed.
    Confirmed,
    Expired,
    Used,
    Unknown,
}

/// Longest email address accepted (RFC 5321's limit on a forward path).
pub const MAX_EMAIL_LEN: usize = 254;

/// Checks an email address for the newsletter: one `@`, a dot-atom local part of at most 64
/// characters, a domain of letter/digit/hyphen labels with a dot, nothing that could end a
/// header line or smuggle a second address. Returns it trimmed.
pub fn check_email(raw: &str) -> Result<&str, AppError> {
    let bad = || {
        AppError::invalid(
            "email",
            "Please enter an email address like name@example.com.",
        )
    };
    let email = raw.trim();
    if email.is_empty() || email.len() > MAX_EMAIL_LEN || !email.is_ascii() {
        return Err(bad());
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(bad());
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(atext));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    if local_ok && domain_ok {
        Ok(email)
    } else {
        Err(bad())
    }
}

/// Percent-encodes a query-string value (slashes kept: paths read better that way).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Checks a slug: lowercase ASCII letters and digits in hyphen-separated words.
pub fn validate_slug(slug: &str) -> Result<(), AppError> {
    let well_formed = !slug.is_empty()
        && slug.len() <= MAX_SLUG_LEN
        && slug.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if well_formed {
        Ok(())
    } else {
        Err(AppError::bad_request(
            "A slug is made of lowercase letters and digits joined by single hyphens.",
        ))
    }
}

/// Parses the `page` query parameter: absent means page 1.
pub fn parse_page(raw: Option<&str>) -> Result<u32, AppError> {
    let Some(raw) = raw else { return Ok(1) };
    match raw.trim().parse::<u32>() {
        Ok(n) => check_page(n).map(|()| n),
        Err(_) => Err(page_error()),
    }
}

/// Checks a page number's range.
pub fn check_page(page: u32) -> Result<(), AppError> {
    if (1..=MAX_PAGE).contains(&page) {
        Ok(())
    } else {
        Err(page_error())
    }
}

fn page_error() -> AppError {
    AppError::bad_request(format!(
        "The page number must be a whole number from 1 to {MAX_PAGE}."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_tags_and_case_reach_one_mailbox() {
        assert_eq!(mailbox_key("Ada+News@Example.COM"), "ada@example.com");
        assert_eq!(mailbox_key("ada+1+2@example.com"), "ada@example.com");
        assert_eq!(mailbox_key("ada@example.com"), "ada@example.com");
        assert_ne!(
            mailbox_key("ada@example.com"),
            mailbox_key("ada@example.org")
        );
    }

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
    fn slugs() {
        assert!(validate_slug("open-weights-7b").is_ok());
        for bad in ["", "-a", "a-", "a--b", "A-b", "a_b", "a b", "../etc", "é"] {
            assert!(validate_slug(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(validate_slug(&"a".repeat(MAX_SLUG_LEN + 1)).is_err());
    }

    #[test]
    fn emails() {
        for good in [
            "ada@example.com",
            "a.b+news@mail.example.org",
            "x_y-z@a-b.io",
        ] {
            assert_eq!(check_email(&format!(" {good} ")), Ok(good), "{good}");
        }
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a b@example.com",
            "a@example.com\r\nBcc: x@y.com",
            "a@example.com\nx",
            "\"quoted\"@example.com",
            "a..b@example.com",
            ".a@example.com",
            "a@-b.com",
            "a@b.c0m",
            "Ada <ada@example.com>",
            "a@example.com,b@example.com",
            "ünï@example.com",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(check_email(&format!("{}@example.com", "a".repeat(65))).is_err());
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

    #[test]
    fn digest_slugs() {
        assert!(validate_digest_slug("2026-w48").is_ok());
        for bad in [
            "2026-w00", "2026-w54", "2026-w+8", "2026w048", "2026€x", "26-w48", "",
        ] {
            assert!(validate_digest_slug(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pages() {
        assert_eq!(parse_page(None), Ok(1));
        assert_eq!(parse_page(Some("3")), Ok(3));
        for bad in ["0", "-1", "abc", "1.5", "", "10001", "99999999999"] {
            assert!(
                matches!(parse_page(Some(bad)), Err(AppError::BadRequest(_))),
                "{bad:?}"
            );
        }
    }
}
