//! The live event log (see migrations/*/0003_events.sql). Events are appended only inside a
//! [`Store::write`] transaction, so their ids follow commit order on both backends.

use crate::error::AppError;
use crate::model::LiveEvent;
use crate::server::repo::{Backend, Store, Tx, on};

/// The PostgreSQL channel that carries "event N was committed" between instances. Only a
/// wake-up: notifications are not durable, so listeners always read the events from the log.
pub const EVENTS_CHANNEL: &str = "pulse_events";

/// One stored event: `payload` is the JSON delta sent to readers as the SSE `data:` line.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEvent {
    pub id: i64,
    pub kind: String,
    pub payload: String,
}

impl StoredEvent {
    /// The event as its type (`None`: a kind this build does not know).
    pub fn event(&self) -> Option<LiveEvent> {
        LiveEvent::decode(&self.kind, &self.payload)
    }
}

/// Appends `event` inside the caller's write transaction; its commit wakes the live layer.
pub(super) async fn append(tx: &mut Tx, event: &LiveEvent) -> Result<i64, AppError> {
    const INSERT: &str =
        "INSERT INTO events (kind, payload, comment_id) VALUES ($1, $2, $3) RETURNING id";
    let payload = event.payload().map_err(|error| {
        tracing::error!(%error, kind = event.kind(), "cannot encode a live event");
        AppError::Internal
    })?;
    let id = match tx.conn() {
        Backend::Sqlite(c) => {
            sqlx::query_scalar(INSERT)
                .bind(event.kind())
                .bind(&payload)
                .bind(event.comment_id())
                .fetch_one(&mut *c)
                .await?
        }
        Backend::Postgres(c) => {
            let id: i64 = sqlx::query_scalar(INSERT)
                .bind(event.kind())
                .bind(&payload)
                .bind(event.comment_id())
                .fetch_one(&mut *c)
                .await?;
            // Delivered when (and only if) the transaction commits.
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(EVENTS_CHANNEL)
                .bind(id.to_string())
                .execute(&mut *c)
                .await?;
            id
        }
    };
    tx.appended = true;
    Ok(id)
}

impl Store {
    /// Events after `after`, oldest first, at most `limit`.
    pub async fn events_after(&self, after: i64, limit: u32) -> Result<Vec<StoredEvent>, AppError> {
        Ok(on!(&*self.pool, p => sqlx::query_as(
            "SELECT id, kind, payload FROM events WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(p)
        .await)?)
    }

    /// How many events the log holds after `after`.
    pub async fn count_events_after(&self, after: i64) -> Result<i64, AppError> {
        Ok(on!(&*self.pool, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM events WHERE id > $1",
        )
        .bind(after)
        .fetch_one(p)
        .await)?)
    }

    /// The newest committed event id (0 before the first event) and the oldest one retained.
    pub async fn event_bounds(&self) -> Result<(i64, i64), AppError> {
        let (newest, oldest): (Option<i64>, Option<i64>) = match &*self.pool {
            // sqlite_sequence remembers the last id even after every event was pruned, and
            // is only updated by a commit.
            Backend::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'events'), \
                     (SELECT MIN(id) FROM events)",
                )
                .fetch_one(p)
                .await?
            }
            // Not the sequence: it also counts ids of transactions still open. Pruning always
            // keeps the newest event, so MAX(id) is the newest committed one.
            Backend::Postgres(p) => {
                sqlx::query_as("SELECT MAX(id), MIN(id) FROM events")
                    .fetch_one(p)
                    .await?
            }
        };
        let newest = newest.unwrap_or(0);
        Ok((newest, oldest.unwrap_or(newest + 1)))
    }

    /// Drops all but the newest `keep` (at least one) events.
    pub async fn prune_events(&self, keep: i64) -> Result<u64, AppError> {
        let done = on!(&*self.pool, p => sqlx::query(
            "DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - $1",
        )
        .bind(keep.max(1))
        .execute(p)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done)
    }
}
