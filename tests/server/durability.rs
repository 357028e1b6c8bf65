//! An acknowledged write survives `kill -9`: a real `pulse` process takes a burst of comments
//! from many connections at once (on SQLite, batched into shared commits), is killed in the
//! middle of it, and every comment it acknowledged is in the database exactly once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::Row;

use crate::instances::{Instance, request};
use crate::support::{form, postgres_if_chosen, run};

const SLUG: &str = "halcyon-atlas-3-release";
/// Connections posting at once.
const WRITERS: usize = 32;
/// Comments acknowledged before the kill (a burst well past one batch).
const ACKNOWLEDGED_BEFORE_KILL: usize = 300;

/// What the writers saw.
#[derive(Default)]
struct Burst {
    /// Keys of comments the server answered 200 for.
    acknowledged: Vec<String>,
    /// Requests the kill cut off (sent, no answer).
    cut_off: usize,
}

#[test]
fn every_comment_acknowledged_before_a_kill_mid_burst_is_stored_once() {
    run(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = postgres_if_chosen().await;
        let data = dir.path().join("data");
        let secret = dir.path().join("secret.key");
        let settings = [
            ("PULSE_COMMENTS_PER_MINUTE_PER_READER", "1000"),
            ("PULSE_COMMENTS_PER_MINUTE_PER_IP", "10000"),
            ("PULSE_COMMENTS_FIRST_DAY_LIMIT", "10000"),
        ];
        let database_url = pg.as_ref().map(|db| db.url.as_str());
        let mut server = Instance::spawn(database_url, &data, &secret, &settings);
        server.ready().await;

        let burst = Arc::new(Mutex::new(Burst::default()));
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| tokio::spawn(post_until_cut_off(server.port(), writer, burst.clone())))
            .collect();
        let deadline = Instant::now() + Duration::from_secs(60);
        while burst.lock().expect("burst").acknowledged.len() < ACKNOWLEDGED_BEFORE_KILL {
            assert!(Instant::now() < deadline, "the burst never got going");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill();
        for writer in writers {
            writer.await.expect("writer");
        }
        let burst = Arc::try_unwrap(burst)
            .ok()
            .expect("writers done")
            .into_inner()
            .expect("burst");
        assert!(
            burst.cut_off > 0,
            "the kill should land while comments are in flight"
        );

        let stored = match &pg {
            Some(db) => stored_keys(&db.pool).await,
            None => {
                let url = format!("sqlite://{}", data.join("pulse.db").display());
                let pool = sqlx::SqlitePool::connect(&url)
                    .await
                    .expect("open the database");
                stored_keys(&pool).await
            }
        };
        for key in &burst.acknowledged {
            assert_eq!(
                stored.get(key),
                Some(&1),
                "acknowledged comment {key} must be stored exactly once"
            );
        }
        assert!(
            stored.values().all(|&n| n == 1),
            "no comment is stored twice"
        );
        // Some comments may have committed with their answer still on its way: never fewer.
        assert!(stored.len() >= burst.acknowledged.len());

        // The server starts again on what the kill left, and serves the comments.
        let again = Instance::spawn(database_url, &data, &secret, &settings);
        again.ready().await;
        let page = again
            .request("GET", &format!("/pulse/{SLUG}"), &[], "")
            .await
            .expect("the brief page");
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    });
}

/// Posts comments one after another on fresh connections until the server stops answering.
async fn post_until_cut_off(port: u16, writer: usize, burst: Arc<Mutex<Burst>>) {
    let origin = format!("http://127.0.0.1:{port}");
    let headers = [
        ("origin", origin.as_str()),
        ("accept", "application/json"),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    for n in 0.. {
        let key = format!("burst-{writer}-{n}");
        let body = form(&[
            ("slug", SLUG),
            ("name", "Burst"),
            ("body", &format!("Comment {n} of writer {writer}")),
            ("key", &key),
            ("website", ""),
        ]);
        match request(port, "POST", "/api/post_comment", &headers, &body).await {
            Ok(reply) if reply.starts_with("HTTP/1.1 200") => {
                burst.lock().expect("burst").acknowledged.push(key);
            }
            Ok(reply) if reply.is_empty() => {
                burst.lock().expect("burst").cut_off += 1;
                return;
            }
            Ok(reply) => panic!("comment refused: {reply}"),
            Err(_) => {
                burst.lock().expect("burst").cut_off += 1;
                return;
            }
        }
    }
}

/// How many times each burst comment's key is stored.
async fn stored_keys<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> HashMap<String, i64>
where
    for<'c> &'c sqlx::Pool<DB>: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    String: for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB>,
    i64: for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    sqlx::query(
        "SELECT idempotency_key, COUNT(*) FROM comments \
         WHERE idempotency_key LIKE 'burst-%' GROUP BY idempotency_key",
    )
    .fetch_all(pool)
    .await
    .expect("read the comments")
    .into_iter()
    .map(|row| (row.get::<String, _>(0), row.get::<i64, _>(1)))
    .collect()
}
