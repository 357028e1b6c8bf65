//! The store: the one seam between Pulse and its database. Pages and server functions call
//! [`Store`] methods and get model types back; nothing above this module sees SQL. Today the
//! store is SQLite; a PostgreSQL implementation slots in behind the same methods, with its own
//! folder under `migrations/` (already there, and checked against SQLite's by
//! `tests/server/schema.rs`). Queries number their parameters `$1, $2, …`, which sqlx reads
//! the same way on both backends, so most statements can be shared.
mod briefs;
mod comments;
mod digests;
mod events;
mod newsletter;
pub mod postgres;
mod reactions;

pub(crate) use briefs::date_label;
pub use comments::{Amended, Amendment, NewBody, NewComment, Posted, Report, Reported};
pub use digests::{DigestBrief, StoredIssue};
pub use events::StoredEvent;
pub use newsletter::{Confirmed, OutboxMail, Outgoing, Subscribed, TokenState};

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::Category;

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    /// Configured categories, to turn stored slugs into names.
    categories: Arc<[Category]>,
}

impl Store {
    /// Opens (creating if missing) the database at `url` and brings its schema up to date.
    pub async fn open(url: &str, categories: &[Category]) -> Result<Store, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            // WAL lets readers run beside the writer; FULL makes every commit durable before it
            // is acknowledged, even across power loss.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Store {
            pool,
            categories: categories.into(),
        })
    }

    /// Answers only if the database does.
    pub async fn ping(&self) -> Result<(), AppError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn category(&self, slug: &str) -> Category {
        self.categories
            .iter()
            .find(|c| c.slug == slug)
            .cloned()
            .unwrap_or_else(|| Category {
                // A category removed from the configuration still shows, under its slug.
                slug: slug.to_string(),
                name: slug.to_string(),
            })
    }
}

/// The timestamp format the schema stores (`strftime('%Y-%m-%dT%H:%M:%SZ')`), so that text
/// comparisons order like times.
pub(crate) fn stamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Database errors are logged here, once, and reach the reader only as `Internal`.
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    #[test]
    fn stamps_sort_like_the_schema_default() {
        let at = OffsetDateTime::from_unix_timestamp(1_795_000_000).expect("time");
        assert_eq!(stamp(at), "2026-11-18T11:06:40Z");
        let later = stamp(at + Duration::seconds(1));
        assert!(later > stamp(at));
    }
}
