//! The brief editor's server side: turning the form into a brief with the import's own rules
//! (compose a brief file, then parse it: the same checks, renderer and sanitiser), the preview
//! the desk shows beside the form, saving (with what the save goes on to do) and correcting, and
//! the schedule that publishes due drafts.

use std::time::Duration;

use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::desk::{
    BriefFields, DraftOutcome, EditableBrief, MAX_NOTE_CHARS, Preview, SavedDraft,
};
use crate::model::editors::Editor;
use crate::model::follow::Removals;
use crate::model::{Brief, BuilderBrief, Category, ReactionState, SiteInfo, validate_slug};
use crate::server::content::{ParsedBrief, compose, parse_brief};
use crate::server::repo::{
    Correction, DraftSave, Publication, StoredBrief, brief_updates, date_label, stamp, time_label,
};
use crate::server::request::Request;
use crate::server::state::AppState;

/// How often each instance looks for due drafts. Scheduling is to the minute; this keeps a
/// scheduled brief within seconds of its time without a query worth mentioning.
const SCHEDULE_POLL: Duration = Duration::from_secs(5);

/// Checks and renders `fields` as a brief published at `published_at` with these correction
/// notes; the error is the reason, worded for the editor.
pub fn build(
    site: &SiteInfo,
    fields: &BriefFields,
    published_at: &str,
    updates: &[(String, String)],
) -> Result<ParsedBrief, String> {
    let text = compose(fields, published_at, updates).map_err(|e| e.reason)?;
    parse_brief("the form", &text, site).map_err(|e| e.reason)
}

/// The preview of `fields`: the brief exactly as its page would show it (with the briefs that
/// already cite its slug), rendered to HTML, or why it cannot be published yet.
pub async fn preview(
    state: &AppState,
    fields: &BriefFields,
    published_at: &str,
    updates: &[(String, String)],
) -> Result<Preview, AppError> {
    let site = &state.config.site;
    let brief = match build(site, fields, published_at, updates) {
        Ok(brief) => brief,
        Err(reason) => return Ok(Preview::Invalid(reason)),
    };
    let cited_by = state.store.cited_by(&brief.slug).await?;
    let category = site
        .category(&brief.category)
        .cloned()
        .unwrap_or_else(|| Category {
            slug: brief.category.clone(),
            name: brief.category.clone(),
        });
    Ok(Preview::Ready(render(
        site,
        Brief {
            category,
            published_label: date_label(&brief.published_at),
            updates: brief_updates(brief.updates),
            slug: brief.slug,
            title: brief.title,
            summary: brief.summary,
            tags: brief.tags,
            published_at: brief.published_at,
            reading_minutes: brief.reading_minutes,
            source_name: brief.source_name,
            source_url: brief.source_url,
            what_happened_html: brief.what_happened_html,
            take_html: brief.take_html,
            what_to_do_html: brief.what_to_do_html,
            builder: BuilderBrief {
                who_html: brief.who_html,
                what_changes_html: brief.what_changes_html,
                when_html: brief.when_html,
                watch_for_html: brief.watch_for_html,
            },
            skeptics_html: brief.skeptics_html,
            cited_by,
            reactions: ReactionState::default(),
            comments: Vec::new(),
            older_comments: None,
            newer_comments: None,
            comment_count: 0,
            mine: Vec::new(),
            my_name: None,
            comment_key: String::new(),
            replies_to_you: Vec::new(),
            removals: Removals::default(),
        },
    )))
}

/// The brief's page body, rendered as the public page renders it, as inert HTML for the
/// desk's preview (so the brief renderer never ships to the browser).
fn render(site: &SiteInfo, brief: Brief) -> String {
    use leptos::prelude::*;

    use crate::components::brief_body::BriefBody;

    Owner::new().with(|| {
        provide_context(site.clone());
        view! {
            <article class="brief brief--preview"><BriefBody brief preview=true/></article>
        }
        .to_html()
    })
}

