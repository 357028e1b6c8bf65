//! The two schemas — `migrations/sqlite` and `migrations/postgres` — behave alike: the same
//! statements give the same answers on a fresh SQLite file and on a fresh PostgreSQL database
//! (created for the test on 127.0.0.1:5432 and dropped afterwards). This is the ground the
//! PostgreSQL store stands on: the triggers that keep counts, the unique keys that make writes
//! idempotent, and the event log's growing ids.

use sqlx::{PgPool, SqlitePool};

use crate::support::{PgTestDb, run};

/// One outbox row; written twice, the second is a no-op.
const OUTBOX_ROW: &str = "INSERT INTO mail_outbox (dedupe_key, kind, sender, recipient, message, created_at, next_attempt_at) \
     VALUES ('d1', 'confirm', 'a@x.example', 'b@x.example', X'00', 'now', 'now') ON CONFLICT (dedupe_key) DO NOTHING";

/// One event; each written gets the next id.
const EVENT_ROW: &str = "INSERT INTO events (kind, payload) VALUES ('x', '{}')";

/// Statements run in order on both backends; each `SELECT` gives one number, and the numbers
/// must match the expectation (and so each other).
const SCRIPT: &[(&str, Option<i64>)] = &[
    (
        "INSERT INTO briefs (slug, title, category, summary, source_name, source_url, published_at, \
         reading_minutes, what_happened_html, take_html, what_to_do_html, who_html, what_changes_html, \
         when_html, watch_for_html, skeptics_html, content_hash) VALUES ('a', 't', 'c', 's', 'n', 'u', \
         '2026-11-20T09:00:00Z', 1, '', '', '', '', '', '', '', '', 'h')",
        None,
    ),
    // Reaction counts follow their rows.
    (
        "INSERT INTO reactions (brief_id, kind, reader_id) VALUES (1, 'hot', 'r1')",
        None,
    ),
    (
        "INSERT INTO reactions (brief_id, kind, reader_id) VALUES (1, 'hot', 'r2')",
        None,
    ),
    (
        "INSERT INTO reactions (brief_id, kind, reader_id) VALUES (1, 'cold', 'r2')",
        None,
    ),
    ("DELETE FROM reactions WHERE reader_id = 'r1'", None),
    (
        "SELECT count FROM reaction_counts WHERE kind = 'hot'",
        Some(1),
    ),
    (
        "SELECT count FROM reaction_counts WHERE kind = 'cold'",
        Some(1),
    ),
    // Comment counts: visible and not deleted only, through every status change.
    (
        "INSERT INTO comments (brief_id, depth, reader_id, idempotency_key, author_name, body_md, body_html) \
         VALUES (1, 0, 'r', 'k1', 'A', 'b', '<p>b</p>')",
        None,
    ),
    (
        "INSERT INTO comments (brief_id, depth, reader_id, idempotency_key, author_name, body_md, body_html) \
         VALUES (1, 0, 'r', 'k2', 'A', 'b', '<p>b</p>')",
        None,
    ),
    (
        "INSERT INTO comments (brief_id, depth, reader_id, idempotency_key, author_name, body_md, body_html, status) \
         VALUES (1, 0, 'r', 'k3', 'A', 'b', '<p>b</p>', 'held')",
        None,
    ),
    ("SELECT count FROM comment_counts", Some(2)),
    (
        "UPDATE comments SET deleted_at = '2026-11-27T10:00:00Z' WHERE idempotency_key = 'k1'",
        None,
    ),
    (
        "UPDATE comments SET status = 'hidden' WHERE idempotency_key = 'k2'",
        None,
    ),
    ("SELECT count FROM comment_counts", Some(0)),
    (
        "UPDATE comments SET status = 'visible' WHERE idempotency_key IN ('k2', 'k3')",
        None,
    ),
    ("SELECT count FROM comment_counts", Some(2)),
    // Idempotent writes: a second outbox row with the same key is a no-op.
    (OUTBOX_ROW, None),
    (OUTBOX_ROW, None),
    ("SELECT COUNT(*) FROM mail_outbox", Some(1)),
    // The event log's ids grow.
    (EVENT_ROW, None),
    (EVENT_ROW, None),
    ("SELECT MAX(id) - MIN(id) FROM events", Some(1)),
    // Timestamps default to the same text format on both.
    (
        "SELECT COUNT(*) FROM comments WHERE created_at LIKE '____-__-__T__:__:__Z'",
        Some(3),
    ),
];

