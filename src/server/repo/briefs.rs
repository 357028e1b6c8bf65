//! Brief queries: the feed, one brief with its Cited By list, and the import upsert.

use std::collections::HashMap;

use sqlx::FromRow;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::error::AppError;
use crate::model::follow::Removals;

use crate::model::{
    Brief, BriefLink, BriefSummary, BriefUpdate, BuilderBrief, Category, FeedPage, ReactionCounts,
    ReactionState, ThreadWindow,
};
use crate::server::config::CommentSettings;
use crate::server::content::{ImportReport, ParsedBrief};
use crate::server::readers::ReaderId;
use crate::server::repo::{Store, Tx, comments, on, reactions, search};

#[derive(FromRow)]
pub(super) struct SummaryRow {
    pub(super) id: i64,
    pub(super) slug: String,
    pub(super) title: String,
    pub(super) category: String,
    pub(super) summary: String,
    pub(super) published_at: String,
    pub(super) reading_minutes: i64,
    pub(super) comment_count: i64,
}

#[derive(FromRow)]
struct BriefRow {
    id: i64,
    slug: String,
    title: String,
    category: String,
    summary: String,
    source_name: String,
    source_url: String,
    published_at: String,
    reading_minutes: i64,
    what_happened_html: String,
    take_html: String,
    what_to_do_html: String,
    who_html: String,
    what_changes_html: String,
    when_html: String,
    watch_for_html: String,
    skeptics_html: String,
}

#[derive(FromRow)]
struct LinkRow {
    slug: String,
    title: String,
    category: String,
    published_at: String,
}

/// A brief's correction notes, (when, note) oldest first, as its page shows them.
pub(crate) fn brief_updates(notes: Vec<(String, String)>) -> Vec<BriefUpdate> {
    notes
        .into_iter()
        .map(|(at, note)| BriefUpdate {
            at_label: date_label(&at),
            at,
            note,
        })
        .collect()
}

/// "20 Nov 2026" from a stored RFC 3339 timestamp (or the raw text if it somehow isn't one).
pub(crate) fn date_label(rfc3339: &str) -> String {
    OffsetDateTime::parse(rfc3339, &Rfc3339)
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[day padding:none] [month repr:short] [year]"
            ))
            .ok()
        })
        .unwrap_or_else(|| rfc3339.to_string())
}

/// "20 Nov 2026, 09:30 UTC" from a stored RFC 3339 timestamp.
pub(crate) fn time_label(rfc3339: &str) -> String {
    OffsetDateTime::parse(rfc3339, &Rfc3339)
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[day padding:none] [month repr:short] [year], [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| rfc3339.to_string())
}

/// The feed's filter: published, of category `$1` (or any) and with tag `$2` (or any).
const LISTED: &str = "status = 'published' AND ($1 IS NULL OR category = $1) \
     AND ($2 IS NULL OR EXISTS (SELECT 1 FROM brief_tags t WHERE t.brief_id = briefs.id AND t.tag = $2))";

fn minutes(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(1)
}

