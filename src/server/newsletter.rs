//! The newsletter's server side: signing up (double opt-in with hashed, single-use tokens),
//! the confirmation email, one-click unsubscribing (RFC 8058), the purge of addresses never
//! confirmed, and the mailed link to a subscriber's own data (signed, expiring). The endpoints readers call are in `api::newsletter`; the tables in
//! `repo::newsletter`.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::check_email;
use crate::server::http::plain_page;
use crate::server::mail::compose::{Letter, compose, html_document, html_escape};
use crate::server::readers::ReaderKeys;
use crate::server::repo::{Outgoing, Store, Subscribed, Subscriber};
use crate::server::request::Request;
use crate::server::state::AppState;
use crate::server::tokens::{new_token, token_hash};

/// Purpose string of unsubscribe tokens (see `ReaderKeys::sign`).
const UNSUBSCRIBE: &str = "unsubscribe";

/// The site's address without a trailing slash, for links in mail.
pub(crate) fn base_url(state: &AppState) -> &str {
    state.config.site.base_url.trim_end_matches('/')
}

/// A short fingerprint of an address: ties an unsubscribe token to the address as well as to
/// the id, so a token can never act on someone who later got the same id.
pub(crate) fn address_tag(email: &str) -> String {
    token_hash(&email.to_lowercase())[..16].to_string()
}

/// The unsubscribe token of subscriber `id` at `email`. It never expires and cannot be forged.
pub fn unsubscribe_token(readers: &ReaderKeys, id: i64, email: &str) -> String {
    readers.sign(UNSUBSCRIBE, &format!("{id}-{}", address_tag(email)))
}

/// The one-click unsubscribe link of subscriber `id` at `email`.
pub fn unsubscribe_url(state: &AppState, id: i64, email: &str) -> String {
    format!(
        "{}/newsletter/unsubscribe?token={}",
        base_url(state),
        unsubscribe_token(&state.readers, id, email)
    )
}

/// The subscriber an unsubscribe token names, if it is genuine and still names them.
pub async fn unsubscribe_subject(state: &AppState, token: &str) -> Result<Option<i64>, AppError> {
    let Some(value) = state.readers.verify(UNSUBSCRIBE, token) else {
        return Ok(None);
    };
    let Some((id, tag)) = value.split_once('-') else {
        return Ok(None);
    };
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let current = state.store.subscriber_key(id).await?;
    Ok(current.filter(|key| address_tag(key) == tag).map(|_| id))
}

/// The checks every newsletter form runs after [`Request::write`]: a real address, and the
/// per-source limit, counted in the database (by a keyed hash of the client address, so it
/// holds across instances; without a known address — no socket peer, never in production —
/// all requests share one source). Returns the checked address.
pub async fn checked_form(req: &Request, email: &str) -> Result<String, AppError> {
    let email = check_email(email)?.to_string();
    limit_signups(req).await?;
    Ok(email)
}

/// The per-source limit of forms that may send a confirmation mail (sign-ups, follows, data
/// links), counted in the database so that it holds across instances.
pub async fn limit_signups(req: &Request) -> Result<(), AppError> {
    let state = &req.state;
    let source = req
        .source_tag("source")
        .unwrap_or_else(|| state.readers.tag("source", "unknown"));
    state
        .store
        .limit_signups(
            &source,
            state.config.newsletter.subscribes_per_minute_per_ip,
        )
        .await?
        .map_err(|retry_after| AppError::TooManyRequests { retry_after })
}

/// Whether the honeypot field (hidden from people) was filled: a bot.
pub fn is_bot(website: Option<&str>) -> bool {
    website.is_some_and(|w| !w.trim().is_empty())
}

/// A message with one button — what the confirmation and the data link both are: the text
/// part, and an HTML part with a heading, an introduction, the button to `link` and a note in
/// grey. `intro` and `note` are HTML already; the heading, link and label are escaped here.
pub(crate) struct OneButton<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub text: String,
    pub heading: &'a str,
    pub intro: String,
    pub link: &'a str,
    pub label: &'a str,
    pub note: String,
}

impl OneButton<'_> {
    pub(crate) fn compose(
        self,
        state: &AppState,
        kind: &'static str,
        key: String,
    ) -> Result<Outgoing, AppError> {
        let html = html_document(
            self.subject,
            &format!(
                "<h1 style=\"font-size:20px;margin:0 0 16px\">{heading}</h1>\
                 <p>{intro}</p>\
                 <p><a href=\"{link}\" style=\"display:inline-block;background:#3554d1;color:#ffffff;\
                 padding:10px 18px;border-radius:999px;text-decoration:none;font-weight:600\">\
                 {label}</a></p>\
                 <p style=\"color:#5b6475;font-size:14px\">{note}</p>",
                heading = html_escape(self.heading),
                intro = self.intro,
                link = html_escape(self.link),
                label = html_escape(self.label),
                note = self.note,
            ),
        );
        let letter = Letter {
            to: self.to,
            subject: self.subject,
            text: self.text,
            html,
            unsubscribe_url: None,
        };
        compose(&state.config.mail, letter, kind, key)
    }
}

