//! The digest archive: every issue sent, readable on the site.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::{DigestIssue, DigestSummary};

/// Every digest issue, newest first.
#[server(prefix = "/api", endpoint = "list_digests", input = GetUrl)]
pub async fn list_digests() -> Result<Vec<DigestSummary>, AppError> {
    let state = crate::server::state::app_state()?;
    state.store.list_digests().await
}

/// One digest issue, e.g. `2026-w48`.
#[server(prefix = "/api", endpoint = "get_digest", input = GetUrl)]
pub async fn get_digest(issue: String) -> Result<DigestIssue, AppError> {
    use crate::model::validate_digest_slug;
    use crate::server::state::app_state;

    validate_digest_slug(&issue)?;
    app_state()?
        .store
        .get_digest(&issue)
        .await?
        .ok_or_else(|| AppError::not_found("There is no digest issue at this address."))
}
