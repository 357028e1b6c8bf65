//! Comments: threaded, written once as sanitised HTML, counted by triggers, published to the
//! live log in the same transaction (see migrations/sqlite/0004_comments.sql and 0005). The
//! abuse rules that need a reader's history (first-day limit, duplicate text, links from new
//! readers, reports) live here too, inside the same transactions as the writes they guard.

use std::collections::{HashMap, HashSet};

use sqlx::FromRow;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::error::AppError;
use crate::model::{
    Comment, CommentAdded, CommentChanged, CommentState, CommentStatus, LiveEvent, OwnComment,
    ReportReason, ThreadWindow,
};
use crate::server::config::CommentSettings;
use crate::server::readers::ReaderId;
use crate::server::repo::{Conn, Store, Tx, events, on, stamp};

mod pages;
pub use pages::ThreadPage;

/// How long a reader counts as new: the first-day limit and the link rule apply until then.
const FIRST_DAY: Duration = Duration::days(1);

/// A comment to store; the body is already rendered.
pub struct NewComment<'a> {
    pub slug: &'a str,
    pub parent_id: Option<i64>,
    pub reader: &'a ReaderId,
    pub idempotency_key: &'a str,
    pub author_name: &'a str,
    pub body_md: &'a str,
    pub body_html: &'a str,
    /// Links in the body (see `markdown::count_links`).
    pub links: u32,
    /// Keyed hash of the client address, when known: the per-address limit counts these.
    pub source_tag: Option<String>,
    pub rules: &'a CommentSettings,
}

/// What storing a comment did.
#[derive(Debug)]
pub enum Posted {
    /// Published: everyone sees it.
    Added(CommentAdded),
    /// Stored but held for review (a new reader with many links): only its author sees it.
    Held(Comment),
    /// The same submission arrived before; this is the comment it created, as its author sees it.
    AlreadyPosted(Comment),
    NoSuchBrief,
    /// The comment being replied to does not exist on this brief, or was removed.
    ParentGone,
    /// This reader posted the same text moments ago.
    Duplicate,
    /// Over a limit (per minute per reader or per address, or a new reader's first day): try
    /// again in `retry_after` seconds.
    TooFast {
        retry_after: u64,
    },
}

/// A change to one's own comment (edit or delete).
pub struct Amendment<'a> {
    pub slug: &'a str,
    pub id: i64,
    pub reader: &'a ReaderId,
    pub rules: &'a CommentSettings,
}

/// A new body for an edit; already rendered.
pub struct NewBody<'a> {
    pub body_md: &'a str,
    pub body_html: &'a str,
    pub links: u32,
}

/// What an edit or a delete did.
#[derive(Debug)]
pub enum Amended {
    /// Done: the comment as its author now sees it (other readers were told if they saw it).
    Done(Box<CommentChanged>),
    /// No such comment on this brief (or it is already deleted or taken down).
    NotFound,
    NotYours,
    /// The edit window has closed.
    TooLate,
}

/// A reader's report of a comment.
pub struct Report<'a> {
    pub slug: &'a str,
    pub id: i64,
    pub reader: &'a ReaderId,
    /// Keyed hash of the client address, when known.
    pub source_tag: Option<String>,
    pub reason: ReportReason,
    pub detail: &'a str,
}

/// What a report did.
#[derive(Debug)]
pub enum Reported {
    /// Recorded (or this reader had already reported it); at the threshold the comment left
    /// everyone's pages.
    Recorded,
    NotFound,
    /// Readers cannot report their own comments.
    OwnComment,
}

#[derive(FromRow)]
pub(super) struct CommentRow {
    pub(super) id: i64,
    pub(super) brief_id: i64,
    pub(super) parent_id: Option<i64>,
    pub(super) depth: i64,
    pub(super) reader_id: String,
    pub(super) author_name: String,
    pub(super) body_md: String,
    pub(super) body_html: String,
    pub(super) created_at: String,
    pub(super) edited_at: Option<String>,
    #[sqlx(try_from = "String")]
    pub(super) status: CommentStatus,
    pub(super) deleted_at: Option<String>,
}

pub(super) const COLUMNS: &str = "id, brief_id, parent_id, depth, reader_id, author_name, body_md, body_html, \
                       created_at, edited_at, status, deleted_at";

impl CommentRow {
    pub(super) fn deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// Everyone sees it in full.
    pub(super) fn public(&self) -> bool {
        self.status == CommentStatus::Visible && !self.deleted()
    }