impl Store {
    /// Whether a published brief has this slug.
    pub async fn brief_is_published(&self, slug: &str) -> Result<bool, AppError> {
        Ok(on!(&*self.pool, p => sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM briefs WHERE slug = $1 AND status = 'published')",
        )
        .bind(slug)
        .fetch_one(p)
        .await)?)
    }

    pub async fn count_briefs(&self) -> Result<u32, AppError> {
        let count: i64 = on!(&*self.pool, c => sqlx::query_scalar("SELECT COUNT(*) FROM briefs")
            .fetch_one(c).await)?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// One page of the feed, newest first. `page` is 1-based and already range-checked.
    pub async fn list_briefs(
        &self,
        category: Option<Category>,
        tag: Option<&str>,
        page: u32,
        page_size: u32,
    ) -> Result<FeedPage, AppError> {
        let slug = category.as_ref().map(|c| c.slug.as_str());
        let total: i64 = on!(&*self.pool, c => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM briefs WHERE {LISTED}"))
                .bind(slug)
                .bind(tag)
                .fetch_one(c).await)?;
        let rows: Vec<SummaryRow> = on!(&*self.pool, c => sqlx::query_as(&format!(
            "SELECT id, slug, title, category, summary, published_at, reading_minutes, \
             COALESCE((SELECT count FROM comment_counts WHERE brief_id = briefs.id), 0) AS comment_count \
             FROM briefs WHERE {LISTED} \
             ORDER BY published_at DESC, id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(slug)
        .bind(tag)
        .bind(i64::from(page_size))
        .bind(i64::from(page - 1) * i64::from(page_size))
        .fetch_all(c).await)?;
        let mut counts: HashMap<i64, ReactionCounts> = HashMap::new();
        let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
        if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
            // One query each for the page's counts and tags; the page is a contiguous run of
            // (date, id), and anything else in that run is simply not looked up.
            let found: Vec<(i64, String, i64)> = on!(&*self.pool, c => sqlx::query_as(
                "SELECT c.brief_id, c.kind, c.count FROM reaction_counts c \
                 JOIN briefs b ON b.id = c.brief_id \
                 WHERE c.count > 0 AND b.status = 'published' AND ($1 IS NULL OR b.category = $1) \
                 AND (b.published_at, b.id) <= ($2, $3) AND (b.published_at, b.id) >= ($4, $5)",
            )
            .bind(slug)
            .bind(&first.published_at)
            .bind(first.id)
            .bind(&last.published_at)
            .bind(last.id)
            .fetch_all(c).await)?;
            for (brief_id, kind, count) in found {
                counts
                    .entry(brief_id)
                    .or_default()
                    .insert(kind, u32::try_from(count).unwrap_or(0));
            }
            let found: Vec<(i64, String)> = on!(&*self.pool, c => sqlx::query_as(
                "SELECT t.brief_id, t.tag FROM brief_tags t JOIN briefs b ON b.id = t.brief_id \
                 WHERE b.status = 'published' AND ($1 IS NULL OR b.category = $1) \
                 AND (b.published_at, b.id) <= ($2, $3) AND (b.published_at, b.id) >= ($4, $5) \
                 ORDER BY t.brief_id, t.position",
            )
            .bind(slug)
            .bind(&first.published_at)
            .bind(first.id)
            .bind(&last.published_at)
            .bind(last.id)
            .fetch_all(c).await)?;
            for (brief_id, tag) in found {
                tags.entry(brief_id).or_default().push(tag);
            }
        }

        let total_briefs = u32::try_from(total).unwrap_or(u32::MAX);
        Ok(FeedPage {
            briefs: rows
                .into_iter()
                .map(|r| BriefSummary {
                    category: self.category(&r.category),
                    published_label: date_label(&r.published_at),
                    slug: r.slug,
                    title: r.title,
                    summary: r.summary,
                    published_at: r.published_at,
                    reading_minutes: minutes(r.reading_minutes),
                    reactions: counts.remove(&r.id).unwrap_or_default(),
                    comment_count: u32::try_from(r.comment_count).unwrap_or(0),
                    tags: tags.remove(&r.id).unwrap_or_default(),
                })
                .collect(),
            page,
            total_pages: total_briefs.div_ceil(page_size).max(1),
            total_briefs,
            category,
            tag: tag.map(str::to_string),
        })
    }

    /// A whole brief by slug, or `None` if there is none.
    pub async fn get_brief(
        &self,
        slug: &str,
        reader: Option<&ReaderId>,
        rules: &CommentSettings,
        window: ThreadWindow,
    ) -> Result<Option<Brief>, AppError> {
        let Some(row) = on!(&*self.pool, c => sqlx::query_as::<_, BriefRow>(
            "SELECT id, slug, title, category, summary, source_name, source_url, published_at, reading_minutes, \
             what_happened_html, take_html, what_to_do_html, who_html, what_changes_html, when_html, \
             watch_for_html, skeptics_html FROM briefs WHERE slug = $1 AND status = 'published'",
        )
        .bind(slug)
        .fetch_optional(c).await)?
        else {
            return Ok(None);
        };

        let tags: Vec<String> = on!(&*self.pool, c => sqlx::query_scalar("SELECT tag FROM brief_tags WHERE brief_id = $1 ORDER BY position")
                .bind(row.id)
                .fetch_all(c).await)?;
        let updates: Vec<(String, String)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT noted_at, note FROM brief_updates WHERE brief_id = $1 ORDER BY position",
        )
        .bind(row.id)
        .fetch_all(c).await)?;
        let cited_by = self.cited_by(&row.slug).await?;

        let mut pooled = self.acquire().await?;
        let mut conn = pooled.conn();
        let reactions = ReactionState {
            counts: reactions::counts(&mut conn, row.id).await?,
            mine: reactions::mine(&mut conn, row.id, reader).await?,
        };

        let thread = comments::thread(&mut conn, row.id, reader, rules, window).await?;
        let comment_count = comments::count(&mut conn, row.id).await?;

        Ok(Some(Brief {
            reactions,
            comments: thread.comments,
            older_comments: thread.older,
            newer_comments: thread.newer,
            comment_count,
            mine: thread.mine,
            my_name: None,
            comment_key: String::new(),
            replies_to_you: Vec::new(),
            removals: Removals::default(),
            category: self.category(&row.category),
            published_label: date_label(&row.published_at),
            slug: row.slug,
            title: row.title,
            summary: row.summary,
            tags,
            published_at: row.published_at,
            updates: brief_updates(updates),
            reading_minutes: minutes(row.reading_minutes),
            source_name: row.source_name,
            source_url: row.source_url,
            what_happened_html: row.what_happened_html,
            take_html: row.take_html,
            what_to_do_html: row.what_to_do_html,
            builder: BuilderBrief {
                who_html: row.who_html,
                what_changes_html: row.what_changes_html,
                when_html: row.when_html,
                watch_for_html: row.watch_for_html,
            },
            skeptics_html: row.skeptics_html,
            cited_by,
        }))
    }

    /// Inserts or updates every brief by slug, all in one transaction.
    pub async fn upsert_briefs(&self, briefs: &[ParsedBrief]) -> Result<ImportReport, sqlx::Error> {
        let mut report = ImportReport::default();
        let mut tx = self.write().await?;
        for b in briefs {
            match store_brief(&mut tx, b).await? {
                Stored::Created => report.created += 1,
                Stored::Updated => report.updated += 1,
                Stored::Unchanged => report.unchanged += 1,
            }
        }
        tx.commit().await?;
        Ok(report)
    }

    /// The briefs that link to `slug` (other than itself), newest first: its Cited By list.
    pub async fn cited_by(&self, slug: &str) -> Result<Vec<BriefLink>, AppError> {
        let rows: Vec<LinkRow> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT b.slug, b.title, b.category, b.published_at FROM brief_links l \
             JOIN briefs b ON b.id = l.from_brief_id \
             WHERE l.to_slug = $1 AND b.slug != $1 AND b.status = 'published' \
             ORDER BY b.published_at DESC, b.id DESC",
        )
        .bind(slug)
        .fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|l| BriefLink {
                category: self.category(&l.category),
                published_label: date_label(&l.published_at),
                slug: l.slug,
                title: l.title,
            })
            .collect())
    }
}

