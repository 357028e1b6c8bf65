//! Editor accounts, desk sessions and failed sign-ins (see migrations/sqlite/0011_editors.sql).

use sqlx::FromRow;
use time::{Duration, OffsetDateTime};

use crate::error::AppError;
use crate::model::editors::{Editor, EditorAccount, Role};
use crate::server::repo::{Store, on, stamp};

#[derive(FromRow)]
struct EditorRow {
    id: i64,
    email: String,
    name: String,
    role: String,
}

impl EditorRow {
    fn into_editor(self) -> Editor {
        Editor {
            id: self.id,
            email: self.email,
            name: self.name,
            // The schema allows only the two roles; anything else reads as the lesser one.
            role: Role::parse(&self.role).unwrap_or(Role::Editor),
        }
    }
}

#[derive(FromRow)]
struct SessionRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    created_at: String,
    seen_at: String,
}

/// What adding an account did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddedEditor {
    Added(Editor),
    EmailTaken,
}

/// What changing an account's role or access did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Changed,
    NotFound,
    /// Refused: no enabled admin would be left.
    LastAdmin,
}

/// Whether a sign-in attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Counted as a failure until [`Store::sign_in_succeeded`] clears it. `failures`: the
    /// most failures any subject that never locks had counted before this attempt (how
    /// hard the account is being guessed at, from everywhere).
    Allowed { failures: i64 },
    /// Too many failures: try again after this many seconds.
    Locked { retry_after: u64 },
}

impl Store {
    /// Creates an account. `email` must already be checked and lower-cased.
    pub async fn add_editor(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<AddedEditor, AppError> {
        let now = stamp(OffsetDateTime::now_utc());
        let id: Option<i64> = on!(&*self.pool, c => sqlx::query_scalar(
            "INSERT INTO editors (email, name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING RETURNING id",
        )
        .bind(email)
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now)
        .fetch_optional(c).await)?;
        Ok(match id {
            Some(id) => AddedEditor::Added(Editor {
                id,
                email: email.to_string(),
                name: name.to_string(),
                role,
            }),
            None => AddedEditor::EmailTaken,
        })
    }

