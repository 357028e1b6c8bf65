//! The brief editor: drafts (open, save, schedule, publish, delete), the live preview, and
//! stored briefs (open, correct with a public note, unpublish, publish again). Every endpoint
//! checks for a signed-in editor itself. Saves work as plain form posts too: the form's
//! `intent` button says what to do, and the browser is sent on to the page that shows it.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::desk::{BriefFields, DraftEditor, EditableBrief, Preview, SavedDraft};

/// Opens draft `id` with its preview; without one, a new draft — empty, or started from inbox
/// item `item` (its title, source name and link filled in).
#[server(prefix = "/api", endpoint = "open_draft", input = GetUrl)]
pub async fn open_draft(id: Option<i64>, item: Option<i64>) -> Result<DraftEditor, AppError> {
    use crate::server::drafts::preview;
    use crate::server::request::Request;

    let req = Request::read()?;
    req.editor().await?;
    let state = &req.state;
    let Some(id) = id else {
        let start = match item {
            Some(item) => crate::server::sources::brief_start(state, item).await?,
            None => BriefFields::default(),
        };
        return Ok(DraftEditor {
            draft: None,
            preview: Preview::Invalid("Start writing: the preview appears here.".to_string()),
            start,
        });
    };
    let draft = state.store.draft(id).await?.ok_or_else(|| {
        AppError::not_found("There is no such draft: it may have been published or deleted.")
    })?;
    let now = crate::server::repo::stamp(time::OffsetDateTime::now_utc());
    let preview = preview(state, &draft.fields, &now, &[]).await?;
    Ok(DraftEditor {
        draft: Some(draft),
        preview,
        start: BriefFields::default(),
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
    use crate::server::drafts::{check_fields, preview};
    use crate::server::request::Request;

    let req = Request::write()?;
    req.editor().await?;
    let state = &req.state;
    check_fields(&fields)?;
    let now = crate::server::repo::stamp(time::OffsetDateTime::now_utc());
    let Some(slug) = of.filter(|s| !s.is_empty()) else {
        return preview(state, &fields, &now, &[]).await;
    };
    let stored = state
        .store
        .brief_form(&slug)
        .await?
        .ok_or_else(|| AppError::not_found("There is no brief with that address."))?;
    let (published_at, mut notes) = (stored.published_at, stored.notes);
    if let Some(note) = note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        notes.push((now, note.to_string()));
    }
    let mut fields = fields;
    fields.slug = slug;
    preview(state, &fields, &published_at, &notes).await
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
    use crate::server::drafts::{DraftForm, save};
    use crate::server::request::Request;

    let req = Request::write()?;
    let editor = req.editor().await?;
    let form = DraftForm {
        id,
        revision,
        fields,
        intent,
        publish_at,
    };
    save(&req, &editor, form).await.land(&req)
}

/// Deletes draft `id`.
#[server(prefix = "/api", endpoint = "delete_draft")]
pub async fn delete_draft(id: i64) -> Result<(), AppError> {
    use crate::server::request::Request;

    let req = Request::write()?;
    let editor = req.editor().await?;
    if !req.state.store.delete_draft(id).await? {
        return Err(AppError::not_found("There is no such draft."));
    }
    tracing::info!(draft = id, editor = editor.id, "draft deleted");
    req.land("/desk?done=deleted");
    Ok(())
}

/// Opens stored brief `slug` in the editor, with its correction trail and preview.
#[server(prefix = "/api", endpoint = "open_brief", input = GetUrl)]
pub async fn open_brief(slug: String) -> Result<EditableBrief, AppError> {
    use crate::server::request::Request;

    let req = Request::read()?;
    req.editor().await?;
    crate::server::drafts::open_stored(&req.state, &slug).await
}

/// Saves an edit of stored brief `slug`. A published brief needs a short correction `note`,
/// shown on its page as "Updated <date>: <note>"; its slug stays as it is.
#[server(prefix = "/api", endpoint = "correct_brief")]
pub async fn correct_brief(
    slug: String,
    fields: BriefFields,
    note: Option<String>,
) -> Result<(), AppError> {
    use crate::server::request::Request;

    let req = Request::write()?;
    let editor = req.editor().await?;
    let corrected =
        crate::server::drafts::correct(&req, &editor, &slug, &fields, note.as_deref()).await;
    let page = format!("/desk/briefs/{slug}");
    req.land_outcome(
        corrected,
        |()| format!("{page}?done=corrected"),
        &page,
        || (),
    )
}

/// Takes stored brief `slug` off the site (`published` false: its page answers 404 and it
/// leaves every feed and digest) or puts it back (announced to open feeds like a new brief).
#[server(prefix = "/api", endpoint = "set_brief_published")]
pub async fn set_brief_published(slug: String, published: bool) -> Result<(), AppError> {
    use crate::model::validate_slug;
    use crate::server::request::Request;

    let req = Request::write()?;
    let editor = req.editor().await?;
    validate_slug(&slug)?;
    match req
        .state
        .store
        .set_brief_published(&slug, published)
        .await?
    {
        None => return Err(AppError::not_found("There is no brief with that address.")),
        Some(true) => {
            tracing::info!(%slug, published, editor = editor.id, "brief status changed");
        }
        Some(false) => {}
    }
    let done = if published {
        "republished"
    } else {
        "unpublished"
    };
    req.land(&format!("/desk/briefs/{slug}?done={done}"));
    Ok(())
}
