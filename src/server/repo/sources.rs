//! The sources inbox's tables: `sources` (the feeds, with what their last fetch said and when
//! the next one is due), `source_items` (one row per canonical address, whichever source found
//! it first) and `desk_log` (what editors did to them). Every change an editor makes is logged
//! in the same transaction as the change.

use std::collections::HashSet;

use sqlx::FromRow;
use time::{Duration, OffsetDateTime};

use crate::error::AppError;
use crate::model::StoredWord;
use crate::model::source::{DeskAction, DeskLogEntry, Inbox, InboxItem, Source, SourceHealth};
use crate::server::repo::briefs::time_label;
use crate::server::repo::{Conn, Store, on, stamp};

/// A source whose next fetch is due, with what the fetch needs.
#[derive(Debug, Clone, FromRow)]
pub struct DueSource {
    pub id: i64,
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub failures: i64,
    /// The due time read: claiming it checks that no other instance moved it meanwhile.
    pub next_fetch_at: String,
}

/// One item read from a feed, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundItem {
    pub canonical_url: String,
    pub url: String,
    pub title: String,
    pub published_at: Option<String>,
}

/// How a fetch ended, as the store records it.
pub enum FetchRecord<'a> {
    /// The feed answered: its items (none when it said "not modified") and its validators.
    Fetched {
        items: &'a [FoundItem],
        etag: Option<&'a str>,
        last_modified: Option<&'a str>,
        not_modified: bool,
    },
    /// It failed: why, in Pulse's words.
    Failed { error: &'a str },
}

/// An inbox item as "Start a brief" needs it.
#[derive(Debug, Clone, FromRow)]
pub struct ItemForBrief {
    pub title: String,
    pub url: String,
    pub source_name: String,
}

#[derive(FromRow)]
struct SourceRow {
    id: i64,
    name: String,
    url: String,
    last_fetched_at: Option<String>,
    next_fetch_at: String,
    failures: i64,
    last_error: Option<String>,
    items: i64,
}

#[derive(FromRow)]
struct ItemRow {
    id: i64,
    title: String,
    url: String,
    canonical_url: String,
    source_name: String,
    at: String,
}

#[derive(FromRow)]
struct LogRow {
    at: String,
    editor_name: String,
    #[sqlx(try_from = "String")]
    action: DeskAction,
    subject: String,
}

/// Appends one line to the desk log.
async fn log(
    conn: &mut Conn<'_>,
    editor: i64,
    action: DeskAction,
    subject: &str,
) -> Result<(), sqlx::Error> {
    on!(conn, c => sqlx::query(
        "INSERT INTO desk_log (at, editor_id, action, subject) VALUES ($1, $2, $3, $4)",
    )
    .bind(stamp(OffsetDateTime::now_utc()))
    .bind(editor)
    .bind(action.word())
    .bind(subject)
    .execute(&mut **c).await
    .map(|done| done.rows_affected()))?;
    Ok(())
}

impl Store {
    /// Adds a source, due at once; `None` if one with this address exists already.
    pub async fn add_source(
        &self,
        name: &str,
        url: &str,
        editor: i64,
    ) -> Result<Option<i64>, AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let mut tx = self.write().await?;
        let id: Option<i64> = on!(&mut tx.conn(), c => sqlx::query_scalar(
            "INSERT INTO sources (name, url, added_by, created_at, next_fetch_at) \
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (url) DO NOTHING RETURNING id",
        )
        .bind(name)
        .bind(url)
        .bind(editor)
        .bind(&now)
        .fetch_optional(&mut **c).await)?;
        if id.is_some() {
            log(
                &mut tx.conn(),
                editor,
                DeskAction::AddSource,
                &format!("{name} <{url}>"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Removes source `id`; its items leave the inbox but stay known (a dismissed one stays
    /// dismissed, another source may take one over). `false` if there is no such source.
    pub async fn remove_source(&self, id: i64, editor: i64) -> Result<bool, AppError> {
        let mut tx = self.write().await?;
        let gone: Option<(String, String)> = on!(&mut tx.conn(), c => sqlx::query_as(
            "DELETE FROM sources WHERE id = $1 RETURNING name, url",
        )
        .bind(id)
        .fetch_optional(&mut **c).await)?;
        if let Some((name, url)) = &gone {
            // Both backends clear the items' source (SQLite with foreign keys on, as Pulse runs).
            log(
                &mut tx.conn(),
                editor,
                DeskAction::RemoveSource,
                &format!("{name} <{url}>"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(gone.is_some())
    }

    /// Every source, by name, with its health and how many of its items wait in the inbox.
    pub async fn sources(&self) -> Result<Vec<Source>, AppError> {
        let rows: Vec<SourceRow> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT s.id, s.name, s.url, s.last_fetched_at, s.next_fetch_at, \
             s.failures, s.last_error, \
             (SELECT COUNT(*) FROM source_items i WHERE i.source_id = s.id \
              AND i.dismissed_at IS NULL) AS items \
             FROM sources s ORDER BY LOWER(s.name), s.id",
        )
        .fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|r| Source {
                health: match (&r.last_fetched_at, r.failures) {
                    (None, _) => SourceHealth::Waiting,
                    (Some(_), 0) => SourceHealth::Ok,
                    _ => SourceHealth::Failing,
                },
                id: r.id,
                name: r.name,
                url: r.url,
                fetched_label: r.last_fetched_at.as_deref().map(time_label),
                next_label: time_label(&r.next_fetch_at),
                failures: u32::try_from(r.failures).unwrap_or(u32::MAX),
                // Cleared by every fetch that works.
                last_error: r.last_error,
                items: u64::try_from(r.items).unwrap_or(0),
            })
            .collect())
    }

    /// Source `id` with what a fetch needs, due or not.
    pub async fn due_source(&self, id: i64) -> Result<Option<DueSource>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT id, url, etag, last_modified, failures, next_fetch_at FROM sources WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c).await)?)
    }