    fn by(&self, reader: Option<&ReaderId>) -> bool {
        reader.is_some_and(|r| r.as_str() == self.reader_id)
    }

    /// How `reader` sees this comment on its own merits (ignoring replies): `None` if not at all.
    fn state_for(&self, reader: Option<&ReaderId>) -> Option<CommentState> {
        if self.public() {
            Some(CommentState::Visible)
        } else if self.status == CommentStatus::Held && !self.deleted() && self.by(reader) {
            Some(CommentState::Held)
        } else {
            None
        }
    }

    /// The placeholder left where replies hang on a comment nobody may read any more.
    fn placeholder_state(&self) -> CommentState {
        if self.deleted() {
            CommentState::Deleted
        } else {
            CommentState::Removed
        }
    }

    /// The comment as shown in `state`; placeholders carry neither name nor body.
    pub(super) fn to_comment(&self, state: CommentState) -> Comment {
        let shown = matches!(state, CommentState::Visible | CommentState::Held);
        let created = OffsetDateTime::parse(&self.created_at, &Rfc3339).ok();
        Comment {
            id: self.id,
            parent_id: self.parent_id,
            depth: u32::try_from(self.depth).unwrap_or(0),
            author_name: if shown {
                self.author_name.clone()
            } else {
                String::new()
            },
            body_html: if shown {
                self.body_html.clone()
            } else {
                String::new()
            },
            created_at: self.created_at.clone(),
            created_unix: created.map_or(0, OffsetDateTime::unix_timestamp),
            created_label: super::briefs::time_label(&self.created_at),
            edited_at: self.edited_at.clone().filter(|_| shown),
            state,
        }
    }

    /// How the author sees it (a retry of their post gets this).
    fn for_author(&self) -> Comment {
        let state = if self.deleted() {
            CommentState::Deleted
        } else {
            match self.status {
                CommentStatus::Visible => CommentState::Visible,
                CommentStatus::Held => CommentState::Held,
                CommentStatus::Hidden => CommentState::Removed,
            }
        };
        self.to_comment(state)
    }

    /// Seconds left of the edit window at `now`.
    fn editable_seconds(&self, now: OffsetDateTime, rules: &CommentSettings) -> u32 {
        let Ok(created) = OffsetDateTime::parse(&self.created_at, &Rfc3339) else {
            return 0;
        };
        let closes = created + Duration::minutes(i64::from(rules.edit_minutes));
        u32::try_from((closes - now).whole_seconds().max(0)).unwrap_or(0)
    }
}

/// Every column but the two bodies (left empty): what working out a page of a thread needs.
const OUTLINE_COLUMNS: &str = "id, brief_id, parent_id, depth, reader_id, author_name, \
     '' AS body_md, '' AS body_html, created_at, edited_at, status, deleted_at";

/// A brief's thread as `reader` sees it, and one page of it (`window`): oldest first, each
/// reply right after the comment it answers; with the reader's own comments on that page. A
/// deleted or taken-down comment stays as a placeholder only while replies hang on it.
///
/// The whole thread's outline is read to find the page; only the page's bodies are read.
pub(super) async fn thread(
    conn: &mut Conn<'_>,
    brief_id: i64,
    reader: Option<&ReaderId>,
    rules: &CommentSettings,
    window: ThreadWindow,
) -> Result<ThreadPage, sqlx::Error> {
    let rows: Vec<CommentRow> = on!(conn, c => sqlx::query_as(&format!(
        "SELECT {OUTLINE_COLUMNS} FROM comments WHERE brief_id = $1 ORDER BY id"
    ))
    .bind(brief_id)
    .fetch_all(&mut **c).await)?;

    // Replies always come after what they answer (ids grow with time), so one backwards pass
    // knows, for every comment, whether anything shown hangs on it.
    let mut shown = Vec::new();
    let mut has_shown_reply = HashSet::new();
    for row in rows.iter().rev() {
        let state = row.state_for(reader).or_else(|| {
            has_shown_reply
                .contains(&row.id)
                .then(|| row.placeholder_state())
        });
        if let Some(state) = state {
            if let Some(parent) = row.parent_id {
                has_shown_reply.insert(parent);
            }
            shown.push(row.to_comment(state));
        }
    }
    shown.reverse();
    let mut page = pages::page(
        depth_first(shown),
        usize::try_from(rules.thread_page_size).unwrap_or(usize::MAX),
        window,
    );

    // The bodies of the comments on the page that show one. The ids are the database's own
    // integers, so they can stand in the query's text.
    let wanted: Vec<String> = page
        .comments
        .iter()
        .filter(|c| matches!(c.state, CommentState::Visible | CommentState::Held))
        .map(|c| c.id.to_string())
        .collect();
    let mut bodies: HashMap<i64, (String, String)> = HashMap::new();
    if !wanted.is_empty() {
        let found: Vec<(i64, String, String)> = on!(conn, c => sqlx::query_as(&format!(
            "SELECT id, body_md, body_html FROM comments WHERE brief_id = $1 AND id IN ({})",
            wanted.join(", ")
        ))
        .bind(brief_id)
        .fetch_all(&mut **c).await)?;
        bodies.extend(found.into_iter().map(|(id, md, html)| (id, (md, html))));
    }
    for comment in &mut page.comments {
        if let Some((_, html)) = bodies.get(&comment.id) {
            comment.body_html.clone_from(html);
        }
    }

    let now = OffsetDateTime::now_utc();
    page.mine = rows
        .iter()
        .filter(|row| row.by(reader) && row.state_for(reader).is_some())
        .filter_map(|row| {
            let (body_md, _) = bodies.get(&row.id)?;
            Some(OwnComment {
                id: row.id,
                body_md: body_md.clone(),
                editable_seconds: row.editable_seconds(now, rules),
            })
        })
        .collect();
    Ok(page)
}

