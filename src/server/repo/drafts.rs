//! Drafts and the desk's writes on stored briefs: saving a draft (with a revision check and the
//! slug check), scheduling it, publishing it (now or when due, once), correcting a published
//! brief with a public note, and taking a brief off the site or putting it back.
//!
//! Publishing composes and checks the brief inside the write transaction that claims the
//! draft, through a `build` function the caller passes (the content rules live in
//! `server::content`), so what is stored is exactly what was checked.

use sqlx::FromRow;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::desk::{BriefFields, Draft};
use crate::model::{
    BriefPublished, BriefSummary, LiveEvent, ReactionCounts, StoredWord, stored_words,
};
use crate::server::content::ParsedBrief;
use crate::server::repo::briefs::{Stored, SummaryRow, store_brief, time_label};
use crate::server::repo::{Conn, Store, Tx, events, on, stamp};

/// Checks and renders a brief from its form, publication time and correction notes; the
/// error is the reason, for the editor.
pub type Build<'a> =
    &'a (dyn Fn(&BriefFields, &str, &[(String, String)]) -> Result<ParsedBrief, String> + Sync);

#[derive(FromRow)]
struct DraftRow {
    id: i64,
    fields: String,
    revision: i64,
    publish_at: Option<String>,
    problem: Option<String>,
    updated_at: String,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftSave {
    Saved {
        id: i64,
        revision: i64,
    },
    /// Someone saved a newer revision since this editor loaded it.
    Stale,
    /// The slug belongs to another brief or draft (its title).
    SlugTaken(String),
    NotFound,
}

/// What publishing a draft did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publication {
    Published {
        slug: String,
    },
    /// The form is not a valid brief yet; nothing changed (or, for the schedule, the draft is
    /// unscheduled with this as its problem).
    Invalid(String),
    /// The slug is already a stored brief's (its title).
    SlugTaken(String),
    /// No such draft, or (for the schedule) not due any more: another instance took it.
    Gone,
}

/// What correcting a stored brief did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correction {
    Saved,
    Invalid(String),
    /// A note is required: the brief is published.
    NoteNeeded,
    NotFound,
}

fn decode_fields(json: &str) -> Result<BriefFields, AppError> {
    serde_json::from_str(json).map_err(|error| {
        tracing::error!(%error, "a stored brief form does not decode");
        AppError::Internal
    })
}

fn encode_fields(fields: &BriefFields) -> Result<String, AppError> {
    serde_json::to_string(fields).map_err(|error| {
        tracing::error!(%error, "a brief form does not encode");
        AppError::Internal
    })
}

/// The title of the brief or other draft that already uses `slug`, if any.
async fn slug_owner(
    conn: &mut Conn<'_>,
    slug: &str,
    except_draft: Option<i64>,
) -> Result<Option<String>, sqlx::Error> {
    let found: Option<String> = on!(conn, c => sqlx::query_scalar(
        "SELECT title FROM briefs WHERE slug = $1 \
         UNION ALL SELECT title FROM drafts WHERE slug = $1 AND id != $2 LIMIT 1",
    )
    .bind(slug)
    .bind(except_draft.unwrap_or(0))
    .fetch_optional(&mut **c).await)?;
    Ok(found)
}

/// "“Title”", or "an untitled draft".
fn owner_label(title: &str) -> String {
    if title.trim().is_empty() {
        "an untitled draft".to_string()
    } else {
        format!("“{}”", title.trim())
    }
}

/// A stored brief as the editor opens it.
pub struct StoredBrief {
    /// Its form; empty when the brief was stored before forms were kept.
    pub fields: BriefFields,
    pub published: bool,
    pub published_at: String,
    /// Its correction trail: (when, note), oldest first.
    pub notes: Vec<(String, String)>,
}

