//! Comments: threaded, written once as sanitised HTML, counted by triggers, published to the
//! live log in the same transaction (see migrations/sqlite/0004_comments.sql).

use sqlx::{FromRow, SqliteConnection};

use crate::error::AppError;
use crate::model::{COMMENT_EVENT, Comment, CommentAdded};
use crate::server::readers::ReaderId;
use crate::server::repo::{Store, events};

/// A comment to store; the body is already rendered.
pub struct NewComment<'a> {
    pub slug: &'a str,
    pub parent_id: Option<i64>,
    pub reader: &'a ReaderId,
    pub idempotency_key: &'a str,
    pub author_name: &'a str,
    pub body_md: &'a str,
    pub body_html: &'a str,
    /// Replies deeper than this attach at this depth.
    pub max_depth: u32,
}

/// What storing a comment did.
#[derive(Debug)]
pub enum Posted {
    Added(CommentAdded),
    /// The same submission arrived before; this is the comment it created.
    AlreadyPosted(Comment),
    NoSuchBrief,
    /// The comment being replied to does not exist on this brief, or was removed.
    ParentGone,
}

#[derive(FromRow)]
struct CommentRow {
    id: i64,
    parent_id: Option<i64>,
    depth: i64,
    author_name: String,
    body_html: String,
    created_at: String,
    edited_at: Option<String>,
}

impl CommentRow {
    fn into_comment(self) -> Comment {
        Comment {
            created_label: super::briefs::time_label(&self.created_at),
            id: self.id,
            parent_id: self.parent_id,
            depth: u32::try_from(self.depth).unwrap_or(0),
            author_name: self.author_name,
            body_html: self.body_html,
            created_at: self.created_at,
            edited: self.edited_at.is_some(),
        }
    }
}

const COLUMNS: &str = "id, parent_id, depth, author_name, body_html, created_at, edited_at";

/// A brief's visible thread: oldest first, each reply right after the comment it answers.
pub(super) async fn thread(
    conn: &mut SqliteConnection,
    brief_id: i64,
) -> Result<Vec<Comment>, sqlx::Error> {
    let rows: Vec<CommentRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM comments WHERE brief_id = ?1 AND status = 'visible' AND deleted_at IS NULL ORDER BY id"
    ))
    .bind(brief_id)
    .fetch_all(conn)
    .await?;
    let comments: Vec<Comment> = rows.into_iter().map(CommentRow::into_comment).collect();
    // Depth-first from the roots; ids grow with time, so siblings stay oldest first.
    let mut ordered = Vec::with_capacity(comments.len());
    let mut stack: Vec<&Comment> = comments
        .iter()
        .filter(|c| c.parent_id.is_none())
        .rev()
        .collect();
    while let Some(comment) = stack.pop() {
        ordered.push(comment.clone());
        stack.extend(
            comments
                .iter()
                .filter(|c| c.parent_id == Some(comment.id))
                .rev(),
        );
    }
    Ok(ordered)
}

pub(super) async fn count(conn: &mut SqliteConnection, brief_id: i64) -> Result<u32, sqlx::Error> {
    let count: Option<i64> =
        sqlx::query_scalar("SELECT count FROM comment_counts WHERE brief_id = ?1")
            .bind(brief_id)
            .fetch_optional(conn)
            .await?;
    Ok(count.and_then(|c| u32::try_from(c).ok()).unwrap_or(0))
}

impl Store {
    /// Stores a comment (or finds the one this same submission already created) and appends
    /// it to the live log, all in one transaction.
    pub async fn post_comment(&self, new: NewComment<'_>) -> Result<Posted, AppError> {
        // IMMEDIATE: this transaction reads, then writes (see set_reaction).
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let existing: Option<CommentRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM comments WHERE idempotency_key = ?1"
        ))
        .bind(new.idempotency_key)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            return Ok(Posted::AlreadyPosted(row.into_comment()));
        }
        let Some(brief_id) = sqlx::query_scalar::<_, i64>("SELECT id FROM briefs WHERE slug = ?1")
            .bind(new.slug)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(Posted::NoSuchBrief);
        };
        let (parent_id, depth) = match new.parent_id {
            None => (None, 0),
            Some(parent) => {
                let found: Option<(Option<i64>, i64)> = sqlx::query_as(
                    "SELECT parent_id, depth FROM comments \
                     WHERE id = ?1 AND brief_id = ?2 AND status = 'visible' AND deleted_at IS NULL",
                )
                .bind(parent)
                .bind(brief_id)
                .fetch_optional(&mut *tx)
                .await?;
                match found {
                    None => return Ok(Posted::ParentGone),
                    // Past the deepest level, a reply becomes a sibling of what it answers.
                    Some((grandparent, depth)) if depth >= i64::from(new.max_depth) => {
                        (grandparent, depth)
                    }
                    Some((_, depth)) => (Some(parent), depth + 1),
                }
            }
        };
        let row: CommentRow = sqlx::query_as(&format!(
            "INSERT INTO comments (brief_id, parent_id, depth, reader_id, idempotency_key, author_name, body_md, body_html) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING {COLUMNS}"
        ))
        .bind(brief_id)
        .bind(parent_id)
        .bind(depth)
        .bind(new.reader.as_str())
        .bind(new.idempotency_key)
        .bind(new.author_name)
        .bind(new.body_md)
        .bind(new.body_html)
        .fetch_one(&mut *tx)
        .await?;
        let added = CommentAdded {
            slug: new.slug.to_string(),
            comment: row.into_comment(),
            count: count(&mut tx, brief_id).await?,
        };
        let payload = serde_json::to_string(&added).map_err(|error| {
            tracing::error!(%error, "cannot encode a comment event");
            AppError::Internal
        })?;
        events::append(&mut tx, COMMENT_EVENT, &payload).await?;
        tx.commit().await?;
        Ok(Posted::Added(added))
    }
}