/// Orders comments depth-first from the roots; siblings stay oldest first.
fn depth_first(comments: Vec<Comment>) -> Vec<Comment> {
    let mut replies: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (at, comment) in comments.iter().enumerate() {
        match comment.parent_id {
            Some(parent) => replies.entry(parent).or_default().push(at),
            None => roots.push(at),
        }
    }
    let mut order = Vec::with_capacity(comments.len());
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(at) = stack.pop() {
        order.push(at);
        if let Some(below) = replies.get(&comments[at].id) {
            stack.extend(below.iter().rev());
        }
    }
    let mut slots: Vec<Option<Comment>> = comments.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|at| slots[at].take())
        .collect()
}

pub(super) async fn count(conn: &mut Conn<'_>, brief_id: i64) -> Result<u32, sqlx::Error> {
    let count: Option<i64> = on!(conn, c => sqlx::query_scalar("SELECT count FROM comment_counts WHERE brief_id = $1")
            .bind(brief_id)
            .fetch_optional(&mut **c).await)?;
    Ok(count.and_then(|c| u32::try_from(c).ok()).unwrap_or(0))
}

/// Whether any reply below comment `id`, at any depth, is shown to everyone.
async fn has_public_replies(conn: &mut Conn<'_>, id: i64) -> Result<bool, sqlx::Error> {
    on!(conn, c => sqlx::query_scalar(
        "WITH RECURSIVE below (id) AS ( \
             SELECT id FROM comments WHERE parent_id = $1 \
             UNION ALL SELECT c.id FROM comments c JOIN below ON c.parent_id = below.id) \
         SELECT EXISTS (SELECT 1 FROM comments WHERE id IN (SELECT id FROM below) \
                        AND status = 'visible' AND deleted_at IS NULL)",
    )
    .bind(id)
    .fetch_one(&mut **c).await)
}

/// What everyone else now sees of `row`: itself, a placeholder, or nothing.
async fn public_view(
    conn: &mut Conn<'_>,
    row: &CommentRow,
) -> Result<Option<Comment>, sqlx::Error> {
    if row.public() {
        return Ok(Some(row.to_comment(CommentState::Visible)));
    }
    Ok(has_public_replies(conn, row.id)
        .await?
        .then(|| row.to_comment(row.placeholder_state())))
}

fn encode(event: &LiveEvent) -> Result<String, AppError> {
    event.payload().map_err(|error| {
        tracing::error!(%error, "cannot encode a comment event");
        AppError::Internal
    })
}

/// Appends a comment that everyone may now see to the live log, as a new comment.
pub(super) async fn publish_added(
    tx: &mut Tx,
    slug: &str,
    row: &CommentRow,
) -> Result<CommentAdded, AppError> {
    let added = CommentAdded {
        slug: slug.to_string(),
        comment: row.to_comment(CommentState::Visible),
        count: count(&mut tx.conn(), row.brief_id).await?,
    };
    events::append(tx, &LiveEvent::Comment(added.clone())).await?;
    Ok(added)
}

