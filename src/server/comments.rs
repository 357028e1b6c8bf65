//! Comments' workflows behind `api::comments`: posting (checks, the honeypot, rendering, the
//! store, the answer), reporting, and changing one's own comment (who may, and how the
//! store's answer becomes the reader's). The store's commit tells live readers.

use crate::error::AppError;
use crate::model::check_email;
use crate::model::{
    Comment, CommentChanged, CommentState, MAX_REPORT_DETAIL_CHARS, ReportReason,
    check_comment_body, check_comment_name, validate_slug,
};
use crate::server::content::markdown::{count_links, render_comment};
use crate::server::follow::watch_replies;
use crate::server::newsletter::limit_signups;
use crate::server::readers::ReaderId;
use crate::server::repo::{Amended, Amendment, NewBody, NewComment, Posted, Report, Reported};
use crate::server::request::Request;
use crate::server::respond;

/// A comment or a reply, as the form sends it.
pub struct CommentForm {
    pub slug: String,
    pub parent: Option<i64>,
    pub name: String,
    pub body: String,
    /// Identifies this submission: sending it again returns the comment it created.
    pub key: String,
    /// The honeypot: people never see it, so anything in it is a bot's.
    pub website: Option<String>,
    /// "Email me when someone replies": an address, or nothing.
    pub notify: Option<String>,
}

/// A reader's report of someone else's comment, as the form sends it.
pub struct ReportForm {
    pub slug: String,
    pub id: i64,
    pub reason: String,
    pub detail: Option<String>,
}

/// Posts a comment: checks the form, stores it (or finds the one this key already made), and
/// gives the reader their cookie and remembers their name. A filled honeypot gets a pretend
/// success (id 0) and stores nothing.
pub async fn post(req: &Request, form: CommentForm) -> Result<Comment, AppError> {
    let state = &req.state;
    validate_slug(&form.slug)?;
    let name = check_comment_name(&form.name, &state.config.site)?;
    let body = check_comment_body(&form.body, &state.config.site)?;
    check_submission_key(&form.key)?;
    let notify = match form.notify.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(email) => Some(
            check_email(email)
                .map_err(|_| {
                    AppError::invalid(
                        "notify",
                        "Enter an email address like name@example.com, or leave this empty.",
                    )
                })?
                .to_string(),
        ),
    };
    let reader = req.reader_or_mint()?;
    if form.website.is_some_and(|w| !w.trim().is_empty()) {
        tracing::info!("comment honeypot filled; nothing stored");
        return Ok(pretend_comment(form.parent, name));
    }
    if notify.is_some() {
        limit_signups(req).await?;
    }
    let body_html = render_comment(body);
    let posted = state
        .store
        .post_comment(NewComment {
            slug: &form.slug,
            parent_id: form.parent,
            reader: &reader,
            idempotency_key: &form.key,
            author_name: name,
            body_md: body,
            body_html: &body_html,
            links: count_links(body),
            source_tag: req.source_tag("source"),
            rules: &state.config.comments,
        })
        .await?;
    let comment = posted_comment(posted)?;
    if let Some(email) = notify {
        // The address is confirmed once per reader; replies reach it only after that. The
        // comment is stored whatever happens here: a failure is logged, not the reader's.
        if let Err(error) = watch_replies(state, &email, &reader).await {
            tracing::warn!(%error, "replies follow not asked for");
        }
    }
    respond::set_reader_cookie(state, &reader);
    respond::remember_name(name);
    Ok(comment)
}

/// A submission key is 8 to 80 URL-safe characters (the page makes one per form).
fn check_submission_key(key: &str) -> Result<(), AppError> {
    let ok = (8..=80).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(AppError::bad_request(
            "This form is out of date; reload the page and try again.",
        ))
    }
}

/// What a bot that filled the honeypot is told it posted.
fn pretend_comment(parent: Option<i64>, name: &str) -> Comment {
    Comment {
        id: 0,
        parent_id: parent,
        depth: 0,
        author_name: name.to_string(),
        body_html: String::new(),
        created_at: String::new(),
        created_unix: 0,
        created_label: String::new(),
        edited_at: None,
        state: CommentState::Visible,
    }
}

