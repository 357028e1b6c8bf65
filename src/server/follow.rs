//! Following without an account, behind `api::follow`: asking to follow a brief (its form) or
//! one's replies (the comment form's "Email me when someone replies"), the confirmation mail
//! (double opt-in with the newsletter's tokens and limits), the worker that mails what
//! confirmed follows have not had yet — each correction, new comments in batches of at most one
//! mail per `follow.batch_minutes` — and ends quiet follows after `follow.days`, and the signed
//! links every such mail carries: one-click stop (RFC 8058) and the page that manages every
//! follow of the address. The tables are in `repo::follows`.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use time::{Duration, OffsetDateTime};

use crate::error::AppError;
use crate::model::follow::{FollowConfirmation, FollowKind, FollowStatus, FollowTarget};
use crate::model::share::plain_text;
use crate::model::validate_slug;
use crate::server::mail::compose::{Letter, compose, html_document, html_escape};
use crate::server::newsletter::{
    OneButton, TokenQuery, address_tag, base_url, checked_form, is_bot, is_one_click, plain_answer,
};
use crate::server::readers::{ReaderId, ReaderKeys};
use crate::server::repo::{
    Confirmed, DueFollow, FollowRequest, MailedComment, Outgoing, Progress, Subscribed, TokenState,
    UpdateEntry, Wanted,
};
use crate::server::request::Request;
use crate::server::state::AppState;
use crate::server::tokens::{new_token, token_hash};

/// Purpose string of a follow's one-click stop links.
const STOP: &str = "follow-stop";
/// Purpose string of the links to the page that manages an address's follows.
const MANAGE: &str = "follows";
/// Most comments one mail lists (the rest come in the next one).
const COMMENTS_PER_MAIL: u32 = 50;
/// Most follows one pass of the worker mails (the next pass takes the rest).
const FOLLOWS_PER_PASS: u32 = 500;
/// Longest excerpt of a comment in a mail, in characters.
const EXCERPT_CHARS: usize = 600;

/// The token of follow `id`'s one-click stop link. Never expires; tied to the address.
pub fn stop_token(readers: &ReaderKeys, id: i64, email: &str) -> String {
    readers.sign(STOP, &format!("{id}-{}", address_tag(email)))
}

/// The token of the link to every follow of the address of follow `id`.
pub fn manage_token(readers: &ReaderKeys, id: i64, email: &str) -> String {
    readers.sign(MANAGE, &format!("{id}-{}", address_tag(email)))
}

/// The follow a stop or manage token names, with its address key, if the token is genuine
/// and still names it.
async fn token_subject(
    state: &AppState,
    purpose: &str,
    token: &str,
) -> Result<Option<(i64, String)>, AppError> {
    if token.len() > 256 {
        return Ok(None);
    }
    let Some(value) = state.readers.verify(purpose, token) else {
        return Ok(None);
    };
    let Some((id, tag)) = value.split_once('-') else {
        return Ok(None);
    };
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let key = state.store.follow_key(id).await?;
    Ok(key
        .filter(|key| address_tag(key) == tag)
        .map(|key| (id, key)))
}

/// The address key a manage link names (`None`: damaged, or the address was forgotten).
pub async fn managed_address(state: &AppState, token: &str) -> Result<Option<String>, AppError> {
    Ok(token_subject(state, MANAGE, token)
        .await?
        .map(|(_, key)| key))
}

/// "Follow this brief": the form's checks and limits, then a confirmation unless the address
/// follows it already. The answer is the same whatever the address's state.
pub async fn follow_brief(
    req: &Request,
    slug: &str,
    email: &str,
    website: Option<&str>,
) -> Result<(), AppError> {
    validate_slug(slug)?;
    let email = checked_form(req, email).await?;
    if is_bot(website) {
        tracing::info!("follow honeypot filled; nothing stored");
        return Ok(());
    }
    let state = &req.state;
    let Some((brief_id, title)) = state.store.followable_brief(slug).await? else {
        return Err(AppError::not_found("There is no brief at this address."));
    };
    let reader = state.readers.reader(&req.parts.headers);
    let target = FollowTarget::Brief {
        slug: slug.to_string(),
        title,
    };
    let outcome = request(
        state,
        &email,
        Wanted::Brief(brief_id),
        reader.as_ref(),
        &target,
    )
    .await?;
    tracing::info!(outcome = ?outcome, "follow asked for");
    Ok(())
}

