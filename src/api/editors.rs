//! Editor accounts and desk sessions: signing in and out, who is signed in, and (admins only)
//! the list of accounts and adding one. Every endpoint checks the session itself, inside the
//! function — never by URL. Signing in works as a plain form post too: without JavaScript the
//! browser is sent on to the desk, or back to the form with the reason.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::editors::{Editor, EditorAccount};
use leptos::server_fn::codec::GetUrl;

/// The answer to a refused sign-in, the same whether the address has an account or not.
pub const SIGN_IN_REFUSED: &str = "That email and password don't match an editor account.";

/// Signs an editor in: a new session (never the one the browser came with) in an HttpOnly,
/// SameSite=Strict cookie. `next` is where a form post goes afterwards (a desk address only).
/// Refused sign-ins answer 401 (429 after too many), except for a plain form post, which is
/// sent back to the sign-in page with the reason instead (and gets `None`).
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<Option<Editor>, AppError> {
    use crate::model::check_email;
    use crate::model::editors::MAX_PASSWORD_BYTES;
    use crate::server::editors::{
        LOGIN_FAILURES_PER_EMAIL, LOGIN_FAILURES_PER_SOURCE, LOGIN_WINDOW, SESSION_IDLE,
        email_source_subject, email_subject, session_cookie, session_token, sign_in_delay,
        verify_password,
    };
    use crate::server::guard::{accepts_html, check_same_origin, request_parts};
    use crate::server::rate_limit::client_source;
    use crate::server::repo::Attempt;
    use crate::server::tokens::token_hash;
    use crate::server::{respond, state::app_state};

    let parts = request_parts()?;
    check_same_origin(&parts.headers)?;
    let state = app_state()?;
    let form_post = accepts_html(&parts.headers);
    let next = crate::model::editors::desk_destination(next.as_deref());
    // A plain form post goes back to the form with the reason; the app gets the error itself.
    let refuse = |error: AppError, reason: &str| {
        if form_post {
            let next = crate::model::encode_query_value(&next);
            leptos_axum::redirect(&format!("/desk/login?failed={reason}&next={next}"));
            Ok(None)
        } else {
            Err(error)
        }
    };
    let email = match check_email(&email) {
        Ok(email) => email.to_ascii_lowercase(),
        Err(error) => return refuse(error, "email"),
    };
    if password.is_empty() || password.len() > MAX_PASSWORD_BYTES {
        return refuse(
            AppError::Unauthorized(SIGN_IN_REFUSED.to_string()),
            "credentials",
        );
    }

    let now = time::OffsetDateTime::now_utc();
    let email_subject = email_subject(&state, &email);
    // Without a known source (no socket peer: never in production) every attempt on an
    // address shares one.
    let source = client_source(&parts, &state.config.limits.trusted_proxies);
    let pair_subject = email_source_subject(&state, &email, source.as_deref().unwrap_or("-"));
    let source_subject = source.map(|s| state.readers.tag("sign-in-source", &s));
    let mut subjects = vec![
        (pair_subject.as_str(), Some(LOGIN_FAILURES_PER_EMAIL)),
        (email_subject.as_str(), None),
    ];
    if let Some(source) = &source_subject {
        subjects.push((source.as_str(), Some(LOGIN_FAILURES_PER_SOURCE)));
    }
    match state
        .store
        .begin_sign_in(&subjects, LOGIN_WINDOW, now)
        .await?
    {
        Attempt::Locked { retry_after } => {
            tracing::warn!("sign-in refused: too many failures from this source");
            return refuse(AppError::TooManyRequests { retry_after }, "locked");
        }
        Attempt::Allowed { failures } => {
            let delay = sign_in_delay(failures);
            if !delay.is_zero() {
                tracing::warn!(failures, "sign-in slowed: an account is being guessed at");
                tokio::time::sleep(delay).await;
            }
        }
    }

    let account = state.store.editor_credentials(&email).await?;
    let (editor, hash) = match account {
        Some((editor, hash)) => (Some(editor), Some(hash)),
        None => (None, None),
    };
    // Verified even when there is no account (against a decoy), so both cost the same.
    let verified = verify_password(hash, password).await;
    let Some(editor) = editor.filter(|_| verified) else {
        tracing::info!("sign-in refused: wrong email or password");
        return refuse(
            AppError::Unauthorized(SIGN_IN_REFUSED.to_string()),
            "credentials",
        );
    };

    let secure = respond::secure_cookies(&state);
    let (token, hash) = crate::server::tokens::new_token("a desk session")?;
    let planted = session_token(&parts.headers, secure).map(token_hash);
    state
        .store
        .sign_in_succeeded(
            &editor,
            &[email_subject.as_str(), pair_subject.as_str()],
            &hash,
            planted.as_deref(),
            now,
            SESSION_IDLE,
        )
        .await?;
    tracing::info!(editor = editor.id, "editor signed in");
    respond::set_cookie(session_cookie(&token, secure));
    if form_post {
        leptos_axum::redirect(&next);
    }
    Ok(Some(editor))
}