#[test]
fn both_schemas_keep_counts_and_keys_alike() {
    run(async {
        let dir = tempfile::tempdir().expect("dir");
        let sqlite = SqlitePool::connect(&format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("schema.db").display()
        ))
        .await
        .expect("sqlite");
        sqlx::migrate!("./migrations/sqlite")
            .run(&sqlite)
            .await
            .expect("SQLite migrations");
        let pg = PgTestDb::create().await;
        sqlx::migrate!("./migrations/postgres")
            .run(&pg.pool)
            .await
            .expect("PostgreSQL migrations");

        for (statement, expected) in SCRIPT {
            // SQLite writes blobs as X'..'; PostgreSQL reads that as a bit string, so it gets
            // the bytea spelling of the same bytes.
            let pg_statement = statement.replace("X'00'", "'\\x00'::bytea");
            match expected {
                None => {
                    sqlx::query(statement)
                        .execute(&sqlite)
                        .await
                        .unwrap_or_else(|e| panic!("SQLite: {statement}: {e}"));
                    sqlx::query(&pg_statement)
                        .execute(&pg.pool)
                        .await
                        .unwrap_or_else(|e| panic!("PostgreSQL: {statement}: {e}"));
                }
                Some(want) => {
                    let on_sqlite: i64 = sqlx::query_scalar(statement)
                        .fetch_one(&sqlite)
                        .await
                        .unwrap_or_else(|e| panic!("SQLite: {statement}: {e}"));
                    let on_pg: i64 = sqlx::query_scalar(&pg_statement)
                        .fetch_one(&pg.pool)
                        .await
                        .unwrap_or_else(|e| panic!("PostgreSQL: {statement}: {e}"));
                    assert_eq!((on_sqlite, on_pg), (*want, *want), "{statement}");
                }
            }
        }
        // The same comment submitted twice is refused by both.
        let again = "INSERT INTO comments (brief_id, depth, reader_id, idempotency_key, author_name, \
                     body_md, body_html) VALUES (1, 0, 'r', 'k1', 'A', 'b', '<p>b</p>')";
        assert!(sqlx::query(again).execute(&sqlite).await.is_err());
        assert!(sqlx::query(again).execute(&pg.pool).await.is_err());
    })
}

#[test]
fn a_postgres_server_that_can_lose_commits_is_refused() {
    use pulse::server::repo::postgres::check_durability;

    run(async {
        let pg = PgTestDb::create().await;
        check_durability(&pg.pool)
            .await
            .expect("a default server is durable");

        // synchronous_commit can be turned off for one database without a restart: new
        // connections to it then run without waiting for their commits to reach disk.
        sqlx::query(&format!(
            "ALTER DATABASE {} SET synchronous_commit = off",
            pg.name
        ))
        .execute(&pg.pool)
        .await
        .expect("alter database");
        let fresh = PgPool::connect(&pg.url).await.expect("connect");
        let refused = check_durability(&fresh).await.expect_err("refused");
        assert!(refused.contains("synchronous_commit=off"), "{refused}");
        fresh.close().await;

        // The server refuses to start on it.
        let refused = pulse::server::repo::Store::open(&pg.url, &[])
            .await
            .err()
            .expect("the store refuses to open");
        assert!(
            refused.to_string().contains("synchronous_commit=off"),
            "{refused}"
        );
    })
}

#[test]
fn the_suite_runs_on_the_backend_it_was_asked_for() {
    run(async {
        let app = crate::support::app().await;
        let expected = if crate::support::on_postgres() {
            "postgres"
        } else {
            "sqlite"
        };
        assert_eq!(app.store.backend(), expected);
        assert_eq!(app.pg.is_some(), crate::support::on_postgres());
    })
}
