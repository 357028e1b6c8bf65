//! The newsletter: signing up (double opt-in) and confirming, and a subscriber's own data
//! through a mailed link (see it, delete it). Every endpoint works as a plain
//! form post without JavaScript. Unsubscribing is a plain route (`server::newsletter`),
//! because mail clients post to it directly.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::Confirmation;
use crate::model::my_data::SubscriberData;

/// Signs an address up for the weekly digest. The answer is the same whatever the address's
/// state (new, waiting for confirmation, confirmed, unsubscribed); the confirmation email is
/// queued, never sent inside the request. `website` is a honeypot.
#[server(prefix = "/api", endpoint = "subscribe")]
pub async fn subscribe(email: String, website: Option<String>) -> Result<String, AppError> {
    use crate::model::SUBSCRIBE_ANSWER;
    use crate::server::newsletter::{checked_form, is_bot};
    use crate::server::request::Request;

    let req = Request::write()?;
    let email = checked_form(&req, &email).await?;
    if is_bot(website.as_deref()) {
        tracing::info!("newsletter honeypot filled; nothing stored");
    } else {
        crate::server::newsletter::subscribe(&req.state, &email).await?;
    }
    req.land("/newsletter?sent=1");
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
    use crate::server::repo::Confirmed;
    use crate::server::request::Request;
    use crate::server::tokens::token_hash;

    let req = Request::write()?;
    let outcome = if token.len() > 128 {
        Confirmation::Unknown
    } else {
        match req
            .state
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
    let url_safe = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    req.land(&if outcome == Confirmation::Confirmed {
        "/newsletter/confirm?confirmed=1".to_string()
    } else if token.bytes().all(url_safe) {
        format!("/newsletter/confirm?token={token}")
    } else {
        "/newsletter/confirm".to_string()
    });
    Ok(outcome)
}

/// Mails a link to everything the newsletter holds about an address (to see, download or
/// delete it), if the address is on the list. The answer is the same either way, so it tells
/// nobody who subscribes. Limited like sign-ups; `website` is a honeypot.
#[server(prefix = "/api", endpoint = "request_data_link")]
pub async fn request_data_link(email: String, website: Option<String>) -> Result<String, AppError> {
    use crate::model::my_data::DATA_LINK_ANSWER;
    use crate::server::newsletter::{checked_form, is_bot};
    use crate::server::request::Request;

    let req = Request::write()?;
    let email = checked_form(&req, &email).await?;
    let state = req.state.clone();
    if is_bot(website.as_deref()) {
        tracing::info!("newsletter data honeypot filled; nothing sent");
    } else {
        // After answering: a listed address must not take longer (or fail differently) than
        // an unlisted one, or the answer would tell who subscribes.
        tokio::spawn(async move {
            if let Err(error) = crate::server::newsletter::send_data_link(&state, &email).await {
                tracing::warn!(%error, "data link not queued");
            }
        });
    }
    req.land("/newsletter/my-data?sent=1");
    Ok(DATA_LINK_ANSWER.to_string())
}

/// What the newsletter holds about the address a mailed data link names.
#[server(prefix = "/api", endpoint = "subscriber_data", input = GetUrl)]
pub async fn read_subscriber_data(token: String) -> Result<SubscriberData, AppError> {
    use crate::server::newsletter::{DATA_LINK_GONE, data_subject};
    use crate::server::state::app_state;

    crate::server::respond::no_store();
    let state = app_state()?;
    let Some(id) = data_subject(&state, &token).await? else {
        return Err(AppError::not_found(DATA_LINK_GONE));
    };
    state
        .store
        .subscriber_data(id, state.config.follow.days)
        .await?
        .ok_or_else(|| AppError::not_found(DATA_LINK_GONE))
}

/// Deletes the address a mailed data link names: the subscription, its consent record and
/// every message to it. The reader must say `confirm = "erase"`.
#[server(prefix = "/api", endpoint = "erase_subscription")]
pub async fn erase_subscription(token: String, confirm: String) -> Result<(), AppError> {
    use crate::server::newsletter::{DATA_LINK_GONE, data_subject};
    use crate::server::request::Request;

    let req = Request::write()?;
    if confirm != "erase" {
        return Err(AppError::invalid(
            "confirm",
            "Tick the box to confirm that the address should be deleted.",
        ));
    }
    let Some(id) = data_subject(&req.state, &token).await? else {
        return Err(AppError::not_found(DATA_LINK_GONE));
    };
    req.state.store.erase_subscriber(id).await?;
    tracing::info!("newsletter address erased on request");
    req.land("/newsletter/my-data?erased=1");
    Ok(())
}
