//! Editor accounts and desk sessions: argon2id password hashes (computed off the async
//! runtime), sign-in limits, session tokens in a cookie (read by `Request::editor`, the check
//! every desk server function runs first), and the account workflows: signing in, an admin
//! changing an account, an editor changing their password.
//!
//! A session is a random token in a cookie; the database keeps only its SHA-256, with the
//! editor, when it was made and when it ends, so signing out and expiry end it everywhere.
//! Signing in always makes a new token and deletes the one the browser came with, so a token
//! planted before sign-in is worthless after it.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::{Duration, OffsetDateTime};

use crate::api::editors::SIGN_IN_REFUSED;
use crate::error::AppError;
use crate::model::check_email;
use crate::model::editors::{Editor, MAX_PASSWORD_BYTES, Role, check_new_password};
use crate::server::rate_limit::client_source;
use crate::server::repo::{AccountChange, Attempt};
use crate::server::request::Request;
use crate::server::respond::{cookie_value, secure_cookies};
use crate::server::state::AppState;
use crate::server::tokens::token_hash;

/// Cookie names: `__Host-` binds the cookie to this exact origin, but browsers accept that
/// prefix only on `Secure` cookies, so a site served over plain http (development, tests) uses
/// the plain name.
const SECURE_COOKIE: &str = "__Host-pulse_desk";
const PLAIN_COOKIE: &str = "pulse_desk";

/// A session ends after this long without use…
pub const SESSION_IDLE: Duration = Duration::hours(12);
/// …and this long after sign-in, however busy.
pub const SESSION_MAX: Duration = Duration::days(7);
/// Sessions in use are renewed at most this often (one write per few minutes, not per request).
const SESSION_RENEW_AFTER: Duration = Duration::minutes(5);

/// Failed sign-ins are counted over this window…
pub const LOGIN_WINDOW: Duration = Duration::minutes(15);
/// …and this many for one email address from one source lock that source out of that
/// address until the window passes (the right password from anywhere else still works)…
pub const LOGIN_FAILURES_PER_EMAIL: i64 = 5;
/// …while one source may fail this often across all addresses.
pub const LOGIN_FAILURES_PER_SOURCE: i64 = 30;
/// Failures from everywhere together never lock an account; past
/// [`LOGIN_FAILURES_PER_EMAIL`] of them, every further attempt on it waits this much longer
/// for its answer, up to [`LOGIN_SLOWDOWN_MAX`] — guessing from many sources gets slow, and
/// the editor with the right password still gets in.
pub const LOGIN_SLOWDOWN_STEP: std::time::Duration = std::time::Duration::from_millis(100);
pub const LOGIN_SLOWDOWN_MAX: std::time::Duration = std::time::Duration::from_secs(2);

/// How long a sign-in waits when its account has had `failures` from everywhere.
pub fn sign_in_delay(failures: i64) -> std::time::Duration {
    let over = failures.saturating_sub(LOGIN_FAILURES_PER_EMAIL).max(0);
    let over = u32::try_from(over).unwrap_or(u32::MAX);
    LOGIN_SLOWDOWN_STEP
        .saturating_mul(over)
        .min(LOGIN_SLOWDOWN_MAX)
}

/// argon2id at OWASP's recommended cost: 19 MiB of memory, two passes, one lane.
fn argon2() -> Argon2<'static> {
    // These parameters are constants within argon2's documented bounds.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (algorithm, parameters and salt inside). CPU-heavy:
/// call it through [`hash_password`] from async code.
pub fn hash_password_blocking(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|error| {
        tracing::error!(%error, "no randomness for a password salt");
        AppError::Internal
    })?;
    let salt = SaltString::encode_b64(&salt).map_err(|error| {
        tracing::error!(%error, "cannot encode a password salt");
        AppError::Internal
    })?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| {
            tracing::error!(%error, "cannot hash a password");
            AppError::Internal
        })
}

/// [`hash_password_blocking`] on a blocking thread, off the async runtime.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(|error| {
            tracing::error!(%error, "password hashing task failed");
            AppError::Internal
        })?
}

/// A hash of a password nobody knows, verified in place of a missing account's, so that an
/// unknown address costs exactly the time of a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let mut secret = [0u8; 32];
        let _ = getrandom::fill(&mut secret);
        hash_password_blocking(&URL_SAFE_NO_PAD.encode(secret)).unwrap_or_default()
    })
}