/// Appends the change of a comment everyone could see to the live log, after rewriting what
/// the log already holds of it to what everyone may see now.
pub(super) async fn publish_change(
    tx: &mut Tx,
    slug: &str,
    row: &CommentRow,
) -> Result<CommentChanged, AppError> {
    let changed = CommentChanged {
        slug: slug.to_string(),
        id: row.id,
        comment: public_view(&mut tx.conn(), row).await?,
        count: count(&mut tx.conn(), row.brief_id).await?,
        held: row.status == CommentStatus::Held && !row.deleted(),
    };
    rewrite_logged(&mut tx.conn(), row.id, changed.comment.as_ref()).await?;
    events::append(tx, &LiveEvent::CommentChanged(changed.clone())).await?;
    Ok(changed)
}

/// Rewrites every event in the live log about comment `id` to carry `now` — what everyone may
/// see of it after an edit or a removal — so that a reader resuming from an old id is never
/// replayed words that were edited away, hidden, held or deleted. Its posting is dropped when
/// nothing of it is public any more. Found by the events' indexed `comment_id`.
async fn rewrite_logged(
    conn: &mut Conn<'_>,
    id: i64,
    now: Option<&Comment>,
) -> Result<(), AppError> {
    let logged: Vec<(i64, String, String)> = on!(conn, c => sqlx::query_as(
        "SELECT id, kind, payload FROM events WHERE comment_id = $1",
    )
    .bind(id)
    .fetch_all(&mut **c).await)?;
    for (event_id, kind, payload) in logged {
        let rewritten = match (LiveEvent::decode(&kind, &payload), now) {
            (Some(LiveEvent::Comment(mut added)), Some(now)) => {
                added.comment = now.clone();
                Some(LiveEvent::Comment(added))
            }
            (Some(LiveEvent::CommentChanged(mut changed)), now) => {
                changed.comment = now.cloned();
                Some(LiveEvent::CommentChanged(changed))
            }
            // Other kinds are never about a comment; an unreadable one goes.
            (Some(LiveEvent::Reactions(_) | LiveEvent::Brief(_)), _) => continue,
            (Some(LiveEvent::Comment(_)) | None, _) => None,
        };
        let rewritten = rewritten.map(|event| encode(&event)).transpose()?;
        match rewritten {
            Some(payload) => {
                on!(conn, c => sqlx::query("UPDATE events SET payload = $2 WHERE id = $1")
                .bind(event_id)
                .bind(payload)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?
            }
            None => on!(conn, c => sqlx::query("DELETE FROM events WHERE id = $1")
                .bind(event_id)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?,
        };
    }
    Ok(())
}

/// Takes from the live log every word of comments `ids` (their posting, their edits), so
/// erased words cannot be replayed from it by a reader resuming from an old id.
pub(super) async fn forget_comment_text(conn: &mut Conn<'_>, ids: &[i64]) -> Result<(), AppError> {
    for id in ids {
        rewrite_logged(conn, *id, None).await?;
    }
    Ok(())
}

/// A reader's first comment and how many they have posted.
/// Everything posting a comment checks before it writes, in one statement:
/// $1 idempotency key, $2 brief slug, $3 reader, $4 a minute ago, $5 source tag (may be null),
/// $6 body, $7 start of the duplicate window, $8 whether duplicates are refused at all.
const POST_CHECKS: &str = "SELECT \
    (SELECT id FROM comments WHERE idempotency_key = $1) AS existing, \
    (SELECT id FROM briefs WHERE slug = $2 AND status = 'published') AS brief_id, \
    (SELECT COUNT(*) FROM comments WHERE reader_id = $3 AND created_at > $4) AS reader_recent, \
    (SELECT MIN(created_at) FROM comments WHERE reader_id = $3 AND created_at > $4) \
        AS reader_oldest, \
    (SELECT COUNT(*) FROM comments WHERE source_tag = $5 AND created_at > $4) AS source_recent, \
    (SELECT MIN(created_at) FROM comments WHERE source_tag = $5 AND created_at > $4) \
        AS source_oldest, \
    (SELECT MIN(created_at) FROM comments WHERE reader_id = $3) AS first_at, \
    (SELECT COUNT(*) FROM comments WHERE reader_id = $3) AS total, \
    ($8 AND EXISTS (SELECT 1 FROM comments WHERE reader_id = $3 AND body_md = $6 \
        AND created_at > $7 AND deleted_at IS NULL)) AS duplicate, \
    EXISTS (SELECT 1 FROM blocked_readers WHERE reader_id = $3) AS blocked";

#[derive(FromRow)]
struct PostChecks {
    /// The comment this idempotency key already created.
    existing: Option<i64>,
    /// The published brief of that slug.
    brief_id: Option<i64>,
    reader_recent: i64,
    reader_oldest: Option<String>,
    source_recent: i64,
    source_oldest: Option<String>,
    /// The reader's first comment ever, and how many they have posted.
    first_at: Option<String>,
    total: i64,
    duplicate: bool,
    blocked: bool,
}

async fn history(
    conn: &mut Conn<'_>,
    reader: &ReaderId,
) -> Result<(Option<OffsetDateTime>, i64), sqlx::Error> {
    let (first, total): (Option<String>, i64) = on!(conn, c => sqlx::query_as("SELECT MIN(created_at), COUNT(*) FROM comments WHERE reader_id = $1")
            .bind(reader.as_str())
            .fetch_one(&mut **c).await)?;
    Ok((
        first.and_then(|f| OffsetDateTime::parse(&f, &Rfc3339).ok()),
        total,
    ))
}

fn is_new(first: Option<OffsetDateTime>, now: OffsetDateTime) -> bool {
    first.is_none_or(|first| now - first < FIRST_DAY)
}

/// Loads comment `id` of brief `slug` for a change by its author; `None` if it is gone.
async fn own_row(
    conn: &mut Conn<'_>,
    amendment: &Amendment<'_>,
) -> Result<Result<CommentRow, Amended>, sqlx::Error> {
    let row: Option<CommentRow> = on!(conn, c => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM comments WHERE id = $1 \
         AND brief_id = (SELECT id FROM briefs WHERE slug = $2 AND status = 'published')"
    ))
    .bind(amendment.id)
    .bind(amendment.slug)
    .fetch_optional(&mut **c).await)?;
    let Some(row) = row.filter(|r| !r.deleted() && r.status != CommentStatus::Hidden) else {
        return Ok(Err(Amended::NotFound));
    };
    if !row.by(Some(amendment.reader)) {
        return Ok(Err(Amended::NotYours));
    }
    if row.editable_seconds(OffsetDateTime::now_utc(), amendment.rules) == 0 {
        return Ok(Err(Amended::TooLate));
    }
    Ok(Ok(row))
}

