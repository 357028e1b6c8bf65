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
    use crate::model::editors::desk_destination;
    use crate::server::editors::refusal_word;
    use crate::server::request::Request;

    let req = Request::write()?;
    let next = desk_destination(next.as_deref());
    match crate::server::editors::sign_in(&req, &email, password).await {
        Ok(editor) => {
            req.land(&next);
            Ok(Some(editor))
        }
        // A plain form post goes back to the form with the reason; the app gets the error.
        Err(error) => match refusal_word(&error).filter(|_| req.form_post()) {
            Some(reason) => {
                let next = crate::model::encode_query_value(&next);
                req.land(&format!("/desk/login?failed={reason}&next={next}"));
                Ok(None)
            }
            None => Err(error),
        },
    }
}

/// Signs out: the session ends on the server (the old cookie opens nothing any more) and the
/// cookie is cleared. Signing out without a session is not an error.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::editors::{cleared_cookie, session_token};
    use crate::server::request::Request;
    use crate::server::respond::{secure_cookies, set_cookie};
    use crate::server::tokens::token_hash;

    let req = Request::write()?;
    let secure = secure_cookies(&req.state);
    if let Some(token) = session_token(&req.parts.headers, secure)
        && req.state.store.end_session(&token_hash(token)).await?
    {
        tracing::info!("editor signed out");
    }
    set_cookie(cleared_cookie(secure));
    req.land("/desk/login?signed_out=1");
    Ok(())
}

/// The editor signed in on this request, if any.
#[server(prefix = "/api", endpoint = "current_editor", input = GetUrl)]
pub async fn current_editor() -> Result<Option<Editor>, AppError> {
    use crate::server::request::Request;

    let req = Request::read()?;
    crate::server::editors::signed_in(&req.state, &req.parts.headers).await
}

/// Every editor account, with whether it is disabled (admins only).
#[server(prefix = "/api", endpoint = "list_editors", input = GetUrl)]
pub async fn list_editors() -> Result<Vec<EditorAccount>, AppError> {
    let req = crate::server::request::Request::read()?;
    req.admin().await?;
    req.state.store.list_editors().await
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
    use crate::server::editors::hash_password;
    use crate::server::repo::AddedEditor;
    use crate::server::request::Request;

    let req = Request::write()?;
    let admin = req.admin().await?;
    let state = &req.state;
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
            req.land("/desk/editors");
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
    use crate::server::request::Request;

    let req = Request::write()?;
    let admin = req.admin().await?;
    let updated = crate::server::editors::update(&req, &admin, id, &role, disabled).await;
    let page = "/desk/editors";
    req.land_outcome(updated, |()| format!("{page}?done=updated"), page, || ())
}

/// Changes the signed-in editor's own password. The current one must be given (wrong guesses
/// count towards the sign-in lock); every other session of the account ends, this one stays.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current: String,
    new_password: String,
    repeat: String,
) -> Result<(), AppError> {
    use crate::server::editors::PasswordChange;
    use crate::server::request::Request;

    let req = Request::write()?;
    let editor = req.editor().await?;
    let change = PasswordChange {
        current,
        new_password,
        repeat,
    };
    crate::server::editors::change_password(&req, &editor, change).await?;
    req.land("/desk/account?changed=1");
    Ok(())
}
