//! The editor desk's reads and writes on briefs. Every endpoint checks for a signed-in editor
//! itself (see `server::request::Request::editor`).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::desk::DeskBriefPage;

/// Briefs per desk page.
pub const DESK_PAGE_SIZE: u32 = 25;

/// One page of the desk's list of drafts and briefs: `q` searches titles, summaries and slugs
/// (every word must appear), `category` and `status` (draft, scheduled, published,
/// unpublished) filter.
#[server(prefix = "/api", endpoint = "desk_briefs", input = GetUrl)]
pub async fn desk_briefs(
    q: Option<String>,
    category: Option<String>,
    status: Option<String>,
    page: Option<u32>,
) -> Result<DeskBriefPage, AppError> {
    use crate::model::desk::{DeskStatus, MAX_DESK_QUERY_CHARS};
    use crate::model::{check_page, validate_slug};
    use crate::server::request::Request;

    let req = Request::read()?;
    req.editor().await?;
    let state = &req.state;
    let page = page.unwrap_or(1);
    check_page(page)?;
    let query = q.unwrap_or_default();
    let query = query.trim();
    if query.chars().count() > MAX_DESK_QUERY_CHARS {
        return Err(AppError::invalid(
            "q",
            format!("Search with at most {MAX_DESK_QUERY_CHARS} characters."),
        ));
    }
    let category =
        match category.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(slug) => {
                validate_slug(slug)?;
                Some(state.config.site.category(slug).cloned().ok_or_else(|| {
                    AppError::not_found(format!("There is no category “{slug}”."))
                })?)
            }
        };
    let status = match status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(name) => Some(DeskStatus::parse(name).ok_or_else(|| {
            AppError::invalid(
                "status",
                "The status must be draft, scheduled, published or unpublished.",
            )
        })?),
    };
    state
        .store
        .desk_briefs(query, category, status, page, DESK_PAGE_SIZE)
        .await
}