/// Publishes draft `id` now (or, with `due`, only if its scheduled time has come); open feeds
/// hear of it from the store's commit.
pub async fn publish(
    state: &AppState,
    id: i64,
    now: OffsetDateTime,
    due: bool,
) -> Result<Publication, AppError> {
    let site = state.config.site.clone();
    let rules = move |fields: &BriefFields, at: &str, notes: &[(String, String)]| {
        build(&site, fields, at, notes)
    };
    let outcome = state.store.publish_draft(id, now, due, &rules).await?;
    match &outcome {
        Publication::Published { slug } => {
            tracing::info!(draft = id, %slug, scheduled = due, "brief published");
        }
        Publication::Invalid(reason) if due => {
            tracing::warn!(draft = id, %reason, "a scheduled draft could not be published");
        }
        Publication::SlugTaken(_) if due => {
            tracing::warn!(draft = id, "a scheduled draft's slug is taken");
        }
        _ => {}
    }
    Ok(outcome)
}

/// What a save of the brief editor goes on to do (the form's `intent` button).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftIntent {
    Save,
    /// At the form's `publish_at`, read as UTC.
    Schedule,
    Unschedule,
    /// Now.
    Publish,
}

impl DraftIntent {
    /// The intent a form names (none: save).
    pub fn parse(word: Option<&str>) -> Result<DraftIntent, AppError> {
        match word.unwrap_or("save") {
            "save" => Ok(DraftIntent::Save),
            "schedule" => Ok(DraftIntent::Schedule),
            "unschedule" => Ok(DraftIntent::Unschedule),
            "publish" => Ok(DraftIntent::Publish),
            _ => Err(AppError::invalid(
                "intent",
                "Choose save, schedule, unschedule or publish.",
            )),
        }
    }
}

/// A save of the brief editor, as the form sends it.
pub struct DraftForm {
    /// None: a new draft.
    pub id: Option<i64>,
    /// The revision the editor last loaded or saved.
    pub revision: Option<i64>,
    pub fields: BriefFields,
    pub intent: Option<String>,
    pub publish_at: Option<String>,
}

/// What a save did, and the draft a plain form post lands on (a new one once saved).
pub struct DraftSaved {
    pub result: Result<SavedDraft, AppError>,
    pub landed: Option<i64>,
}

impl DraftSaved {
    /// Where a plain form post goes: the page that shows the outcome.
    pub fn land(self, req: &Request) -> Result<SavedDraft, AppError> {
        let page = self.landed.map_or_else(
            || "/desk/new".to_string(),
            |id| format!("/desk/drafts/{id}"),
        );
        req.land_outcome(
            self.result,
            |saved| match &saved.outcome {
                DraftOutcome::Published { slug } => format!("/desk/briefs/{slug}?done=published"),
                outcome => format!("/desk/drafts/{}?done={}", saved.id, done_word(outcome)),
            },
            &page,
            || SavedDraft {
                id: self.landed.unwrap_or(0),
                revision: 0,
                saved_label: String::new(),
                outcome: DraftOutcome::Saved,
            },
        )
    }
}

fn done_word(outcome: &DraftOutcome) -> &'static str {
    match outcome {
        DraftOutcome::Saved => "saved",
        DraftOutcome::Scheduled { .. } => "scheduled",
        DraftOutcome::Unscheduled => "unscheduled",
        DraftOutcome::Published { .. } => "published",
    }
}

/// Saves a draft and then does what its intent says. The words are saved even when the
/// intent is then refused (a time in the past, a brief not complete enough to publish), so an
/// editor never loses them. A save over someone else's newer revision is refused, as is a
/// slug another brief or draft already uses (a plain form post then keeps the text under the
/// draft's previous slug, since the browser does not hold it).
pub async fn save(req: &Request, editor: &Editor, form: DraftForm) -> DraftSaved {
    let mut landed = form.id;
    let result = save_and_act(req, editor, &form, &mut landed).await;
    DraftSaved { result, landed }
}