/// The comment form's address: replies to `reader`'s comments go to it once it is confirmed.
/// Checked before the comment is stored (see `comments::post`); this runs after.
pub async fn watch_replies(
    state: &AppState,
    email: &str,
    reader: &ReaderId,
) -> Result<Subscribed, AppError> {
    let outcome = request(
        state,
        email,
        Wanted::Replies(reader),
        Some(reader),
        &FollowTarget::Replies,
    )
    .await?;
    tracing::info!(outcome = ?outcome, "replies follow asked for");
    Ok(outcome)
}

/// Stores the request and queues its confirmation (if one is due).
async fn request(
    state: &AppState,
    email: &str,
    wanted: Wanted<'_>,
    reader: Option<&ReaderId>,
    target: &FollowTarget,
) -> Result<Subscribed, AppError> {
    let (token, hash) = new_token("a follow confirmation link")?;
    let request = FollowRequest {
        email,
        wanted,
        reader,
        token_hash: &hash,
        per_day: state.config.newsletter.confirmations_per_day,
    };
    let outcome = state
        .store
        .request_follow(request, |id| {
            let key = format!("follow:{id}:confirm:{hash}");
            let mut mail = confirmation(state, email, target, &token, key)?;
            mail.follow = Some(id);
            Ok(mail)
        })
        .await?;
    if outcome == Subscribed::ConfirmationQueued {
        state.mail.queued();
    }
    Ok(outcome)
}

/// The confirmation mail of a follow.
fn confirmation(
    state: &AppState,
    email: &str,
    target: &FollowTarget,
    token: &str,
    key: String,
) -> Result<Outgoing, AppError> {
    let site = &state.config.site;
    let follow = &state.config.follow;
    let link = format!("{}/follow/confirm?token={token}", base_url(state));
    let (subject, what, gets) = match target {
        FollowTarget::Brief { title, .. } => (
            format!("Confirm: follow “{title}” on {}", site.name),
            format!("to follow the brief “{title}”"),
            format!(
                "each correction an editor publishes, and new comments (at most one mail every \
                 {} minutes)",
                follow.batch_minutes
            ),
        ),
        FollowTarget::Replies => (
            format!("Confirm: replies to your comments on {}", site.name),
            "to send replies to the comments you post there to this address".to_string(),
            format!(
                "one mail when readers reply to your comments (at most one every {} minutes); \
                 nothing for replies that moderators hold or remove",
                follow.batch_minutes
            ),
        ),
    };
    let ends = format!(
        "It ends by itself {} days after the last new comment or correction, and every mail \
         has a link to stop at once.",
        follow.days
    );
    let text = format!(
        "Hello,\n\n\
         Someone, hopefully you, asked {name} {what}.\n\
         To start, confirm here (the link works for 48 hours):\n\n\
         {link}\n\n\
         You will get {gets}. {ends}\n\n\
         If that wasn't you, ignore this message: without a confirmation we will not write again.\n\n\
         — {name}\n",
        name = site.name
    );
    OneButton {
        to: email,
        subject: &subject,
        text,
        heading: "Confirm to follow",
        intro: format!(
            "Someone, hopefully you, asked {} {}. You will get {}.",
            html_escape(&site.name),
            html_escape(&what),
            html_escape(&gets)
        ),
        link: &link,
        label: "Confirm",
        note: format!(
            "The link works for 48 hours. {} If that wasn't you, ignore this message: without \
             a confirmation we will not write again.",
            html_escape(&ends)
        ),
    }
    .compose(state, "follow-confirm", key)
}

