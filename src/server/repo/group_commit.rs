//! Group commit for SQLite: this process's writers share one transaction and one `fsync`.
//!
//! SQLite has one writer at a time, and with `synchronous = FULL` every commit waits for the
//! disk. One transaction per write therefore caps writes at the disk's flush rate, however
//! little each write does. Here the writers of this process take turns, in arrival order, on
//! one connection kept for writing: the first opens a transaction (`BEGIN IMMEDIATE`), each
//! runs its statements inside a savepoint of its own, and a committer task ends the batch with
//! one `COMMIT` once the writers already queued have had their turn. Each writer is answered
//! only after that `COMMIT` returned, so an acknowledged write is as durable as before.
//!
//! A writer whose work fails (an error, a refusal it returns early, a dropped future) is rolled
//! back to its savepoint and leaves its batch-mates' work alone. If SQLite itself abandons the
//! transaction (an I/O error, a full disk), the savepoint is gone, which the next turn notices:
//! every writer of that batch is told it failed, and none of them was told otherwise before.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, watch};

/// How a batch ended: `Some(true)` committed, `Some(false)` lost, `None` still open.
type Outcome = watch::Sender<Option<bool>>;

/// The writing connection and the batch open on it.
struct Writer {
    conn: PoolConnection<Sqlite>,
    /// The open transaction's outcome, to tell its writers; `None` when none is open.
    batch: Option<Outcome>,
    /// Writers whose savepoint was released into the open batch and who wait for its commit.
    members: usize,
    /// The last turn ended without releasing its savepoint: roll back to it before going on.
    abandoned: bool,
}

/// This process's SQLite writers' queue (see the module documentation).
#[derive(Clone)]
pub(crate) struct GroupCommit {
    writer: Arc<Mutex<Writer>>,
    /// Wakes the committer: a turn ended.
    turn_ended: Arc<Notify>,
    counts: Arc<BatchCounts>,
}

/// Batches committed and the writes in them, since start (for `/metrics`).
#[derive(Debug, Default)]
pub struct BatchCounts {
    pub batches: AtomicU64,
    pub writes: AtomicU64,
}

impl GroupCommit {
    /// Keeps one connection of `pool` for writing and starts the committer.
    pub(crate) async fn start(pool: &SqlitePool) -> Result<GroupCommit, sqlx::Error> {
        let writer = Arc::new(Mutex::new(Writer {
            conn: pool.acquire().await?,
            batch: None,
            members: 0,
            abandoned: false,
        }));
        let turn_ended = Arc::new(Notify::new());
        let counts = Arc::new(BatchCounts::default());
        tokio::spawn(commit_batches(
            Arc::downgrade(&writer),
            turn_ended.clone(),
            counts.clone(),
        ));
        Ok(GroupCommit {
            writer,
            turn_ended,
            counts,
        })
    }

    pub(crate) fn counts(&self) -> &BatchCounts {
        &self.counts
    }

    /// Waits for this writer's turn (behind every writer that asked before), then opens its
    /// savepoint, in the open batch or a new one.
    ///
    /// The steps run in a task of their own, to the end even if the caller gives up: sqlx
    /// finishes a statement whose future was dropped, so a caller cancelled half-way would
    /// otherwise leave the connection in a state the flags do not describe (a transaction
    /// begun that no batch knows of, say). A turn nobody takes is dropped, which abandons it.
    pub(crate) async fn turn(&self) -> Result<WriteTurn, sqlx::Error> {
        let writer = self.writer.clone();
        let turn_ended = self.turn_ended.clone();
        tokio::spawn(async move {
            let mut turn = WriteTurn {
                writer: writer.lock_owned().await,
                turn_ended,
            };
            turn.writer.open_turn().await?;
            Ok(turn)
        })
        .await
        .map_err(|_| lost())?
    }
}

impl Writer {
    /// Opens a turn's savepoint, beginning a batch if none is open.
    async fn open_turn(&mut self) -> Result<(), sqlx::Error> {
        self.tidy().await;
        if self.batch.is_none() {
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut *self.conn)
                .await?;
            self.batch = Some(watch::channel(None).0);
        }
        sqlx::query("SAVEPOINT pulse_write")
            .execute(&mut *self.conn)
            .await?;
        // Until the turn releases it, the savepoint is what the next turn must undo.
        self.abandoned = true;
        Ok(())
    }

    /// Keeps a turn's work in the open batch; what will say how the batch ended.
    async fn release_turn(&mut self) -> Result<watch::Receiver<Option<bool>>, sqlx::Error> {
        sqlx::query("RELEASE pulse_write")
            .execute(&mut *self.conn)
            .await?;
        self.abandoned = false;
        let Some(outcome) = self.batch.as_ref() else {
            return Err(lost());
        };
        self.members += 1;
        Ok(outcome.subscribe())
    }

    /// Undoes what an abandoned turn left. If its savepoint is gone, SQLite ended the whole
    /// transaction, and the batch is lost.
    async fn tidy(&mut self) {
        if !self.abandoned {
            return;
        }
        self.abandoned = false;
        let undone = async {
            sqlx::query("ROLLBACK TO pulse_write")
                .execute(&mut *self.conn)
                .await?;
            sqlx::query("RELEASE pulse_write")
                .execute(&mut *self.conn)
                .await
        }
        .await;
        if let Err(error) = undone {
            tracing::error!(%error, "a write batch was abandoned by the database");
            self.end(false).await;
        }
    }

    /// Ends the open batch: commits it (`commit`) or rolls it back, and tells its writers.
    /// Whether a batch committed.
    async fn end(&mut self, commit: bool) -> bool {
        let Some(outcome) = self.batch.take() else {
            return false;
        };
        let committed = if commit {
            match sqlx::query("COMMIT").execute(&mut *self.conn).await {
                Ok(_) => true,
                Err(error) => {
                    tracing::error!(%error, writes = self.members, "a write batch did not commit");
                    false
                }
            }
        } else {
            false
        };
        if !committed {
            // Nothing to roll back if SQLite already did; either way no transaction stays open.
            let _ = sqlx::query("ROLLBACK").execute(&mut *self.conn).await;
        }
        self.members = 0;
        outcome.send_replace(Some(committed));
        committed
    }
}

