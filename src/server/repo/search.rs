//! The search index and its query. Every brief has one `brief_search` row, written in the same
//! transaction as the brief, holding its fields as [`crate::server::search`] splits and folds
//! them; the two backends differ only in how they store and rank that row (FTS5 and `bm25` on
//! SQLite, a weighted `tsvector` and `ts_rank` on PostgreSQL), so the same briefs match on both.

use std::collections::HashMap;

use sqlx::FromRow;

use crate::error::AppError;
use crate::model::search::{Marked, SearchHit, SearchResults};
use crate::model::share::plain_text;
use crate::server::repo::{Backend, Store, Tx, date_label, on};
use crate::server::search::{Query, index_text, tsvector};

/// What of a brief is searched.
pub(super) struct Searchable<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub tags: &'a [String],
    /// The sections' sanitised HTML, in reading order.
    pub sections: [&'a str; 8],
}

#[derive(FromRow)]
struct HitRow {
    id: i64,
    slug: String,
    title: String,
    category: String,
    summary: String,
    published_at: String,
    plain: String,
}

#[derive(FromRow)]
struct UnindexedRow {
    id: i64,
    title: String,
    summary: String,
    what_happened_html: String,
    take_html: String,
    what_to_do_html: String,
    who_html: String,
    what_changes_html: String,
    when_html: String,
    watch_for_html: String,
    skeptics_html: String,
}

/// The hits of a query, published briefs only, best first; ties go to the newer brief. FTS5's
/// `bm25` is lower for better matches and weighs the columns title 10, tags 6, summary 3,
/// body 1; `ts_rank` is higher for better matches and weighs A–D in the same proportions.
const SQLITE_HITS: &str = "SELECT b.id, b.slug, b.title, b.category, b.summary, b.published_at, \
     brief_search.plain FROM brief_search JOIN briefs b ON b.id = brief_search.rowid \
     WHERE brief_search MATCH $1 AND b.status = 'published' \
     ORDER BY bm25(brief_search, 10.0, 6.0, 3.0, 1.0, 0.0), b.published_at DESC, b.id DESC \
     LIMIT $2 OFFSET $3";
const SQLITE_COUNT: &str = "SELECT COUNT(*) FROM brief_search \
     JOIN briefs b ON b.id = brief_search.rowid \
     WHERE brief_search MATCH $1 AND b.status = 'published'";
const POSTGRES_HITS: &str = "SELECT b.id, b.slug, b.title, b.category, b.summary, b.published_at, \
     s.plain FROM brief_search s JOIN briefs b ON b.id = s.brief_id \
     WHERE s.document @@ CAST($1 AS tsquery) AND b.status = 'published' \
     ORDER BY ts_rank(CAST('{0.1, 0.3, 0.6, 1.0}' AS float4[]), s.document, CAST($1 AS tsquery)) DESC, \
     b.published_at DESC, b.id DESC LIMIT $2 OFFSET $3";
const POSTGRES_COUNT: &str = "SELECT COUNT(*) FROM brief_search s \
     JOIN briefs b ON b.id = s.brief_id \
     WHERE s.document @@ CAST($1 AS tsquery) AND b.status = 'published'";

impl Store {
    /// Page `page` (1-based, range-checked) of the published briefs matching every term of
    /// `query`, best first. A query without terms finds nothing.
    pub async fn search_briefs(
        &self,
        query: &Query,
        raw: &str,
        page: u32,
        page_size: u32,
    ) -> Result<SearchResults, AppError> {
        let mut result = SearchResults {
            query: raw.trim().to_string(),
            terms: query.terms.iter().map(|t| t.word.clone()).collect(),
            truncated: query.truncated,
            page,
            total_pages: 1,
            ..SearchResults::default()
        };
        if query.terms.is_empty() {
            return Ok(result);
        }
        let limit = i64::from(page_size);
        let offset = i64::from(page - 1) * limit;
        // The one difference between the backends: the query language the terms are put in.
        let (count, hits, matching) = match &*self.pool {
            Backend::Sqlite(_) => (SQLITE_COUNT, SQLITE_HITS, query.fts5()),
            Backend::Postgres(_) => (POSTGRES_COUNT, POSTGRES_HITS, query.tsquery()),
        };
        let total: i64 = on!(&*self.pool, c => sqlx::query_scalar(count)
            .bind(&matching)
            .fetch_one(c).await)?;
        let rows: Vec<HitRow> = on!(&*self.pool, c => sqlx::query_as(hits)
            .bind(&matching)
            .bind(limit)
            .bind(offset)
            .fetch_all(c).await)?;
        let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
        if !rows.is_empty() {
            // Ids are integers from the database, so listing them inline is safe.
            let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
            let found: Vec<(i64, String)> = on!(&*self.pool, c => sqlx::query_as(&format!(
                "SELECT brief_id, tag FROM brief_tags WHERE brief_id IN ({}) \
                 ORDER BY brief_id, position",
                ids.join(", ")
            ))
            .fetch_all(c).await)?;
            for (id, tag) in found {
                tags.entry(id).or_default().push(tag);
            }
        }
        result.total = u32::try_from(total).unwrap_or(u32::MAX);
        result.total_pages = result.total.div_ceil(page_size).max(1);
        result.hits = rows
            .into_iter()
            .map(|r| {
                let excerpt = query
                    .excerpt(&r.plain)
                    .or_else(|| query.excerpt(&r.summary))
                    .unwrap_or_else(|| {
                        vec![Marked {
                            text: r.summary.clone(),
                            hit: false,
                        }]
                    });
                SearchHit {
                    title: query.mark(&r.title),
                    category: self.category(&r.category),
                    published_label: date_label(&r.published_at),
                    published_at: r.published_at,
                    excerpt,
                    tags: tags.remove(&r.id).unwrap_or_default(),
                    slug: r.slug,
                }
            })
            .collect();
        Ok(result)
    }

