//! Moderation: the queue of held and reported comments with their context, the actions a
//! moderator takes (each in one transaction with its audit-log line and its live event), and
//! blocked readers (see migrations/sqlite/0012_moderation.sql).

use std::collections::BTreeMap;

use sqlx::FromRow;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::editors::Editor;
use crate::model::moderation::{
    AuditEntry, ModerationAction, QueuedComment, ReportSummary, Waiting,
};
use crate::model::{CommentStatus, ReportReason};
use crate::server::repo::comments::{COLUMNS, CommentRow, publish_added, publish_change};
use crate::server::repo::{Store, date_label, on, stamp};

/// What a moderation action did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderated {
    /// Done and logged (open pages were told where they showed the comment).
    Done,
    /// Nothing to do (already hidden, already blocked, …); nothing logged.
    Unchanged,
    /// No such comment (or it is deleted already).
    NotFound,
}

#[derive(FromRow)]
struct QueueRow {
    id: i64,
    slug: String,
    title: String,
    author_name: String,
    body_html: String,
    created_at: String,
    #[sqlx(try_from = "String")]
    status: CommentStatus,
    held_reason: Option<String>,
    parent_author: Option<String>,
    parent_html: Option<String>,
    blocked: bool,
}

#[derive(FromRow)]
struct AuditRow {
    at: String,
    editor_name: String,
    action: String,
    comment_id: Option<i64>,
    brief_slug: Option<String>,
    note: String,
}

