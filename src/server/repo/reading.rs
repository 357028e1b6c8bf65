//! "Reading now": how many open pages show each brief, counted per instance in the `presence`
//! table (migration 0016; the table keeps its first name): each instance reports its own
//! counts, and every instance reads the totals; the day's peak of the site's total is kept
//! for insight (`reading_peaks`, migration 0022).

use std::collections::HashMap;

use crate::error::AppError;
use crate::server::repo::{Store, on};

impl Store {
    /// Replaces `instance`'s counts with `counts` (brief slug → open connections), stamped
    /// `now`; rows older than `stale` (anyone's: instances that died) are cleared on the way.
    pub async fn report_reading(
        &self,
        instance: &str,
        counts: &HashMap<String, u32>,
        now: &str,
        stale: &str,
    ) -> Result<(), AppError> {
        let mut tx = self.write().await?;
        on!(&mut tx.conn(), c => sqlx::query("DELETE FROM presence WHERE instance = $1 OR seen_at < $2")
            .bind(instance)
            .bind(stale)
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
        for (slug, readers) in counts.iter().filter(|(_, n)| **n > 0) {
            on!(&mut tx.conn(), c => sqlx::query(
                "INSERT INTO presence (instance, slug, readers, seen_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(instance)
            .bind(slug)
            .bind(i64::from(*readers))
            .bind(now)
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Open connections per brief over every instance that reported after `fresh_after`.
    pub async fn reading_totals(
        &self,
        fresh_after: &str,
    ) -> Result<HashMap<String, u32>, AppError> {
        let rows: Vec<(String, i64)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT slug, CAST(SUM(readers) AS BIGINT) FROM presence WHERE seen_at > $1 GROUP BY slug",
        )
        .bind(fresh_after)
        .fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|(slug, n)| (slug, u32::try_from(n).unwrap_or(u32::MAX)))
            .collect())
    }

    /// Raises day `day`'s (`YYYY-MM-DD`) peak of pages open at once to `total`, if higher.
    pub async fn record_reading_peak(&self, day: &str, total: u32) -> Result<(), AppError> {
        let mut tx = self.write().await?;
        on!(&mut tx.conn(), c => sqlx::query(
            "INSERT INTO reading_peaks (day, peak) VALUES ($1, $2) ON CONFLICT (day) DO UPDATE \
             SET peak = CASE WHEN excluded.peak > reading_peaks.peak THEN excluded.peak \
             ELSE reading_peaks.peak END",
        )
        .bind(day)
        .bind(i64::from(total))
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes `instance`'s counts (it is stopping).
    pub async fn forget_reading(&self, instance: &str) -> Result<(), AppError> {
        on!(&*self.pool, c => sqlx::query("DELETE FROM presence WHERE instance = $1")
            .bind(instance)
            .execute(c).await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }
}
