//! The desk's sources inbox: the feeds editors write from (`/desk/sources`), the items found in
//! them (`/desk/inbox`), and the log of what editors did to both.

use serde::{Deserialize, Serialize};

/// Longest name of a source, in characters.
pub const MAX_SOURCE_NAME_CHARS: usize = 100;
/// Longest feed address, in characters.
pub const MAX_SOURCE_URL_CHARS: usize = 2_000;

/// How a source fared on its last fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceHealth {
    /// Added, not fetched yet.
    Waiting,
    /// The last fetch worked.
    Ok,
    /// The last fetch failed; Pulse backs off before the next.
    Failing,
}

impl SourceHealth {
    pub fn label(self) -> &'static str {
        match self {
            SourceHealth::Waiting => "Not fetched yet",
            SourceHealth::Ok => "OK",
            SourceHealth::Failing => "Failing",
        }
    }
}

/// One source as the sources page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub health: SourceHealth,
    /// When it was last fetched, for people ("7 Dec 2026, 09:30 UTC").
    pub fetched_label: Option<String>,
    /// When it is fetched next, for people.
    pub next_label: String,
    /// Fetches failed in a row.
    pub failures: u32,
    /// Why the last fetch failed, in Pulse's words (never the remote server's text).
    pub last_error: Option<String>,
    /// Items of this source still in the inbox.
    pub items: u64,
}

/// One item of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    pub id: i64,
    /// As the feed gave it; always shown as text.
    pub title: String,
    pub url: String,
    pub source_name: String,
    /// RFC 3339: when the feed says it was published, or when Pulse found it.
    pub at: String,
    pub at_label: String,
    /// Whether a brief (a draft included) already names this address as its source.
    pub cited: bool,
}

/// The inbox: its newest items, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub items: Vec<InboxItem>,
    /// The newest item's id (0 when empty): the page asks for news after it.
    pub newest_id: i64,
    /// Whether any source exists at all (an empty inbox says what to do first).
    pub has_sources: bool,
}

/// What an editor did to a source or an item, as the desk log keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeskAction {
    AddSource,
    RemoveSource,
    DismissItem,
}

crate::model::stored_words!(DeskAction, "desk action", {
    AddSource => "add-source",
    RemoveSource => "remove-source",
    DismissItem => "dismiss-item",
});

impl DeskAction {
    pub fn label(self) -> &'static str {
        match self {
            DeskAction::AddSource => "Added a source",
            DeskAction::RemoveSource => "Removed a source",
            DeskAction::DismissItem => "Dismissed an inbox item",
        }
    }
}

/// One line of the desk log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskLogEntry {
    pub at: String,
    pub at_label: String,
    pub editor_name: String,
    pub action: DeskAction,
    /// What it was done to: the source's name and address, or the item's title and address.
    pub subject: String,
}