/// Signs out: the session ends on the server (the old cookie opens nothing any more) and the
/// cookie is cleared. Signing out without a session is not an error.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::editors::{cleared_cookie, session_token};
    use crate::server::guard::{accepts_html, check_same_origin, request_parts};
    use crate::server::respond::secure_cookies;
    use crate::server::tokens::token_hash;
    use crate::server::{respond, state::app_state};

    let parts = request_parts()?;
    check_same_origin(&parts.headers)?;
    let state = app_state()?;
    let secure = secure_cookies(&state);
    if let Some(token) = session_token(&parts.headers, secure)
        && state.store.end_session(&token_hash(token)).await?
    {
        tracing::info!("editor signed out");
    }
    respond::set_cookie(cleared_cookie(secure));
    if accepts_html(&parts.headers) {
        leptos_axum::redirect("/desk/login?signed_out=1");
    }
    Ok(())
}

/// The editor signed in on this request, if any.
#[server(prefix = "/api", endpoint = "current_editor", input = GetUrl)]
pub async fn current_editor() -> Result<Option<Editor>, AppError> {
    use crate::server::editors::signed_in;
    use crate::server::guard::{check_not_cross_site_script, request_parts};
    use crate::server::state::app_state;

    let parts = request_parts()?;
    check_not_cross_site_script(&parts.headers)?;
    signed_in(&app_state()?, &parts.headers).await
}

/// Every editor account, with whether it is disabled (admins only).
#[server(prefix = "/api", endpoint = "list_editors", input = GetUrl)]
pub async fn list_editors() -> Result<Vec<EditorAccount>, AppError> {
    let (state, _, _) = crate::server::editors::require_admin(false).await?;
    state.store.list_editors().await
}

/// Adds an editor account (admins only). The new editor signs in with this password and
/// should change it.
#[server(prefix = "/api", endpoint = "add_editor")]
pub async fn add_editor(
    email: String,
    name: String,
    role: String,
    password: String,
) -> Result<Editor, AppError> {
    use crate::model::check_email;
    use crate::model::editors::{Role, check_editor_name, check_new_password};
    use crate::server::editors::{hash_password, require_admin};
    use crate::server::guard::accepts_html;
    use crate::server::repo::AddedEditor;

    let (state, parts, admin) = require_admin(true).await?;
    let email = check_email(&email)?.to_ascii_lowercase();
    let name = check_editor_name(&name)?;
    let role = Role::parse(&role)
        .ok_or_else(|| AppError::invalid("role", "The role must be editor or admin."))?;
    check_new_password(&password, &email)?;
    let hash = hash_password(password).await?;
    match state.store.add_editor(&email, name, role, &hash).await? {
        AddedEditor::Added(editor) => {
            tracing::info!(
                by = admin.id,
                editor = editor.id,
                role = role.as_str(),
                "editor account added"
            );
            if accepts_html(&parts.headers) {
                leptos_axum::redirect("/desk/editors");
            }
            Ok(editor)
        }
        AddedEditor::EmailTaken => Err(AppError::invalid(
            "email",
            "There is already an account with this email address.",
        )),
    }
}

