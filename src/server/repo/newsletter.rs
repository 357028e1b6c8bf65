//! Newsletter subscribers, confirmation tokens and the outgoing mail queue (see
//! migrations/sqlite/0006_newsletter.sql). Every change that sends mail queues it in the same
//! transaction, so a change is never acknowledged without its mail, and mail never leaves for a
//! change that was rolled back.

use sqlx::FromRow;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::error::AppError;
use crate::model::SubscriberStatus;
use crate::model::my_data::SubscriberData;
use crate::server::repo::{Conn, Store, on, stamp};

/// A composed message, ready to queue.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Queueing the same key twice is a no-op.
    pub dedupe_key: String,
    /// What it is ("confirm", "digest"), for logs.
    pub kind: &'static str,
    pub sender: String,
    pub recipient: String,
    /// The whole RFC 5322 message.
    pub message: Vec<u8>,
    /// The follow it is about, if any (stopping or forgetting it finds its mail by this).
    pub follow: Option<i64>,
}

/// A queued message due to be sent.
#[derive(Debug, Clone, FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub kind: String,
    pub sender: String,
    pub recipient: String,
    pub message: Vec<u8>,
    pub attempts: i64,
}

/// What a sign-up did. Only logs and tests see this: the reader gets the same answer always.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subscribed {
    /// A confirmation email was queued.
    ConfirmationQueued,
    /// Already confirmed: nothing to do.
    AlreadyConfirmed,
    /// This address has had its share of confirmation emails today.
    DailyCapReached,
}

/// What following a confirmation link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    Confirmed,
    Expired,
    Used,
    Unknown,
}

/// What a confirmation token is worth right now (for the page that shows the button).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Valid,
    Expired,
    Used,
    Unknown,
}

/// How long a confirmation link works.
pub const CONFIRMATION_VALID: Duration = Duration::hours(48);

