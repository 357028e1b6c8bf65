//! The newsletter: signing up (double opt-in) and confirming. Every endpoint works as a plain
//! form post without JavaScript. Unsubscribing is a plain route (`server::newsletter`),
//! because mail clients post to it directly.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::Confirmation;

/// Signs an address up for the weekly digest. The answer is the same whatever the address's
/// state (new, waiting for confirmation, confirmed, unsubscribed); the confirmation email is
/// queued, never sent inside the request. `website` is a honeypot.
#[server(prefix = "/api", endpoint = "subscribe")]
pub async fn subscribe(email: String, website: Option<String>) -> Result<String, AppError> {
    use crate::model::{SUBSCRIBE_ANSWER, check_email};
    use crate::server::guard::{accepts_html, check_same_origin, request_parts};
    use crate::server::rate_limit::client_ip;
    use crate::server::state::app_state;

    let parts = request_parts()?;
    check_same_origin(&parts.headers)?;
    let email = check_email(&email)?;
    let state = app_state()?;
    // Counted in the database (so across instances), by a keyed hash of the address. Without
    // a known address (no socket peer: never in production) all share one source.
    let ip = client_ip(&parts, &state.config.limits.trusted_proxies)
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    state
        .store
        .limit_signups(
            &state.readers.tag("source", &ip),
            state.config.newsletter.subscribes_per_minute_per_ip,
        )
        .await?
        .map_err(|retry_after| AppError::TooManyRequests { retry_after })?;
    if website.is_some_and(|w| !w.trim().is_empty()) {
        tracing::info!("newsletter honeypot filled; nothing stored");
    } else {
        crate::server::newsletter::subscribe(&state, email).await?;
    }
    if accepts_html(&parts.headers) {
        leptos_axum::redirect("/newsletter?sent=1");
    }
    Ok(SUBSCRIBE_ANSWER.to_string())
}

/// Where a confirmation link stands, for the page that shows its button.
#[server(prefix = "/api", endpoint = "confirmation_state", input = GetUrl)]
pub async fn confirmation_state(token: String) -> Result<Confirmation, AppError> {
    use crate::server::repo::TokenState;
    use crate::server::state::app_state;
    use crate::server::tokens::token_hash;

    if token.len() > 128 {
        return Ok(Confirmation::Unknown);
    }
    let state = app_state()?;
    Ok(match state.store.token_state(&token_hash(&token)).await? {
        TokenState::Valid => Confirmation::Valid,
        TokenState::Expired => Confirmation::Expired,
        TokenState::Used => Confirmation::Used,
        TokenState::Unknown => Confirmation::Unknown,
    })
}

/// Confirms a subscription with the token from the confirmation email. A button press, not
/// the link itself: mail scanners open links, and must not confirm on the reader's behalf.
#[server(prefix = "/api", endpoint = "confirm_subscription")]
pub async fn confirm_subscription(token: String) -> Result<Confirmation, AppError> {
    use crate::server::guard::{accepts_html, check_same_origin, request_parts};
    use crate::server::repo::Confirmed;
    use crate::server::state::app_state;
    use crate::server::tokens::token_hash;

    let parts = request_parts()?;
    check_same_origin(&parts.headers)?;
    let state = app_state()?;
    let outcome = if token.len() > 128 {
        Confirmation::Unknown
    } else {
        match state
            .store
            .confirm_subscription(&token_hash(&token))
            .await?
        {
            Confirmed::Confirmed => Confirmation::Confirmed,
            Confirmed::Expired => Confirmation::Expired,
            Confirmed::Used => Confirmation::Used,
            Confirmed::Unknown => Confirmation::Unknown,
        }
    };
    if outcome == Confirmation::Confirmed {
        tracing::info!("newsletter subscription confirmed");
    }
    if accepts_html(&parts.headers) {
        if outcome == Confirmation::Confirmed {
            leptos_axum::redirect("/newsletter/confirm?confirmed=1");
        } else if token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            leptos_axum::redirect(&format!("/newsletter/confirm?token={token}"));
        } else {
            leptos_axum::redirect("/newsletter/confirm");
        }
    }
    Ok(outcome)
}
