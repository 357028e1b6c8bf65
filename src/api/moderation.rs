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
/// note for the audit log and, for a take-down (hide, delete), the `reason` the thread tells
/// readers (spam, abuse, off-topic, other; "other" if none is given). Changes reach open pages
/// live.
#[server(prefix = "/api", endpoint = "moderate")]
pub async fn moderate(
    id: i64,
    action: String,
    note: Option<String>,
    reason: Option<String>,
) -> Result<(), AppError> {
    use crate::server::moderation::{Moderation, moderate};

    let req = crate::server::request::Request::write()?;
    let asked = Moderation {
        id,
        action: &action,
        note: note.as_deref().unwrap_or_default(),
        reason: reason.as_deref(),
    };
    moderate(&req, asked).await?;
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
