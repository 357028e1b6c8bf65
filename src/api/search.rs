//! Searching briefs: a GET endpoint, so a results page is a plain link that works without
//! JavaScript and can be bookmarked.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::search::SearchResults;

/// Page `page` of the published briefs matching every word of `q`, best first. An empty query
/// (or one with no words in it) finds nothing; too long a query is refused with 400.
#[server(prefix = "/api", endpoint = "search_briefs", input = GetUrl)]
pub async fn search_briefs(q: String, page: u32) -> Result<SearchResults, AppError> {
    use crate::model::check_page;
    use crate::server::search::Query;
    use crate::server::state::app_state;

    check_page(page)?;
    let query = Query::parse(&q)?;
    let state = app_state()?;
    let found = state
        .store
        .search_briefs(&query, &q, page, state.config.page_size)
        .await?;
    if page > 1 && page > found.total_pages {
        return Err(AppError::not_found(format!(
            "The results have no page {page}."
        )));
    }
    Ok(found)
}
