//! The desk's brief list: every brief, searchable by words in its title, summary or slug and
//! filterable by category, newest first, with what waits for moderation.

use sqlx::FromRow;

use crate::error::AppError;
use crate::model::Category;
use crate::model::desk::{DeskBrief, DeskBriefPage};
use crate::server::repo::{Store, date_label, on};

#[derive(FromRow)]
struct DeskRow {
    slug: String,
    title: String,
    category: String,
    published_at: String,
    comment_count: i64,
    held_count: i64,
}

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
             AND ($5 IS NULL OR LOWER(title || ' ' || summary || ' ' || slug) LIKE $5 ESCAPE '\\')";
        let count_sql = format!("SELECT COUNT(*) FROM briefs WHERE {filter}");
        let total: i64 = on!(&*self.pool, c => sqlx::query_scalar(&count_sql)
            .bind(&slug)
            .bind(word(0))
            .bind(word(1))
            .bind(word(2))
            .bind(word(3))
            .fetch_one(c).await)?;
        let list_sql = format!(
            "SELECT slug, title, category, published_at, \
             COALESCE((SELECT count FROM comment_counts WHERE brief_id = briefs.id), 0) AS comment_count, \
             (SELECT COUNT(*) FROM comments WHERE brief_id = briefs.id AND status = 'held') AS held_count \
             FROM briefs WHERE {filter} \
             ORDER BY published_at DESC, id DESC LIMIT $6 OFFSET $7"
        );
        let rows: Vec<DeskRow> = on!(&*self.pool, c => sqlx::query_as(&list_sql)
            .bind(&slug)
            .bind(word(0))
            .bind(word(1))
            .bind(word(2))
            .bind(word(3))
            .bind(i64::from(page_size))
            .bind(i64::from(page - 1) * i64::from(page_size))
            .fetch_all(c).await)?;
        let total = u32::try_from(total).unwrap_or(u32::MAX);
        Ok(DeskBriefPage {
            briefs: rows
                .into_iter()
                .map(|r| DeskBrief {
                    category: self.category(&r.category),
                    published_label: date_label(&r.published_at),
                    slug: r.slug,
                    title: r.title,
                    published_at: r.published_at,
                    comment_count: u32::try_from(r.comment_count).unwrap_or(0),
                    held_count: u32::try_from(r.held_count).unwrap_or(0),
                })
                .collect(),
            page,
            total_pages: total.div_ceil(page_size).max(1),
            total,
            query: query.to_string(),
            category,
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
