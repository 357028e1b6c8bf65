//! Comments: posting, editing and deleting one's own, and reporting others'. No account needed:
//! the author is the anonymous reader of their cookie; the display name is plain text and
//! remembered for next time. Every endpoint here works as a plain form post too: without
//! JavaScript the browser is sent back to the brief, at the comment concerned.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Comment, CommentChanged};

/// Posts a comment (or a reply, with `parent`). `key` identifies this submission: sending it
/// again returns the comment it created instead of a second one. `website` is a honeypot that
/// people never see; anything in it gets a pretend success.
#[server(prefix = "/api", endpoint = "post_comment")]
pub async fn post_comment(
    slug: String,
    parent: Option<i64>,
    name: String,
    body: String,
    key: String,
    website: Option<String>,
) -> Result<Comment, AppError> {
    use crate::model::{CommentState, check_comment_body, check_comment_name, validate_slug};
    use crate::server::content::markdown::{count_links, render_comment};
    use crate::server::guard::{accepts_html, check_same_origin, request_parts};
    use crate::server::rate_limit::client_source;
    use crate::server::repo::{NewComment, Posted};
    use crate::server::{respond, state::app_state};

    let parts = request_parts()?;
    check_same_origin(&parts.headers)?;
    validate_slug(&slug)?;
    let state = app_state()?;
    let name = check_comment_name(&name, &state.config.site)?;
    let body = check_comment_body(&body, &state.config.site)?;
    let key_ok = (8..=80).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !key_ok {
        return Err(AppError::bad_request(
            "This form is out of date; reload the page and try again.",
        ));
    }

    let reader = state.readers.reader_or_mint(&parts.headers)?;
    if website.is_some_and(|w| !w.trim().is_empty()) {
        // A bot filled the hidden field: pretend it worked, store and send nothing.
        tracing::info!("comment honeypot filled; nothing stored");
        if accepts_html(&parts.headers) {
            leptos_axum::redirect(&format!("/pulse/{slug}#comments"));
        }
        return Ok(Comment {
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
        });
    }
    let rules = &state.config.comments;
    // Everyone behind one address shares the per-address limit, however many cookies they clear.
    let source_tag = client_source(&parts, &state.config.limits.trusted_proxies)
        .map(|source| state.readers.tag("source", &source));

    let body_html = render_comment(body);
    let posted = state
        .store
        .post_comment(NewComment {
            slug: &slug,
            parent_id: parent,
            reader: &reader,
            idempotency_key: &key,
            author_name: name,
            body_md: body,
            body_html: &body_html,
            links: count_links(body),
            source_tag,
            rules,
        })
        .await?;
    let comment = match posted {
        Posted::Added(added) => {
            state.live.published();
            added.comment
        }
        Posted::Held(comment) => {
            tracing::info!(comment = comment.id, "comment held for review (links)");
            comment
        }
        Posted::AlreadyPosted(comment) => comment,
        Posted::NoSuchBrief => {
            return Err(AppError::not_found("There is no brief at this address."));
        }
        Posted::ParentGone => {
            return Err(AppError::invalid(
                "parent",
                "The comment you replied to is no longer there.",
            ));
        }
        Posted::Duplicate => {
            return Err(AppError::Conflict(
                "You posted this same comment a moment ago.".to_string(),
            ));
        }
        Posted::TooFast { retry_after } => {
            return Err(AppError::TooManyRequests { retry_after });
        }
    };
    respond::set_reader_cookie(&state, &reader);
    respond::remember_name(name);
    if accepts_html(&parts.headers) {
        leptos_axum::redirect(&crate::components::comments::comment_href(
            &slug, comment.id,
        ));
    }
    Ok(comment)
}

