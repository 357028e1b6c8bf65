//! Posting a comment. No account needed: the author is the anonymous reader of their cookie;
//! the display name is plain text and remembered for next time.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Comment;

/// Posts a comment (or a reply, with `parent`). `key` identifies this submission: sending it
/// again returns the comment it created instead of a second one. `website` is a honeypot that
/// people never see; anything in it gets a pretend success. Without JavaScript the form posts
/// here and the browser is sent back to the new comment.
#[server(prefix = "/api", endpoint = "post_comment")]
pub async fn post_comment(
    slug: String,
    parent: Option<i64>,
    name: String,
    body: String,
    key: String,
    website: Option<String>,
) -> Result<Comment, AppError> {
    use crate::model::validate_slug;
    use crate::server::content::markdown::render_comment;
    use crate::server::guard::{accepts_html, check_same_origin, request_parts};
    use crate::server::repo::{NewComment, Posted};
    use crate::server::{respond, state::app_state};

    let parts = request_parts()?;
    check_same_origin(&parts.headers)?;
    validate_slug(&slug)?;
    let state = app_state()?;
    let site = &state.config.site;

    let name = name.trim();
    let name_chars = name.chars().count();
    if name_chars == 0
        || name_chars > site.comment_max_name_chars as usize
        || name.chars().any(char::is_control)
    {
        return Err(AppError::bad_request(format!(
            "Please give a display name of 1 to {} characters.",
            site.comment_max_name_chars
        )));
    }
    let body = body.trim();
    let body_chars = body.chars().count();
    if body_chars == 0 {
        return Err(AppError::bad_request("Write something before posting."));
    }
    if body_chars > site.comment_max_body_chars as usize {
        return Err(AppError::bad_request(format!(
            "Comments can be at most {} characters; this one has {body_chars}.",
            site.comment_max_body_chars
        )));
    }
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
        return Ok(Comment {
            id: 0,
            parent_id: parent,
            depth: 0,
            author_name: name.to_string(),
            body_html: String::new(),
            created_at: String::new(),
            created_label: String::new(),
            edited: false,
        });
    }
    let limits = &state.config.comments;
    state.limiter.limit_write(
        "comment",
        &parts,
        &state.config.limits.trusted_proxies,
        &reader,
        limits.per_minute_per_reader,
        limits.per_minute_per_ip,
    )?;

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
            max_depth: limits.max_depth,
        })
        .await?;
    let comment = match posted {
        Posted::Added(added) => {
            state.live.published();
            added.comment
        }
        Posted::AlreadyPosted(comment) => comment,
        Posted::NoSuchBrief => {
            return Err(AppError::not_found("There is no brief at this address."));
        }
        Posted::ParentGone => {
            return Err(AppError::bad_request(
                "The comment you replied to is no longer there.",
            ));
        }
    };
    respond::set_cookie(state.readers.cookie(&reader));
    respond::remember_name(name);
    if accepts_html(&parts.headers) {
        // A plain form post: back to the brief, at the new comment.
        leptos_axum::redirect(&format!("/pulse/{slug}#comment-{}", comment.id));
    }
    Ok(comment)
}
