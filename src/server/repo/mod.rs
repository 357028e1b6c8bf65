//! The store: the one seam between Pulse and its database. Pages and server functions call
//! [`Store`] methods and get model types back; nothing above this module sees SQL, or knows
//! which database runs. Two backends stand behind it: SQLite (the default, one file) and
//! PostgreSQL (`DATABASE_URL=postgres://…`, for several instances on one database), each with
//! its own folder under `migrations/`.
//!
//! Queries number their parameters `$1, $2, …`, which sqlx reads the same way on both, and the
//! schemas keep the same column types (timestamps are `YYYY-MM-DDTHH:MM:SSZ` text on both), so
//! one SQL text and one Rust body serve both backends: [`on!`] expands the body once per
//! backend. Where the dialects differ, the code says so at that spot.
mod briefs;
mod comments;
mod desk;
mod digests;
mod drafts;
mod editors;
mod events;
mod feeds;
mod follows;
mod group_commit;
mod insight;
mod moderation;
mod my_data;
mod newsletter;
pub mod postgres;
mod reactions;
mod reading;
mod search;
mod sources;

pub(crate) use briefs::{brief_updates, date_label, time_label};
pub use comments::{Amended, Amendment, NewBody, NewComment, Posted, Report, Reported};
pub use digests::{DigestBrief, StoredIssue};
pub use drafts::{Build, Correction, DraftSave, Publication, StoredBrief};
pub use editors::{AccountChange, AddedEditor, Attempt};
pub use events::{EVENTS_CHANNEL, StoredEvent};
pub use feeds::{CommentEntry, FeedEntry, StoryHead, UpdateEntry};
pub use follows::{DueFollow, FollowRequest, MailedComment, Progress, Wanted};
pub use insight::NewsletterTimes;
pub use moderation::Moderated;
pub use newsletter::{Confirmed, OutboxMail, Outgoing, Subscribed, Subscriber, TokenState};
pub use sources::{DueSource, FetchRecord, FoundItem, ItemForBrief};

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use time::OffsetDateTime;
use tokio::sync::Notify;

use group_commit::{GroupCommit, WriteTurn};

use crate::error::AppError;
use crate::model::Category;

/// One thing per backend: a pool, a connection, a transaction.
pub enum Backend<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// Runs `$body` with `$c` bound to what `$value` holds for the running backend. The body is
/// compiled once per backend, so the same sqlx calls (and `FromRow` rows, which derive for any
/// database) serve both.
macro_rules! on {
    ($value:expr, $c:ident => $body:expr) => {
        match $value {
            $crate::server::repo::Backend::Sqlite($c) => $body,
            $crate::server::repo::Backend::Postgres($c) => $body,
        }
    };
}
pub(crate) use on;

/// A connection borrowed from a pool or a transaction, for helpers that run inside either.
pub(crate) type Conn<'c> = Backend<&'c mut SqliteConnection, &'c mut PgConnection>;

/// A transaction on SQLite: its own, or a writer's turn in the shared batch (see
/// [`Store::write`]).
enum SqliteTx {
    Own(Transaction<'static, Sqlite>),
    Batched(WriteTurn),
}

/// A transaction on either backend.
pub(crate) struct Tx {
    inner: Backend<SqliteTx, Transaction<'static, Postgres>>,
    /// Whether the transaction appended to the live log (see `events::append`)…
    appended: bool,
    /// …so that its commit wakes the live layer: no caller has to remember to.
    appended_wake: Arc<Notify>,
}

impl Tx {
    fn new(
        inner: Backend<SqliteTx, Transaction<'static, Postgres>>,
        appended_wake: &Arc<Notify>,
    ) -> Tx {
        Tx {
            inner,
            appended: false,
            appended_wake: appended_wake.clone(),
        }
    }

    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match &mut self.inner {
            Backend::Sqlite(SqliteTx::Own(tx)) => Backend::Sqlite(&mut **tx),
            Backend::Sqlite(SqliteTx::Batched(turn)) => Backend::Sqlite(turn.conn()),
            Backend::Postgres(tx) => Backend::Postgres(&mut **tx),
        }
    }

    /// Commits (a batched writer: returns once its batch is durable), then wakes the live
    /// layer if the log grew.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self.inner {
            Backend::Sqlite(SqliteTx::Own(tx)) => tx.commit().await?,
            Backend::Sqlite(SqliteTx::Batched(turn)) => turn.commit().await?,
            Backend::Postgres(tx) => tx.commit().await?,
        }
        if self.appended {
            self.appended_wake.notify_one();
        }
        Ok(())
    }
}

/// A pooled connection on either backend.
pub(crate) type Pooled = Backend<PoolConnection<Sqlite>, PoolConnection<Postgres>>;

impl Pooled {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Backend::Sqlite(c) => Backend::Sqlite(&mut **c),
            Backend::Postgres(c) => Backend::Postgres(&mut **c),
        }
    }
}

/// The PostgreSQL advisory lock every writing transaction holds until it ends (see
/// [`Store::write`]); the number is arbitrary but fixed ("pulse" in ASCII).
const WRITE_LOCK: i64 = 0x70_75_6c_73_65;

