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
    use crate::server::desk::{BriefListAsked, brief_list};

    let req = crate::server::request::Request::read()?;
    let asked = BriefListAsked {
        query: q.as_deref().unwrap_or_default(),
        category: category.as_deref(),
        status: status.as_deref(),
        page: page.unwrap_or(1),
    };
    brief_list(&req, asked).await
}
