//! Insight for editors: what readers do, in aggregate only (`server::insight`).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::insight::Insight;

/// The site's last 30 days and the week's most read briefs (editors only).
#[server(prefix = "/api", endpoint = "desk_insight", input = GetUrl)]
pub async fn desk_insight() -> Result<Insight, AppError> {
    let req = crate::server::request::Request::read()?;
    req.editor().await?;
    crate::server::respond::no_store();
    crate::server::insight::insight(&req.state).await
}
