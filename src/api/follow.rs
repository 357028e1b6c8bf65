//! Following without an account: "Follow this brief" (double opt-in), confirming a follow
//! with the mailed link's button, and the page a mailed "manage" link opens (every follow of
//! the address: stop one, stop all, forget the address). Every endpoint works as a plain form
//! post without JavaScript. The one-click stop in each mail is a plain route
//! (`server::follow::one_click_stop`), because mail clients post to it directly.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::follow::{FollowConfirmation, ManagedFollows};

/// What a manage link that no longer works says.
pub const MANAGE_LINK_GONE: &str =
    "This link no longer works. Use the one in your latest mail from us.";

/// Asks to follow brief `slug` at `email`. The answer is the same whatever the address's state;
/// the confirmation is queued, never sent inside the request. `website` is a honeypot.
#[server(prefix = "/api", endpoint = "follow_brief")]
pub async fn follow_brief(
    slug: String,
    email: String,
    website: Option<String>,
) -> Result<String, AppError> {
    use crate::model::follow::FOLLOW_ANSWER;
    use crate::server::request::Request;

    let req = Request::write()?;
    crate::server::follow::follow_brief(&req, &slug, &email, website.as_deref()).await?;
    req.land(&format!("/pulse/{slug}?follow=sent#follow"));
    Ok(FOLLOW_ANSWER.to_string())
}

/// Where a follow's confirmation link stands (`done`: it was just used here).
#[server(prefix = "/api", endpoint = "follow_link_state", input = GetUrl)]
pub async fn follow_link_state(token: String, done: bool) -> Result<FollowConfirmation, AppError> {
    let state = crate::server::request::Request::read()?.state;
    crate::server::follow::confirmation_state(&state, &token, done).await
}

/// Confirms a follow with the token from its confirmation mail. A button press, not the link
/// itself: mail scanners open links, and must not confirm on the reader's behalf.
#[server(prefix = "/api", endpoint = "confirm_follow")]
pub async fn confirm_follow(token: String) -> Result<FollowConfirmation, AppError> {
    use crate::server::request::Request;

    let req = Request::write()?;
    let outcome = crate::server::follow::confirm(&req.state, &token).await?;
    let url_safe = token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    req.land(&match (&outcome, url_safe) {
        (_, false) => "/follow/confirm".to_string(),
        (FollowConfirmation::Confirmed(_), true) => {
            format!("/follow/confirm?token={token}&done=true")
        }
        (_, true) => format!("/follow/confirm?token={token}"),
    });
    Ok(outcome)
}

/// Every follow of the address a mailed manage link names.
#[server(prefix = "/api", endpoint = "read_follows", input = GetUrl)]
pub async fn read_follows(token: String) -> Result<ManagedFollows, AppError> {
    use crate::server::follow::managed_address;

    crate::server::respond::no_store();
    let state = crate::server::request::Request::read()?.state;
    let Some(key) = managed_address(&state, &token).await? else {
        return Err(AppError::not_found(MANAGE_LINK_GONE));
    };
    let follows = state
        .store
        .follows_of_address(&key, state.config.follow.days)
        .await?;
    let email = follows.first().map(|f| f.email.clone()).unwrap_or_default();
    Ok(ManagedFollows { email, follows })
}

/// Stops one follow (`id`) of the address a manage link names, or all of them (no `id`).
#[server(prefix = "/api", endpoint = "stop_follow")]
pub async fn stop_follow(token: String, id: Option<i64>) -> Result<(), AppError> {
    use crate::server::request::Request;

    let req = Request::write()?;
    if !crate::server::follow::stop_from_manage(&req.state, &token, id).await? {
        return Err(AppError::not_found(MANAGE_LINK_GONE));
    }
    req.land(&format!(
        "/follow/manage?token={}&stopped=true",
        crate::model::encode_query_value(&token)
    ));
    Ok(())
}

/// Deletes every follow of the address a manage link names, and all mail to it about them.
/// The reader must say `confirm = "forget"`.
#[server(prefix = "/api", endpoint = "forget_follows")]
pub async fn forget_follows(token: String, confirm: String) -> Result<(), AppError> {
    use crate::server::follow::managed_address;
    use crate::server::request::Request;

    let req = Request::write()?;
    if confirm != "forget" {
        return Err(AppError::invalid(
            "confirm",
            "Tick the box to confirm that the address should be forgotten.",
        ));
    }
    let Some(key) = managed_address(&req.state, &token).await? else {
        return Err(AppError::not_found(MANAGE_LINK_GONE));
    };
    let n = req.state.store.forget_follows(Some(&key), None).await?;
    tracing::info!(follows = n, "follows forgotten on request");
    req.land("/follow/manage?forgotten=true");
    Ok(())
}