async fn save_and_act(
    req: &Request,
    editor: &Editor,
    form: &DraftForm,
    landed: &mut Option<i64>,
) -> Result<SavedDraft, AppError> {
    let state = &req.state;
    let intent = DraftIntent::parse(form.intent.as_deref())?;
    check_fields(&form.fields)?;
    let now = OffsetDateTime::now_utc();
    let schedule_at = match intent {
        DraftIntent::Schedule => schedule_time_for(form.publish_at.as_deref(), now).map(Some),
        _ => Ok(None),
    };
    let saved = state
        .store
        .save_draft(form.id, form.revision, &form.fields, editor.id, now)
        .await?;
    let (id, revision) = match saved {
        DraftSave::Saved { id, revision } => (id, revision),
        DraftSave::Stale => {
            return Err(AppError::Conflict(
                "Someone else saved this draft after you opened it. Copy your changes, \
                 reload the page and apply them again."
                    .to_string(),
            ));
        }
        DraftSave::SlugTaken(title) => {
            if req.form_post() {
                *landed = keep_under_old_slug(req, editor, form, now)
                    .await?
                    .or(*landed);
            }
            return Err(slug_taken(&form.fields, &title));
        }
        DraftSave::NotFound => {
            return Err(AppError::not_found(
                "There is no such draft: it may have been published or deleted.",
            ));
        }
    };
    *landed = Some(id);
    let schedule_at = schedule_at?;
    let outcome = match intent {
        DraftIntent::Save => DraftOutcome::Saved,
        DraftIntent::Schedule => {
            // A draft scheduled must be publishable as it stands, so the schedule does not
            // fail later on something the editor could have been told now.
            if let Err(reason) = build(&state.config.site, &form.fields, &stamp(now), &[]) {
                return Err(AppError::invalid("fields", reason));
            }
            let at = schedule_at.ok_or(AppError::Internal)?;
            state.store.schedule_draft(id, Some(&stamp(at))).await?;
            tracing::info!(draft = id, editor = editor.id, "draft scheduled");
            DraftOutcome::Scheduled {
                at_label: time_label(&stamp(at)),
            }
        }
        DraftIntent::Unschedule => {
            state.store.schedule_draft(id, None).await?;
            DraftOutcome::Unscheduled
        }
        DraftIntent::Publish => match publish(state, id, now, false).await? {
            Publication::Published { slug } => DraftOutcome::Published { slug },
            Publication::Invalid(reason) => return Err(AppError::invalid("fields", reason)),
            Publication::SlugTaken(title) => return Err(slug_taken(&form.fields, &title)),
            Publication::Gone => {
                return Err(AppError::not_found(
                    "That draft was published or deleted meanwhile.",
                ));
            }
        },
    };
    Ok(SavedDraft {
        id,
        revision,
        saved_label: clock_label(now),
        outcome,
    })
}

/// A plain form post whose slug is taken still keeps its words: saved under the draft's
/// previous slug (none for a new draft). Returns the draft saved.
async fn keep_under_old_slug(
    req: &Request,
    editor: &Editor,
    form: &DraftForm,
    now: OffsetDateTime,
) -> Result<Option<i64>, AppError> {
    let store = &req.state.store;
    let mut kept = form.fields.clone();
    kept.slug = match form.id {
        Some(id) => store.draft(id).await?.map(|d| d.fields.slug),
        None => None,
    }
    .unwrap_or_default();
    Ok(
        match store
            .save_draft(form.id, form.revision, &kept, editor.id, now)
            .await?
        {
            DraftSave::Saved { id, .. } => Some(id),
            _ => None,
        },
    )
}

fn slug_taken(fields: &BriefFields, title: &str) -> AppError {
    AppError::Conflict(format!(
        "The slug “{}” is already used by {title}. Choose another.",
        fields.slug.trim()
    ))
}

/// The schedule time from the form: in the future, at most a year ahead.
fn schedule_time_for(value: Option<&str>, now: OffsetDateTime) -> Result<OffsetDateTime, AppError> {
    let at = value.and_then(schedule_time).ok_or_else(|| {
        AppError::invalid("publish_at", "Give the date and time to publish at (UTC).")
    })?;
    if at <= now {
        return Err(AppError::invalid(
            "publish_at",
            "That time has passed: choose a later one, or publish now.",
        ));
    }
    if at > now + time::Duration::days(366) {
        return Err(AppError::invalid(
            "publish_at",
            "Schedule at most a year ahead.",
        ));
    }
    Ok(at)
}

/// The sizes a form may have at all (see `BriefFields::check_draft`).
pub fn check_fields(fields: &BriefFields) -> Result<(), AppError> {
    fields
        .check_draft()
        .map_err(|(field, reason)| AppError::invalid(field, reason))
}

