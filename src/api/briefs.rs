//! Reading briefs: the feed and a single brief. Both are GET endpoints that browsers may cache
//! and revalidate (see the ETag handling in `server::http`).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::{Brief, FeedPage};

/// One page of the feed, newest first, optionally filtered to one category or one tag.
#[server(prefix = "/api", endpoint = "list_briefs", input = GetUrl)]
pub async fn list_briefs(
    category: Option<String>,
    tag: Option<String>,
    page: u32,
) -> Result<FeedPage, AppError> {
    use crate::model::{check_page, validate_slug};
    use crate::server::state::app_state;

    check_page(page)?;
    let state = app_state()?;
    let category =
        match category.as_deref() {
            None => None,
            Some(slug) => {
                validate_slug(slug)?;
                let found = state.config.site.category(slug).cloned();
                Some(found.ok_or_else(|| {
                    AppError::not_found(format!("There is no category “{slug}”."))
                })?)
            }
        };
    if let Some(tag) = tag.as_deref() {
        validate_slug(tag)?;
        if !state.store.tag_in_use(tag).await? {
            return Err(AppError::not_found(format!("No brief is tagged “{tag}”.")));
        }
    }
    let feed = state
        .store
        .list_briefs(category, tag.as_deref(), page, state.config.page_size)
        .await?;
    if page > 1 && page > feed.total_pages {
        return Err(AppError::not_found(format!("The feed has no page {page}.")));
    }
    Ok(feed)
}

/// A whole brief, with its Cited By list and one page of its thread: the newest, or the one
/// just before or after a comment, or the one holding a comment.
#[server(prefix = "/api", endpoint = "get_brief", input = GetUrl)]
pub async fn get_brief(
    slug: String,
    comments_before: Option<i64>,
    comments_after: Option<i64>,
    comment: Option<i64>,
) -> Result<Brief, AppError> {
    use crate::model::{ThreadWindow, validate_slug};
    use crate::server::{guard::request_parts, state::app_state};

    validate_slug(&slug)?;
    let window = match (comment, comments_before, comments_after) {
        (Some(id), _, _) => ThreadWindow::Around(id),
        (None, Some(id), _) => ThreadWindow::Before(id),
        (None, None, Some(id)) => ThreadWindow::After(id),
        (None, None, None) => ThreadWindow::Newest,
    };
    let state = app_state()?;
    let headers = request_parts()?.headers;
    let reader = state.readers.reader(&headers);
    let mut brief = state
        .store
        .get_brief(&slug, reader.as_ref(), &state.config.comments, window)
        .await?
        .ok_or_else(|| AppError::not_found("There is no brief at this address."))?;
    brief.my_name = crate::server::respond::remembered_name(&headers);
    brief.removals = state.store.removals(&slug).await?;
    if let Some(reader) = &reader {
        brief.replies_to_you = state.store.replies_to_reader(&slug, reader).await?;
    }
    // Unique to this answer. The CSP nonce is, and the render cache splices a fresh one into
    // every copy of a page, so two readers of one cached page never share a comment key
    // (sharing one would make the second post return the first).
    brief.comment_key = match use_context::<leptos::nonce::Nonce>() {
        Some(nonce) => format!("c-{}", &*nonce),
        None => state.readers.mint()?.as_str().to_string(),
    };
    Ok(brief)
}
