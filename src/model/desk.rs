//! The editor desk's view of briefs: the searchable list editors work from, and the brief
//! editor's form, drafts, preview and save outcomes.

use serde::{Deserialize, Serialize};

use crate::model::{BriefUpdate, Category};

/// Longest desk search, in characters.
pub const MAX_DESK_QUERY_CHARS: usize = 200;

/// Where a brief stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeskStatus {
    /// Being written; nobody else sees it.
    Draft,
    /// A draft the schedule publishes at its time.
    Scheduled,
    Published,
    /// Taken off the site; its page, comments and reactions are kept for putting it back.
    Unpublished,
}

impl DeskStatus {
    pub const ALL: [DeskStatus; 4] = [
        DeskStatus::Draft,
        DeskStatus::Scheduled,
        DeskStatus::Published,
        DeskStatus::Unpublished,
    ];

    /// The name used in the database and in `?status=`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeskStatus::Draft => "draft",
            DeskStatus::Scheduled => "scheduled",
            DeskStatus::Published => "published",
            DeskStatus::Unpublished => "unpublished",
        }
    }

    pub fn parse(value: &str) -> Option<DeskStatus> {
        DeskStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            DeskStatus::Draft => "Draft",
            DeskStatus::Scheduled => "Scheduled",
            DeskStatus::Published => "Published",
            DeskStatus::Unpublished => "Unpublished",
        }
    }
}

/// One row of the desk's brief list: a draft, a scheduled draft or a stored brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskBrief {
    pub status: DeskStatus,
    /// The draft's id (drafts and scheduled ones); 0 for stored briefs.
    pub draft_id: i64,
    pub slug: String,
    pub title: String,
    pub category: Category,
    /// RFC 3339, UTC: when it was published, is scheduled for, or was last saved (drafts).
    pub at: String,
    /// e.g. "27 Nov 2026, 09:30 UTC".
    pub at_label: String,
    /// Comments readers can see.
    pub comment_count: u32,
    /// Comments waiting for a moderator.
    pub held_count: u32,
    /// Why the schedule could not publish this draft, if it tried and failed.
    pub problem: Option<String>,
    /// A published brief's page views of the last two weeks (insight).
    #[serde(default)]
    pub trend: Option<Trend>,
}

/// A brief's views over the last days, as a total and a small chart (SVG drawn on the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trend {
    pub views: u64,
    pub days: u32,
    pub svg: String,
}

impl DeskBrief {
    /// Where the desk opens it.
    pub fn edit_href(&self) -> String {
        match self.status {
            DeskStatus::Draft | DeskStatus::Scheduled => format!("/desk/drafts/{}", self.draft_id),
            DeskStatus::Published | DeskStatus::Unpublished => {
                format!("/desk/briefs/{}", self.slug)
            }
        }
    }
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
    pub status: Option<DeskStatus>,
}

/// Every field of a brief as the desk's editor form holds it: plain text and Markdown, exactly
/// what an editor typed. The server turns it into a brief file and checks and renders it with
/// the same code as an import.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
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

/// Longest Markdown section (What Happened, Take, …), in characters.
pub const MAX_SECTION_CHARS: usize = 20_000;
/// Longest one-line field (title, summary, source, tags, Builder's Brief lines), in characters;
/// the brief checks stricter limits of its own when it is published.
pub const MAX_LINE_CHARS: usize = 1_000;
/// Longest correction note, in characters (the brief file format's own limit).
pub const MAX_NOTE_CHARS: usize = 300;

impl BriefFields {
    /// Checks what a draft may hold at all (a draft need not be a valid brief yet): the size
    /// of every field, and a slug that is empty or well-formed. Returns the field and the
    /// reason when something is off.
    pub fn check_draft(&self) -> Result<(), (&'static str, String)> {
        let lines = [
            ("title", &self.title),
            ("category", &self.category),
            ("tags", &self.tags),
            ("summary", &self.summary),
            ("source_name", &self.source_name),
            ("source_url", &self.source_url),
            ("who", &self.who),
            ("what_changes", &self.what_changes),
            ("when", &self.when),
            ("watch_for", &self.watch_for),
        ];
        for (name, value) in lines {
            if value.chars().count() > MAX_LINE_CHARS {
                return Err((name, format!("Keep this to {MAX_LINE_CHARS} characters.")));
            }
        }
        let sections = [
            ("what_happened", &self.what_happened),
            ("take", &self.take),
            ("what_to_do", &self.what_to_do),
            ("skeptics", &self.skeptics),
        ];
        for (name, value) in sections {
            if value.chars().count() > MAX_SECTION_CHARS {
                return Err((
                    name,
                    format!("Keep a section to {MAX_SECTION_CHARS} characters."),
                ));
            }
        }
        let slug = self.slug.trim();
        if !slug.is_empty() {
            crate::model::validate_slug(slug).map_err(|e| ("slug", e.to_string()))?;
        }
        Ok(())
    }
}

/// The brief as the preview shows it: rendered by the server exactly as its public page would
/// be (HTML, sanitised like the page), or why it cannot be published yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preview {
    Ready(String),
    Invalid(String),
}

impl Default for Preview {
    fn default() -> Self {
        Preview::Invalid(String::new())
    }
}

impl Preview {
    /// The preview's markup (a reason is text, escaped here).
    pub fn markup(&self) -> String {
        match self {
            Preview::Ready(html) => html.clone(),
            Preview::Invalid(reason) => {
                let reason = reason
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                format!("<p class=\"editor__invalid\">Not ready to publish: {reason}</p>")
            }
        }
    }
}

/// A stored draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub id: i64,
    pub fields: BriefFields,
    /// Moves with every save: a save naming an older revision is refused.
    pub revision: i64,
    /// RFC 3339, UTC, when scheduled.
    pub publish_at: Option<String>,
    pub publish_label: Option<String>,
    /// Why the schedule could not publish it, if it tried.
    pub problem: Option<String>,
    /// e.g. "28 Nov 2026, 09:30 UTC".
    pub updated_label: String,
}

/// What the draft editor opens with: the draft (none for a new one) and its preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftEditor {
    pub draft: Option<Draft>,
    pub preview: Preview,
    /// What a new draft starts with: empty, or an inbox item's title, source and link.
    pub start: BriefFields,
}

/// What a save of a draft did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DraftOutcome {
    Saved,
    Scheduled { at_label: String },
    Unscheduled,
    Published { slug: String },
}

/// The answer to a draft save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedDraft {
    pub id: i64,
    pub revision: i64,
    /// e.g. "09:31 UTC".
    pub saved_label: String,
    pub outcome: DraftOutcome,
}

/// A stored brief opened in the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditableBrief {
    pub fields: BriefFields,
    pub published: bool,
    pub published_label: String,
    /// Its public correction trail so far.
    pub updates: Vec<BriefUpdate>,
    pub preview: Preview,
}
