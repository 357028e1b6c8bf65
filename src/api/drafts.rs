//! The brief editor: drafts (open, save, schedule, publish, delete), the live preview, and
//! stored briefs (open, correct with a public note, unpublish, publish again). Every endpoint
//! checks for a signed-in editor itself. Saves work as plain form posts too: the form's
//! `intent` button says what to do, and the browser is sent on to the page that shows it.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::desk::{BriefFields, DraftEditor, EditableBrief, Preview, SavedDraft};

/// Opens draft `id` (none: a new, empty one) with its preview.
#[server(prefix = "/api", endpoint = "open_draft", input = GetUrl)]
pub async fn open_draft(id: Option<i64>) -> Result<DraftEditor, AppError> {
    use crate::server::drafts::preview;
    use crate::server::editors::require_editor;

    let (state, _, _) = require_editor(false).await?;
    let Some(id) = id else {
        return Ok(DraftEditor {
            draft: None,
            preview: Preview::Invalid("Start writing: the preview appears here.".to_string()),
        });
    };
    let draft = state.store.draft(id).await?.ok_or_else(|| {
        AppError::not_found("There is no such draft: it may have been published or deleted.")
    })?;
    let now = crate::server::repo::stamp(time::OffsetDateTime::now_utc());
    let preview = preview(&state, &draft.fields, &now, &[]).await?;
    Ok(DraftEditor {
        draft: Some(draft),
        preview,
    })
}

/// The preview of a form as it is now: for a stored brief (`of`), with its publication time,
/// its correction notes and the pending `note`; otherwise as if published now.
#[server(prefix = "/api", endpoint = "preview_brief")]
pub async fn preview_brief(
    fields: BriefFields,
    of: Option<String>,
    note: Option<String>,
) -> Result<Preview, AppError> {
    use crate::server::drafts::preview;
    use crate::server::editors::require_editor;

    let (state, _, _) = require_editor(true).await?;
    check_fields(&fields)?;
    let now = crate::server::repo::stamp(time::OffsetDateTime::now_utc());
    let Some(slug) = of.filter(|s| !s.is_empty()) else {
        return preview(&state, &fields, &now, &[]).await;
    };
    let (_, _, published_at, mut notes) = state
        .store
        .brief_form(&slug)
        .await?
        .ok_or_else(|| AppError::not_found("There is no brief with that address."))?;
    if let Some(note) = note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        notes.push((now, note.to_string()));
    }
    let mut fields = fields;
    fields.slug = slug;
    preview(&state, &fields, &published_at, &notes).await
}