/// Gives account `id` a role and enables or disables it (admins only). Disabling ends the
/// account's sessions at once and refuses its sign-ins (answered like a wrong password). An
/// admin cannot demote or disable their own account, and the last enabled admin stays one.
/// A plain form post is sent back to `/desk/editors` with the outcome.
#[server(prefix = "/api", endpoint = "update_editor")]
pub async fn update_editor(id: i64, role: String, disabled: bool) -> Result<(), AppError> {
    use crate::model::editors::Role;
    use crate::server::editors::require_admin;
    use crate::server::guard::accepts_html;
    use crate::server::repo::AccountChange;

    let (state, parts, admin) = require_admin(true).await?;
    let result = async {
        let role = Role::parse(&role)
            .ok_or_else(|| AppError::invalid("role", "The role must be editor or admin."))?;
        if id == admin.id && (role != Role::Admin || disabled) {
            return Err(AppError::invalid(
                "role",
                "You cannot demote or disable your own account; another admin can.",
            ));
        }
        match state
            .store
            .update_editor(id, role, disabled, time::OffsetDateTime::now_utc())
            .await?
        {
            AccountChange::Changed => {
                tracing::info!(
                    by = admin.id,
                    editor = id,
                    role = role.as_str(),
                    disabled,
                    "editor account changed"
                );
                Ok(())
            }
            AccountChange::NotFound => Err(AppError::not_found("There is no such account.")),
            AccountChange::LastAdmin => Err(AppError::Conflict(
                "At least one enabled admin must remain.".to_string(),
            )),
        }
    }
    .await;
    if accepts_html(&parts.headers) {
        let to = match &result {
            Ok(()) => "/desk/editors?done=updated".to_string(),
            Err(AppError::Internal) => return result,
            Err(error) => format!(
                "/desk/editors?problem={}",
                crate::model::encode_query_value(&error.to_string())
            ),
        };
        leptos_axum::redirect(&to);
        return Ok(());
    }
    result
}

/// Changes the signed-in editor's own password. The current one must be given (wrong guesses
/// count towards the sign-in lock); every other session of the account ends, this one stays.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current: String,
    new_password: String,
    repeat: String,
) -> Result<(), AppError> {
    use crate::model::editors::{MAX_PASSWORD_BYTES, check_new_password};
    use crate::server::editors::{
        LOGIN_FAILURES_PER_EMAIL, LOGIN_WINDOW, hash_password, require_editor, session_token,
        verify_password,
    };
    use crate::server::guard::accepts_html;
    use crate::server::repo::Attempt;
    use crate::server::tokens::token_hash;

    let (state, parts, editor) = require_editor(true).await?;
    let wrong = || AppError::invalid("current", "That is not your current password.");
    if current.is_empty() || current.len() > MAX_PASSWORD_BYTES {
        return Err(wrong());
    }
    check_new_password(&new_password, &editor.email)
        .map_err(|e| AppError::invalid("new_password", e.to_string()))?;
    if repeat != new_password {
        return Err(AppError::invalid("repeat", "The two new passwords differ."));
    }
    // Counted apart from sign-ins: only someone holding this editor's session gets here.
    let subject = state.readers.tag("password-change", &editor.email);
    let now = time::OffsetDateTime::now_utc();
    if let Attempt::Locked { retry_after } = state
        .store
        .begin_sign_in(
            &[(subject.as_str(), Some(LOGIN_FAILURES_PER_EMAIL))],
            LOGIN_WINDOW,
            now,
        )
        .await?
    {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let hash = state
        .store
        .editor_credentials(&editor.email)
        .await?
        .map(|(_, hash)| hash);
    if !verify_password(hash, current).await {
        return Err(wrong());
    }
    state.store.forgive_sign_in_failures(&subject).await?;
    let new_hash = hash_password(new_password).await?;
    let keep = session_token(
        &parts.headers,
        crate::server::respond::secure_cookies(&state),
    )
    .map(token_hash);
    state
        .store
        .set_editor_password(&editor.email, &new_hash, keep.as_deref())
        .await?;
    tracing::info!(editor = editor.id, "editor changed their password");
    if accepts_html(&parts.headers) {
        leptos_axum::redirect("/desk/account?changed=1");
    }
    Ok(())
}