/// The committer: after turns end, it queues for the writer like any writer (so everyone who
/// asked before it joins the batch), then commits what is open.
async fn commit_batches(
    writer: std::sync::Weak<Mutex<Writer>>,
    turn_ended: Arc<Notify>,
    counts: Arc<BatchCounts>,
) {
    loop {
        turn_ended.notified().await;
        let Some(writer) = writer.upgrade() else {
            return;
        };
        let mut writer = writer.lock().await;
        writer.tidy().await;
        let writes = writer.members as u64;
        if writer.end(true).await && writes > 0 {
            counts.batches.fetch_add(1, Ordering::Relaxed);
            counts.writes.fetch_add(writes, Ordering::Relaxed);
        }
    }
}

/// One writer's turn: the writing connection, inside this writer's savepoint.
pub(crate) struct WriteTurn {
    writer: OwnedMutexGuard<Writer>,
    turn_ended: Arc<Notify>,
}

impl WriteTurn {
    pub(crate) fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.writer.conn
    }

    /// Keeps this turn's work in the batch, gives up the turn, and returns once the batch
    /// is durable (or with an error if it was lost). The release runs to the end even if the
    /// caller gives up (see [`GroupCommit::turn`]).
    pub(crate) async fn commit(mut self) -> Result<(), sqlx::Error> {
        let mut committed = tokio::spawn(async move { self.writer.release_turn().await })
            .await
            .map_err(|_| lost())??;
        match committed.wait_for(Option::is_some).await {
            Ok(done) if *done == Some(true) => Ok(()),
            _ => Err(lost()),
        }
    }
}

impl Drop for WriteTurn {
    /// However the turn ends, the committer looks next (behind any writer already waiting).
    fn drop(&mut self) {
        self.turn_ended.notify_one();
    }
}

fn lost() -> sqlx::Error {
    sqlx::Error::Protocol("the write's batch did not commit".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use std::str::FromStr;

    async fn pool(dir: &std::path::Path) -> SqlitePool {
        let url = format!("sqlite://{}", dir.join("t.db").display());
        let options = SqliteConnectOptions::from_str(&url)
            .expect("url")
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let pool = SqlitePool::connect_with(options).await.expect("open");
        sqlx::query("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .execute(&pool)
            .await
            .expect("table");
        pool
    }

    /// Writer `n` inserts row `n`; every seventh then fails with an error of the database
    /// (a duplicate key) and every fifth gives up after writing: only their rows are missing,
    /// and the others share commits.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writers_share_commits_and_a_failing_one_fails_alone() {
        let dir = tempfile::tempdir().expect("dir");
        let pool = pool(dir.path()).await;
        let writers = GroupCommit::start(&pool).await.expect("start");
        let tasks: Vec<_> = (1..=60_i64)
            .map(|n| {
                let writers = writers.clone();
                tokio::spawn(async move {
                    let mut turn = writers.turn().await?;
                    sqlx::query("INSERT INTO t (n) VALUES ($1)")
                        .bind(n)
                        .execute(&mut *turn.conn())
                        .await?;
                    if n % 7 == 0 {
                        sqlx::query("INSERT INTO t (n) VALUES ($1)")
                            .bind(n)
                            .execute(&mut *turn.conn())
                            .await?;
                    }
                    if n % 5 == 0 {
                        return Ok(false);
                    }
                    turn.commit().await.map(|()| true)
                })
            })
            .collect();
        let mut committed = Vec::new();
        for (n, task) in (1..=60_i64).zip(tasks) {
            match task.await.expect("writer") {
                Ok(true) => committed.push(n),
                Ok(false) => assert_eq!(n % 5, 0),
                Err(_) => assert_eq!(n % 7, 0, "writer {n} failed"),
            }
        }
        let expected: Vec<i64> = (1..=60).filter(|n| n % 5 != 0 && n % 7 != 0).collect();
        assert_eq!(committed, expected);
        let stored: Vec<i64> = sqlx::query_scalar("SELECT n FROM t ORDER BY n")
            .fetch_all(&pool)
            .await
            .expect("read");
        assert_eq!(stored, expected, "exactly the committed rows are stored");
        let counts = writers.counts();
        let batches = counts.batches.load(Ordering::Relaxed);
        assert_eq!(counts.writes.load(Ordering::Relaxed), expected.len() as u64);
        assert!(
            batches < expected.len() as u64,
            "{batches} commits for {} writes: they should share",
            expected.len()
        );
    }

    /// A lone writer is answered without waiting for company, and its write is visible to
    /// every other connection once it is.
    #[tokio::test]
    async fn a_lone_write_is_committed_when_it_is_answered() {
        let dir = tempfile::tempdir().expect("dir");
        let pool = pool(dir.path()).await;
        let writers = GroupCommit::start(&pool).await.expect("start");
        for n in 1..=3_i64 {
            let mut turn = writers.turn().await.expect("turn");
            sqlx::query("INSERT INTO t (n) VALUES ($1)")
                .bind(n)
                .execute(&mut *turn.conn())
                .await
                .expect("insert");
            turn.commit().await.expect("commit");
            let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
                .fetch_one(&pool)
                .await
                .expect("count");
            assert_eq!(seen, n);
        }
        assert_eq!(writers.counts().batches.load(Ordering::Relaxed), 3);
    }
}