/// Replaces the body of one's own comment, within the edit window. Answers with the comment as
/// its author now sees it.
#[server(prefix = "/api", endpoint = "edit_comment")]
pub async fn edit_comment(slug: String, id: i64, body: String) -> Result<CommentChanged, AppError> {
    use crate::model::check_comment_body;
    use crate::server::content::markdown::{count_links, render_comment};
    use crate::server::guard::accepts_html;
    use crate::server::repo::{Amendment, NewBody};

    let (state, parts, reader) = crate::server::comments::own_change(&slug)?;
    let body = check_comment_body(&body, &state.config.site)?;
    let body_html = render_comment(body);
    let amended = state
        .store
        .edit_comment(
            Amendment {
                slug: &slug,
                id,
                reader: &reader,
                rules: &state.config.comments,
            },
            NewBody {
                body_md: body,
                body_html: &body_html,
                links: count_links(body),
            },
        )
        .await?;
    let changed = crate::server::comments::amendment_result(&state, amended)?;
    if accepts_html(&parts.headers) {
        leptos_axum::redirect(&crate::components::comments::comment_href(&slug, id));
    }
    Ok(changed)
}

/// Deletes one's own comment, within the edit window. Its text is erased; if replies hang on
/// it, a "[deleted]" placeholder keeps the thread together.
#[server(prefix = "/api", endpoint = "delete_comment")]
pub async fn delete_comment(slug: String, id: i64) -> Result<CommentChanged, AppError> {
    use crate::server::guard::accepts_html;
    use crate::server::repo::Amendment;

    let (state, parts, reader) = crate::server::comments::own_change(&slug)?;
    let amended = state
        .store
        .delete_comment(Amendment {
            slug: &slug,
            id,
            reader: &reader,
            rules: &state.config.comments,
        })
        .await?;
    let changed = crate::server::comments::amendment_result(&state, amended)?;
    if accepts_html(&parts.headers) {
        leptos_axum::redirect(&format!("/pulse/{slug}#comments"));
    }
    Ok(changed)
}

/// Reports someone else's comment. Reporting twice counts once; at the configured number of
/// readers the comment is held for a moderator and leaves everyone's page.
#[server(prefix = "/api", endpoint = "report_comment")]
pub async fn report_comment(
    slug: String,
    id: i64,
    reason: String,
    detail: Option<String>,
) -> Result<(), AppError> {
    use crate::model::{MAX_REPORT_DETAIL_CHARS, ReportReason, validate_slug};
    use crate::server::guard::{accepts_html, check_same_origin, request_parts};
    use crate::server::rate_limit::client_source;
    use crate::server::repo::{Report, Reported};
    use crate::server::{respond, state::app_state};

    let parts = request_parts()?;
    check_same_origin(&parts.headers)?;
    validate_slug(&slug)?;
    let Some(reason) = ReportReason::ALL.into_iter().find(|r| r.as_str() == reason) else {
        return Err(AppError::invalid(
            "reason",
            "Choose why you are reporting it.",
        ));
    };
    let detail = detail.unwrap_or_default();
    let detail = detail.trim();
    if detail.chars().count() > MAX_REPORT_DETAIL_CHARS as usize {
        return Err(AppError::invalid(
            "detail",
            format!("Please keep the note to {MAX_REPORT_DETAIL_CHARS} characters."),
        ));
    }
    let state = app_state()?;
    let reader = state.readers.reader_or_mint(&parts.headers)?;
    state.limit_reader_write("report", &parts, &reader)?;
    // Everyone behind one address counts as one source, however many cookies they clear.
    let source_tag = client_source(&parts, &state.config.limits.trusted_proxies)
        .map(|source| state.readers.tag("source", &source));
    let reported = state
        .store
        .report_comment(
            Report {
                slug: &slug,
                id,
                reader: &reader,
                source_tag,
                reason,
                detail,
            },
            state.config.comments.report_threshold,
        )
        .await?;
    match reported {
        Reported::Recorded { published } => {
            if published {
                state.live.published();
            }
        }
        Reported::NotFound => {
            return Err(AppError::not_found("That comment is no longer there."));
        }
        Reported::OwnComment => {
            return Err(AppError::bad_request(
                "This is your own comment: you can edit or delete it instead.",
            ));
        }
    }
    respond::set_reader_cookie(&state, &reader);
    if accepts_html(&parts.headers) {
        leptos_axum::redirect(&format!("/pulse/{slug}?reported={id}#comment-{id}"));
    }
    Ok(())
}
