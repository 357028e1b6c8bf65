//! What the syndication feeds and the sitemap read: the newest published briefs (all, one
//! category's or one tag's) with their Take and tags, every published brief's address and
//! last change, and one brief's own feeds: its visible comments, and its correction notes.

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

/// One brief, as its own feeds (comments, updates) head it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct StoryHead {
    #[sqlx(rename = "id")]
    pub brief_id: i64,
    pub title: String,
    pub summary: String,
    /// RFC 3339, UTC.
    pub published_at: String,
}

/// One comment everyone may read, as a brief's comment feed carries it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CommentEntry {
    pub id: i64,
    /// Plain text.
    pub author_name: String,
    /// Sanitised when it was written.
    pub body_html: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub edited_at: Option<String>,
}

/// One correction note on a brief ("Updated …").
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct UpdateEntry {
    /// Its place in the brief's trail, from 0.
    pub position: i64,
    /// RFC 3339, UTC.
    pub noted_at: String,
    /// One line of text.
    pub note: String,
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

    /// Published brief `slug`, as its own feeds head it; `None` if there is none.
    pub async fn story_head(&self, slug: &str) -> Result<Option<StoryHead>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT id, title, summary, published_at FROM briefs \
             WHERE slug = $1 AND status = 'published'",
        )
        .bind(slug)
        .fetch_optional(c).await)?)
    }

    /// The newest `limit` comments everyone may read on brief `brief_id`, newest first: none
    /// held, taken down or deleted.
    pub async fn comment_entries(
        &self,
        brief_id: i64,
        limit: u32,
    ) -> Result<Vec<CommentEntry>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT id, author_name, body_html, created_at, edited_at FROM comments \
             WHERE brief_id = $1 AND status = 'visible' AND deleted_at IS NULL \
             ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(brief_id)
        .bind(i64::from(limit))
        .fetch_all(c).await)?)
    }

    /// Brief `brief_id`'s correction notes, newest first.
    pub async fn update_entries(&self, brief_id: i64) -> Result<Vec<UpdateEntry>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT position, noted_at, note FROM brief_updates WHERE brief_id = $1 \
             ORDER BY position DESC",
        )
        .bind(brief_id)
        .fetch_all(c).await)?)
    }
}
