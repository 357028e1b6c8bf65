//! What the syndication feeds and the sitemap read: the newest published briefs (all, one
//! category's or one tag's) with their Take and tags, and every published brief's address and
//! last change.

use std::collections::HashMap;

use sqlx::FromRow;

use crate::error::AppError;
use crate::model::Category;
use crate::server::repo::{Store, on};

/// One brief as a feed entry carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    pub slug: String,
    pub title: String,
    pub category: Category,
    pub summary: String,
    /// Sanitised HTML.
    pub take_html: String,
    /// RFC 3339, UTC.
    pub published_at: String,
    /// The latest correction note's time, or the publication time.
    pub updated_at: String,
    pub tags: Vec<String>,
}

#[derive(FromRow)]
struct EntryRow {
    id: i64,
    slug: String,
    title: String,
    category: String,
    summary: String,
    take_html: String,
    published_at: String,
    updated_at: String,
}

/// The published briefs a feed shows, newest first: `$1` a category or NULL, `$2` a tag or
/// NULL, `$3` how many.
const NEWEST: &str = "SELECT id FROM briefs b WHERE status = 'published' \
     AND ($1 IS NULL OR category = $1) \
     AND ($2 IS NULL OR EXISTS (SELECT 1 FROM brief_tags t WHERE t.brief_id = b.id AND t.tag = $2)) \
     ORDER BY published_at DESC, id DESC LIMIT $3";

impl Store {
    /// The newest `limit` published briefs, of one category or tag if given.
    pub async fn feed_entries(
        &self,
        category: Option<&str>,
        tag: Option<&str>,
        limit: u32,
    ) -> Result<Vec<FeedEntry>, AppError> {
        let rows: Vec<EntryRow> = on!(&*self.pool, c => sqlx::query_as(&format!(
            "SELECT b.id, b.slug, b.title, b.category, b.summary, b.take_html, b.published_at, \
             COALESCE((SELECT MAX(noted_at) FROM brief_updates u WHERE u.brief_id = b.id), \
             b.published_at) AS updated_at \
             FROM briefs b JOIN ({NEWEST}) AS f ON f.id = b.id \
             ORDER BY b.published_at DESC, b.id DESC"
        ))
        .bind(category)
        .bind(tag)
        .bind(i64::from(limit))
        .fetch_all(c).await)?;
        // The same selection's tags in one query, in each brief's order.
        let tags: Vec<(i64, String)> = on!(&*self.pool, c => sqlx::query_as(&format!(
            "SELECT t.brief_id, t.tag FROM brief_tags t JOIN ({NEWEST}) AS f ON f.id = t.brief_id \
             ORDER BY t.brief_id, t.position"
        ))
        .bind(category)
        .bind(tag)
        .bind(i64::from(limit))
        .fetch_all(c).await)?;
        let mut by_brief: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, tag) in tags {
            by_brief.entry(id).or_default().push(tag);
        }
        Ok(rows
            .into_iter()
            .map(|r| FeedEntry {
                tags: by_brief.remove(&r.id).unwrap_or_default(),
                category: self.category(&r.category),
                slug: r.slug,
                title: r.title,
                summary: r.summary,
                take_html: r.take_html,
                // A note older than the brief (an imported file's) never moves it back.
                updated_at: r.updated_at.max(r.published_at.clone()),
                published_at: r.published_at,
            })
            .collect())
    }

    /// Whether any published brief carries `tag`.
    pub async fn tag_in_use(&self, tag: &str) -> Result<bool, AppError> {
        let found: Option<i64> = on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT t.brief_id FROM brief_tags t JOIN briefs b ON b.id = t.brief_id \
             WHERE t.tag = $1 AND b.status = 'published' LIMIT 1",
        )
        .bind(tag)
        .fetch_optional(c).await)?;
        Ok(found.is_some())
    }

    /// Every published brief's slug and last change (RFC 3339), newest first: the sitemap.
    pub async fn sitemap_briefs(&self) -> Result<Vec<(String, String)>, AppError> {
        let rows: Vec<(String, String, String)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT b.slug, b.published_at, \
             COALESCE((SELECT MAX(noted_at) FROM brief_updates u WHERE u.brief_id = b.id), \
             b.published_at) FROM briefs b WHERE b.status = 'published' \
             ORDER BY b.published_at DESC, b.id DESC",
        )
        .fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|(slug, published, updated)| (slug, updated.max(published)))
            .collect())
    }
}