/// Saves a draft (`id` none creates one) and then does what `intent` says: `save` (the
/// default), `schedule` (at `publish_at`, read as UTC), `unschedule`, or `publish` now. The
/// words are saved even when the intent is then refused (a time in the past, a brief not
/// complete enough to publish), so an editor never loses them. `revision` is the one the
/// editor last loaded or saved: a save over someone else's newer one is refused with 409, as
/// is a slug another brief or draft already uses (a plain form post then keeps the text under
/// the draft's previous slug, since the browser does not hold it).
#[server(prefix = "/api", endpoint = "save_draft")]
pub async fn save_draft(
    id: Option<i64>,
    revision: Option<i64>,
    fields: BriefFields,
    intent: Option<String>,
    publish_at: Option<String>,
) -> Result<SavedDraft, AppError> {
    use crate::model::desk::DraftOutcome;
    use crate::server::drafts::publish;
    use crate::server::editors::require_editor;
    use crate::server::guard::accepts_html;
    use crate::server::repo::{DraftSave, Publication, stamp};

    let (state, parts, editor) = require_editor(true).await?;
    let form_post = accepts_html(&parts.headers);
    let intent = intent.unwrap_or_else(|| "save".to_string());
    // The draft the browser should land on without JavaScript (a new one once saved).
    let mut landed = id;
    let result: Result<SavedDraft, AppError> = async {
        if !matches!(
            intent.as_str(),
            "save" | "schedule" | "unschedule" | "publish"
        ) {
            return Err(AppError::invalid(
                "intent",
                "Choose save, schedule, unschedule or publish.",
            ));
        }
        check_fields(&fields)?;
        let now = time::OffsetDateTime::now_utc();
        let schedule_at = if intent == "schedule" {
            schedule_time_for(publish_at.as_deref(), now).map(Some)
        } else {
            Ok(None)
        };
        let (id, revision) = match state
            .store
            .save_draft(id, revision, &fields, editor.id, now)
            .await?
        {
            DraftSave::Saved { id, revision } => (id, revision),
            DraftSave::Stale => {
                return Err(AppError::Conflict(
                    "Someone else saved this draft after you opened it. Copy your changes, \
                     reload the page and apply them again."
                        .to_string(),
                ));
            }
            DraftSave::SlugTaken(title) => {
                if form_post {
                    let mut kept = fields.clone();
                    kept.slug = match id {
                        Some(id) => state.store.draft(id).await?.map(|d| d.fields.slug),
                        None => None,
                    }
                    .unwrap_or_default();
                    if let DraftSave::Saved { id, .. } = state
                        .store
                        .save_draft(id, revision, &kept, editor.id, now)
                        .await?
                    {
                        landed = Some(id);
                    }
                }
                return Err(AppError::Conflict(format!(
                    "The slug “{}” is already used by {title}. Choose another.",
                    fields.slug.trim()
                )));
            }
            DraftSave::NotFound => {
                return Err(AppError::not_found(
                    "There is no such draft: it may have been published or deleted.",
                ));
            }
        };
        landed = Some(id);
        let schedule_at = schedule_at?;
        let saved_label = crate::server::drafts::clock_label(now);
        let outcome = match intent.as_str() {
            "schedule" => {
                // A draft scheduled must be publishable as it stands, so the schedule does
                // not fail later on something the editor could have been told now.
                if let Err(reason) =
                    crate::server::drafts::build(&state.config.site, &fields, &stamp(now), &[])
                {
                    return Err(AppError::invalid("fields", reason));
                }
                let at = schedule_at.ok_or(AppError::Internal)?;
                state.store.schedule_draft(id, Some(&stamp(at))).await?;
                tracing::info!(draft = id, editor = editor.id, "draft scheduled");
                DraftOutcome::Scheduled {
                    at_label: crate::server::repo::time_label(&stamp(at)),
                }
            }
            "unschedule" => {
                state.store.schedule_draft(id, None).await?;
                DraftOutcome::Unscheduled
            }
            "publish" => match publish(&state, id, now, false).await? {
                Publication::Published { slug } => DraftOutcome::Published { slug },
                Publication::Invalid(reason) => return Err(AppError::invalid("fields", reason)),
                Publication::SlugTaken(title) => {
                    return Err(AppError::Conflict(format!(
                        "The slug “{}” is already used by {title}. Choose another.",
                        fields.slug.trim()
                    )));
                }
                Publication::Gone => {
                    return Err(AppError::not_found(
                        "That draft was published or deleted meanwhile.",
                    ));
                }
            },
            _ => DraftOutcome::Saved,
        };
        Ok(SavedDraft {
            id,
            revision,
            saved_label,
            outcome,
        })
    }
    .await;
    if form_post {
        // Without JavaScript the browser goes to the page that shows the result.
        let to = match &result {
            Ok(SavedDraft {
                outcome: DraftOutcome::Published { slug },
                ..
            }) => format!("/desk/briefs/{slug}?done=published"),
            Ok(saved) => format!(
                "/desk/drafts/{}?done={}",
                saved.id,
                done_word(&saved.outcome)
            ),
            Err(error) => {
                let page = landed.map_or_else(
                    || "/desk/new".to_string(),
                    |id| format!("/desk/drafts/{id}"),
                );
                format!(
                    "{page}?problem={}",
                    crate::model::encode_query_value(&error.to_string())
                )
            }
        };
        leptos_axum::redirect(&to);
        if let Err(AppError::Internal) = result {
            return result;
        }
        return Ok(result.unwrap_or_else(|_| SavedDraft {
            id: id.unwrap_or(0),
            revision: revision.unwrap_or(0),
            saved_label: String::new(),
            outcome: DraftOutcome::Saved,
        }));
    }
    result
}