/// What storing one brief did.
pub(super) enum Stored {
    Created,
    Updated,
    Unchanged,
}

/// Inserts or updates one brief by slug inside the caller's write transaction: its row, tags,
/// correction notes and outgoing links (so Cited By follows every save). The publication
/// status is left as it is.
pub(super) async fn store_brief(tx: &mut Tx, b: &ParsedBrief) -> Result<Stored, sqlx::Error> {
    // A row stored before briefs kept their form (`fields` empty) is rewritten even when its
    // file is unchanged, so it can be reopened in the editor.
    let existing: Option<(String, bool)> = on!(&mut tx.conn(), c => sqlx::query_as(
        "SELECT content_hash, fields = '' FROM briefs WHERE slug = $1",
    )
    .bind(&b.slug)
    .fetch_optional(&mut **c).await)?;
    let created = match existing {
        Some((hash, false)) if hash == b.content_hash => return Ok(Stored::Unchanged),
        Some(_) => false,
        None => true,
    };
    let fields = serde_json::to_string(&b.fields).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let id: i64 = on!(&mut tx.conn(), c => sqlx::query_scalar(
        "INSERT INTO briefs (slug, title, category, summary, source_name, source_url, published_at, \
         reading_minutes, what_happened_html, take_html, what_to_do_html, who_html, what_changes_html, \
         when_html, watch_for_html, skeptics_html, content_hash, fields) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
         ON CONFLICT (slug) DO UPDATE SET title = excluded.title, category = excluded.category, \
         summary = excluded.summary, source_name = excluded.source_name, source_url = excluded.source_url, \
         published_at = excluded.published_at, reading_minutes = excluded.reading_minutes, \
         what_happened_html = excluded.what_happened_html, take_html = excluded.take_html, \
         what_to_do_html = excluded.what_to_do_html, who_html = excluded.who_html, \
         what_changes_html = excluded.what_changes_html, when_html = excluded.when_html, \
         watch_for_html = excluded.watch_for_html, skeptics_html = excluded.skeptics_html, \
         content_hash = excluded.content_hash, fields = excluded.fields \
         RETURNING id",
    )
    .bind(&b.slug)
    .bind(&b.title)
    .bind(&b.category)
    .bind(&b.summary)
    .bind(&b.source_name)
    .bind(&b.source_url)
    .bind(&b.published_at)
    .bind(i64::from(b.reading_minutes))
    .bind(&b.what_happened_html)
    .bind(&b.take_html)
    .bind(&b.what_to_do_html)
    .bind(&b.who_html)
    .bind(&b.what_changes_html)
    .bind(&b.when_html)
    .bind(&b.watch_for_html)
    .bind(&b.skeptics_html)
    .bind(&b.content_hash)
    .bind(&fields)
    .fetch_one(&mut **c).await)?;

    for (table, column) in [
        ("brief_tags", "brief_id"),
        ("brief_updates", "brief_id"),
        ("brief_links", "from_brief_id"),
    ] {
        on!(&mut tx.conn(), c => sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
            .bind(id)
            .execute(&mut **c).await.map(|done| done.rows_affected()))?;
    }
    for (position, tag) in (0_i64..).zip(&b.tags) {
        on!(&mut tx.conn(), c => sqlx::query("INSERT INTO brief_tags (brief_id, position, tag) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(position)
            .bind(tag)
            .execute(&mut **c).await.map(|done| done.rows_affected()))?;
    }
    for (position, (at, note)) in (0_i64..).zip(&b.updates) {
        on!(&mut tx.conn(), c => sqlx::query("INSERT INTO brief_updates (brief_id, position, noted_at, note) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(position)
            .bind(at)
            .bind(note)
            .execute(&mut **c).await.map(|done| done.rows_affected()))?;
    }
    let searchable = search::Searchable {
        title: &b.title,
        summary: &b.summary,
        tags: &b.tags,
        sections: [
            &b.what_happened_html,
            &b.take_html,
            &b.what_to_do_html,
            &b.who_html,
            &b.what_changes_html,
            &b.when_html,
            &b.watch_for_html,
            &b.skeptics_html,
        ],
    };
    search::index_brief(tx, id, &searchable).await?;
    for slug in &b.links {
        on!(&mut tx.conn(), c => sqlx::query("INSERT INTO brief_links (from_brief_id, to_slug) VALUES ($1, $2)")
            .bind(id)
            .bind(slug)
            .execute(&mut **c).await.map(|done| done.rows_affected()))?;
    }
    Ok(if created {
        Stored::Created
    } else {
        Stored::Updated
    })
}