pub(super) async fn enqueue(conn: &mut Conn<'_>, mail: &Outgoing) -> Result<(), sqlx::Error> {
    let now = stamp(OffsetDateTime::now_utc());
    on!(conn, c => sqlx::query(
        "INSERT INTO mail_outbox (dedupe_key, kind, sender, recipient, message, created_at, \
         next_attempt_at, follow_id) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(&mail.dedupe_key)
    .bind(mail.kind)
    .bind(&mail.sender)
    .bind(&mail.recipient)
    .bind(&mail.message)
    .bind(now)
    .bind(mail.follow)
    .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
    Ok(())
}

/// Confirmation mails sent to `mailbox` in the last day, the newsletter's and every follow's
/// (the `confirmation_log`, which no erase shortens).
pub(super) async fn confirmations_today(
    conn: &mut Conn<'_>,
    mailbox: &str,
) -> Result<i64, sqlx::Error> {
    let day_ago = stamp(OffsetDateTime::now_utc() - Duration::days(1));
    on!(conn, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM confirmation_log WHERE mailbox_key = $1 AND at > $2",
    )
    .bind(mailbox)
    .bind(day_ago)
    .fetch_one(&mut **c).await)
}

/// Records a confirmation mail to `mailbox`, for [`confirmations_today`].
pub(super) async fn log_confirmation(
    conn: &mut Conn<'_>,
    mailbox: &str,
) -> Result<(), sqlx::Error> {
    on!(conn, c => sqlx::query("INSERT INTO confirmation_log (mailbox_key, at) VALUES ($1, $2)")
        .bind(mailbox)
        .bind(stamp(OffsetDateTime::now_utc()))
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
    Ok(())
}

/// One address on the list.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Subscriber {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub status: SubscriberStatus,
}

impl Store {
    /// Signs `email` up (or again, after unsubscribing) and queues `confirmation` — which
    /// carries the token whose hash is `token_hash` — unless the address is already confirmed
    /// or has had `per_day` confirmation emails in the last 24 hours.
    pub async fn subscribe(
        &self,
        email: &str,
        consent_version: &str,
        token_hash: &str,
        per_day: u32,
        confirmation: &Outgoing,
    ) -> Result<Subscribed, AppError> {
        let now = OffsetDateTime::now_utc();
        let key = email.to_lowercase();
        let mailbox = crate::model::mailbox_key(email);
        let mut tx = self.write().await?;
        let existing: Option<Subscriber> = on!(&mut tx.conn(), c => sqlx::query_as("SELECT id, status FROM subscribers WHERE email_key = $1")
                .bind(&key)
                .fetch_optional(&mut **c).await)?;
        // Confirmations sent to this mailbox under any spelling of it in the last day, for
        // the newsletter or a follow.
        let sent_today = confirmations_today(&mut tx.conn(), &mailbox).await?;
        let capped = sent_today >= i64::from(per_day);
        // Every path below writes and commits (each commit waits for the disk), so how long the
        // answer takes does not tell whether the address was already confirmed.
        let id = match existing {
            Some(Subscriber {
                id,
                status: SubscriberStatus::Confirmed,
            }) => {
                on!(&mut tx.conn(), c => sqlx::query("UPDATE subscribers SET email_key = email_key WHERE id = $1")
                    .bind(id)
                    .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
                tx.commit().await?;
                return Ok(Subscribed::AlreadyConfirmed);
            }
            Some(Subscriber { id, .. }) => {
                // Waiting or coming back: a fresh consent (which also restarts the purge
                // clock), confirmed again before any newsletter.
                on!(&mut tx.conn(), c => sqlx::query(
                    "UPDATE subscribers SET status = 'pending', email = $2, consent_at = $3, \
                     consent_version = $4, confirmed_at = NULL, unsubscribed_at = NULL, \
                     mailbox_key = $5 WHERE id = $1",
                )
                .bind(id)
                .bind(email)
                .bind(stamp(now))
                .bind(consent_version)
                .bind(&mailbox)
                .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
                if capped {
                    tx.commit().await?;
                    return Ok(Subscribed::DailyCapReached);
                }
                id
            }
            None if capped => {
                // A new spelling of a mailbox that has had its day's confirmations: nothing
                // is kept (no consent was given by the mailbox's owner).
                on!(&mut tx.conn(), c => sqlx::query("UPDATE subscribers SET email_key = email_key WHERE mailbox_key = $1")
                    .bind(&mailbox)
                    .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
                tx.commit().await?;
                return Ok(Subscribed::DailyCapReached);
            }
            None => on!(&mut tx.conn(), c => sqlx::query_scalar(
                "INSERT INTO subscribers (email, email_key, status, consent_at, consent_version, mailbox_key) \
                     VALUES ($1, $2, 'pending', $3, $4, $5) RETURNING id",
            )
            .bind(email)
            .bind(&key)
            .bind(stamp(now))
            .bind(consent_version)
            .bind(&mailbox)
            .fetch_one(&mut **c).await)?,
        };
        on!(&mut tx.conn(), c => sqlx::query(
            "INSERT INTO subscription_tokens (token_hash, subscriber_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(id)
        .bind(stamp(now))
        .bind(stamp(now + CONFIRMATION_VALID))
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        enqueue(&mut tx.conn(), confirmation).await?;
        log_confirmation(&mut tx.conn(), &mailbox).await?;
        tx.commit().await?;
        Ok(Subscribed::ConfirmationQueued)
    }

    /// What the confirmation token with this hash is worth now.
    pub async fn token_state(&self, token_hash: &str) -> Result<TokenState, AppError> {
        let row: Option<(String, Option<String>)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT expires_at, used_at FROM subscription_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(c).await)?;
        Ok(match row {
            None => TokenState::Unknown,
            Some((_, Some(_))) => TokenState::Used,
            Some((expires, None)) if expires <= stamp(OffsetDateTime::now_utc()) => {
                TokenState::Expired
            }
            Some(_) => TokenState::Valid,
        })
    }

    /// Uses a confirmation token: the subscriber is confirmed, the token spent.
    pub async fn confirm_subscription(&self, token_hash: &str) -> Result<Confirmed, AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let mut tx = self.write().await?;
        let row: Option<(i64, String, Option<String>)> = on!(&mut tx.conn(), c => sqlx::query_as(
            "SELECT subscriber_id, expires_at, used_at FROM subscription_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&mut **c).await)?;
        let outcome = match row {
            None => Confirmed::Unknown,
            Some((_, _, Some(_))) => Confirmed::Used,
            Some((_, expires, None)) if expires <= now => Confirmed::Expired,
            Some((subscriber, _, None)) => {
                on!(&mut tx.conn(), c => sqlx::query("UPDATE subscription_tokens SET used_at = $2 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(&now)
                    .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
                on!(&mut tx.conn(), c => sqlx::query(
                    "UPDATE subscribers SET status = 'confirmed', confirmed_at = $2 \
                     WHERE id = $1 AND status = 'pending'",
                )
                .bind(subscriber)
                .bind(&now)
                .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
                let now_confirmed: Option<bool> = on!(&mut tx.conn(), c => sqlx::query_scalar("SELECT status = 'confirmed' FROM subscribers WHERE id = $1")
                        .bind(subscriber)
                        .fetch_optional(&mut **c).await)?;
                // Only a subscriber now confirmed is told so (not one who left meanwhile).
                if now_confirmed == Some(true) {
                    Confirmed::Confirmed
                } else {
                    Confirmed::Unknown
                }
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// The address of subscriber `id` (lowercased), to check an unsubscribe link against.
    pub async fn subscriber_key(&self, id: i64) -> Result<Option<String>, AppError> {
        Ok(
            on!(&*self.pool, c => sqlx::query_scalar("SELECT email_key FROM subscribers WHERE id = $1")
                .bind(id)
                .fetch_optional(c).await)?,
        )
    }

    /// Unsubscribes subscriber `id` and drops the digests still queued for them, so nothing
    /// more reaches them even if delivery was failing and retrying; `false` if there is no such
    /// subscriber.
    pub async fn unsubscribe(&self, id: i64) -> Result<bool, AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let mut tx = self.write().await?;
        let done = on!(&mut tx.conn(), c => sqlx::query(
            "UPDATE subscribers SET status = 'unsubscribed', \
             unsubscribed_at = COALESCE(unsubscribed_at, $2) WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        on!(&mut tx.conn(), c => sqlx::query(
            "DELETE FROM mail_outbox WHERE sent_at IS NULL AND dedupe_key LIKE 'digest:%:' || $1",
        )
        .bind(id.to_string())
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(done == 1)
    }

    /// Whether subscriber `id` exists and is subscribed (pending or confirmed).
    pub async fn is_subscribed(&self, id: i64) -> Result<bool, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM subscribers WHERE id = $1 AND status != 'unsubscribed')",
        )
        .bind(id)
        .fetch_one(c).await)?)
    }

    /// A subscriber by address.
    pub async fn subscriber(&self, email: &str) -> Result<Option<Subscriber>, AppError> {
        Ok(
            on!(&*self.pool, c => sqlx::query_as("SELECT id, status FROM subscribers WHERE email_key = $1")
                .bind(email.to_lowercase())
                .fetch_optional(c).await)?,
        )
    }

    /// An address's consent record: when it was given, for which wording, when confirmed.
    pub async fn consent(
        &self,
        email: &str,
    ) -> Result<Option<(String, String, Option<String>)>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT consent_at, consent_version, confirmed_at FROM subscribers WHERE email_key = $1",
        )
        .bind(email.to_lowercase())
        .fetch_optional(c).await)?)
    }

    /// Counts a sign-up attempt from `source` against `per_minute`; `Err(seconds)` says when
    /// to try again. Checked and recorded in one transaction, in the database, so the limit
    /// holds across instances.
    pub async fn limit_signups(
        &self,
        source: &str,
        per_minute: u32,
    ) -> Result<Result<(), u64>, AppError> {
        let now = OffsetDateTime::now_utc();
        let minute_ago = stamp(now - Duration::minutes(1));
        let mut tx = self.write().await?;
        on!(&mut tx.conn(), c => sqlx::query("DELETE FROM signup_attempts WHERE source_tag = $1 AND at <= $2")
            .bind(source)
            .bind(&minute_ago)
            .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        let (recent, oldest): (i64, Option<String>) = on!(&mut tx.conn(), c => sqlx::query_as("SELECT COUNT(*), MIN(at) FROM signup_attempts WHERE source_tag = $1")
                .bind(source)
                .fetch_one(&mut **c).await)?;
        if recent >= i64::from(per_minute) {
            tx.commit().await?;
            let oldest = oldest.and_then(|o| OffsetDateTime::parse(&o, &Rfc3339).ok());
            let wait = oldest.map_or(60, |o| (o + Duration::minutes(1) - now).whole_seconds());
            return Ok(Err(u64::try_from(wait.max(1)).unwrap_or(1)));
        }
        on!(&mut tx.conn(), c => sqlx::query("INSERT INTO signup_attempts (source_tag, at) VALUES ($1, $2)")
            .bind(source)
            .bind(stamp(now))
            .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Deletes addresses signed up before `before` and never confirmed; returns how many.
    pub async fn purge_unconfirmed(&self, before: OffsetDateTime) -> Result<u64, AppError> {
        const PURGED: &str = "status = 'pending' AND confirmed_at IS NULL AND consent_at < $1";
        let mut tx = self.write().await?;
        // Their confirmation emails still waiting to go out go with them.
        on!(&mut tx.conn(), c => sqlx::query(&format!(
            "DELETE FROM mail_outbox WHERE sent_at IS NULL AND recipient IN \
             (SELECT email FROM subscribers WHERE {PURGED})"
        ))
        .bind(stamp(before))
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        let done = on!(&mut tx.conn(), c => sqlx::query(&format!("DELETE FROM subscribers WHERE {PURGED}"))
            .bind(stamp(before))
            .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        // The cap's log only ever looks one day back.
        on!(&mut tx.conn(), c => sqlx::query("DELETE FROM confirmation_log WHERE at <= $1")
            .bind(stamp(OffsetDateTime::now_utc() - Duration::days(1)))
            .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        // Sign-up attempts from sources that never came back.
        on!(&mut tx.conn(), c => sqlx::query("DELETE FROM signup_attempts WHERE at <= $1")
            .bind(stamp(OffsetDateTime::now_utc() - Duration::minutes(1)))
            .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(done)
    }

    /// Queues a message on its own (outside any other change).
    pub async fn enqueue_mail(&self, mail: &Outgoing) -> Result<(), AppError> {
        let mut pooled = self.acquire().await?;
        enqueue(&mut pooled.conn(), mail).await?;
        Ok(())
    }

    /// Claims queued messages whose time has come, oldest first: each is pushed `claim` into
    /// the future in the same statement, so two senders (two instances, or the command line
    /// beside a server) never take the same message. A sender that dies holding a claim only
    /// delays those messages by `claim`.
    pub async fn claim_due_mail(
        &self,
        limit: u32,
        claim: Duration,
    ) -> Result<Vec<OutboxMail>, AppError> {
        let now = OffsetDateTime::now_utc();
        // A write transaction: on PostgreSQL two claims could otherwise pick the same rows in
        // their subqueries, and the second would take them again once the first committed.
        let mut tx = self.write().await?;
        let mut claimed: Vec<OutboxMail> = on!(&mut tx.conn(), c => sqlx::query_as(
            "UPDATE mail_outbox SET next_attempt_at = $2 WHERE id IN ( \
                 SELECT id FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                 ORDER BY id LIMIT $3) \
             RETURNING id, kind, sender, recipient, message, attempts",
        )
        .bind(stamp(now))
        .bind(stamp(now + claim))
        .bind(i64::from(limit))
        .fetch_all(&mut **c).await)?;
        tx.commit().await?;
        claimed.sort_by_key(|m| m.id);
        Ok(claimed)
    }

    /// Records a delivery. The message itself (with its links and tokens) and the address are
    /// erased: only the dedupe key stays, as the send log.
    pub async fn mail_sent(&self, id: i64) -> Result<(), AppError> {
        on!(&*self.pool, c => sqlx::query(
            "UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1, message = $3, \
             recipient = '' WHERE id = $1",
        )
        .bind(id)
        .bind(stamp(OffsetDateTime::now_utc()))
        .bind(Vec::<u8>::new())
        .execute(c).await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Records a failed attempt; the message is tried again at `retry_at`.
    pub async fn mail_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> Result<(), AppError> {
        on!(&*self.pool, c => sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(error)
        .bind(stamp(retry_at))
        .execute(c).await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Messages still waiting to go out (for health and tests).
    pub async fn mail_queue_depth(&self) -> Result<u64, AppError> {
        let n: i64 = on!(&*self.pool, c => sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")
            .fetch_one(c).await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

impl Store {
    /// Everything kept about subscriber `id`, with the times digests were sent to them.
    pub async fn subscriber_data(
        &self,
        id: i64,
        follow_days: u32,
    ) -> Result<Option<SubscriberData>, AppError> {
        let record: Option<SubscriberData> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT email, status, consent_at, consent_version, confirmed_at, unsubscribed_at \
             FROM subscribers WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c).await)?;
        let Some(mut record) = record else {
            return Ok(None);
        };
        let sent: Vec<String> = on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT sent_at FROM mail_outbox WHERE sent_at IS NOT NULL \
             AND dedupe_key LIKE 'digest:%:' || $1 ORDER BY sent_at",
        )
        .bind(id.to_string())
        .fetch_all(c).await)?;
        record.digests_sent = sent;
        record.follows = self
            .follows_of_address(&record.email.to_lowercase(), follow_days)
            .await?;
        Ok(Some(record))
    }

    /// Erases subscriber `id`: the address, its consent record, its tokens, what it follows,
    /// and every message to it, sent or waiting. `false` if there was no such subscriber.
    pub async fn erase_subscriber(&self, id: i64) -> Result<bool, AppError> {
        let mut tx = self.write().await?;
        let email: Option<String> = on!(&mut tx.conn(), c => sqlx::query_scalar(
            "SELECT email FROM subscribers WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **c).await)?;
        let Some(email) = email else {
            return Ok(false);
        };
        // Digests and data links by their keys, confirmations by their tokens (sent mail keeps
        // no recipient), and anything still waiting by its recipient.
        on!(&mut tx.conn(), c => sqlx::query(
            "DELETE FROM mail_outbox WHERE dedupe_key LIKE 'digest:%:' || $1 \
             OR dedupe_key LIKE 'data:' || $1 || ':%' \
             OR dedupe_key IN (SELECT 'confirm:' || token_hash FROM subscription_tokens \
                               WHERE subscriber_id = $2) \
             OR LOWER(recipient) = LOWER($3)",
        )
        .bind(id.to_string())
        .bind(id)
        .bind(&email)
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        on!(&mut tx.conn(), c => sqlx::query("DELETE FROM subscribers WHERE id = $1")
            .bind(id)
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
        // What the address follows goes with it.
        super::follows::forget_follows(&mut tx.conn(), Some(&email.to_lowercase()), None).await?;
        tx.commit().await?;
        Ok(true)
    }
}

impl Store {
    /// Data-link messages queued for subscriber `id` after `since`.
    pub async fn data_links_since(&self, id: i64, since: &str) -> Result<u32, AppError> {
        let count: i64 = on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM mail_outbox WHERE dedupe_key LIKE 'data:' || $1 || ':%' \
             AND created_at > $2",
        )
        .bind(id.to_string())
        .bind(since)
        .fetch_one(c).await)?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }
}
