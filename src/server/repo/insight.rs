//! What insight reads and writes (see migrations/sqlite/0021_page_views.sql): page views added
//! in batches per instance, and per-day sums of views, reactions and comments (and the day's
//! "reading now" peak), for the whole site and per brief.

use std::collections::BTreeMap;

use crate::error::AppError;
use crate::model::insight::{InsightDay, TopBrief};
use crate::server::repo::{Store, on};

/// Turns a count from the database into one for the page. (Sums are cast to BIGINT in SQL:
/// PostgreSQL's SUM of a BIGINT is NUMERIC.)
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// Adds `counts` (brief slug, views) to day `day` (`YYYY-MM-DD`) under `instance`, in one
    /// transaction. Slugs of no brief are left out.
    pub async fn add_page_views(
        &self,
        day: &str,
        instance: &str,
        counts: &[(String, u64)],
    ) -> Result<(), AppError> {
        let mut tx = self.write().await?;
        for (slug, views) in counts {
            let views = i64::try_from(*views).unwrap_or(i64::MAX);
            on!(&mut tx.conn(), c => sqlx::query(
                "INSERT INTO page_views (day, brief_id, instance, views) \
                 SELECT $1, id, $3, $4 FROM briefs WHERE slug = $2 \
                 ON CONFLICT (day, brief_id, instance) DO UPDATE \
                 SET views = page_views.views + excluded.views",
            )
            .bind(day)
            .bind(slug)
            .bind(instance)
            .bind(views)
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Views, reactions and comments per day from `from` (`YYYY-MM-DD`) on, every instance
    /// summed; days without any are left out.
    pub async fn site_days(&self, from: &str) -> Result<Vec<InsightDay>, AppError> {
        let views: Vec<(String, i64)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT day, CAST(SUM(views) AS BIGINT) FROM page_views WHERE day >= $1 GROUP BY day",
        )
        .bind(from)
        .fetch_all(c).await)?;
        let reactions: Vec<(String, i64)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT SUBSTR(created_at, 1, 10) AS day, COUNT(*) FROM reactions \
             WHERE created_at >= $1 GROUP BY SUBSTR(created_at, 1, 10)",
        )
        .bind(from)
        .fetch_all(c).await)?;
        let comments: Vec<(String, i64)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT SUBSTR(created_at, 1, 10) AS day, COUNT(*) FROM comments \
             WHERE created_at >= $1 AND status = 'visible' AND deleted_at IS NULL \
             GROUP BY SUBSTR(created_at, 1, 10)",
        )
        .bind(from)
        .fetch_all(c).await)?;
        let peaks: Vec<(String, i64)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT day, peak FROM reading_peaks WHERE day >= $1",
        )
        .bind(from)
        .fetch_all(c).await)?;
        let mut days: BTreeMap<String, InsightDay> = BTreeMap::new();
        fn day(days: &mut BTreeMap<String, InsightDay>, d: String) -> &mut InsightDay {
            days.entry(d.clone()).or_insert(InsightDay {
                day: d,
                views: 0,
                reactions: 0,
                comments: 0,
                reading_peak: 0,
            })
        }
        for (d, n) in views {
            day(&mut days, d).views = count(n);
        }
        for (d, n) in reactions {
            day(&mut days, d).reactions = count(n);
        }
        for (d, n) in comments {
            day(&mut days, d).comments = count(n);
        }
        for (d, n) in peaks {
            day(&mut days, d).reading_peak = count(n);
        }
        Ok(days.into_values().collect())
    }

    /// The `limit` most viewed published briefs from `from` (`YYYY-MM-DD`) on, with their
    /// reactions and comments of the same days.
    pub async fn top_briefs(&self, from: &str, limit: u32) -> Result<Vec<TopBrief>, AppError> {
        let rows: Vec<(String, String, i64, i64, i64)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT b.slug, b.title, \
             CAST(COALESCE((SELECT SUM(v.views) FROM page_views v \
             WHERE v.brief_id = b.id AND v.day >= $1), 0) AS BIGINT) AS views, \
             (SELECT COUNT(*) FROM reactions r WHERE r.brief_id = b.id AND r.created_at >= $1) AS reactions, \
             (SELECT COUNT(*) FROM comments m WHERE m.brief_id = b.id AND m.created_at >= $1 \
              AND m.status = 'visible' AND m.deleted_at IS NULL) AS comments \
             FROM briefs b WHERE b.status = 'published' \
             ORDER BY views DESC, comments DESC, reactions DESC, b.published_at DESC LIMIT $2",
        )
        .bind(from)
        .bind(i64::from(limit))
        .fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .filter(|(_, _, views, reactions, comments)| views + reactions + comments > 0)
            .map(|(slug, title, views, reactions, comments)| TopBrief {
                slug,
                title,
                views: count(views),
                reactions: count(reactions),
                comments: count(comments),
            })
            .collect())
    }

    /// Views per brief (by slug) per day from `from` (`YYYY-MM-DD`) on, every instance summed.
    pub async fn brief_views_by_day(
        &self,
        from: &str,
    ) -> Result<Vec<(String, String, u64)>, AppError> {
        let rows: Vec<(String, String, i64)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT b.slug, v.day, CAST(SUM(v.views) AS BIGINT) FROM page_views v \
             JOIN briefs b ON b.id = v.brief_id WHERE v.day >= $1 GROUP BY b.slug, v.day",
        )
        .bind(from)
        .fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|(slug, day, n)| (slug, day, count(n)))
            .collect())
    }

    /// When addresses confirmed, when they unsubscribed, and when digests were delivered,
    /// from `from` (RFC 3339) on.
    pub async fn newsletter_times(&self, from: &str) -> Result<NewsletterTimes, AppError> {
        let confirmed: Vec<String> = on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT confirmed_at FROM subscribers WHERE confirmed_at >= $1",
        )
        .bind(from)
        .fetch_all(c).await)?;
        let unsubscribed: Vec<String> = on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT unsubscribed_at FROM subscribers WHERE unsubscribed_at >= $1",
        )
        .bind(from)
        .fetch_all(c).await)?;
        let digests: Vec<String> = on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT sent_at FROM mail_outbox WHERE kind = 'digest' AND sent_at >= $1",
        )
        .bind(from)
        .fetch_all(c).await)?;
        Ok(NewsletterTimes {
            confirmed,
            unsubscribed,
            digests,
        })
    }
}

/// The newsletter's moments since some time, each list as RFC 3339 times.
#[derive(Debug, Clone, Default)]
pub struct NewsletterTimes {
    pub confirmed: Vec<String>,
    pub unsubscribed: Vec<String>,
    pub digests: Vec<String>,
}
