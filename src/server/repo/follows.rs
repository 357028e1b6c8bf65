//! Follows (see migrations/sqlite/0019_follows.sql): asking to follow a brief or one's replies
//! and confirming it, what each confirmed follow has not been mailed yet, recording a mail
//! together with how far it went (one transaction, the outbox's dedupe key naming the marks, so
//! nothing is mailed twice), stopping and forgetting follows, and what the thread shows about
//! a reader's replies and about moderators' removals.

use sqlx::FromRow;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::error::AppError;
use crate::model::StoredWord;
use crate::model::follow::{
    FollowKind, FollowLine, FollowStatus, FollowTarget, Removals, ReplyToYou,
};
use crate::server::readers::ReaderId;
use crate::server::repo::newsletter::{
    CONFIRMATION_VALID, confirmations_today, enqueue, log_confirmation,
};
use crate::server::repo::{
    Confirmed, Conn, Outgoing, Store, Subscribed, TokenState, UpdateEntry, on, stamp,
};

/// What a follow is asked for.
#[derive(Debug, Clone, Copy)]
pub enum Wanted<'a> {
    /// A published brief, by id (see [`Store::followable_brief`]).
    Brief(i64),
    /// Replies to the comments of this reader.
    Replies(&'a ReaderId),
}

impl Wanted<'_> {
    fn kind(self) -> FollowKind {
        match self {
            Wanted::Brief(_) => FollowKind::Brief,
            Wanted::Replies(_) => FollowKind::Replies,
        }
    }

    fn target_key(self) -> String {
        match self {
            Wanted::Brief(id) => format!("brief:{id}"),
            Wanted::Replies(reader) => format!("replies:{}", reader.as_str()),
        }
    }
}

/// One request to follow something.
pub struct FollowRequest<'a> {
    pub email: &'a str,
    pub wanted: Wanted<'a>,
    /// The reader cookie that asked, if any: a brief's follower is not mailed their own
    /// comments, and "Your data" lists the follows it asked for.
    pub reader: Option<&'a ReaderId>,
    /// The hash of the token the confirmation carries.
    pub token_hash: &'a str,
    /// Confirmation mails one mailbox may get per day, newsletter's and follows' together.
    pub per_day: u32,
}

/// A confirmed follow with something to mail.
#[derive(Debug, Clone, FromRow)]
pub struct DueFollow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: FollowKind,
    pub email: String,
    pub brief_id: Option<i64>,
    pub reader_id: Option<String>,
    pub mailed_comment_id: i64,
    pub mailed_updates: i64,
    /// Whether new comments may be mailed now (the batch window has passed).
    pub comments_due: bool,
    pub slug: Option<String>,
    pub title: Option<String>,
}

/// A comment as a follow's mail lists it.
#[derive(Debug, Clone, FromRow)]
pub struct MailedComment {
    pub id: i64,
    pub author_name: String,
    pub body_html: String,
    pub slug: String,
    pub title: String,
}

/// How far one mail takes a follow: the last comment it lists, or the corrections it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Comments { from: i64, to: i64 },
    Updates { from: i64, to: i64 },
}

impl Progress {
    /// The outbox key of the mail that makes this progress: the same progress is one mail.
    pub fn dedupe_key(self, follow: i64) -> String {
        match self {
            Progress::Comments { to, .. } => format!("follow:{follow}:comments:{to}"),
            Progress::Updates { to, .. } => format!("follow:{follow}:updates:{to}"),
        }
    }
}

#[derive(FromRow)]
struct LineRow {
    id: i64,
    #[sqlx(try_from = "String")]
    kind: FollowKind,
    #[sqlx(try_from = "String")]
    status: FollowStatus,
    email: String,
    created_at: String,
    confirmed_at: Option<String>,
    last_activity_at: String,
    slug: Option<String>,
    title: Option<String>,
}

const LINE_COLUMNS: &str = "f.id, f.kind, f.status, f.email, f.created_at, f.confirmed_at, \
     f.last_activity_at, b.slug, b.title";

fn target(kind: FollowKind, slug: Option<String>, title: Option<String>) -> FollowTarget {
    match kind {
        FollowKind::Brief => FollowTarget::Brief {
            slug: slug.unwrap_or_default(),
            title: title.unwrap_or_default(),
        },
        FollowKind::Replies => FollowTarget::Replies,
    }
}

