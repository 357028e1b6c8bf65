//! A moderator's action, behind `api::moderation::moderate`: the checks of what the form sent
//! (a known action, a one-line note, a known take-down reason), the editor's session, and the
//! store's answer as the editor's.

use crate::error::AppError;
use crate::model::ReportReason;
use crate::model::moderation::{MAX_MODERATION_NOTE_CHARS, ModerationAction};
use crate::server::repo::Moderated;
use crate::server::request::Request;

/// One moderation action as the form sends it.
pub struct Moderation<'a> {
    pub id: i64,
    pub action: &'a str,
    /// For the audit log; may be empty.
    pub note: &'a str,
    /// Why a take-down (hide, delete) is made; the thread tells readers counts by reason.
    /// "other" when not given.
    pub reason: Option<&'a str>,
}

/// Applies a moderator's action; changes reach open pages live through the store's commit.
pub async fn moderate(req: &Request, asked: Moderation<'_>) -> Result<(), AppError> {
    let editor = req.editor().await?;
    let action = ModerationAction::parse(asked.action).ok_or_else(|| {
        AppError::invalid(
            "action",
            "The action must be approve, hide, delete, block or unblock.",
        )
    })?;
    let note = asked.note.trim();
    if note.chars().count() > MAX_MODERATION_NOTE_CHARS || note.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "note",
            format!("Keep the note to one line of at most {MAX_MODERATION_NOTE_CHARS} characters."),
        ));
    }
    let reason = match asked.reason.map(str::trim) {
        None | Some("") => ReportReason::Other,
        Some(word) => ReportReason::parse(word).ok_or_else(|| {
            AppError::invalid(
                "reason",
                "The reason must be spam, abuse, off-topic or other.",
            )
        })?,
    };
    let id = asked.id;
    match req
        .state
        .store
        .moderate(&editor, id, action, note, reason)
        .await?
    {
        Moderated::Done => {
            tracing::info!(
                editor = editor.id,
                comment = id,
                action = action.as_str(),
                "moderated"
            );
            Ok(())
        }
        Moderated::Unchanged => Ok(()),
        Moderated::NotFound => Err(AppError::not_found("That comment is no longer there.")),
    }
}