impl Store {
    /// Stores a comment (or finds the one this same submission already created) and appends
    /// it to the live log, all in one transaction.
    pub async fn post_comment(&self, new: NewComment<'_>) -> Result<Posted, AppError> {
        let mut tx = self.write().await?;
        let now = OffsetDateTime::now_utc();
        // Every check reads in one statement: each statement is a round trip to the database
        // (on SQLite, a hand-over to its worker thread) made while holding the write lock.
        let checks: PostChecks = on!(&mut tx.conn(), c => sqlx::query_as(POST_CHECKS)
            .bind(new.idempotency_key)
            .bind(new.slug)
            .bind(new.reader.as_str())
            .bind(stamp(now - Duration::minutes(1)))
            .bind(&new.source_tag)
            .bind(new.body_md)
            .bind(stamp(now - Duration::minutes(i64::from(new.rules.duplicate_minutes))))
            .bind(new.rules.duplicate_minutes > 0)
            .fetch_one(&mut **c).await)?;
        if let Some(id) = checks.existing {
            let row: CommentRow = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM comments WHERE id = $1"
            ))
            .bind(id)
            .fetch_one(&mut **c).await)?;
            // The first post may be in this very batch: answer once it is durable.
            tx.commit().await?;
            return Ok(Posted::AlreadyPosted(row.for_author()));
        }
        let Some(brief_id) = checks.brief_id else {
            return Ok(Posted::NoSuchBrief);
        };
        let (parent_id, depth) = match new.parent_id {
            None => (None, 0),
            Some(parent) => {
                let found: Option<(Option<i64>, i64)> = on!(&mut tx.conn(), c => sqlx::query_as(
                    "SELECT parent_id, depth FROM comments \
                     WHERE id = $1 AND brief_id = $2 AND status = 'visible' AND deleted_at IS NULL",
                )
                .bind(parent)
                .bind(brief_id)
                .fetch_optional(&mut **c).await)?;
                match found {
                    None => return Ok(Posted::ParentGone),
                    // Past the deepest level, a reply becomes a sibling of what it answers.
                    Some((grandparent, depth)) if depth >= i64::from(new.rules.max_depth) => {
                        (grandparent, depth)
                    }
                    Some((_, depth)) => (Some(parent), depth + 1),
                }
            }
        };

        // Per-minute limits, counted from the comments themselves in this transaction: they
        // hold across every server instance sharing the database.
        let limits = [
            (
                checks.reader_recent,
                &checks.reader_oldest,
                new.rules.per_minute_per_reader,
            ),
            (
                checks.source_recent,
                &checks.source_oldest,
                new.rules.per_minute_per_ip,
            ),
        ];
        for (recent, oldest, per_minute) in limits {
            if recent >= i64::from(per_minute) {
                let oldest = oldest
                    .as_deref()
                    .and_then(|o| OffsetDateTime::parse(o, &Rfc3339).ok());
                let wait = oldest.map_or(60, |o| (o + Duration::minutes(1) - now).whole_seconds());
                return Ok(Posted::TooFast {
                    retry_after: u64::try_from(wait.max(1)).unwrap_or(1),
                });
            }
        }
        let first = checks
            .first_at
            .as_deref()
            .and_then(|f| OffsetDateTime::parse(f, &Rfc3339).ok());
        let new_reader = is_new(first, now);
        if new_reader
            && checks.total >= i64::from(new.rules.first_day_limit)
            && let Some(first) = first
        {
            let wait = (first + FIRST_DAY - now).whole_seconds().max(1);
            return Ok(Posted::TooFast {
                retry_after: u64::try_from(wait).unwrap_or(1),
            });
        }
        if checks.duplicate {
            return Ok(Posted::Duplicate);
        }
        let many_links = new_reader && new.links > new.rules.new_reader_max_links;
        // A blocked reader's comments wait for a moderator (no held_reason: the queue reads
        // the block itself).
        let held = many_links || checks.blocked;

        let row: CommentRow = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
            "INSERT INTO comments (brief_id, parent_id, depth, reader_id, idempotency_key, \
             author_name, body_md, body_html, status, held_reason, created_at, source_tag) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {COLUMNS}"
        ))
        .bind(brief_id)
        .bind(parent_id)
        .bind(depth)
        .bind(new.reader.as_str())
        .bind(new.idempotency_key)
        .bind(new.author_name)
        .bind(new.body_md)
        .bind(new.body_html)
        .bind(if held { "held" } else { "visible" })
        .bind(many_links.then_some("links"))
        .bind(stamp(now))
        .bind(&new.source_tag)
        .fetch_one(&mut **c).await)?;
        if held {
            tx.commit().await?;
            return Ok(Posted::Held(row.for_author()));
        }
        let added = publish_added(&mut tx, new.slug, &row).await?;
        tx.commit().await?;
        Ok(Posted::Added(added))
    }

    /// Replaces the body of one's own comment while its edit window is open. A new reader who
    /// edits links in past the limit sends the comment back for review, like a new post would.
    pub async fn edit_comment(
        &self,
        amendment: Amendment<'_>,
        body: NewBody<'_>,
    ) -> Result<Amended, AppError> {
        let mut tx = self.write().await?;
        let row = match own_row(&mut tx.conn(), &amendment).await? {
            Ok(row) => row,
            Err(refused) => return Ok(refused),
        };
        let was_public = row.public();
        if row.body_md == body.body_md {
            // Nothing changed: no "edited" marker, nothing to tell anyone. What was read may be
            // a batch-mate's write (a repeated edit): answer once it is durable.
            let unchanged = CommentChanged {
                slug: amendment.slug.to_string(),
                id: row.id,
                comment: Some(row.for_author()),
                count: count(&mut tx.conn(), row.brief_id).await?,
                held: row.status == CommentStatus::Held,
            };
            tx.commit().await?;
            return Ok(Amended::Done(Box::new(unchanged)));
        }
        let now = OffsetDateTime::now_utc();
        let (first, _) = history(&mut tx.conn(), amendment.reader).await?;
        let hold =
            was_public && is_new(first, now) && body.links > amendment.rules.new_reader_max_links;
        let row: CommentRow = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
            "UPDATE comments SET body_md = $2, body_html = $3, edited_at = $4, \
             status = CASE WHEN $5 THEN 'held' ELSE status END, \
             held_reason = CASE WHEN $5 THEN 'links' ELSE held_reason END \
             WHERE id = $1 RETURNING {COLUMNS}"
        ))
        .bind(row.id)
        .bind(body.body_md)
        .bind(body.body_html)
        .bind(stamp(now))
        .bind(hold)
        .fetch_one(&mut **c).await)?;
        let count = if was_public {
            publish_change(&mut tx, amendment.slug, &row).await?.count
        } else {
            count(&mut tx.conn(), row.brief_id).await?
        };
        tx.commit().await?;
        Ok(Amended::Done(Box::new(CommentChanged {
            slug: amendment.slug.to_string(),
            id: row.id,
            comment: Some(row.for_author()),
            count,
            held: row.status == CommentStatus::Held,
        })))
    }

    /// Deletes one's own comment while its edit window is open. The text is erased, not just
    /// hidden (from the live log too); the row stays so that replies keep their place under a
    /// "[deleted]" placeholder.
    pub async fn delete_comment(&self, amendment: Amendment<'_>) -> Result<Amended, AppError> {
        let mut tx = self.write().await?;
        let row = match own_row(&mut tx.conn(), &amendment).await? {
            Ok(row) => row,
            Err(refused) => return Ok(refused),
        };
        let was_public = row.public();
        forget_comment_text(&mut tx.conn(), &[row.id]).await?;
        let row: CommentRow = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
            "UPDATE comments SET deleted_at = $2, author_name = '', body_md = '', body_html = '' \
             WHERE id = $1 RETURNING {COLUMNS}"
        ))
        .bind(row.id)
        .bind(stamp(OffsetDateTime::now_utc()))
        .fetch_one(&mut **c).await)?;
        let mine = if was_public {
            publish_change(&mut tx, amendment.slug, &row).await?
        } else {
            CommentChanged {
                slug: amendment.slug.to_string(),
                id: row.id,
                comment: public_view(&mut tx.conn(), &row).await?,
                count: count(&mut tx.conn(), row.brief_id).await?,
                held: false,
            }
        };
        tx.commit().await?;
        Ok(Amended::Done(Box::new(mine)))
    }

    /// Records a reader's report of a comment. Once reports come from `threshold` different
    /// sources (a source is the client address's tag when known, else the reader), the comment
    /// is held for review and leaves every page.
    pub async fn report_comment(
        &self,
        report: Report<'_>,
        threshold: u32,
    ) -> Result<Reported, AppError> {
        let Report {
            slug,
            id,
            reader,
            source_tag,
            reason,
            detail,
        } = report;
        let mut tx = self.write().await?;
        let row: Option<CommentRow> = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM comments WHERE id = $1 \
             AND brief_id = (SELECT id FROM briefs WHERE slug = $2 AND status = 'published')"
        ))
        .bind(id)
        .bind(slug)
        .fetch_optional(&mut **c).await)?;
        let Some(row) = row.filter(CommentRow::public) else {
            return Ok(Reported::NotFound);
        };
        if row.by(Some(reader)) {
            return Ok(Reported::OwnComment);
        }
        on!(&mut tx.conn(), c => sqlx::query(
            "INSERT INTO comment_reports (comment_id, reader_id, reason, detail, source_tag) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (comment_id, reader_id) DO NOTHING",
        )
        .bind(id)
        .bind(reader.as_str())
        .bind(reason.as_str())
        .bind(detail)
        .bind(source_tag)
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        let reports: i64 = on!(&mut tx.conn(), c => sqlx::query_scalar(
            "SELECT COUNT(DISTINCT COALESCE(source_tag, reader_id)) FROM comment_reports \
             WHERE comment_id = $1",
        )
        .bind(id)
        .fetch_one(&mut **c).await)?;
        if reports >= i64::from(threshold) {
            let row: CommentRow = on!(&mut tx.conn(), c => sqlx::query_as(&format!(
                "UPDATE comments SET status = 'held', held_reason = 'reports' \
                 WHERE id = $1 RETURNING {COLUMNS}"
            ))
            .bind(id)
            .fetch_one(&mut **c).await)?;
            publish_change(&mut tx, slug, &row).await?;
            tracing::info!(comment = id, reports, "comment held after reports");
        }
        tx.commit().await?;
        Ok(Reported::Recorded)
    }
}