fn line(row: LineRow, days: u32) -> FollowLine {
    let ends_at = (row.status == FollowStatus::Confirmed)
        .then(|| OffsetDateTime::parse(&row.last_activity_at, &Rfc3339).ok())
        .flatten()
        .map(|at| stamp(at + Duration::days(i64::from(days))));
    FollowLine {
        id: row.id,
        target: target(row.kind, row.slug, row.title),
        status: row.status,
        email: row.email,
        created_at: row.created_at,
        confirmed_at: row.confirmed_at,
        ends_at,
    }
}

/// Deletes the mail of follow `id` still waiting to go out (`sent_too`: its send log as well).
async fn drop_follow_mail(conn: &mut Conn<'_>, id: i64, sent_too: bool) -> Result<(), sqlx::Error> {
    let sent = if sent_too { "" } else { " AND sent_at IS NULL" };
    on!(conn, c => sqlx::query(&format!("DELETE FROM mail_outbox WHERE follow_id = $1{sent}"))
        .bind(id)
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
    Ok(())
}

impl Store {
    /// A published brief's id and title, for a follow of it.
    pub async fn followable_brief(&self, slug: &str) -> Result<Option<(i64, String)>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT id, title FROM briefs WHERE slug = $1 AND status = 'published'",
        )
        .bind(slug)
        .fetch_optional(c).await)?)
    }

    /// Asks for a follow and queues `confirmation` (which carries the token hashed as
    /// `request.token_hash`) — unless the address already follows it, or its mailbox has had
    /// its day's confirmation mails. A follow starts from what exists when it is asked for:
    /// comments and corrections after that are what it mails once confirmed.
    pub async fn request_follow(
        &self,
        request: FollowRequest<'_>,
        confirmation: impl FnOnce(i64) -> Result<Outgoing, AppError>,
    ) -> Result<Subscribed, AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let key = request.email.to_lowercase();
        let mailbox = crate::model::mailbox_key(request.email);
        let target_key = request.wanted.target_key();
        let brief_id = match request.wanted {
            Wanted::Brief(id) => Some(id),
            Wanted::Replies(_) => None,
        };
        let mut tx = self.write().await?;
        let existing: Option<(i64, String)> = on!(&mut tx.conn(), c => sqlx::query_as(
            "SELECT id, status FROM follows WHERE email_key = $1 AND target_key = $2",
        )
        .bind(&key)
        .bind(&target_key)
        .fetch_optional(&mut **c).await)?;
        let capped =
            confirmations_today(&mut tx.conn(), &mailbox).await? >= i64::from(request.per_day);
        // Every path writes and commits, so the answer's timing tells nothing either. No path
        // ties an existing follow to the asker's reader cookie: only the browser that created a
        // follow sees it on "Your data", so asking about someone else's address shows nothing.
        let existing = match existing {
            Some((id, status)) if status == "confirmed" => {
                // Asking again is activity: a commenter's replies follow lives on.
                on!(&mut tx.conn(), c => sqlx::query(
                    "UPDATE follows SET last_activity_at = $2 WHERE id = $1",
                )
                .bind(id)
                .bind(&now)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
                tx.commit().await?;
                return Ok(Subscribed::AlreadyConfirmed);
            }
            Some((id, status)) if status == "ended" => {
                // A follow that ended starts over as a new one (new id, new marks).
                delete_follows(&mut tx.conn(), &[id], false).await?;
                None
            }
            other => other.map(|(id, _)| id),
        };
        if capped {
            // Nothing is created for a mailbox that has had its day's confirmations.
            on!(&mut tx.conn(), c => sqlx::query(
                "UPDATE follows SET email_key = email_key WHERE mailbox_key = $1",
            )
            .bind(&mailbox)
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
            tx.commit().await?;
            return Ok(Subscribed::DailyCapReached);
        }
        let id = match existing {
            Some(id) => {
                // Still waiting: a fresh link, and the purge clock starts again.
                on!(&mut tx.conn(), c => sqlx::query(
                    "UPDATE follows SET created_at = $2, email = $3, mailbox_key = $4 WHERE id = $1",
                )
                .bind(id)
                .bind(&now)
                .bind(request.email)
                .bind(&mailbox)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
                id
            }
            None => on!(&mut tx.conn(), c => sqlx::query_scalar(
                "INSERT INTO follows (email, email_key, mailbox_key, kind, brief_id, reader_id, \
                 target_key, status, created_at, last_activity_at, mailed_comment_id, mailed_updates) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8, \
                 (SELECT COALESCE(MAX(id), 0) FROM comments), \
                 (SELECT COUNT(*) FROM brief_updates WHERE brief_id = $5)) RETURNING id",
            )
            .bind(request.email)
            .bind(&key)
            .bind(&mailbox)
            .bind(request.wanted.kind().word())
            .bind(brief_id)
            .bind(request.reader.map(ReaderId::as_str))
            .bind(&target_key)
            .bind(&now)
            .fetch_one(&mut **c).await)?,
        };
        on!(&mut tx.conn(), c => sqlx::query(
            "INSERT INTO follow_tokens (token_hash, follow_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(request.token_hash)
        .bind(id)
        .bind(&now)
        .bind(stamp(OffsetDateTime::now_utc() + CONFIRMATION_VALID))
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        enqueue(&mut tx.conn(), &confirmation(id)?).await?;
        log_confirmation(&mut tx.conn(), &mailbox).await?;
        tx.commit().await?;
        Ok(Subscribed::ConfirmationQueued)
    }

    /// What a follow's confirmation token is worth now, and the follow it names.
    pub async fn follow_token_state(
        &self,
        token_hash: &str,
    ) -> Result<(TokenState, Option<i64>), AppError> {
        let row: Option<(i64, String, Option<String>)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT follow_id, expires_at, used_at FROM follow_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(c).await)?;
        Ok(match row {
            None => (TokenState::Unknown, None),
            Some((id, _, Some(_))) => (TokenState::Used, Some(id)),
            Some((id, expires, None)) if expires <= stamp(OffsetDateTime::now_utc()) => {
                (TokenState::Expired, Some(id))
            }
            Some((id, _, None)) => (TokenState::Valid, Some(id)),
        })
    }

    /// Uses a follow's confirmation token: the follow is confirmed, the token spent.
    pub async fn confirm_follow(
        &self,
        token_hash: &str,
    ) -> Result<(Confirmed, Option<i64>), AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let mut tx = self.write().await?;
        let row: Option<(i64, String, Option<String>)> = on!(&mut tx.conn(), c => sqlx::query_as(
            "SELECT follow_id, expires_at, used_at FROM follow_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&mut **c).await)?;
        let outcome = match row {
            None => (Confirmed::Unknown, None),
            Some((id, _, Some(_))) => (Confirmed::Used, Some(id)),
            Some((id, expires, None)) if expires <= now => (Confirmed::Expired, Some(id)),
            Some((id, _, None)) => {
                on!(&mut tx.conn(), c => sqlx::query(
                    "UPDATE follow_tokens SET used_at = $2 WHERE token_hash = $1",
                )
                .bind(token_hash)
                .bind(&now)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
                on!(&mut tx.conn(), c => sqlx::query(
                    "UPDATE follows SET status = 'confirmed', confirmed_at = $2, last_activity_at = $2 \
                     WHERE id = $1 AND status = 'pending'",
                )
                .bind(id)
                .bind(&now)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
                // Confirmed now, or already by another of its links: either way it is on.
                let status: Option<String> = on!(&mut tx.conn(), c => sqlx::query_scalar(
                    "SELECT status FROM follows WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut **c).await)?;
                if status.as_deref() == Some("confirmed") {
                    (Confirmed::Confirmed, Some(id))
                } else {
                    (Confirmed::Unknown, None)
                }
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// What follow `id` is about, and where it stands.
    pub async fn follow_target(
        &self,
        id: i64,
    ) -> Result<Option<(FollowTarget, FollowStatus)>, AppError> {
        #[derive(FromRow)]
        struct Row {
            #[sqlx(try_from = "String")]
            kind: FollowKind,
            #[sqlx(try_from = "String")]
            status: FollowStatus,
            slug: Option<String>,
            title: Option<String>,
        }
        let row: Option<Row> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT f.kind, f.status, b.slug, b.title FROM follows f \
             LEFT JOIN briefs b ON b.id = f.brief_id WHERE f.id = $1",
        )
        .bind(id)
        .fetch_optional(c).await)?;
        Ok(row.map(|r| (target(r.kind, r.slug, r.title), r.status)))
    }

    /// The address of follow `id` (lowercased), to check a link against.
    pub async fn follow_key(&self, id: i64) -> Result<Option<String>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT email_key FROM follows WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c).await)?)
    }

    /// Ends follows confirmed and quiet since before `before`; returns how many.
    pub async fn end_quiet_follows(&self, before: OffsetDateTime) -> Result<u64, AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let mut tx = self.write().await?;
        let done = on!(&mut tx.conn(), c => sqlx::query(
            "UPDATE follows SET status = 'ended', ended_at = $2 \
             WHERE status = 'confirmed' AND last_activity_at < $1",
        )
        .bind(stamp(before))
        .bind(&now)
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(done)
    }

    /// Deletes follows asked for before `before` and never confirmed, with their mail.
    pub async fn purge_unconfirmed_follows(&self, before: OffsetDateTime) -> Result<u64, AppError> {
        let mut tx = self.write().await?;
        let ids: Vec<i64> = on!(&mut tx.conn(), c => sqlx::query_scalar(
            "SELECT id FROM follows WHERE status = 'pending' AND created_at < $1",
        )
        .bind(stamp(before))
        .fetch_all(&mut **c).await)?;
        delete_follows(&mut tx.conn(), &ids, true).await?;
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// Confirmed follows with something to mail: corrections not mailed yet, or (once their
    /// batch window, which began at the last comments mail, has passed since `window_start`)
    /// readable comments newer than the last one mailed — on a brief, not the follower's own;
    /// for replies, other readers' answers to the follower's comments. At most `limit`.
    pub async fn due_follows(
        &self,
        window_start: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<DueFollow>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT f.id, f.kind, f.email, f.brief_id, f.reader_id, f.mailed_comment_id, \
             f.mailed_updates, (f.comments_mailed_at IS NULL OR f.comments_mailed_at <= $1) AS comments_due, \
             b.slug, b.title \
             FROM follows f LEFT JOIN briefs b ON b.id = f.brief_id \
             WHERE f.status = 'confirmed' AND ( \
               (f.kind = 'brief' AND b.status = 'published' AND ( \
                  (SELECT COUNT(*) FROM brief_updates u WHERE u.brief_id = f.brief_id) > f.mailed_updates \
                  OR ((f.comments_mailed_at IS NULL OR f.comments_mailed_at <= $1) AND EXISTS ( \
                     SELECT 1 FROM comments c WHERE c.brief_id = f.brief_id AND c.id > f.mailed_comment_id \
                     AND c.status = 'visible' AND c.deleted_at IS NULL \
                     AND (f.reader_id IS NULL OR c.reader_id <> f.reader_id))))) \
               OR (f.kind = 'replies' AND (f.comments_mailed_at IS NULL OR f.comments_mailed_at <= $1) \
                  AND EXISTS ( \
                     SELECT 1 FROM comments p JOIN comments r ON r.parent_id = p.id \
                     JOIN briefs rb ON rb.id = r.brief_id \
                     WHERE p.reader_id = f.reader_id AND r.reader_id <> f.reader_id \
                     AND r.id > f.mailed_comment_id AND r.status = 'visible' AND r.deleted_at IS NULL \
                     AND rb.status = 'published'))) \
             ORDER BY f.id LIMIT $2",
        )
        .bind(stamp(window_start))
        .bind(i64::from(limit))
        .fetch_all(c).await)?)
    }

    /// The corrections of brief `brief_id` from place `from` on.
    pub async fn updates_from(
        &self,
        brief_id: i64,
        from: i64,
    ) -> Result<Vec<UpdateEntry>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_as(
            "SELECT position, noted_at, note FROM brief_updates WHERE brief_id = $1 AND position >= $2 \
             ORDER BY position",
        )
        .bind(brief_id)
        .bind(from)
        .fetch_all(c).await)?)
    }

    /// The readable comments `follow` has not been mailed yet, oldest first, at most `limit`.
    pub async fn unmailed_comments(
        &self,
        follow: &DueFollow,
        limit: u32,
    ) -> Result<Vec<MailedComment>, AppError> {
        let mark = follow.mailed_comment_id;
        let limit = i64::from(limit);
        let reader = follow.reader_id.as_deref();
        Ok(match follow.kind {
            FollowKind::Brief => on!(&*self.pool, c => sqlx::query_as(
                "SELECT c.id, c.author_name, c.body_html, b.slug, b.title FROM comments c \
                 JOIN briefs b ON b.id = c.brief_id \
                 WHERE c.brief_id = $1 AND c.id > $2 AND c.status = 'visible' AND c.deleted_at IS NULL \
                 AND ($3 IS NULL OR c.reader_id <> $3) ORDER BY c.id LIMIT $4",
            )
            .bind(follow.brief_id)
            .bind(mark)
            .bind(reader)
            .bind(limit)
            .fetch_all(c).await)?,
            FollowKind::Replies => on!(&*self.pool, c => sqlx::query_as(
                "SELECT r.id, r.author_name, r.body_html, b.slug, b.title FROM comments p \
                 JOIN comments r ON r.parent_id = p.id JOIN briefs b ON b.id = r.brief_id \
                 WHERE p.reader_id = $1 AND r.reader_id <> $1 \
                 AND r.id > $2 AND r.status = 'visible' AND r.deleted_at IS NULL \
                 AND b.status = 'published' ORDER BY r.id LIMIT $3",
            )
            .bind(reader)
            .bind(mark)
            .bind(limit)
            .fetch_all(c).await)?,
        })
    }

    /// Queues `mail` for follow `id` and moves its marks as `progress` says, in one
    /// transaction — only if the marks still stand where the mail was composed from (another
    /// sender, another instance, may have mailed it meanwhile). `false`: nothing was queued.
    pub async fn record_follow_mail(
        &self,
        id: i64,
        progress: Progress,
        mail: &Outgoing,
    ) -> Result<bool, AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let (set, from, to) = match progress {
            Progress::Comments { from, to } => (
                "mailed_comment_id = $3, comments_mailed_at = $4 WHERE id = $1 AND mailed_comment_id = $2",
                from,
                to,
            ),
            Progress::Updates { from, to } => (
                "mailed_updates = $3 WHERE id = $1 AND mailed_updates = $2",
                from,
                to,
            ),
        };
        let mut tx = self.write().await?;
        let moved = on!(&mut tx.conn(), c => sqlx::query(&format!(
            "UPDATE follows SET last_activity_at = $4, {set} AND status = 'confirmed'"
        ))
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(&now)
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        if moved == 1 {
            enqueue(&mut tx.conn(), mail).await?;
        }
        tx.commit().await?;
        Ok(moved == 1)
    }

    /// Ends follow `id` and drops its mail still waiting; `false` if there is no such follow.
    pub async fn stop_follow(&self, id: i64) -> Result<bool, AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let mut tx = self.write().await?;
        let done = on!(&mut tx.conn(), c => sqlx::query(
            "UPDATE follows SET status = 'ended', ended_at = COALESCE(ended_at, $2) WHERE id = $1",
        )
        .bind(id)
        .bind(&now)
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        drop_follow_mail(&mut tx.conn(), id, false).await?;
        tx.commit().await?;
        Ok(done == 1)
    }

    /// Every follow of the address `email_key`, newest first; `days` says when each ends.
    pub async fn follows_of_address(
        &self,
        email_key: &str,
        days: u32,
    ) -> Result<Vec<FollowLine>, AppError> {
        let rows: Vec<LineRow> = on!(&*self.pool, c => sqlx::query_as(&format!(
            "SELECT {LINE_COLUMNS} FROM follows f LEFT JOIN briefs b ON b.id = f.brief_id \
             WHERE f.email_key = $1 ORDER BY f.id DESC"
        ))
        .bind(email_key)
        .fetch_all(c).await)?;
        Ok(rows.into_iter().map(|r| line(r, days)).collect())
    }

    /// Every follow asked for from `reader`'s cookie, newest first: replies follows (theirs by
    /// construction), and brief follows once their address confirmed them — a pending one may
    /// name an address the asker does not own, and must not tell them anything about it.
    pub async fn follows_of_reader(
        &self,
        reader: &ReaderId,
        days: u32,
    ) -> Result<Vec<FollowLine>, AppError> {
        let rows: Vec<LineRow> = on!(&*self.pool, c => sqlx::query_as(&format!(
            "SELECT {LINE_COLUMNS} FROM follows f LEFT JOIN briefs b ON b.id = f.brief_id \
             WHERE f.reader_id = $1 AND (f.kind = 'replies' OR f.status <> 'pending') \
             ORDER BY f.id DESC"
        ))
        .bind(reader.as_str())
        .fetch_all(c).await)?;
        Ok(rows.into_iter().map(|r| line(r, days)).collect())
    }

    /// Deletes every follow of the address `email_key` (or asked for by `reader`), with all
    /// their mail, sent log included; returns how many.
    pub async fn forget_follows(
        &self,
        email_key: Option<&str>,
        reader: Option<&ReaderId>,
    ) -> Result<u32, AppError> {
        let mut tx = self.write().await?;
        let n = forget_follows(&mut tx.conn(), email_key, reader.map(ReaderId::as_str)).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Other readers' visible replies to `reader`'s comments on brief `slug`, oldest first.
    pub async fn replies_to_reader(
        &self,
        slug: &str,
        reader: &ReaderId,
    ) -> Result<Vec<ReplyToYou>, AppError> {
        Ok(
            on!(&*self.pool, c => sqlx::query_as::<_, (i64, String, String)>(
            "SELECT r.id, r.author_name, r.created_at FROM comments p \
             JOIN comments r ON r.parent_id = p.id JOIN briefs b ON b.id = p.brief_id \
             WHERE b.slug = $1 AND p.reader_id = $2 AND r.reader_id <> $2 \
             AND r.status = 'visible' AND r.deleted_at IS NULL ORDER BY r.id LIMIT 200",
        )
        .bind(slug)
        .bind(reader.as_str())
        .fetch_all(c).await)?
            .into_iter()
            .map(|(id, author_name, created_at)| ReplyToYou {
                id,
                author_name,
                created_at,
            })
            .collect(),
        )
    }

    /// How many comments of brief `slug` moderators took down, by reason.
    pub async fn removals(&self, slug: &str) -> Result<Removals, AppError> {
        let rows: Vec<(String, i64)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT c.removed_reason, COUNT(*) FROM comments c JOIN briefs b ON b.id = c.brief_id \
             WHERE b.slug = $1 AND c.removed_reason IS NOT NULL \
             GROUP BY c.removed_reason ORDER BY COUNT(*) DESC, c.removed_reason",
        )
        .bind(slug)
        .fetch_all(c).await)?;
        Ok(Removals {
            by_reason: rows
                .into_iter()
                .map(|(reason, n)| (reason, u32::try_from(n).unwrap_or(u32::MAX)))
                .collect(),
        })
    }
}