/// Whether `password` matches `hash`; with no hash (no such account) the decoy is checked
/// instead and the answer is always no. Runs on a blocking thread.
pub async fn verify_password(hash: Option<String>, password: String) -> bool {
    let verified = tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let stored = hash.unwrap_or_else(|| decoy_hash().to_string());
        let matches = PasswordHash::new(&stored)
            .map(|parsed| {
                argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && matches
    })
    .await;
    verified.unwrap_or(false)
}

/// What sign-in failures for `email` (lower-cased) are counted under: a keyed hash, so the
/// table holds no addresses.
pub fn email_subject(state: &AppState, email: &str) -> String {
    state.readers.tag("sign-in-email", email)
}

/// The keyed hash that counts failures for one email address from one source.
pub fn email_source_subject(state: &AppState, email: &str, source: &str) -> String {
    state
        .readers
        .tag("sign-in-email-source", &format!("{source} {email}"))
}

fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE } else { PLAIN_COOKIE }
}

/// The session token the request carries, if any (well-formed tokens only).
pub fn session_token(headers: &HeaderMap, secure: bool) -> Option<&str> {
    cookie_value(headers, cookie_name(secure)).filter(|t| {
        t.len() == 43
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// The `Set-Cookie` value for a new session: HttpOnly, SameSite=Strict, Secure over https. No
/// Max-Age: the server ends the session; the browser forgets it when it closes at the latest.
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let flags = if secure { "; Secure" } else { "" };
    let value = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict{flags}",
        cookie_name(secure)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_cookie(secure: bool) -> HeaderValue {
    let flags = if secure { "; Secure" } else { "" };
    let value = format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{flags}",
        cookie_name(secure)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The editor signed in on this request, or `None`. Renews a session in use.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<Editor>, AppError> {
    let Some(token) = session_token(headers, secure_cookies(state)) else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    state
        .store
        .session_editor(&token_hash(token), now, SESSION_RENEW_AFTER, SESSION_IDLE)
        .await
}

/// The refusal of a desk call without a live session.
pub fn sign_in_needed() -> AppError {
    AppError::Unauthorized("Please sign in to the desk to do this.".to_string())
}

/// The answer to a refused sign-in, the same whether the address has an account or not.
fn refused() -> AppError {
    AppError::Unauthorized(SIGN_IN_REFUSED.to_string())
}

/// Signs an editor in: checks the form, the failure limits (slowing down an account being
/// guessed at from everywhere) and the password, then starts a new session (never the one the
/// browser came with) and sets its cookie. Refusals are 400 (a malformed address), 401 or 429.
pub async fn sign_in(req: &Request, email: &str, password: String) -> Result<Editor, AppError> {
    let state = &req.state;
    let email = check_email(email)?.to_ascii_lowercase();
    if password.is_empty() || password.len() > MAX_PASSWORD_BYTES {
        return Err(refused());
    }
    let now = OffsetDateTime::now_utc();
    let email_subject = email_subject(state, &email);
    // Without a known source (no socket peer: never in production) every attempt on an
    // address shares one.
    let source = client_source(&req.parts, &state.config.limits.trusted_proxies);
    let pair_subject = email_source_subject(state, &email, source.as_deref().unwrap_or("-"));
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
            return Err(AppError::TooManyRequests { retry_after });
        }
        Attempt::Allowed { failures } => {
            let delay = sign_in_delay(failures);
            if !delay.is_zero() {
                tracing::warn!(failures, "sign-in slowed: an account is being guessed at");
                tokio::time::sleep(delay).await;
            }
        }
    }
    let (editor, hash) = state.store.editor_credentials(&email).await?.unzip();
    // Verified even when there is no account (against a decoy), so both cost the same.
    let verified = verify_password(hash, password).await;
    let Some(editor) = editor.filter(|_| verified) else {
        tracing::info!("sign-in refused: wrong email or password");
        return Err(refused());
    };
    let secure = secure_cookies(state);
    let (token, hash) = crate::server::tokens::new_token("a desk session")?;
    let planted = session_token(&req.parts.headers, secure).map(token_hash);
    let counted = [email_subject.as_str(), pair_subject.as_str()];
    state
        .store
        .sign_in_succeeded(
            &editor,
            &counted,
            &hash,
            planted.as_deref(),
            now,
            SESSION_IDLE,
        )
        .await?;
    tracing::info!(editor = editor.id, "editor signed in");
    crate::server::respond::set_cookie(session_cookie(&token, secure));
    Ok(editor)
}

/// The sign-in page's `failed=` word for a refusal (`None`: not a refusal, but a failure).
pub fn refusal_word(error: &AppError) -> Option<&'static str> {
    match error {
        AppError::Invalid { .. } | AppError::BadRequest(_) => Some("email"),
        AppError::TooManyRequests { .. } => Some("locked"),
        AppError::Unauthorized(_) => Some("credentials"),
        _ => None,
    }
}

/// Gives account `id` a role and enables or disables it. Disabling ends the account's sessions
/// at once. An admin cannot demote or disable their own account, and the last enabled admin
/// stays one.
pub async fn update(
    req: &Request,
    admin: &Editor,
    id: i64,
    role: &str,
    disabled: bool,
) -> Result<(), AppError> {
    let role = Role::parse(role)
        .ok_or_else(|| AppError::invalid("role", "The role must be editor or admin."))?;
    if id == admin.id && (role != Role::Admin || disabled) {
        return Err(AppError::invalid(
            "role",
            "You cannot demote or disable your own account; another admin can.",
        ));
    }
    let now = OffsetDateTime::now_utc();
    match req
        .state
        .store
        .update_editor(id, role, disabled, now)
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

/// A change of one's own password, as the form sends it.
pub struct PasswordChange {
    pub current: String,
    pub new_password: String,
    pub repeat: String,
}

/// Changes the signed-in editor's own password. The current one must be given (wrong guesses
/// count towards a lock of their own); every other session of the account ends, this one stays.
pub async fn change_password(
    req: &Request,
    editor: &Editor,
    change: PasswordChange,
) -> Result<(), AppError> {
    let state = &req.state;
    let wrong = || AppError::invalid("current", "That is not your current password.");
    if change.current.is_empty() || change.current.len() > MAX_PASSWORD_BYTES {
        return Err(wrong());
    }
    check_new_password(&change.new_password, &editor.email)
        .map_err(|e| AppError::invalid("new_password", e.to_string()))?;
    if change.repeat != change.new_password {
        return Err(AppError::invalid("repeat", "The two new passwords differ."));
    }
    // Counted apart from sign-ins: only someone holding this editor's session gets here.
    let subject = state.readers.tag("password-change", &editor.email);
    let limit = [(subject.as_str(), Some(LOGIN_FAILURES_PER_EMAIL))];
    let now = OffsetDateTime::now_utc();
    if let Attempt::Locked { retry_after } =
        state.store.begin_sign_in(&limit, LOGIN_WINDOW, now).await?
    {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let hash = state.store.editor_credentials(&editor.email).await?;
    if !verify_password(hash.map(|(_, hash)| hash), change.current).await {
        return Err(wrong());
    }
    state.store.forgive_sign_in_failures(&subject).await?;
    let new_hash = hash_password(change.new_password).await?;
    let keep = session_token(&req.parts.headers, secure_cookies(state)).map(token_hash);
    state
        .store
        .set_editor_password(&editor.email, &new_hash, keep.as_deref())
        .await?;
    tracing::info!(editor = editor.id, "editor changed their password");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessing_from_everywhere_slows_down_and_never_locks() {
        assert!(sign_in_delay(0).is_zero());
        assert!(sign_in_delay(LOGIN_FAILURES_PER_EMAIL).is_zero());
        assert_eq!(
            sign_in_delay(LOGIN_FAILURES_PER_EMAIL + 1),
            LOGIN_SLOWDOWN_STEP
        );
        assert_eq!(sign_in_delay(i64::MAX), LOGIN_SLOWDOWN_MAX);
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify_only_the_right_password() {
        let one = hash_password_blocking("correct horse battery").expect("hash");
        let two = hash_password_blocking("correct horse battery").expect("hash");
        assert!(one.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{one}");
        assert_ne!(one, two, "every hash has its own salt");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            assert!(verify_password(Some(one.clone()), "correct horse battery".into()).await);
            assert!(!verify_password(Some(one), "correct horse battery!".into()).await);
            assert!(!verify_password(None, "correct horse battery".into()).await);
            assert!(!verify_password(Some("not a hash".into()), "x".into()).await);
        });
    }

    #[test]
    fn session_cookies_are_host_only_http_only_and_strict() {
        let (token, _) = crate::server::tokens::new_token("a session").expect("token");
        let cookie = session_cookie(&token, true);
        let cookie = cookie.to_str().expect("ascii");
        assert!(cookie.starts_with("__Host-pulse_desk="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && cookie.contains("Secure")
        );
        assert!(
            !session_cookie(&token, false)
                .to_str()
                .expect("ascii")
                .contains("Secure")
        );
    }
}