/// Where a confirmation link stands, and what it would confirm.
pub async fn confirmation_state(
    state: &AppState,
    token: &str,
    done: bool,
) -> Result<FollowConfirmation, AppError> {
    if token.len() > 128 {
        return Ok(FollowConfirmation::Unknown);
    }
    let (token_state, id) = state.store.follow_token_state(&token_hash(token)).await?;
    let target = match id {
        Some(id) => state.store.follow_target(id).await?,
        None => None,
    };
    Ok(match (token_state, target) {
        (TokenState::Valid, Some((target, _))) => FollowConfirmation::Valid(target),
        // Just used here, and the follow is on (not stopped since).
        (TokenState::Used, Some((target, FollowStatus::Confirmed))) if done => {
            FollowConfirmation::Confirmed(target)
        }
        (TokenState::Used, _) => FollowConfirmation::Used,
        (TokenState::Expired, _) => FollowConfirmation::Expired,
        _ => FollowConfirmation::Unknown,
    })
}

/// Uses a confirmation link (a button press: mail scanners open links, and must not confirm).
pub async fn confirm(state: &AppState, token: &str) -> Result<FollowConfirmation, AppError> {
    if token.len() > 128 {
        return Ok(FollowConfirmation::Unknown);
    }
    let (confirmed, id) = state.store.confirm_follow(&token_hash(token)).await?;
    let target = match id {
        Some(id) => state.store.follow_target(id).await?,
        None => None,
    };
    Ok(match (confirmed, target) {
        (Confirmed::Confirmed, Some((target, _))) => {
            tracing::info!("follow confirmed");
            FollowConfirmation::Confirmed(target)
        }
        (Confirmed::Used, _) => FollowConfirmation::Used,
        (Confirmed::Expired, _) => FollowConfirmation::Expired,
        _ => FollowConfirmation::Unknown,
    })
}

/// One pass of the worker: ends follows quiet for `follow.days`, then mails every confirmed
/// follow what it has not had yet. Returns how many mails it queued.
pub async fn send_due(state: &AppState) -> Result<u32, AppError> {
    let now = OffsetDateTime::now_utc();
    let follow = &state.config.follow;
    let ended = state
        .store
        .end_quiet_follows(now - Duration::days(i64::from(follow.days)))
        .await?;
    if ended > 0 {
        tracing::info!(ended, "follows ended after a quiet spell");
    }
    let window_start = now - Duration::minutes(i64::from(follow.batch_minutes));
    let due = state
        .store
        .due_follows(window_start, FOLLOWS_PER_PASS)
        .await?;
    let mut queued = 0;
    for follow in &due {
        // One follow that fails (logged where it failed) does not hold up the others.
        match mail_follow(state, follow).await {
            Ok(n) => queued += n,
            Err(error) => tracing::warn!(follow = follow.id, %error, "follow mail not queued"),
        }
    }
    if queued > 0 {
        state.mail.queued();
        tracing::info!(queued, "follow mail queued");
    }
    Ok(queued)
}

