//! Digest issues and their items (see migrations/sqlite/0007_digest.sql). Queueing an issue's
//! messages goes through the mail outbox, whose unique dedupe key makes it exactly once.

use sqlx::FromRow;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::{DigestIssue, DigestItem, DigestSummary};
use crate::server::repo::newsletter::enqueue;
use crate::server::repo::{Outgoing, Store, on, stamp};

/// A brief as a digest carries it (before an issue exists).
#[derive(Debug, Clone, FromRow)]
pub struct DigestBrief {
    pub slug: String,
    pub title: String,
    pub category: String,
    pub summary: String,
    pub take_html: String,
    pub published_at: String,
}

/// A stored issue, for the sender.
#[derive(Debug, Clone, FromRow)]
pub struct StoredIssue {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub period_end: String,
    pub queued_at: Option<String>,
}

#[derive(FromRow)]
struct SummaryRow {
    slug: String,
    title: String,
    created_at: String,
    brief_count: i64,
}

impl SummaryRow {
    fn into_summary(self) -> DigestSummary {
        DigestSummary {
            created_label: super::briefs::date_label(&self.created_at),
            slug: self.slug,
            title: self.title,
            created_at: self.created_at,
            brief_count: u32::try_from(self.brief_count).unwrap_or(0),
        }
    }
}

const SUMMARY: &str = "SELECT i.slug, i.title, i.created_at, \
     (SELECT COUNT(*) FROM digest_items d WHERE d.issue_id = i.id) AS brief_count \
     FROM digest_issues i";

impl Store {
    /// Where the next issue starts: the end of the latest one, if any.
    pub async fn last_digest_end(&self) -> Result<Option<String>, AppError> {
        Ok(
            on!(&*self.pool, c => sqlx::query_scalar("SELECT MAX(period_end) FROM digest_issues")
                .fetch_one(c).await)?,
        )
    }

    /// Where digests begin: the start of the first issue, if any.
    pub async fn first_digest_start(&self) -> Result<Option<String>, AppError> {
        Ok(
            on!(&*self.pool, c => sqlx::query_scalar("SELECT MIN(period_start) FROM digest_issues")
                .fetch_one(c).await)?,
        )
    }

    /// Briefs published in (`after`, `until`] that no issue has carried yet, oldest first. A
    /// brief imported after the issue of its week went out is not lost: it joins the next one.
    pub async fn briefs_for_digest(
        &self,
        after: &str,
        until: &str,
    ) -> Result<Vec<DigestBrief>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT slug, title, category, summary, take_html, published_at FROM briefs \
             WHERE status = 'published' AND published_at > $1 AND published_at <= $2 \
             AND slug NOT IN (SELECT brief_slug FROM digest_items) ORDER BY published_at, id",
        )
        .bind(after)
        .bind(until)
        .fetch_all(c).await)?)
    }

    /// The issue with this slug, if it exists.
    pub async fn digest_issue(&self, slug: &str) -> Result<Option<StoredIssue>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT id, slug, title, period_end, queued_at FROM digest_issues WHERE slug = $1",
        )
        .bind(slug)
        .fetch_optional(c).await)?)
    }

    /// Stores a new issue with its items; if one with this slug exists already (another
    /// instance, or the schedule firing twice), that one is returned unchanged.
    pub async fn create_digest_issue(
        &self,
        slug: &str,
        title: &str,
        period: (&str, &str),
        briefs: &[DigestBrief],
    ) -> Result<StoredIssue, AppError> {
        let mut tx = self.write().await?;
        let inserted: Option<i64> = on!(&mut tx.conn(), c => sqlx::query_scalar(
            "INSERT INTO digest_issues (slug, title, period_start, period_end, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING RETURNING id",
        )
        .bind(slug)
        .bind(title)
        .bind(period.0)
        .bind(period.1)
        .bind(stamp(OffsetDateTime::now_utc()))
        .fetch_optional(&mut **c).await)?;
        if let Some(id) = inserted {
            for (position, brief) in briefs.iter().enumerate() {
                on!(&mut tx.conn(), c => sqlx::query(
                    "INSERT INTO digest_items (issue_id, position, brief_slug, title, category, \
                     summary, take_html, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id)
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .bind(&brief.slug)
                .bind(&brief.title)
                .bind(&brief.category)
                .bind(&brief.summary)
                .bind(&brief.take_html)
                .bind(&brief.published_at)
                .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
            }
        }
        let issue = on!(&mut tx.conn(), c => sqlx::query_as(
            "SELECT id, slug, title, period_end, queued_at FROM digest_issues WHERE slug = $1",
        )
        .bind(slug)
        .fetch_one(&mut **c).await)?;
        tx.commit().await?;
        Ok(issue)
    }

    /// Confirmed subscribers after `after` (by id), at most `limit`: (id, address).
    pub async fn confirmed_subscribers(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<(i64, String)>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT id, email FROM subscribers WHERE status = 'confirmed' AND id > $1 \
             ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(c).await)?)
    }

    /// Queues one batch of an issue's messages in one transaction; already queued ones
    /// (same dedupe key) are skipped.
    pub async fn queue_digest_batch(&self, mails: &[Outgoing]) -> Result<(), AppError> {
        let mut tx = self.begin().await?;
        for mail in mails {
            enqueue(&mut tx.conn(), mail).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Marks an issue's queueing finished.
    pub async fn digest_queued(&self, id: i64) -> Result<(), AppError> {
        on!(&*self.pool, c => sqlx::query("UPDATE digest_issues SET queued_at = $2 WHERE id = $1 AND queued_at IS NULL")
            .bind(id)
            .bind(stamp(OffsetDateTime::now_utc()))
            .execute(c).await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Every issue, newest first.
    pub async fn list_digests(&self) -> Result<Vec<DigestSummary>, AppError> {
        let rows: Vec<SummaryRow> = on!(&*self.pool, c => sqlx::query_as(&format!("{SUMMARY} ORDER BY i.id DESC"))
            .fetch_all(c).await)?;
        Ok(rows.into_iter().map(SummaryRow::into_summary).collect())
    }

    /// One issue with its briefs, for the archive page.
    pub async fn get_digest(&self, slug: &str) -> Result<Option<DigestIssue>, AppError> {
        let Some(row) = on!(&*self.pool, c => sqlx::query_as::<_, SummaryRow>(&format!("{SUMMARY} WHERE i.slug = $1"))
            .bind(slug)
            .fetch_optional(c).await)?
        else {
            return Ok(None);
        };
        let items: Vec<DigestBrief> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT d.brief_slug AS slug, d.title, d.category, d.summary, d.take_html, d.published_at \
             FROM digest_items d JOIN digest_issues i ON i.id = d.issue_id \
             WHERE i.slug = $1 ORDER BY d.position",
        )
        .bind(slug)
        .fetch_all(c).await)?;
        Ok(Some(DigestIssue {
            summary: row.into_summary(),
            items: items
                .into_iter()
                .map(|b| DigestItem {
                    category: self.category(&b.category),
                    published_label: super::briefs::date_label(&b.published_at),
                    slug: b.slug,
                    title: b.title,
                    summary: b.summary,
                    take_html: b.take_html,
                })
                .collect(),
        }))
    }
}
