//! A reader's own data, found and erased by their reader id: comments, reactions, reports,
//! follows.
//! Erasing works like the reader deleting each comment themselves (text gone, a "[deleted]"
//! placeholder only where replies hang on it, open pages told live) and then unties every row
//! left from the id, so nothing in the database leads back to it.

use std::collections::BTreeMap;

use sqlx::FromRow;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::my_data::{Erased, MyComment, MyData, MyReaction, MyReport};
use crate::model::{CommentStatus, LiveEvent, ReactionsChanged};
use crate::server::readers::ReaderId;
use crate::server::repo::comments::{COLUMNS, CommentRow, forget_comment_text, publish_change};
use crate::server::repo::{Store, events, follows, on, reactions, stamp};

#[derive(FromRow)]
struct CommentLine {
    id: i64,
    brief_slug: String,
    brief_title: String,
    author_name: String,
    body_md: String,
    created_at: String,
    edited_at: Option<String>,
    #[sqlx(try_from = "String")]
    status: CommentStatus,
}

#[derive(FromRow)]
struct ReactionLine {
    brief_slug: String,
    brief_title: String,
    kind: String,
    created_at: String,
}

#[derive(FromRow)]
struct ReportLine {
    comment_id: i64,
    brief_slug: String,
    reason: String,
    detail: String,
    created_at: String,
}

impl Store {
    /// Everything tied to `reader`, oldest first.
    pub async fn reader_data(
        &self,
        reader: &ReaderId,
        follow_days: u32,
    ) -> Result<MyData, AppError> {
        let comments: Vec<CommentLine> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT c.id, b.slug AS brief_slug, b.title AS brief_title, c.author_name, c.body_md, \
             c.created_at, c.edited_at, c.status FROM comments c JOIN briefs b ON b.id = c.brief_id \
             WHERE c.reader_id = $1 AND c.deleted_at IS NULL ORDER BY c.created_at, c.id",
        )
        .bind(reader.as_str())
        .fetch_all(c).await)?;
        let reactions: Vec<ReactionLine> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT b.slug AS brief_slug, b.title AS brief_title, r.kind, r.created_at \
             FROM reactions r JOIN briefs b ON b.id = r.brief_id \
             WHERE r.reader_id = $1 ORDER BY r.created_at, b.slug, r.kind",
        )
        .bind(reader.as_str())
        .fetch_all(c).await)?;
        let reports: Vec<ReportLine> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT r.comment_id, b.slug AS brief_slug, r.reason, r.detail, r.created_at \
             FROM comment_reports r JOIN comments c ON c.id = r.comment_id \
             JOIN briefs b ON b.id = c.brief_id \
             WHERE r.reader_id = $1 ORDER BY r.created_at, r.comment_id",
        )
        .bind(reader.as_str())
        .fetch_all(c).await)?;
        let follows = self.follows_of_reader(reader, follow_days).await?;
        Ok(MyData {
            known: true,
            follows,
            comments: comments
                .into_iter()
                .map(|c| MyComment {
                    id: c.id,
                    brief_slug: c.brief_slug,
                    brief_title: c.brief_title,
                    author_name: c.author_name,
                    body: c.body_md,
                    created_at: c.created_at,
                    edited_at: c.edited_at,
                    status: c.status,
                })
                .collect(),
            reactions: reactions
                .into_iter()
                .map(|r| MyReaction {
                    brief_slug: r.brief_slug,
                    brief_title: r.brief_title,
                    kind: r.kind,
                    created_at: r.created_at,
                })
                .collect(),
            reports: reports
                .into_iter()
                .map(|r| MyReport {
                    comment_id: r.comment_id,
                    brief_slug: r.brief_slug,
                    reason: r.reason,
                    detail: r.detail,
                    created_at: r.created_at,
                })
                .collect(),
        })
    }

    /// Erases everything tied to `reader`, in one transaction: each comment's text (open pages
    /// see it go, or turn into "[deleted]" where replies hang on it), every reaction (counts
    /// follow, live) and every report. The rows that must stay for the thread's shape are
    /// untied from the id.
    pub async fn erase_reader(&self, reader: &ReaderId) -> Result<Erased, AppError> {
        let mut tx = self.write().await?;
        let now = stamp(OffsetDateTime::now_utc());

        // Newest first: replies go before what they answer, so a comment whose only replies
        // were the reader's own leaves the page instead of staying as a placeholder.
        let rows: Vec<CommentRow> = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM comments WHERE reader_id = $1 AND deleted_at IS NULL \
             ORDER BY id DESC"
        ))
        .bind(reader.as_str())
        .fetch_all(&mut **c).await)?;
        let mut erased = Erased {
            comments: u32::try_from(rows.len()).unwrap_or(u32::MAX),
            ..Erased::default()
        };
        // Every comment of theirs, deleted ones too: the live log may still hold their text.
        let ids: Vec<i64> = on!(&mut tx.conn(), c => sqlx::query_scalar(
            "SELECT id FROM comments WHERE reader_id = $1",
        )
        .bind(reader.as_str())
        .fetch_all(&mut **c).await)?;
        forget_comment_text(&mut tx.conn(), &ids).await?;
        for row in rows {
            let was_public = row.public();
            let row: CommentRow = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
                "UPDATE comments SET deleted_at = $2, author_name = '', body_md = '', body_html = '' \
                 WHERE id = $1 RETURNING {COLUMNS}"
            ))
            .bind(row.id)
            .bind(&now)
            .fetch_one(&mut **c).await)?;
            if was_public {
                let slug: String = on!(&mut tx.conn(), c => sqlx::query_scalar("SELECT slug FROM briefs WHERE id = $1")
                    .bind(row.brief_id)
                    .fetch_one(&mut **c).await)?;
                publish_change(&mut tx, &slug, &row).await?;
            }
        }
        // What stays of the comments (placeholders, and deleted rows kept for their replies or
        // for the moderation log) no longer names the reader or their address.
        on!(&mut tx.conn(), c => sqlx::query(
            "UPDATE comments SET reader_id = 'erased', source_tag = NULL WHERE reader_id = $1",
        )
        .bind(reader.as_str())
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;

        let given: Vec<(i64, String)> = on!(&mut tx.conn(), c => sqlx::query_as(
            "SELECT r.brief_id, b.slug FROM reactions r JOIN briefs b ON b.id = r.brief_id \
             WHERE r.reader_id = $1",
        )
        .bind(reader.as_str())
        .fetch_all(&mut **c).await)?;
        erased.reactions = u32::try_from(given.len()).unwrap_or(u32::MAX);
        on!(&mut tx.conn(), c => sqlx::query("DELETE FROM reactions WHERE reader_id = $1")
            .bind(reader.as_str())
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
        // One live update per brief whose counts changed.
        let briefs: BTreeMap<i64, String> = given.into_iter().collect();
        for (brief_id, slug) in briefs {
            let counts = reactions::counts(&mut tx.conn(), brief_id).await?;
            let event = LiveEvent::Reactions(ReactionsChanged { slug, counts });
            events::append(&mut tx, &event).await?;
        }

        let reports = on!(&mut tx.conn(), c => sqlx::query("DELETE FROM comment_reports WHERE reader_id = $1")
            .bind(reader.as_str())
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
        erased.reports = u32::try_from(reports).unwrap_or(u32::MAX);
        erased.follows =
            follows::forget_follows(&mut tx.conn(), None, Some(reader.as_str())).await?;
        tx.commit().await?;
        Ok(erased)
    }
}