#[derive(Clone)]
pub struct Store {
    pool: Arc<Backend<SqlitePool, PgPool>>,
    /// This process's SQLite writers, batched into shared commits (see [`Store::write`]).
    writers: Option<GroupCommit>,
    /// Configured categories, to turn stored slugs into names.
    categories: Arc<[Category]>,
    /// Notified after every commit that appended to the live log (the live pump waits on it).
    appended: Arc<Notify>,
}

impl Store {
    /// Opens the database at `url` (`sqlite:` creates the file if missing; `postgres:` expects
    /// the database to exist) and brings its schema up to date. A PostgreSQL server that could
    /// lose acknowledged commits is refused.
    pub async fn open(url: &str, categories: &[Category]) -> Result<Store, StoreError> {
        let pool = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?.application_name("pulse");
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            postgres::check_durability(&pool)
                .await
                .map_err(StoreError::Unsafe)?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Backend::Postgres(pool)
        } else {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                // WAL lets readers run beside the writer; FULL makes every commit durable
                // before it is acknowledged, even across power loss.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            Backend::Sqlite(pool)
        };
        let writers = match &pool {
            Backend::Sqlite(p) => Some(GroupCommit::start(p).await?),
            Backend::Postgres(_) => None,
        };
        let store = Store {
            pool: Arc::new(pool),
            writers,
            categories: categories.into(),
            appended: Arc::new(Notify::new()),
        };
        let indexed = store.index_unindexed().await?;
        if indexed > 0 {
            tracing::info!(briefs = indexed, "indexed briefs for search");
        }
        Ok(store)
    }

    /// Which backend runs ("sqlite" or "postgres"), for logs and metrics.
    pub fn backend(&self) -> &'static str {
        match *self.pool {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// The PostgreSQL pool, when that is the backend (the live layer listens on it).
    pub fn postgres_pool(&self) -> Option<&PgPool> {
        match &*self.pool {
            Backend::Postgres(pool) => Some(pool),
            Backend::Sqlite(_) => None,
        }
    }

    /// Notified after each commit of this process that appended to the live log.
    pub fn appended(&self) -> Arc<Notify> {
        self.appended.clone()
    }

    /// Commits of batched writes and the writes in them, since start (zero on PostgreSQL,
    /// where every writer commits its own transaction).
    pub fn write_batches(&self) -> (u64, u64) {
        self.writers.as_ref().map_or((0, 0), |w| {
            let counts = w.counts();
            (
                counts.batches.load(std::sync::atomic::Ordering::Relaxed),
                counts.writes.load(std::sync::atomic::Ordering::Relaxed),
            )
        })
    }

    /// Connections open and idle in the pool.
    pub fn pool_use(&self) -> (u32, usize) {
        on!(&*self.pool, p => (p.size(), p.num_idle()))
    }

    /// Answers only if the database does.
    pub async fn ping(&self) -> Result<(), AppError> {
        on!(&*self.pool, p => sqlx::query("SELECT 1").execute(p).await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// A connection from the pool.
    async fn acquire(&self) -> Result<Pooled, sqlx::Error> {
        Ok(match &*self.pool {
            Backend::Sqlite(p) => Backend::Sqlite(p.acquire().await?),
            Backend::Postgres(p) => Backend::Postgres(p.acquire().await?),
        })
    }

    /// A transaction that only reads, or whose writes cannot conflict.
    async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let inner = match &*self.pool {
            Backend::Sqlite(p) => Backend::Sqlite(SqliteTx::Own(p.begin().await?)),
            Backend::Postgres(p) => Backend::Postgres(p.begin().await?),
        };
        Ok(Tx::new(inner, &self.appended))
    }

    /// A transaction that reads, decides, then writes, and must not interleave with another
    /// such transaction: limits counted from rows, idempotency checks, the event log. SQLite
    /// gets this from `BEGIN IMMEDIATE` (the write lock up front; a transaction that read first
    /// could not upgrade its lock under contention and would fail with SQLITE_BUSY).
    /// PostgreSQL gets it from one advisory lock held to the end of the transaction: under READ
    /// COMMITTED every later statement sees all that committed before the lock was granted, and
    /// events are appended in commit order, so "everything after id N" is exactly what a
    /// reader who saw N has missed. Readers never wait for it.
    ///
    /// On SQLite, this process's writers queue in arrival order for turns on one writing
    /// connection and share transactions: each writes inside a savepoint, and one `COMMIT`
    /// (one `fsync`) makes a whole batch durable before any of its writers hears back (see
    /// `group_commit`). SQLite's own wait for its lock, a sleep-and-retry loop, is then only
    /// ever a wait for another process, such as the command line. A writer that reads
    /// something it will tell (an idempotent repeat, say) should still end with `commit`, so
    /// that what it read is durable before it is told.
    async fn write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match (&*self.pool, &self.writers) {
            (Backend::Sqlite(p), None) => Tx::new(
                Backend::Sqlite(SqliteTx::Own(p.begin_with("BEGIN IMMEDIATE").await?)),
                &self.appended,
            ),
            (Backend::Sqlite(_), Some(writers)) => Tx::new(
                Backend::Sqlite(SqliteTx::Batched(writers.turn().await?)),
                &self.appended,
            ),
            (Backend::Postgres(p), _) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Tx::new(Backend::Postgres(tx), &self.appended)
            }
        })
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

/// Why the store could not open.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// PostgreSQL settings that can lose acknowledged commits.
    #[error("{0}")]
    Unsafe(String),
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
