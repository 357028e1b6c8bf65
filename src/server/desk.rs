//! The desk's brief list, behind `api::desk::desk_briefs`: the checks of what the list is
//! asked for (a page, a short query, a known category and status), the store's page, and each
//! published brief's two-week trend of views (`server::insight`).

use crate::api::desk::DESK_PAGE_SIZE;
use crate::error::AppError;
use crate::model::desk::{DeskBriefPage, DeskStatus, MAX_DESK_QUERY_CHARS};
use crate::model::{check_page, validate_slug};
use crate::server::request::Request;

/// What the list is asked for, as the search form sends it.
pub struct BriefListAsked<'a> {
    pub query: &'a str,
    pub category: Option<&'a str>,
    pub status: Option<&'a str>,
    pub page: u32,
}

/// One page of the desk's list (editors only).
pub async fn brief_list(
    req: &Request,
    asked: BriefListAsked<'_>,
) -> Result<DeskBriefPage, AppError> {
    req.editor().await?;
    let state = &req.state;
    check_page(asked.page)?;
    let query = asked.query.trim();
    if query.chars().count() > MAX_DESK_QUERY_CHARS {
        return Err(AppError::invalid(
            "q",
            format!("Search with at most {MAX_DESK_QUERY_CHARS} characters."),
        ));
    }
    let category =
        match asked.category.filter(|c| !c.is_empty()) {
            None => None,
            Some(slug) => {
                validate_slug(slug)?;
                Some(state.config.site.category(slug).cloned().ok_or_else(|| {
                    AppError::not_found(format!("There is no category “{slug}”."))
                })?)
            }
        };
    let status = match asked.status.filter(|s| !s.is_empty()) {
        None => None,
        Some(name) => Some(DeskStatus::parse(name).ok_or_else(|| {
            AppError::invalid(
                "status",
                "The status must be draft, scheduled, published or unpublished.",
            )
        })?),
    };
    let mut page = state
        .store
        .desk_briefs(query, category, status, asked.page, DESK_PAGE_SIZE)
        .await?;
    crate::server::insight::add_trends(state, &mut page.briefs).await?;
    Ok(page)
}