    /// Sources due for a fetch at `now`, the longest waiting first.
    pub async fn due_sources(
        &self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<DueSource>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT id, url, etag, last_modified, failures, next_fetch_at FROM sources \
             WHERE next_fetch_at <= $1 ORDER BY next_fetch_at, id LIMIT $2",
        )
        .bind(stamp(now))
        .bind(i64::from(limit))
        .fetch_all(c).await)?)
    }

    /// Claims a due source for one fetch: moves its due time `lease` ahead, only if it is still
    /// what `source` read (another instance may have claimed it). `false`: not this one's.
    pub async fn claim_source(
        &self,
        source: &DueSource,
        lease: Duration,
    ) -> Result<bool, AppError> {
        let until = stamp(OffsetDateTime::now_utc() + lease);
        let mut tx = self.write().await?;
        let moved = on!(&mut tx.conn(), c => sqlx::query(
            "UPDATE sources SET next_fetch_at = $3 WHERE id = $1 AND next_fetch_at = $2",
        )
        .bind(source.id)
        .bind(&source.next_fetch_at)
        .bind(&until)
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(moved == 1)
    }

    /// Records a fetch of source `id` and when the next is due; returns how many of its items
    /// were new to the inbox (an address already there, from any source, is not new; one left
    /// by a removed source and not dismissed comes back under this one).
    pub async fn record_fetch(
        &self,
        id: i64,
        record: FetchRecord<'_>,
        next: OffsetDateTime,
    ) -> Result<u64, AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let next = stamp(next);
        let mut tx = self.write().await?;
        let mut added = 0;
        match record {
            FetchRecord::Fetched {
                items,
                etag,
                last_modified,
                not_modified,
            } => {
                let exists = on!(&mut tx.conn(), c => sqlx::query(
                    "UPDATE sources SET last_fetched_at = $2, last_ok_at = $2, next_fetch_at = $3, \
                     failures = 0, last_error = NULL, \
                     etag = CASE WHEN $4 THEN etag ELSE $5 END, \
                     last_modified = CASE WHEN $4 THEN last_modified ELSE $6 END WHERE id = $1",
                )
                .bind(id)
                .bind(&now)
                .bind(&next)
                .bind(not_modified)
                .bind(etag)
                .bind(last_modified)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
                if exists == 1 {
                    for item in items {
                        added += on!(&mut tx.conn(), c => sqlx::query(
                            "INSERT INTO source_items (source_id, canonical_url, url, title, \
                             published_at, found_at) VALUES ($1, $2, $3, $4, $5, $6) \
                             ON CONFLICT (canonical_url) DO UPDATE SET source_id = excluded.source_id \
                             WHERE source_items.source_id IS NULL \
                             AND source_items.dismissed_at IS NULL",
                        )
                        .bind(id)
                        .bind(&item.canonical_url)
                        .bind(&item.url)
                        .bind(&item.title)
                        .bind(&item.published_at)
                        .bind(&now)
                        .execute(&mut **c).await
                        .map(|done| done.rows_affected()))?;
                    }
                }
            }
            FetchRecord::Failed { error } => {
                on!(&mut tx.conn(), c => sqlx::query(
                    "UPDATE sources SET last_fetched_at = $2, next_fetch_at = $3, \
                     failures = failures + 1, last_error = $4 WHERE id = $1",
                )
                .bind(id)
                .bind(&now)
                .bind(&next)
                .bind(error)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The inbox: up to `limit` items nobody dismissed, newest first (by the feed's date, else
    /// when found), each marked cited when its canonical address is in `cited`.
    pub async fn inbox(&self, limit: u32, cited: &HashSet<String>) -> Result<Inbox, AppError> {
        let rows: Vec<ItemRow> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT i.id, i.title, i.url, i.canonical_url, s.name AS source_name, \
             COALESCE(i.published_at, i.found_at) AS at \
             FROM source_items i JOIN sources s ON s.id = i.source_id \
             WHERE i.dismissed_at IS NULL ORDER BY at DESC, i.id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(c).await)?;
        let (newest_id, sources): (i64, i64) = on!(&*self.pool, c => sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM source_items), (SELECT COUNT(*) FROM sources)",
        )
        .fetch_one(c).await)?;
        let items = rows
            .into_iter()
            .map(|r| InboxItem {
                cited: cited.contains(&r.canonical_url),
                id: r.id,
                title: r.title,
                url: r.url,
                source_name: r.source_name,
                at_label: time_label(&r.at),
                at: r.at,
            })
            .collect();
        Ok(Inbox {
            items,
            newest_id,
            has_sources: sources > 0,
        })
    }

    /// How many items nobody dismissed arrived after item `after`.
    pub async fn inbox_news(&self, after: i64) -> Result<u64, AppError> {
        let n: i64 = on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM source_items WHERE id > $1 AND dismissed_at IS NULL \
             AND source_id IS NOT NULL",
        )
        .bind(after)
        .fetch_one(c).await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Every address a brief or a draft names as its source (as written).
    pub async fn cited_addresses(&self) -> Result<Vec<String>, AppError> {
        let mut cited: Vec<String> = on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT source_url FROM briefs WHERE source_url <> ''",
        )
        .fetch_all(c).await)?;
        let drafts: Vec<String> = on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT fields FROM drafts",
        )
        .fetch_all(c).await)?;
        cited.extend(drafts.iter().filter_map(|json| {
            let fields: serde_json::Value = serde_json::from_str(json).ok()?;
            Some(fields.get("source_url")?.as_str()?.to_string())
        }));
        Ok(cited)
    }

    /// The item "Start a brief" fills the editor from (even if dismissed meanwhile: another
    /// editor's inbox may still show it).
    pub async fn item_for_brief(&self, id: i64) -> Result<Option<ItemForBrief>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT i.title, i.url, s.name AS source_name FROM source_items i \
             JOIN sources s ON s.id = i.source_id WHERE i.id = $1",
        )
        .bind(id)
        .fetch_optional(c).await)?)
    }

    /// Hides item `id` from the inbox for every editor; `false` if there is no such item or it
    /// was dismissed already (nothing is logged then).
    pub async fn dismiss_item(&self, id: i64, editor: i64) -> Result<bool, AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let mut tx = self.write().await?;
        let item: Option<(String, String)> = on!(&mut tx.conn(), c => sqlx::query_as(
            "UPDATE source_items SET dismissed_at = $2, dismissed_by = $3 \
             WHERE id = $1 AND dismissed_at IS NULL RETURNING title, url",
        )
        .bind(id)
        .bind(&now)
        .bind(editor)
        .fetch_optional(&mut **c).await)?;
        if let Some((title, url)) = &item {
            log(
                &mut tx.conn(),
                editor,
                DeskAction::DismissItem,
                &format!("{title} <{url}>"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(item.is_some())
    }

    /// The newest lines of the desk log.
    pub async fn desk_log(&self, limit: u32) -> Result<Vec<DeskLogEntry>, AppError> {
        let rows: Vec<LogRow> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT l.at, e.name AS editor_name, l.action, l.subject \
             FROM desk_log l JOIN editors e ON e.id = l.editor_id \
             ORDER BY l.at DESC, l.id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|r| DeskLogEntry {
                at_label: time_label(&r.at),
                at: r.at,
                editor_name: r.editor_name,
                action: r.action,
                subject: r.subject,
            })
            .collect())
    }
}