/// Signs `email` up and queues its confirmation email (if one is due). The same work is done
/// whatever the address's state, so the answer's timing tells nothing either.
pub async fn subscribe(state: &AppState, email: &str) -> Result<Subscribed, AppError> {
    let (token, hash) = new_token("a confirmation link")?;
    let site = &state.config.site;
    let link = format!("{}/newsletter/confirm?token={token}", base_url(state));
    let subject = format!("Confirm your {} weekly digest", site.name);
    let text = format!(
        "Hello,\n\n\
         Someone, hopefully you, asked for the {name} weekly AI digest at this address.\n\
         To start getting it every Thursday, confirm here (the link works for 48 hours):\n\n\
         {link}\n\n\
         If that wasn't you, ignore this message: without a confirmation we will not write again.\n\n\
         — {name}\n",
        name = site.name
    );
    let mail = OneButton {
        to: email,
        subject: &subject,
        text,
        heading: "Confirm your subscription",
        intro: format!(
            "Someone, hopefully you, asked for the {} weekly AI digest at this address.",
            html_escape(&site.name)
        ),
        link: &link,
        label: "Confirm my subscription",
        note: "The link works for 48 hours. If that wasn't you, ignore this message: without a \
               confirmation we will not write again."
            .to_string(),
    }
    .compose(state, "confirm", format!("confirm:{hash}"))?;
    let newsletter = &state.config.newsletter;
    let outcome = state
        .store
        .subscribe(
            email,
            &newsletter.consent_version,
            &hash,
            newsletter.confirmations_per_day,
            &mail,
        )
        .await?;
    if outcome == Subscribed::ConfirmationQueued {
        state.mail.queued();
    }
    tracing::info!(outcome = ?outcome, "newsletter sign-up");
    Ok(outcome)
}

#[derive(serde::Deserialize)]
pub struct TokenQuery {
    pub token: Option<String>,
}

/// Whether a POST body says `List-Unsubscribe=One-Click`: form-encoded, or a multipart part
/// named List-Unsubscribe whose value is One-Click (RFC 8058 allows both).
pub(crate) fn is_one_click(body: &[u8]) -> bool {
    let body = String::from_utf8_lossy(body);
    body.contains("List-Unsubscribe=One-Click")
        || (body.contains("name=\"List-Unsubscribe\"") && body.contains("One-Click"))
}

/// A small page of its own (not cached), the answer to a one-click link.
pub(crate) fn plain_answer(status: StatusCode, title: &str, message: &str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        plain_page(title, message),
    )
        .into_response()
}

/// `POST /newsletter/unsubscribe?token=…` with `List-Unsubscribe=One-Click`: what mail clients
/// send for RFC 8058 one-click unsubscribe, and what the confirm button on the page at the same
/// address sends. No cookie, no origin check (the mail provider's servers post it), no further
/// click; the signed token is the authority.
pub async fn one_click_unsubscribe(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
    body: Bytes,
) -> Response {
    let page = plain_answer;
    let one_click = is_one_click(&body);
    if !one_click {
        return page(
            StatusCode::BAD_REQUEST,
            "That request didn't look right",
            "An unsubscribe request must say List-Unsubscribe=One-Click.",
        );
    }
    let subject = match query.token.as_deref() {
        Some(token) => unsubscribe_subject(&state, token).await,
        None => Ok(None),
    };
    let Ok(subject) = subject else {
        return page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "We could not unsubscribe you just now. Please try again in a moment.",
        );
    };
    let Some(id) = subject else {
        return page(
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            "This unsubscribe link is damaged. Use the link from your latest digest.",
        );
    };
    match state.store.unsubscribe(id).await {
        Ok(_) => {
            tracing::info!(subscriber = id, "unsubscribed");
            page(
                StatusCode::OK,
                "You're unsubscribed",
                "You will get no more digests from us. Changed your mind? Sign up again any time.",
            )
        }
        Err(_) => page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "We could not unsubscribe you just now. Please try again in a moment.",
        ),
    }
}

/// Deletes never-confirmed addresses and follows, and ended desk sessions once an hour, for as long as the
/// process runs.
pub fn start_purge(store: Store, after_hours: u32) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3_600));
        loop {
            every.tick().await;
            let before = OffsetDateTime::now_utc() - time::Duration::hours(i64::from(after_hours));
            if let Ok(purged) = store.purge_unconfirmed(before).await
                && purged > 0
            {
                tracing::info!(purged, "deleted never-confirmed newsletter addresses");
            }
            if let Ok(purged) = store.purge_unconfirmed_follows(before).await
                && purged > 0
            {
                tracing::info!(purged, "deleted never-confirmed follows");
            }
            // Ended desk sessions are refused anyway; this only keeps the table small.
            if let Ok(purged) = store.purge_sessions(OffsetDateTime::now_utc()).await
                && purged > 0
            {
                tracing::info!(purged, "deleted ended desk sessions");
            }
        }
    });
}

