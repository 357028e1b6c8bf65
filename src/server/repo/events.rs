//! The live event log (see migrations/sqlite/0003_events.sql).

use sqlx::SqliteConnection;

use crate::error::AppError;
use crate::server::repo::Store;

/// One stored event: `payload` is the JSON delta sent to readers as the SSE `data:` line.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEvent {
    pub id: i64,
    pub kind: String,
    pub payload: String,
}

/// Appends an event inside the caller's transaction.
pub(super) async fn append(
    conn: &mut SqliteConnection,
    kind: &str,
    payload: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO events (kind, payload) VALUES ($1, $2) RETURNING id")
        .bind(kind)
        .bind(payload)
        .fetch_one(conn)
        .await
}

impl Store {
    /// Events after `after`, oldest first, at most `limit`.
    pub async fn events_after(&self, after: i64, limit: u32) -> Result<Vec<StoredEvent>, AppError> {
        Ok(sqlx::query_as(
            "SELECT id, kind, payload FROM events WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The newest event id (0 before the first event) and the oldest one still retained.
    pub async fn event_bounds(&self) -> Result<(i64, i64), AppError> {
        // sqlite_sequence remembers the last id even after every event was pruned.
        let (newest, oldest): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'events'), (SELECT MIN(id) FROM events)",
        )
        .fetch_one(&self.pool)
        .await?;
        let newest = newest.unwrap_or(0);
        Ok((newest, oldest.unwrap_or(newest + 1)))
    }

    /// Drops all but the newest `keep` events.
    pub async fn prune_events(&self, keep: i64) -> Result<u64, AppError> {
        let done = sqlx::query("DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - $1")
            .bind(keep)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