/// Stored brief `slug` as the editor opens it: its form, its correction trail and its preview.
pub async fn open_stored(state: &AppState, slug: &str) -> Result<EditableBrief, AppError> {
    validate_slug(slug)?;
    let StoredBrief {
        fields,
        published,
        published_at,
        notes,
    } = state
        .store
        .brief_form(slug)
        .await?
        .ok_or_else(|| AppError::not_found("There is no brief with that address."))?;
    if fields == BriefFields::default() {
        return Err(AppError::Conflict(
            "This brief was stored before the desk kept brief forms. Import its file again \
             once (`pulse import <dir>`) to edit it here."
                .to_string(),
        ));
    }
    let preview = preview(state, &fields, &published_at, &notes).await?;
    Ok(EditableBrief {
        fields,
        published,
        published_label: date_label(&published_at),
        updates: brief_updates(notes),
        preview,
    })
}

/// Saves an edit of stored brief `slug`. A published brief needs a short correction `note`,
/// shown on its page as "Updated <date>: <note>"; its slug stays as it is.
pub async fn correct(
    req: &Request,
    editor: &Editor,
    slug: &str,
    fields: &BriefFields,
    note: Option<&str>,
) -> Result<(), AppError> {
    validate_slug(slug)?;
    check_fields(fields)?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if let Some(note) = note
        && (note.chars().count() > MAX_NOTE_CHARS || note.chars().any(char::is_control))
    {
        return Err(AppError::invalid(
            "note",
            format!("Keep the note to one line of at most {MAX_NOTE_CHARS} characters."),
        ));
    }
    let site = req.state.config.site.clone();
    let rules = move |fields: &BriefFields, at: &str, notes: &[(String, String)]| {
        build(&site, fields, at, notes)
    };
    let now = OffsetDateTime::now_utc();
    let corrected = req
        .state
        .store
        .correct_brief(slug, fields, note, now, &rules)
        .await?;
    match corrected {
        Correction::Saved => {
            tracing::info!(%slug, editor = editor.id, "brief corrected");
            Ok(())
        }
        Correction::Invalid(reason) => Err(AppError::invalid("fields", reason)),
        Correction::NoteNeeded => Err(AppError::invalid(
            "note",
            "Say in a short note what changed: readers see it under the title.",
        )),
        Correction::NotFound => Err(AppError::not_found("There is no brief with that address.")),
    }
}

/// Publishes every draft due at `now`; returns how many went out.
pub async fn publish_due(state: &AppState, now: OffsetDateTime) -> Result<u32, AppError> {
    let mut published = 0;
    for id in state.store.due_drafts(now).await? {
        if let Publication::Published { .. } = publish(state, id, now, true).await? {
            published += 1;
        }
    }
    Ok(published)
}

/// Runs the publishing schedule for as long as the process does. It starts with a look, so a
/// draft that fell due while the server was down goes out as soon as it is back.
pub fn start_schedule(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SCHEDULE_POLL);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            // Errors are logged where they happen; the next look tries again.
            let _ = publish_due(&state, OffsetDateTime::now_utc()).await;
        }
    });
}

/// `value` from the schedule form: a `datetime-local` value (minutes or seconds, read as UTC)
/// or a full RFC 3339 time; stored in the schema's format.
pub fn schedule_time(value: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;

    let value = value.trim();
    if let Ok(at) = OffsetDateTime::parse(value, &Rfc3339) {
        return Some(at);
    }
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(value, &seconds)
        .or_else(|_| time::PrimitiveDateTime::parse(value, &minutes))
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

/// "09:31 UTC": when a save happened, for the editor's status line.
pub fn clock_label(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{:02}:{:02} UTC", at.hour(), at.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_times_are_read_as_utc() {
        let expected = time::macros::datetime!(2026-11-28 09:30 UTC);
        assert_eq!(schedule_time("2026-11-28T09:30"), Some(expected));
        assert_eq!(schedule_time("2026-11-28T09:30:00"), Some(expected));
        assert_eq!(schedule_time("2026-11-28T10:30:00+01:00"), Some(expected));
        assert_eq!(schedule_time("tomorrow"), None);
        assert_eq!(schedule_time(""), None);
    }
}