/// The store's answer to a post, as the reader's.
fn posted_comment(posted: Posted) -> Result<Comment, AppError> {
    match posted {
        Posted::Added(added) => Ok(added.comment),
        Posted::Held(comment) => {
            tracing::info!(comment = comment.id, "comment held for review (links)");
            Ok(comment)
        }
        Posted::AlreadyPosted(comment) => Ok(comment),
        Posted::NoSuchBrief => Err(AppError::not_found("There is no brief at this address.")),
        Posted::ParentGone => Err(AppError::invalid(
            "parent",
            "The comment you replied to is no longer there.",
        )),
        Posted::Duplicate => Err(AppError::Conflict(
            "You posted this same comment a moment ago.".to_string(),
        )),
        Posted::TooFast { retry_after } => Err(AppError::TooManyRequests { retry_after }),
    }
}

/// Records a reader's report. Reporting twice counts once; at the configured number of
/// readers the comment is held for a moderator and leaves everyone's page.
pub async fn report(req: &Request, form: ReportForm) -> Result<(), AppError> {
    validate_slug(&form.slug)?;
    let Some(reason) = ReportReason::ALL
        .into_iter()
        .find(|r| r.as_str() == form.reason)
    else {
        return Err(AppError::invalid(
            "reason",
            "Choose why you are reporting it.",
        ));
    };
    let detail = form.detail.unwrap_or_default();
    let detail = detail.trim();
    if detail.chars().count() > MAX_REPORT_DETAIL_CHARS as usize {
        return Err(AppError::invalid(
            "detail",
            format!("Please keep the note to {MAX_REPORT_DETAIL_CHARS} characters."),
        ));
    }
    let reader = req.reader("report")?;
    let report = Report {
        slug: &form.slug,
        id: form.id,
        reader: &reader,
        // Everyone behind one address counts as one source, however many cookies they clear.
        source_tag: req.source_tag("source"),
        reason,
        detail,
    };
    let threshold = req.state.config.comments.report_threshold;
    match req.state.store.report_comment(report, threshold).await? {
        Reported::Recorded => {}
        Reported::NotFound => return Err(AppError::not_found("That comment is no longer there.")),
        Reported::OwnComment => {
            return Err(AppError::bad_request(
                "This is your own comment: you can edit or delete it instead.",
            ));
        }
    }
    respond::set_reader_cookie(&req.state, &reader);
    Ok(())
}

/// Replaces the body of one's own comment, within the edit window.
pub async fn edit(
    req: &Request,
    slug: &str,
    id: i64,
    body: &str,
) -> Result<CommentChanged, AppError> {
    let reader = own_change(req, slug)?;
    let body = check_comment_body(body, &req.state.config.site)?;
    let body_html = render_comment(body);
    let amendment = amendment(req, slug, id, &reader);
    let new_body = NewBody {
        body_md: body,
        body_html: &body_html,
        links: count_links(body),
    };
    let amended = req.state.store.edit_comment(amendment, new_body).await?;
    amendment_result(req, amended)
}

/// Deletes one's own comment, within the edit window.
pub async fn delete(req: &Request, slug: &str, id: i64) -> Result<CommentChanged, AppError> {
    let reader = own_change(req, slug)?;
    let amended = req
        .state
        .store
        .delete_comment(amendment(req, slug, id, &reader))
        .await?;
    amendment_result(req, amended)
}

/// The checks of a change to one's own comment: a sane slug, a reader cookie (without one
/// nothing can be theirs) and the write limits.
fn own_change(req: &Request, slug: &str) -> Result<ReaderId, AppError> {
    validate_slug(slug)?;
    req.known_reader(
        "comment-change",
        "Only the reader who wrote a comment can change it.",
    )
}

fn amendment<'a>(req: &'a Request, slug: &'a str, id: i64, reader: &'a ReaderId) -> Amendment<'a> {
    Amendment {
        slug,
        id,
        reader,
        rules: &req.state.config.comments,
    }
}

/// Turns an edit's or delete's outcome into the answer.
fn amendment_result(req: &Request, amended: Amended) -> Result<CommentChanged, AppError> {
    match amended {
        Amended::Done(mine) => Ok(*mine),
        Amended::NotFound => Err(AppError::not_found("That comment is no longer there.")),
        Amended::NotYours => Err(AppError::Forbidden(
            "Only the reader who wrote a comment can change it.".to_string(),
        )),
        Amended::TooLate => Err(AppError::Forbidden(format!(
            "Comments can be changed for {} minutes after posting; that time is over.",
            req.state.config.comments.edit_minutes
        ))),
    }
}