/// The schedule time from the form: in the future, at most a year ahead.
#[cfg(feature = "ssr")]
fn schedule_time_for(
    value: Option<&str>,
    now: time::OffsetDateTime,
) -> Result<time::OffsetDateTime, AppError> {
    let at = value
        .and_then(crate::server::drafts::schedule_time)
        .ok_or_else(|| {
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

#[cfg(feature = "ssr")]
fn done_word(outcome: &crate::model::desk::DraftOutcome) -> &'static str {
    use crate::model::desk::DraftOutcome;
    match outcome {
        DraftOutcome::Saved => "saved",
        DraftOutcome::Scheduled { .. } => "scheduled",
        DraftOutcome::Unscheduled => "unscheduled",
        DraftOutcome::Published { .. } => "published",
    }
}

/// Deletes draft `id`.
#[server(prefix = "/api", endpoint = "delete_draft")]
pub async fn delete_draft(id: i64) -> Result<(), AppError> {
    use crate::server::editors::require_editor;
    use crate::server::guard::accepts_html;

    let (state, parts, editor) = require_editor(true).await?;
    if !state.store.delete_draft(id).await? {
        return Err(AppError::not_found("There is no such draft."));
    }
    tracing::info!(draft = id, editor = editor.id, "draft deleted");
    if accepts_html(&parts.headers) {
        leptos_axum::redirect("/desk?done=deleted");
    }
    Ok(())
}

/// Opens stored brief `slug` in the editor, with its correction trail and preview.
#[server(prefix = "/api", endpoint = "open_brief", input = GetUrl)]
pub async fn open_brief(slug: String) -> Result<EditableBrief, AppError> {
    use crate::model::BriefUpdate;
    use crate::model::validate_slug;
    use crate::server::drafts::preview;
    use crate::server::editors::require_editor;
    use crate::server::repo::date_label;

    let (state, _, _) = require_editor(false).await?;
    validate_slug(&slug)?;
    let (fields, published, published_at, notes) = state
        .store
        .brief_form(&slug)
        .await?
        .ok_or_else(|| AppError::not_found("There is no brief with that address."))?;
    if fields == BriefFields::default() {
        return Err(AppError::Conflict(
            "This brief was stored before the desk kept brief forms. Import its file again \
             once (`pulse import <dir>`) to edit it here."
                .to_string(),
        ));
    }
    let preview = preview(&state, &fields, &published_at, &notes).await?;
    Ok(EditableBrief {
        fields,
        published,
        published_label: date_label(&published_at),
        updates: notes
            .into_iter()
            .map(|(at, note)| BriefUpdate {
                at_label: date_label(&at),
                at,
                note,
            })
            .collect(),
        preview,
    })
}

/// Saves an edit of stored brief `slug`. A published brief needs a short correction `note`,
/// shown on its page as "Updated <date>: <note>"; its slug stays as it is.
#[server(prefix = "/api", endpoint = "correct_brief")]
pub async fn correct_brief(
    slug: String,
    fields: BriefFields,
    note: Option<String>,
) -> Result<(), AppError> {
    use crate::model::desk::MAX_NOTE_CHARS;
    use crate::model::validate_slug;
    use crate::server::editors::require_editor;
    use crate::server::guard::accepts_html;
    use crate::server::repo::Correction;

    let (state, parts, editor) = require_editor(true).await?;
    let form_post = accepts_html(&parts.headers);
    let result: Result<(), AppError> = async {
        validate_slug(&slug)?;
        check_fields(&fields)?;
        let note = note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if let Some(note) = note
            && (note.chars().count() > MAX_NOTE_CHARS || note.chars().any(char::is_control))
        {
            return Err(AppError::invalid(
                "note",
                format!("Keep the note to one line of at most {MAX_NOTE_CHARS} characters."),
            ));
        }
        let site = state.config.site.clone();
        let rules = move |fields: &BriefFields, at: &str, notes: &[(String, String)]| {
            crate::server::drafts::build(&site, fields, at, notes)
        };
        let now = time::OffsetDateTime::now_utc();
        match state
            .store
            .correct_brief(&slug, &fields, note, now, &rules)
            .await?
        {
            Correction::Saved => {
                tracing::info!(%slug, editor = editor.id, "brief corrected");
                Ok(())
            }
            Correction::Invalid(reason) => Err(AppError::invalid("fields", reason)),
            Correction::NoteNeeded => Err(AppError::invalid(
                "note",
                "Say in a short note what changed: readers see it under the title.",
            )),
            Correction::NotFound => {
                Err(AppError::not_found("There is no brief with that address."))
            }
        }
    }
    .await;
    if form_post {
        let to = match &result {
            Ok(()) => format!("/desk/briefs/{slug}?done=corrected"),
            Err(error) => format!(
                "/desk/briefs/{slug}?problem={}",
                crate::model::encode_query_value(&error.to_string())
            ),
        };
        leptos_axum::redirect(&to);
        if let Err(AppError::Internal) = result {
            return result;
        }
        return Ok(());
    }
    result
}

/// Takes stored brief `slug` off the site (`published` false: its page answers 404 and it
/// leaves every feed and digest) or puts it back (announced to open feeds like a new brief).
#[server(prefix = "/api", endpoint = "set_brief_published")]
pub async fn set_brief_published(slug: String, published: bool) -> Result<(), AppError> {
    use crate::model::validate_slug;
    use crate::server::editors::require_editor;
    use crate::server::guard::accepts_html;

    let (state, parts, editor) = require_editor(true).await?;
    validate_slug(&slug)?;
    match state.store.set_brief_published(&slug, published).await? {
        None => return Err(AppError::not_found("There is no brief with that address.")),
        Some(changed) => {
            if changed {
                tracing::info!(%slug, published, editor = editor.id, "brief status changed");
                if published {
                    state.live.published();
                }
            }
        }
    }
    if accepts_html(&parts.headers) {
        let done = if published {
            "republished"
        } else {
            "unpublished"
        };
        leptos_axum::redirect(&format!("/desk/briefs/{slug}?done={done}"));
    }
    Ok(())
}

/// The sizes a form may have at all (see `BriefFields::check_draft`).
#[cfg(feature = "ssr")]
fn check_fields(fields: &BriefFields) -> Result<(), AppError> {
    fields
        .check_draft()
        .map_err(|(field, reason)| AppError::invalid(field, reason))
}