/// Purpose string of the links to a subscriber's own data.
const DATA: &str = "subscriber-data";
/// How long a link to a subscriber's data works.
const DATA_LINK_HOURS: i64 = 24;

/// The token of a link to subscriber `id`'s data at `email`, working until `expires` (Unix
/// seconds). Signed, so it cannot be forged; tied to the address, so it dies with it.
pub fn data_token(readers: &ReaderKeys, id: i64, email: &str, expires: i64) -> String {
    readers.sign(DATA, &format!("{id}-{}-{expires}", address_tag(email)))
}

/// The subscriber a data link's token names, if it is genuine, unexpired, and the address is
/// still on the list.
pub async fn data_subject(state: &AppState, token: &str) -> Result<Option<i64>, AppError> {
    let Some(value) = state.readers.verify(DATA, token) else {
        return Ok(None);
    };
    let mut fields = value.splitn(3, '-');
    let (Some(id), Some(tag), Some(expires)) = (fields.next(), fields.next(), fields.next()) else {
        return Ok(None);
    };
    let (Ok(id), Ok(expires)) = (id.parse::<i64>(), expires.parse::<i64>()) else {
        return Ok(None);
    };
    if expires <= OffsetDateTime::now_utc().unix_timestamp() {
        return Ok(None);
    }
    let current = state.store.subscriber_key(id).await?;
    Ok(current.filter(|key| address_tag(key) == tag).map(|_| id))
}

/// Mails `email` a link to everything the newsletter holds about it, if it is on the list
/// (in any state); otherwise does nothing. The caller answers the same either way.
pub async fn send_data_link(state: &AppState, email: &str) -> Result<(), AppError> {
    let Some(Subscriber { id, .. }) = state.store.subscriber(email).await? else {
        return Ok(());
    };
    // Capped per address per day like confirmations, so nobody can flood an inbox with them.
    let now = OffsetDateTime::now_utc();
    let day_ago = crate::server::repo::stamp(now - time::Duration::days(1));
    if state.store.data_links_since(id, &day_ago).await?
        >= state.config.newsletter.confirmations_per_day
    {
        tracing::info!("data link not sent: daily cap reached");
        return Ok(());
    }
    let expires = now.unix_timestamp() + DATA_LINK_HOURS * 3600;
    let token = data_token(&state.readers, id, email, expires);
    let link = format!("{}/newsletter/my-data?token={token}", base_url(state));
    let site = &state.config.site;
    let subject = format!("Your {} newsletter data", site.name);
    let text = format!(
        "Hello,\n\n\
         Someone, hopefully you, asked to see what {name} keeps about this address for its \
         weekly digest. Here it is, to read, download or delete (the link works for \
         {DATA_LINK_HOURS} hours):\n\n\
         {link}\n\n\
         If that wasn't you, ignore this message: nothing changes unless the link is used.\n\n\
         — {name}\n",
        name = site.name
    );
    let mail = OneButton {
        to: email,
        subject: &subject,
        text,
        heading: "Your newsletter data",
        intro: format!(
            "Someone, hopefully you, asked to see what {} keeps about this address for its \
             weekly digest.",
            html_escape(&site.name)
        ),
        link: &link,
        label: "See my data",
        note: format!(
            "The link works for {DATA_LINK_HOURS} hours. If that wasn't you, ignore this \
             message: nothing changes unless the link is used."
        ),
    }
    .compose(state, "data", format!("data:{id}:{expires}"))?;
    state.store.enqueue_mail(&mail).await?;
    state.mail.queued();
    Ok(())
}

/// `/newsletter/my-data.json?token=…`: what the newsletter holds about the address a data
/// link names, as a file to keep.
pub async fn data_download(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
) -> Response {
    let token = query.token.as_deref().unwrap_or_default();
    let record = match data_subject(&state, token).await {
        Ok(Some(id)) => {
            state
                .store
                .subscriber_data(id, state.config.follow.days)
                .await
        }
        Ok(None) => Ok(None),
        Err(error) => Err(error),
    };
    match record {
        Ok(Some(data)) => {
            let body = serde_json::to_string_pretty(&data).unwrap_or_default();
            (
                [
                    (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"pulse-newsletter-data.json\"",
                    ),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                body,
            )
                .into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, DATA_LINK_GONE).into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "The data could not be read just now.",
        )
            .into_response(),
    }
}

/// What a dead data link says.
pub const DATA_LINK_GONE: &str = "This link has expired or its address is no longer on the list. Ask for a new link on the newsletter page.";
