//! Moderation: the queue of held and reported comments, the actions on them (approve, hide,
//! delete, block or unblock the author), and the audit log admins read. Every endpoint checks
//! for a signed-in editor itself; the actions work as plain form posts too.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::moderation::{AuditEntry, QueuedComment};

/// Most comments the queue shows at once (the oldest first).
pub const QUEUE_LIMIT: u32 = 100;
/// Most audit-log lines shown.
pub const AUDIT_LIMIT: u32 = 200;

/// Comments waiting for a moderator, oldest first, with their brief, thread and reports.
#[server(prefix = "/api", endpoint = "moderation_queue", input = GetUrl)]
pub async fn moderation_queue() -> Result<Vec<QueuedComment>, AppError> {
    let req = crate::server::request::Request::read()?;
    req.editor().await?;
    req.state.store.moderation_queue(QUEUE_LIMIT).await
}

/// Applies `action` (approve, hide, delete, block, unblock) to comment `id`, with an optional
/// note for the audit log. Changes reach open pages live.
#[server(prefix = "/api", endpoint = "moderate")]
pub async fn moderate(id: i64, action: String, note: Option<String>) -> Result<(), AppError> {
    use crate::model::moderation::{MAX_MODERATION_NOTE_CHARS, ModerationAction};
    use crate::server::repo::Moderated;

    let req = crate::server::request::Request::write()?;
    let editor = req.editor().await?;
    let action = ModerationAction::parse(&action).ok_or_else(|| {
        AppError::invalid(
            "action",
            "The action must be approve, hide, delete, block or unblock.",
        )
    })?;
    let note = note.unwrap_or_default();
    let note = note.trim();
    if note.chars().count() > MAX_MODERATION_NOTE_CHARS || note.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "note",
            format!("Keep the note to one line of at most {MAX_MODERATION_NOTE_CHARS} characters."),
        ));
    }
    match req.state.store.moderate(&editor, id, action, note).await? {
        Moderated::Done => {
            tracing::info!(
                editor = editor.id,
                comment = id,
                action = action.as_str(),
                "moderated"
            );
        }
        Moderated::Unchanged => {}
        Moderated::NotFound => {
            return Err(AppError::not_found("That comment is no longer there."));
        }
    }
    req.land("/desk/moderation");
    Ok(())
}

/// The newest moderation actions: who did what, to which comment, when and why (admins only).
#[server(prefix = "/api", endpoint = "audit_log", input = GetUrl)]
pub async fn audit_log() -> Result<Vec<AuditEntry>, AppError> {
    let req = crate::server::request::Request::read()?;
    req.admin().await?;
    req.state.store.audit_log(AUDIT_LIMIT).await
}