impl Store {
    /// Draft `id`, if it exists.
    pub async fn draft(&self, id: i64) -> Result<Option<Draft>, AppError> {
        let row: Option<DraftRow> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT id, fields, revision, publish_at, problem, updated_at FROM drafts WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c).await)?;
        row.map(|r| {
            Ok(Draft {
                id: r.id,
                fields: decode_fields(&r.fields)?,
                revision: r.revision,
                publish_label: r.publish_at.as_deref().map(time_label),
                publish_at: r.publish_at,
                problem: r.problem,
                updated_label: time_label(&r.updated_at),
            })
        })
        .transpose()
    }

    /// Creates a draft (`id` none) or saves over draft `id` if `revision` is still its newest
    /// (none skips that check). A non-empty slug must not be used by any brief or other draft.
    pub async fn save_draft(
        &self,
        id: Option<i64>,
        revision: Option<i64>,
        fields: &BriefFields,
        editor: i64,
        now: OffsetDateTime,
    ) -> Result<DraftSave, AppError> {
        let mut tx = self.write().await?;
        if let Some(id) = id {
            let current: Option<i64> = on!(&mut tx.conn(), c => sqlx::query_scalar(
                "SELECT revision FROM drafts WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut **c).await)?;
            match current {
                None => return Ok(DraftSave::NotFound),
                Some(current) if revision.is_some_and(|r| r != current) => {
                    return Ok(DraftSave::Stale);
                }
                Some(_) => {}
            }
        }
        let slug = fields.slug.trim();
        if !slug.is_empty()
            && let Some(title) = slug_owner(&mut tx.conn(), slug, id).await?
        {
            return Ok(DraftSave::SlugTaken(owner_label(&title)));
        }
        let json = encode_fields(fields)?;
        let at = stamp(now);
        let saved: (i64, i64) = match id {
            Some(id) => on!(&mut tx.conn(), c => sqlx::query_as(
                "UPDATE drafts SET slug = $2, title = $3, category = $4, fields = $5, \
                 revision = revision + 1, updated_at = $6, updated_by = $7 \
                 WHERE id = $1 RETURNING id, revision",
            )
            .bind(id)
            .bind(slug)
            .bind(fields.title.trim())
            .bind(fields.category.trim())
            .bind(&json)
            .bind(&at)
            .bind(editor)
            .fetch_one(&mut **c).await)?,
            None => on!(&mut tx.conn(), c => sqlx::query_as(
                "INSERT INTO drafts (slug, title, category, fields, revision, created_at, \
                 updated_at, updated_by) VALUES ($1, $2, $3, $4, 1, $5, $5, $6) \
                 RETURNING id, revision",
            )
            .bind(slug)
            .bind(fields.title.trim())
            .bind(fields.category.trim())
            .bind(&json)
            .bind(&at)
            .bind(editor)
            .fetch_one(&mut **c).await)?,
        };
        tx.commit().await?;
        Ok(DraftSave::Saved {
            id: saved.0,
            revision: saved.1,
        })
    }

    /// Sets (or, with `None`, clears) when draft `id` is published. `false` if there is no
    /// such draft.
    pub async fn schedule_draft(&self, id: i64, at: Option<&str>) -> Result<bool, AppError> {
        let mut tx = self.write().await?;
        let changed = on!(&mut tx.conn(), c => sqlx::query(
            "UPDATE drafts SET publish_at = $2, problem = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(at)
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// Deletes draft `id`; `false` if there was none.
    pub async fn delete_draft(&self, id: i64) -> Result<bool, AppError> {
        let mut tx = self.write().await?;
        let gone = on!(&mut tx.conn(), c => sqlx::query("DELETE FROM drafts WHERE id = $1")
            .bind(id)
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(gone > 0)
    }

    /// Drafts whose scheduled time is at or before `now`, soonest first.
    pub async fn due_drafts(&self, now: OffsetDateTime) -> Result<Vec<i64>, AppError> {
        Ok(on!(&*self.pool, c => sqlx::query_scalar(
            "SELECT id FROM drafts WHERE publish_at IS NOT NULL AND publish_at <= $1 \
             ORDER BY publish_at, id",
        )
        .bind(stamp(now))
        .fetch_all(c).await)?)
    }

    /// Publishes draft `id` at `now`: builds the brief from the draft as stored, stores it,
    /// deletes the draft and tells open feeds, all in one transaction. With `due`, only a
    /// draft scheduled at or before `now` is taken (the schedule's claim: whichever instance
    /// commits first publishes it, the others find it gone), and a draft that fails its checks
    /// is unscheduled with the reason as its problem rather than retried every minute.
    pub async fn publish_draft(
        &self,
        id: i64,
        now: OffsetDateTime,
        due: bool,
        build: Build<'_>,
    ) -> Result<Publication, AppError> {
        let mut tx = self.write().await?;
        let fields: Option<String> = on!(&mut tx.conn(), c => sqlx::query_scalar(
            "SELECT fields FROM drafts WHERE id = $1 \
             AND ($2 IS NULL OR (publish_at IS NOT NULL AND publish_at <= $2))",
        )
        .bind(id)
        .bind(due.then(|| stamp(now)))
        .fetch_optional(&mut **c).await)?;
        let Some(fields) = fields else {
            return Ok(Publication::Gone);
        };
        let fields = decode_fields(&fields)?;
        let refused = match build(&fields, &stamp(now), &[]) {
            Err(reason) => Publication::Invalid(reason),
            Ok(brief) => match slug_owner(&mut tx.conn(), &brief.slug, Some(id)).await? {
                Some(title) => Publication::SlugTaken(owner_label(&title)),
                None => {
                    let Stored::Created = store_brief(&mut tx, &brief).await? else {
                        // slug_owner saw no brief with this slug inside this transaction.
                        return Err(AppError::Internal);
                    };
                    on!(&mut tx.conn(), c => sqlx::query("DELETE FROM drafts WHERE id = $1")
                        .bind(id)
                        .execute(&mut **c).await
                        .map(|done| done.rows_affected()))?;
                    let summary = self.summary_of(&brief);
                    announce(&mut tx, summary).await?;
                    tx.commit().await?;
                    return Ok(Publication::Published { slug: brief.slug });
                }
            },
        };
        if due {
            let problem = match &refused {
                Publication::Invalid(reason) => reason.clone(),
                Publication::SlugTaken(title) => {
                    format!("its slug is already used by {title}")
                }
                _ => String::new(),
            };
            on!(&mut tx.conn(), c => sqlx::query(
                "UPDATE drafts SET publish_at = NULL, problem = $2 WHERE id = $1",
            )
            .bind(id)
            .bind(&problem)
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
            tx.commit().await?;
        }
        Ok(refused)
    }

    /// A stored brief as the editor opens it; `None` if there is no brief with this slug.
    pub async fn brief_form(&self, slug: &str) -> Result<Option<StoredBrief>, AppError> {
        let mut pooled = self.acquire().await?;
        let mut conn = pooled.conn();
        Ok(match stored_form(&mut conn, slug).await? {
            None => None,
            Some(StoredForm {
                fields,
                status,
                published_at,
                ..
            }) => {
                let notes = notes(&mut conn, slug).await?;
                let fields = if fields.is_empty() {
                    BriefFields::default()
                } else {
                    decode_fields(&fields)?
                };
                Some(StoredBrief {
                    fields,
                    published: status == BriefStatus::Published,
                    published_at,
                    notes,
                })
            }
        })
    }

    /// Saves an edit of stored brief `slug` (its slug cannot change). A published brief needs
    /// a correction `note`, added to its public trail at `now`; Cited By follows the new links.
    pub async fn correct_brief(
        &self,
        slug: &str,
        fields: &BriefFields,
        note: Option<&str>,
        now: OffsetDateTime,
        build: Build<'_>,
    ) -> Result<Correction, AppError> {
        let mut tx = self.write().await?;
        let Some(StoredForm {
            status,
            published_at,
            ..
        }) = stored_form(&mut tx.conn(), slug).await?
        else {
            return Ok(Correction::NotFound);
        };
        let mut trail = notes(&mut tx.conn(), slug).await?;
        match note {
            Some(note) => trail.push((stamp(now), note.to_string())),
            None if status == BriefStatus::Published => return Ok(Correction::NoteNeeded),
            None => {}
        }
        let mut fields = fields.clone();
        fields.slug = slug.to_string();
        let brief = match build(&fields, &published_at, &trail) {
            Ok(brief) => brief,
            Err(reason) => return Ok(Correction::Invalid(reason)),
        };
        store_brief(&mut tx, &brief).await?;
        tx.commit().await?;
        Ok(Correction::Saved)
    }

    /// Takes brief `slug` off the site (`published` false) or puts it back; a brief put back
    /// is announced to open feeds like a new one. `None` if there is no such brief, else
    /// whether anything changed.
    pub async fn set_brief_published(
        &self,
        slug: &str,
        published: bool,
    ) -> Result<Option<bool>, AppError> {
        let status = if published {
            BriefStatus::Published
        } else {
            BriefStatus::Unpublished
        };
        let mut tx = self.write().await?;
        let Some(stored) = stored_form(&mut tx.conn(), slug).await? else {
            return Ok(None);
        };
        if stored.status == status {
            // Already so, perhaps by a batch-mate: answer once that is durable.
            tx.commit().await?;
            return Ok(Some(false));
        }
        let id = stored.id;
        on!(&mut tx.conn(), c => sqlx::query("UPDATE briefs SET status = $2 WHERE id = $1")
            .bind(id)
            .bind(status.word())
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
        if published {
            let summary = on!(&mut tx.conn(), c => sqlx::query_as::<_, SummaryRow>(
                "SELECT id, slug, title, category, summary, published_at, reading_minutes, \
                 COALESCE((SELECT count FROM comment_counts WHERE brief_id = briefs.id), 0) AS comment_count \
                 FROM briefs WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&mut **c).await)?;
            let summary = BriefSummary {
                category: self.category(&summary.category),
                published_label: crate::server::repo::date_label(&summary.published_at),
                slug: summary.slug,
                title: summary.title,
                summary: summary.summary,
                published_at: summary.published_at,
                reading_minutes: u32::try_from(summary.reading_minutes).unwrap_or(1),
                reactions: ReactionCounts::default(),
                comment_count: u32::try_from(summary.comment_count).unwrap_or(0),
                tags: Vec::new(),
            };
            announce(&mut tx, summary).await?;
        }
        tx.commit().await?;
        Ok(Some(true))
    }

    fn summary_of(&self, brief: &ParsedBrief) -> BriefSummary {
        BriefSummary {
            slug: brief.slug.clone(),
            title: brief.title.clone(),
            category: self.category(&brief.category),
            summary: brief.summary.clone(),
            published_label: crate::server::repo::date_label(&brief.published_at),
            published_at: brief.published_at.clone(),
            reading_minutes: brief.reading_minutes,
            reactions: ReactionCounts::default(),
            comment_count: 0,
            tags: brief.tags.clone(),
        }
    }
}

/// Appends the "brief" event inside the publishing transaction.
async fn announce(tx: &mut Tx, brief: BriefSummary) -> Result<(), AppError> {
    events::append(tx, &LiveEvent::Brief(BriefPublished { brief })).await?;
    Ok(())
}

/// Whether a stored brief is on the site: its `status` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BriefStatus {
    Published,
    /// Taken off the site; its row (comments, reactions, links) is kept.
    Unpublished,
}

stored_words!(BriefStatus, "brief status", {
    Published => "published",
    Unpublished => "unpublished",
});

/// A stored brief as the editor works on it.
#[derive(FromRow)]
struct StoredForm {
    id: i64,
    /// The editor's form, as JSON (empty for a brief imported from a file).
    fields: String,
    #[sqlx(try_from = "String")]
    status: BriefStatus,
    published_at: String,
}

/// A stored brief's id, form, status and publication time.
async fn stored_form(conn: &mut Conn<'_>, slug: &str) -> Result<Option<StoredForm>, sqlx::Error> {
    on!(conn, c => sqlx::query_as(
        "SELECT id, fields, status, published_at FROM briefs WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(&mut **c).await)
}

/// A stored brief's correction notes, oldest first: (RFC 3339 time, note).
async fn notes(conn: &mut Conn<'_>, slug: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    on!(conn, c => sqlx::query_as(
        "SELECT u.noted_at, u.note FROM brief_updates u JOIN briefs b ON b.id = u.brief_id \
         WHERE b.slug = $1 ORDER BY u.position",
    )
    .bind(slug)
    .fetch_all(&mut **c).await)
}