/// Mails one follow its new corrections (one mail each) and, when due, its new comments.
async fn mail_follow(state: &AppState, follow: &DueFollow) -> Result<u32, AppError> {
    let mut queued = 0;
    if let (FollowKind::Brief, Some(brief_id)) = (follow.kind, follow.brief_id) {
        for update in state
            .store
            .updates_from(brief_id, follow.mailed_updates)
            .await?
        {
            let progress = Progress::Updates {
                from: update.position,
                to: update.position + 1,
            };
            let mail = correction_mail(state, follow, &update, progress)?;
            if !state
                .store
                .record_follow_mail(follow.id, progress, &mail)
                .await?
            {
                return Ok(queued); // another sender got here first
            }
            queued += 1;
        }
    }
    if follow.comments_due {
        let comments = state
            .store
            .unmailed_comments(follow, COMMENTS_PER_MAIL)
            .await?;
        if let Some(last) = comments.last() {
            let progress = Progress::Comments {
                from: follow.mailed_comment_id,
                to: last.id,
            };
            let mail = comments_mail(state, follow, &comments, progress)?;
            if state
                .store
                .record_follow_mail(follow.id, progress, &mail)
                .await?
            {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// The links at the foot of every follow mail: stop this follow, manage them all.
struct Footer {
    stop: String,
    manage: String,
}

fn footer(state: &AppState, follow: &DueFollow) -> Footer {
    let base = base_url(state);
    Footer {
        stop: format!(
            "{base}/follow/stop?token={}",
            stop_token(&state.readers, follow.id, &follow.email)
        ),
        manage: format!(
            "{base}/follow/manage?token={}",
            manage_token(&state.readers, follow.id, &follow.email)
        ),
    }
}

/// A follow mail: `lines` as text and as HTML paragraphs (each already escaped for HTML),
/// with the stop and manage links and the one-click unsubscribe header.
fn follow_mail(
    state: &AppState,
    follow: &DueFollow,
    subject: &str,
    lines: &[(String, String)],
    progress: Progress,
) -> Result<Outgoing, AppError> {
    let Footer { stop, manage } = footer(state, follow);
    let site = &state.config.site;
    let mut text = String::from("Hello,\n\n");
    let mut html = format!(
        "<h1 style=\"font-size:20px;margin:0 0 16px\">{}</h1>",
        html_escape(subject)
    );
    for (line_text, line_html) in lines {
        text.push_str(line_text);
        text.push_str("\n\n");
        html.push_str(line_html);
    }
    text.push_str(&format!(
        "— {name}\n\nStop this: {stop}\nEverything this address follows: {manage}\n",
        name = site.name
    ));
    html.push_str(&format!(
        "<p style=\"color:#5b6475;font-size:14px\"><a href=\"{stop}\">Stop these mails</a> · \
         <a href=\"{manage}\">Everything this address follows</a></p>",
        stop = html_escape(&stop),
        manage = html_escape(&manage)
    ));
    let letter = Letter {
        to: &follow.email,
        subject,
        text,
        html: html_document(subject, &html),
        unsubscribe_url: Some(&stop),
    };
    let kind = match progress {
        Progress::Comments { .. } => "follow-comments",
        Progress::Updates { .. } => "follow-update",
    };
    let mut mail = compose(
        &state.config.mail,
        letter,
        kind,
        progress.dedupe_key(follow.id),
    )?;
    mail.follow = Some(follow.id);
    Ok(mail)
}

fn brief_url(state: &AppState, slug: &str) -> String {
    format!("{}/pulse/{slug}", base_url(state))
}

fn correction_mail(
    state: &AppState,
    follow: &DueFollow,
    update: &UpdateEntry,
    progress: Progress,
) -> Result<Outgoing, AppError> {
    let title = follow.title.as_deref().unwrap_or_default();
    let link = brief_url(state, follow.slug.as_deref().unwrap_or_default());
    let subject = format!("Updated: {title}");
    let text = format!(
        "The brief “{title}” was corrected:\n\n  {note}\n\nRead it: {link}",
        note = update.note
    );
    let html = format!(
        "<p>The brief “{title}” was corrected:</p>\
         <blockquote style=\"margin:0 0 16px;padding:8px 12px;border-left:3px solid #3554d1\">{note}</blockquote>\
         <p><a href=\"{link}\">Read the brief</a></p>",
        title = html_escape(title),
        note = html_escape(&update.note),
        link = html_escape(&link)
    );
    follow_mail(state, follow, &subject, &[(text, html)], progress)
}

fn comments_mail(
    state: &AppState,
    follow: &DueFollow,
    comments: &[MailedComment],
    progress: Progress,
) -> Result<Outgoing, AppError> {
    let n = comments.len();
    let subject = match follow.kind {
        FollowKind::Brief => {
            let noun = if n == 1 { "comment" } else { "comments" };
            format!(
                "{n} new {noun} on “{}”",
                follow.title.as_deref().unwrap_or_default()
            )
        }
        FollowKind::Replies => {
            let noun = if n == 1 { "reply" } else { "replies" };
            format!("{n} new {noun} to your comments")
        }
    };
    let lines: Vec<(String, String)> = comments
        .iter()
        .map(|comment| {
            let link = format!("{}#comment-{}", brief_url(state, &comment.slug), comment.id);
            let words = excerpt(&plain_text(&comment.body_html));
            let on = match follow.kind {
                FollowKind::Brief => String::new(),
                FollowKind::Replies => format!(" on “{}”", comment.title),
            };
            let text = format!(
                "{name} wrote{on}:\n{words}\n{link}",
                name = comment.author_name
            );
            let html = format!(
                "<p style=\"margin:0 0 4px\"><strong>{name}</strong> wrote{on}:</p>\
                 <p style=\"margin:0 0 4px;white-space:pre-wrap\">{words}</p>\
                 <p style=\"margin:0 0 16px\"><a href=\"{link}\">Read it in the thread</a></p>",
                name = html_escape(&comment.author_name),
                on = html_escape(&on),
                words = html_escape(&words),
                link = html_escape(&link)
            );
            (text, html)
        })
        .collect();
    follow_mail(state, follow, &subject, &lines, progress)
}

/// A comment's words for a mail: trimmed to [`EXCERPT_CHARS`].
fn excerpt(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    format!("{}…", cut.trim_end())
}

/// Runs the worker every `follow.check_seconds` for as long as the process runs.
pub fn start(state: AppState) {
    tokio::spawn(async move {
        let seconds = u64::from(state.config.follow.check_seconds.max(1));
        let mut every = tokio::time::interval(std::time::Duration::from_secs(seconds));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(error) = send_due(&state).await {
                tracing::warn!(%error, "follow mail pass failed; the next one retries");
            }
        }
    });
}

/// `POST /follow/stop?token=…` with `List-Unsubscribe=One-Click` (RFC 8058): what mail
/// clients send, and what the button on the page at the same address sends. Ends that one
/// follow; the signed token is the authority.
pub async fn one_click_stop(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
    body: Bytes,
) -> Response {
    if !is_one_click(&body) {
        return plain_answer(
            StatusCode::BAD_REQUEST,
            "That request didn't look right",
            "A request to stop must say List-Unsubscribe=One-Click.",
        );
    }
    let failed = || {
        plain_answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "We could not stop these mails just now. Please try again in a moment.",
        )
    };
    let subject = match query.token.as_deref() {
        Some(token) => token_subject(&state, STOP, token).await,
        None => Ok(None),
    };
    let Ok(subject) = subject else {
        return failed();
    };
    let Some((id, _)) = subject else {
        return plain_answer(
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            "This link is damaged. Use the one from your latest mail.",
        );
    };
    match state.store.stop_follow(id).await {
        Ok(_) => {
            tracing::info!(follow = id, "follow stopped");
            plain_answer(
                StatusCode::OK,
                "You're no longer following",
                "You will get no more mails about this. Follow again any time from the page.",
            )
        }
        Err(_) => failed(),
    }
}

/// Stops follow `id` for the holder of a manage link of its address (`None`: every follow of
/// the address). `false` if the link is not valid or the follow is not the address's.
pub async fn stop_from_manage(
    state: &AppState,
    token: &str,
    id: Option<i64>,
) -> Result<bool, AppError> {
    let Some(key) = managed_address(state, token).await? else {
        return Ok(false);
    };
    let follows = state
        .store
        .follows_of_address(&key, state.config.follow.days)
        .await?;
    let mut stopped = false;
    for line in follows.iter().filter(|l| id.is_none_or(|id| id == l.id)) {
        state.store.stop_follow(line.id).await?;
        stopped = true;
    }
    Ok(stopped || id.is_none())
}
