//! The desk's brief list: every draft and stored brief, searchable by words in its title,
//! summary or slug and filterable by category and status; drafts first, then what is
//! scheduled, then the rest newest first, with what waits for moderation.

use sqlx::FromRow;

use crate::error::AppError;
use crate::model::Category;
use crate::model::desk::{DeskBrief, DeskBriefPage, DeskStatus};
use crate::server::repo::briefs::time_label;
use crate::server::repo::{Store, on};

#[derive(FromRow)]
struct DeskRow {
    kind: String,
    id: i64,
    slug: String,
    title: String,
    category: String,
    at: String,
    comment_count: i64,
    held_count: i64,
    problem: Option<String>,
}

/// Drafts and stored briefs as one list, with the same columns.
const LISTED: &str = "(SELECT CASE WHEN publish_at IS NULL THEN 'draft' ELSE 'scheduled' END AS kind, \
     id, slug, title, category, '' AS summary, COALESCE(publish_at, updated_at) AS at, \
     0 AS comment_count, 0 AS held_count, problem, \
     CASE WHEN publish_at IS NULL THEN 0 ELSE 1 END AS rank FROM drafts \
     UNION ALL \
     SELECT status, id, slug, title, category, summary, published_at, \
     COALESCE((SELECT count FROM comment_counts WHERE brief_id = briefs.id), 0), \
     (SELECT COUNT(*) FROM comments WHERE brief_id = briefs.id AND status = 'held'), \
     NULL, 2 FROM briefs) AS listed";

/// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and the escape itself escaped.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl Store {
    /// One page of the desk's list. `query` is trimmed and bounded by the caller; empty means
    /// every brief. Every word must appear (in any of the fields).
    pub async fn desk_briefs(
        &self,
        query: &str,
        category: Option<Category>,
        status: Option<DeskStatus>,
        page: u32,
        page_size: u32,
    ) -> Result<DeskBriefPage, AppError> {
        // Up to four words, each ANDed; LOWER on both sides so both backends ignore case.
        let words: Vec<String> = query
            .split_whitespace()
            .take(4)
            .map(contains_pattern)
            .collect();
        let word = |i: usize| words.get(i).cloned();
        let slug = category.as_ref().map(|c| c.slug.clone());
        let filter = "($1 IS NULL OR category = $1) \
             AND ($2 IS NULL OR LOWER(title || ' ' || summary || ' ' || slug) LIKE $2 ESCAPE '\\') \
             AND ($3 IS NULL OR LOWER(title || ' ' || summary || ' ' || slug) LIKE $3 ESCAPE '\\') \
             AND ($4 IS NULL OR LOWER(title || ' ' || summary || ' ' || slug) LIKE $4 ESCAPE '\\') \
             AND ($5 IS NULL OR LOWER(title || ' ' || summary || ' ' || slug) LIKE $5 ESCAPE '\\') \
             AND ($6 IS NULL OR kind = $6)";
        let kind = status.map(DeskStatus::as_str);
        let count_sql = format!("SELECT COUNT(*) FROM {LISTED} WHERE {filter}");
        let total: i64 = on!(&*self.pool, c => sqlx::query_scalar(&count_sql)
            .bind(&slug)
            .bind(word(0))
            .bind(word(1))
            .bind(word(2))
            .bind(word(3))
            .bind(kind)
            .fetch_one(c).await)?;
        let list_sql = format!(
            "SELECT kind, id, slug, title, category, at, comment_count, held_count, problem \
             FROM {LISTED} WHERE {filter} ORDER BY rank, at DESC, id DESC LIMIT $7 OFFSET $8"
        );
        let rows: Vec<DeskRow> = on!(&*self.pool, c => sqlx::query_as(&list_sql)
            .bind(&slug)
            .bind(word(0))
            .bind(word(1))
            .bind(word(2))
            .bind(word(3))
            .bind(kind)
            .bind(i64::from(page_size))
            .bind(i64::from(page - 1) * i64::from(page_size))
            .fetch_all(c).await)?;
        let total = u32::try_from(total).unwrap_or(u32::MAX);
        Ok(DeskBriefPage {
            briefs: rows
                .into_iter()
                .map(|r| {
                    let status = DeskStatus::parse(&r.kind).unwrap_or(DeskStatus::Draft);
                    let drafted = matches!(status, DeskStatus::Draft | DeskStatus::Scheduled);
                    DeskBrief {
                        status,
                        draft_id: if drafted { r.id } else { 0 },
                        category: self.category(&r.category),
                        at_label: time_label(&r.at),
                        at: r.at,
                        slug: r.slug,
                        title: r.title,
                        comment_count: u32::try_from(r.comment_count).unwrap_or(0),
                        held_count: u32::try_from(r.held_count).unwrap_or(0),
                        problem: r.problem,
                        trend: None,
                    }
                })
                .collect(),
            page,
            total_pages: total.div_ceil(page_size).max(1),
            total,
            query: query.to_string(),
            category,
            status,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn like_wildcards_are_taken_literally() {
        assert_eq!(contains_pattern("GPU"), "%gpu%");
        assert_eq!(contains_pattern("100%_\\"), "%100\\%\\_\\\\%");
    }
}