    /// Replaces an account's password and ends its sessions, all but the one whose token hash
    /// is `keep` (the editor changing their own password stays signed in there). `false`: no
    /// such account.
    pub async fn set_editor_password(
        &self,
        email: &str,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<bool, AppError> {
        let mut tx = self.write().await?;
        let id: Option<i64> = on!(&mut tx.conn(), c => sqlx::query_scalar(
            "UPDATE editors SET password_hash = $1 WHERE email = $2 RETURNING id",
        )
        .bind(password_hash)
        .bind(email)
        .fetch_optional(&mut **c).await)?;
        if let Some(id) = id {
            on!(&mut tx.conn(), c => sqlx::query("DELETE FROM editor_sessions WHERE editor_id = $1 AND token_hash != $2")
                .bind(id)
                .bind(keep.unwrap_or(""))
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(id.is_some())
    }

    /// Every account, by name, with whether it is disabled.
    pub async fn list_editors(&self) -> Result<Vec<EditorAccount>, AppError> {
        let rows: Vec<(i64, String, String, String, bool)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT id, email, name, role, disabled_at IS NOT NULL FROM editors ORDER BY name, id",
        )
        .fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, email, name, role, disabled)| EditorAccount {
                editor: EditorRow {
                    id,
                    email,
                    name,
                    role,
                }
                .into_editor(),
                disabled,
            })
            .collect())
    }

    /// Gives account `id` this role and enables or disables it; disabling ends its sessions.
    /// Refused if no enabled admin would be left (two admins demoting each other at once
    /// cannot both succeed: the check runs inside the write transaction).
    pub async fn update_editor(
        &self,
        id: i64,
        role: Role,
        disabled: bool,
        now: OffsetDateTime,
    ) -> Result<AccountChange, AppError> {
        let mut tx = self.write().await?;
        let exists: Option<i64> = on!(&mut tx.conn(), c => sqlx::query_scalar(
            "SELECT id FROM editors WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **c).await)?;
        if exists.is_none() {
            return Ok(AccountChange::NotFound);
        }
        if role != Role::Admin || disabled {
            let other_admins: i64 = on!(&mut tx.conn(), c => sqlx::query_scalar(
                "SELECT COUNT(*) FROM editors WHERE role = 'admin' AND disabled_at IS NULL AND id != $1",
            )
            .bind(id)
            .fetch_one(&mut **c).await)?;
            if other_admins == 0 {
                return Ok(AccountChange::LastAdmin);
            }
        }
        on!(&mut tx.conn(), c => sqlx::query(
            "UPDATE editors SET role = $2, \
             disabled_at = CASE WHEN $3 IS NULL THEN NULL ELSE COALESCE(disabled_at, $3) END \
             WHERE id = $1",
        )
        .bind(id)
        .bind(role.as_str())
        .bind(disabled.then(|| stamp(now)))
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        if disabled {
            on!(&mut tx.conn(), c => sqlx::query("DELETE FROM editor_sessions WHERE editor_id = $1")
                .bind(id)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(AccountChange::Changed)
    }

    /// The enabled account with this (lower-cased) email and its password hash; a disabled
    /// one is answered like an unknown address.
    pub async fn editor_credentials(
        &self,
        email: &str,
    ) -> Result<Option<(Editor, String)>, AppError> {
        let row: Option<(i64, String, String, String, String)> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT id, email, name, role, password_hash FROM editors \
             WHERE email = $1 AND disabled_at IS NULL",
        )
        .bind(email)
        .fetch_optional(c).await)?;
        Ok(row.map(|(id, email, name, role, hash)| {
            let editor = EditorRow {
                id,
                email,
                name,
                role,
            }
            .into_editor();
            (editor, hash)
        }))
    }

    /// Checks the failure counts of a sign-in's subjects (keyed hashes of its email, its
    /// source, or both) and, if none is over its limit (`None`: counted, never locked),
    /// records this attempt as a failure — before the password is checked, so parallel
    /// guesses cannot slip past the limit together.
    pub async fn begin_sign_in(
        &self,
        subjects: &[(&str, Option<i64>)],
        window: Duration,
        now: OffsetDateTime,
    ) -> Result<Attempt, AppError> {
        let since = stamp(now - window);
        let mut tx = self.write().await?;
        on!(&mut tx.conn(), c => sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(&since)
            .execute(&mut **c).await
            .map(|done| done.rows_affected()))?;
        let mut failures = 0;
        for (subject, limit) in subjects {
            let (count, oldest): (i64, Option<String>) = on!(&mut tx.conn(), c => sqlx::query_as(
                "SELECT COUNT(*), MIN(at) FROM login_failures WHERE subject = $1 AND at >= $2",
            )
            .bind(subject)
            .bind(&since)
            .fetch_one(&mut **c).await)?;
            let Some(limit) = limit else {
                failures = failures.max(count);
                continue;
            };
            if count >= *limit {
                let free_at = oldest
                    .and_then(|at| {
                        OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                    .map_or(now + window, |at| at + window);
                let retry_after = u64::try_from((free_at - now).whole_seconds()).unwrap_or(1);
                // The failures counted may be batch-mates' writes: answer once they are durable.
                tx.commit().await?;
                return Ok(Attempt::Locked {
                    retry_after: retry_after.max(1),
                });
            }
        }
        let at = stamp(now);
        for (subject, _) in subjects {
            on!(&mut tx.conn(), c => sqlx::query("INSERT INTO login_failures (subject, at) VALUES ($1, $2)")
                .bind(subject)
                .bind(&at)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(Attempt::Allowed { failures })
    }

    /// A sign-in succeeded: the failures of `forgiven` (the email's, alone and from this
    /// source) are forgiven (the source's own stay counted), and a new session is stored,
    /// replacing the one the browser came with, if any.
    pub async fn sign_in_succeeded(
        &self,
        editor: &Editor,
        forgiven: &[&str],
        token_hash: &str,
        replaces: Option<&str>,
        now: OffsetDateTime,
        lifetime: Duration,
    ) -> Result<(), AppError> {
        let mut tx = self.write().await?;
        for subject in forgiven {
            on!(&mut tx.conn(), c => sqlx::query("DELETE FROM login_failures WHERE subject = $1")
                .bind(subject)
                .execute(&mut **c).await
                .map(|done| done.rows_affected()))?;
        }
        // The session the browser had before (anyone's, valid or not) ends here; so do this
        // editor's expired ones.
        on!(&mut tx.conn(), c => sqlx::query(
            "DELETE FROM editor_sessions WHERE token_hash = $1 OR (editor_id = $2 AND expires_at <= $3)",
        )
        .bind(replaces.unwrap_or(""))
        .bind(editor.id)
        .bind(stamp(now))
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        let at = stamp(now);
        on!(&mut tx.conn(), c => sqlx::query(
            "INSERT INTO editor_sessions (token_hash, editor_id, created_at, seen_at, expires_at) \
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(token_hash)
        .bind(editor.id)
        .bind(&at)
        .bind(stamp(now + lifetime))
        .execute(&mut **c).await
        .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(())
    }

    /// The editor whose live session has this token hash. A session last renewed more than
    /// `renew_after` ago gets `idle` more (never past its creation plus `max`, which the
    /// stored expiry already caps, see [`Store::sign_in_succeeded`]).
    pub async fn session_editor(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        renew_after: Duration,
        idle: Duration,
    ) -> Result<Option<Editor>, AppError> {
        let at = stamp(now);
        let row: Option<SessionRow> = on!(&*self.pool, c => sqlx::query_as(
            "SELECT e.id, e.email, e.name, e.role, s.created_at, s.seen_at \
             FROM editor_sessions s JOIN editors e ON e.id = s.editor_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND e.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(&at)
        .fetch_optional(c).await)?;
        let Some(row) = row else { return Ok(None) };
        if row.seen_at < stamp(now - renew_after) {
            let max_end = OffsetDateTime::parse(
                &row.created_at,
                &time::format_description::well_known::Rfc3339,
            )
            .map(|created| created + crate::server::editors::SESSION_MAX)
            .unwrap_or(now);
            let expires = stamp((now + idle).min(max_end));
            on!(&*self.pool, c => sqlx::query(
                "UPDATE editor_sessions SET seen_at = $1, expires_at = $2 WHERE token_hash = $3",
            )
            .bind(&at)
            .bind(expires)
            .bind(token_hash)
            .execute(c).await
            .map(|done| done.rows_affected()))?;
        }
        Ok(Some(
            EditorRow {
                id: row.id,
                email: row.email,
                name: row.name,
                role: row.role,
            }
            .into_editor(),
        ))
    }

    /// Forgives the failures counted for `subject` (a password proved right).
    pub async fn forgive_sign_in_failures(&self, subject: &str) -> Result<(), AppError> {
        on!(&*self.pool, c => sqlx::query("DELETE FROM login_failures WHERE subject = $1")
            .bind(subject)
            .execute(c).await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Ends one session. `false`: there was none with this hash.
    pub async fn end_session(&self, token_hash: &str) -> Result<bool, AppError> {
        let deleted = on!(&*self.pool, c => sqlx::query("DELETE FROM editor_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(c).await
            .map(|done| done.rows_affected()))?;
        Ok(deleted > 0)
    }

    /// Deletes sessions that have ended (the hourly purge).
    pub async fn purge_sessions(&self, now: OffsetDateTime) -> Result<u64, AppError> {
        Ok(
            on!(&*self.pool, c => sqlx::query("DELETE FROM editor_sessions WHERE expires_at <= $1")
            .bind(stamp(now))
            .execute(c).await
            .map(|done| done.rows_affected()))?,
        )
    }
}
