//! Reactions: one row per (brief, kind, reader); the counts are kept by triggers in the same
//! transaction (see migrations/sqlite/0002_reactions.sql).

use crate::error::AppError;
use crate::model::{LiveEvent, ReactionCounts, ReactionState, ReactionsChanged};
use crate::server::readers::ReaderId;
use crate::server::repo::{Conn, Store, events, on};

/// Counts of one brief, from the trigger-maintained table.
pub(super) async fn counts(
    conn: &mut Conn<'_>,
    brief_id: i64,
) -> Result<ReactionCounts, sqlx::Error> {
    let rows: Vec<(String, i64)> = on!(conn, c => sqlx::query_as(
        "SELECT kind, count FROM reaction_counts WHERE brief_id = $1 AND count > 0",
    )
    .bind(brief_id)
    .fetch_all(&mut **c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(kind, count)| (kind, u32::try_from(count).unwrap_or(0)))
        .collect())
}

/// Which kinds `reader` gave this brief.
pub(super) async fn mine(
    conn: &mut Conn<'_>,
    brief_id: i64,
    reader: Option<&ReaderId>,
) -> Result<Vec<String>, sqlx::Error> {
    let Some(reader) = reader else {
        return Ok(Vec::new());
    };
    on!(conn, c => sqlx::query_scalar(
        "SELECT kind FROM reactions WHERE brief_id = $1 AND reader_id = $2 ORDER BY kind",
    )
    .bind(brief_id)
    .bind(reader.as_str())
    .fetch_all(&mut **c)
    .await)
}

impl Store {
    /// Sets whether `reader` gives reaction `kind` to brief `slug`. Idempotent: asking for the
    /// state that already holds changes nothing. `None` if there is no such brief.
    pub async fn set_reaction(
        &self,
        slug: &str,
        kind: &str,
        reader: &ReaderId,
        active: bool,
    ) -> Result<Option<ReactionState>, AppError> {
        let mut tx = self.write().await?;
        let Some(brief_id) = on!(&mut tx.conn(), t => sqlx::query_scalar::<_, i64>(
            "SELECT id FROM briefs WHERE slug = $1 AND status = 'published'",
        )
        .bind(slug)
        .fetch_optional(&mut **t)
        .await)?
        else {
            return Ok(None);
        };
        let statement = if active {
            "INSERT INTO reactions (brief_id, kind, reader_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM reactions WHERE brief_id = $1 AND kind = $2 AND reader_id = $3"
        };
        let changed = on!(&mut tx.conn(), t => sqlx::query(statement)
            .bind(brief_id)
            .bind(kind)
            .bind(reader.as_str())
            .execute(&mut **t)
            .await
        .map(|done| done.rows_affected()))?
            > 0;
        let state = ReactionState {
            counts: counts(&mut tx.conn(), brief_id).await?,
            mine: mine(&mut tx.conn(), brief_id, Some(reader)).await?,
        };
        if changed {
            let event = LiveEvent::Reactions(ReactionsChanged {
                slug: slug.to_string(),
                counts: state.counts.clone(),
            });
            events::append(&mut tx, &event).await?;
        }
        tx.commit().await?;
        Ok(Some(state))
    }

    /// Recounts every brief's reactions from the rows: what the counts must always equal.
    pub async fn recount_reactions(&self) -> Result<Vec<(String, String, u32, u32)>, AppError> {
        let rows: Vec<(String, String, i64, i64)> = on!(&*self.pool, p => sqlx::query_as(
            "SELECT b.slug, c.kind, c.count, \
             (SELECT COUNT(*) FROM reactions r WHERE r.brief_id = c.brief_id AND r.kind = c.kind) \
             FROM reaction_counts c JOIN briefs b ON b.id = c.brief_id ORDER BY b.slug, c.kind",
        )
        .fetch_all(p)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(slug, kind, kept, counted)| {
                (
                    slug,
                    kind,
                    u32::try_from(kept).unwrap_or(0),
                    u32::try_from(counted).unwrap_or(0),
                )
            })
            .collect())
    }
}