/// Deletes the follows of an address or a reader, inside a caller's transaction (an erase).
pub(super) async fn forget_follows(
    conn: &mut Conn<'_>,
    email_key: Option<&str>,
    reader: Option<&str>,
) -> Result<u32, sqlx::Error> {
    let ids: Vec<i64> = on!(&mut *conn, c => sqlx::query_scalar(
        "SELECT id FROM follows WHERE ($1 IS NOT NULL AND email_key = $1) \
         OR ($2 IS NOT NULL AND reader_id = $2)",
    )
    .bind(email_key)
    .bind(reader)
    .fetch_all(&mut **c).await)?;
    delete_follows(conn, &ids, true).await?;
    Ok(u32::try_from(ids.len()).unwrap_or(u32::MAX))
}

/// Deletes follows `ids` (their tokens go with them) and their mail still waiting; with
/// `sent_too`, their send log as well.
async fn delete_follows(
    conn: &mut Conn<'_>,
    ids: &[i64],
    sent_too: bool,
) -> Result<(), sqlx::Error> {
    for id in ids {
        drop_follow_mail(conn, *id, sent_too).await?;
        on!(&mut *conn, c => sqlx::query("DELETE FROM follows WHERE id = $1")
            .bind(id)
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
    }
    Ok(())
}