    /// Indexes every brief that has no search row yet: briefs stored before search existed.
    /// Runs at start; each brief is checked again inside its write transaction, so with several
    /// instances starting at once (or an import running) a newer row is never overwritten.
    pub(super) async fn index_unindexed(&self) -> Result<u32, sqlx::Error> {
        let (missing, present) = match &*self.pool {
            Backend::Sqlite(_) => (
                "NOT IN (SELECT rowid FROM brief_search)",
                "SELECT EXISTS (SELECT 1 FROM brief_search WHERE rowid = $1)",
            ),
            Backend::Postgres(_) => (
                "NOT IN (SELECT brief_id FROM brief_search)",
                "SELECT EXISTS (SELECT 1 FROM brief_search WHERE brief_id = $1)",
            ),
        };
        let rows: Vec<UnindexedRow> = on!(&*self.pool, c => sqlx::query_as(&format!(
            "SELECT id, title, summary, what_happened_html, take_html, what_to_do_html, who_html, \
             what_changes_html, when_html, watch_for_html, skeptics_html FROM briefs WHERE id {missing}"
        ))
        .fetch_all(c).await)?;
        let mut indexed = 0;
        for row in rows {
            let tags: Vec<String> = on!(&*self.pool, c => sqlx::query_scalar(
                "SELECT tag FROM brief_tags WHERE brief_id = $1 ORDER BY position",
            )
            .bind(row.id)
            .fetch_all(c).await)?;
            let mut tx = self.write().await?;
            // Another instance (or an import) may have indexed it since: its row is newer.
            let indexed_meanwhile: bool = on!(&mut tx.conn(), c => sqlx::query_scalar(present)
                .bind(row.id)
                .fetch_one(&mut **c).await)?;
            if indexed_meanwhile {
                continue;
            }
            let brief = Searchable {
                title: &row.title,
                summary: &row.summary,
                tags: &tags,
                sections: [
                    &row.what_happened_html,
                    &row.take_html,
                    &row.what_to_do_html,
                    &row.who_html,
                    &row.what_changes_html,
                    &row.when_html,
                    &row.watch_for_html,
                    &row.skeptics_html,
                ],
            };
            index_brief(&mut tx, row.id, &brief).await?;
            tx.commit().await?;
            indexed += 1;
        }
        Ok(indexed)
    }
}

/// Writes (or rewrites) brief `id`'s search row inside the caller's transaction.
pub(super) async fn index_brief(
    tx: &mut Tx,
    id: i64,
    brief: &Searchable<'_>,
) -> Result<(), sqlx::Error> {
    let plain = brief
        .sections
        .iter()
        .map(|html| plain_text(html))
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let title = index_text(brief.title);
    let tags = index_text(&brief.tags.join(" "));
    let summary = index_text(brief.summary);
    let body = index_text(&plain);
    match tx.conn() {
        Backend::Sqlite(c) => {
            sqlx::query("DELETE FROM brief_search WHERE rowid = $1")
                .bind(id)
                .execute(&mut *c)
                .await?;
            sqlx::query(
                "INSERT INTO brief_search (rowid, title, tags, summary, body, plain) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&title)
            .bind(&tags)
            .bind(&summary)
            .bind(&body)
            .bind(&plain)
            .execute(&mut *c)
            .await?;
        }
        Backend::Postgres(c) => {
            let document = tsvector([(&title, 'A'), (&tags, 'B'), (&summary, 'C'), (&body, 'D')]);
            sqlx::query(
                "INSERT INTO brief_search (brief_id, title, tags, summary, body, plain, document) \
                 VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS tsvector)) \
                 ON CONFLICT (brief_id) DO UPDATE SET title = excluded.title, tags = excluded.tags, \
                 summary = excluded.summary, body = excluded.body, plain = excluded.plain, \
                 document = excluded.document",
            )
            .bind(id)
            .bind(&title)
            .bind(&tags)
            .bind(&summary)
            .bind(&body)
            .bind(&plain)
            .bind(&document)
            .execute(&mut *c)
            .await?;
        }
    }
    Ok(())
}