impl Store {
    /// Comments waiting for a moderator, oldest first: held ones, and shown ones that readers
    /// reported. At most `limit`.
    pub async fn moderation_queue(&self, limit: u32) -> Result<Vec<QueuedComment>, AppError> {
        let rows: Vec<QueueRow> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT c.id, b.slug, b.title, c.author_name, c.body_html, c.created_at, c.status, \
             c.held_reason, p.author_name AS parent_author, p.body_html AS parent_html, \
             EXISTS (SELECT 1 FROM blocked_readers r WHERE r.reader_id = c.reader_id) AS blocked \
             FROM comments c JOIN briefs b ON b.id = c.brief_id \
             LEFT JOIN comments p ON p.id = c.parent_id AND p.deleted_at IS NULL AND p.status = 'visible' \
             WHERE c.deleted_at IS NULL AND (c.status = 'held' OR (c.status = 'visible' \
               AND EXISTS (SELECT 1 FROM comment_reports r WHERE r.comment_id = c.id))) \
             ORDER BY c.id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(c).await)?;
        let mut reports: BTreeMap<i64, Vec<ReportSummary>> = BTreeMap::new();
        if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
            let found: Vec<(i64, String, String)> = on!(&*self.pool, c => sqlx::query_as(
                "SELECT comment_id, reason, detail FROM comment_reports \
                 WHERE comment_id BETWEEN $1 AND $2 ORDER BY comment_id, reason, created_at",
            )
            .bind(first.id)
            .bind(last.id)
            .fetch_all(c).await)?;
            for (id, reason, detail) in found {
                let list = reports.entry(id).or_default();
                let summary = match list.iter_mut().find(|s| s.reason == reason) {
                    Some(summary) => summary,
                    None => {
                        list.push(ReportSummary {
                            reason,
                            count: 0,
                            notes: Vec::new(),
                        });
                        list.last_mut().ok_or(AppError::Internal)?
                    }
                };
                summary.count += 1;
                if !detail.is_empty() {
                    summary.notes.push(detail);
                }
            }
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let waiting = match (r.status, r.held_reason.as_deref()) {
                    (CommentStatus::Visible, _) => Waiting::Reported,
                    (_, Some("links")) => Waiting::Links,
                    (_, Some("reports")) => Waiting::Reports,
                    _ => Waiting::Blocked,
                };
                QueuedComment {
                    reports: reports.remove(&r.id).unwrap_or_default(),
                    id: r.id,
                    brief_slug: r.slug,
                    brief_title: r.title,
                    author_name: r.author_name,
                    body_html: r.body_html,
                    created_label: date_label(&r.created_at),
                    created_at: r.created_at,
                    waiting,
                    parent_author: r.parent_author,
                    parent_html: r.parent_html,
                    author_blocked: r.blocked,
                }
            })
            .collect())
    }

    /// Applies one moderation action to comment `id` (or its author), records it in the audit
    /// log and tells open pages, all in one transaction.
    pub async fn moderate(
        &self,
        editor: &Editor,
        id: i64,
        action: ModerationAction,
        note: &str,
        reason: ReportReason,
    ) -> Result<Moderated, AppError> {
        let mut tx = self.write().await?;
        let row: Option<CommentRow> = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM comments WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut **c).await)?;
        let Some(row) = row.filter(|r| !r.deleted()) else {
            return Ok(Moderated::NotFound);
        };
        let slug: String = on!(&mut tx.conn(), c => sqlx::query_scalar("SELECT slug FROM briefs WHERE id = $1")
            .bind(row.brief_id)
            .fetch_one(&mut **c).await)?;
        let now = stamp(OffsetDateTime::now_utc());
        let was_public = row.public();
        match action {
            ModerationAction::Approve => {
                let reports = on!(&mut tx.conn(), c => sqlx::query("DELETE FROM comment_reports WHERE comment_id = $1")
                    .bind(id)
                    .execute(&mut **c).await
                    .map(|done| done.rows_affected()))?;
                if was_public && reports == 0 {
                    // What it read may be a batch-mate\'s write: answer once that is durable.
                    tx.commit().await?;
                    return Ok(Moderated::Unchanged);
                }
                let row: CommentRow = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
                    "UPDATE comments SET status = 'visible', held_reason = NULL, removed_reason = NULL \
                     WHERE id = $1 RETURNING {COLUMNS}"
                ))
                .bind(id)
                .fetch_one(&mut **c).await)?;
                if !was_public {
                    // New to everyone but its author: it arrives like a new comment.
                    publish_added(&mut tx, &slug, &row).await?;
                }
            }
            ModerationAction::Hide => {
                if row.status == CommentStatus::Hidden {
                    // What it read may be a batch-mate\'s write: answer once that is durable.
                    tx.commit().await?;
                    return Ok(Moderated::Unchanged);
                }
                let row: CommentRow = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
                    "UPDATE comments SET status = 'hidden', removed_reason = $2 WHERE id = $1 \
                     RETURNING {COLUMNS}"
                ))
                .bind(id)
                .bind(was_public.then_some(reason.as_str()))
                .fetch_one(&mut **c).await)?;
                if was_public {
                    publish_change(&mut tx, &slug, &row).await?;
                }
            }
            ModerationAction::Delete => {
                let row: CommentRow = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
                    "UPDATE comments SET deleted_at = $2, author_name = '', body_md = '', body_html = '', \
                     removed_reason = $3 WHERE id = $1 RETURNING {COLUMNS}"
                ))
                .bind(id)
                .bind(&now)
                .bind(was_public.then_some(reason.as_str()))
                .fetch_one(&mut **c).await)?;
                if was_public {
                    publish_change(&mut tx, &slug, &row).await?;
                }
            }
            ModerationAction::Block => {
                let added = on!(&mut tx.conn(), c => sqlx::query(
                    "INSERT INTO blocked_readers (reader_id, blocked_at, editor_id, note) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (reader_id) DO NOTHING",
                )
                .bind(&row.reader_id)
                .bind(&now)
                .bind(editor.id)
                .bind(note)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
                if added == 0 {
                    // What it read may be a batch-mate\'s write: answer once that is durable.
                    tx.commit().await?;
                    return Ok(Moderated::Unchanged);
                }
            }
            ModerationAction::Unblock => {
                let removed = on!(&mut tx.conn(), c => sqlx::query("DELETE FROM blocked_readers WHERE reader_id = $1")
                    .bind(&row.reader_id)
                    .execute(&mut **c).await
                    .map(|done| done.rows_affected()))?;
                if removed == 0 {
                    // What it read may be a batch-mate\'s write: answer once that is durable.
                    tx.commit().await?;
                    return Ok(Moderated::Unchanged);
                }
            }
        }
        on!(&mut tx.conn(), c => sqlx::query(
            "INSERT INTO moderation_log (at, editor_id, action, comment_id, brief_slug, note) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&now)
        .bind(editor.id)
        .bind(action.as_str())
        .bind(id)
        .bind(&slug)
        .bind(note)
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(Moderated::Done)
    }

    /// The newest `limit` moderation actions, newest first.
    pub async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, AppError> {
        let rows: Vec<AuditRow> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT l.at, e.name AS editor_name, l.action, l.comment_id, l.brief_slug, l.note \
             FROM moderation_log l JOIN editors e ON e.id = l.editor_id \
             ORDER BY l.at DESC, l.id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(AuditEntry {
                    at_label: super::briefs::time_label(&r.at),
                    at: r.at,
                    editor_name: r.editor_name,
                    action: ModerationAction::parse(&r.action)?,
                    comment_id: r.comment_id,
                    brief_slug: r.brief_slug,
                    note: r.note,
                })
            })
            .collect())
    }
}
