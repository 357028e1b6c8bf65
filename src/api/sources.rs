//! The desk's sources inbox: the sources editors write from (`/desk/sources`), the inbox of
//! their items (`/desk/inbox`), and the desk log of what editors did to both. Every endpoint
//! checks for a signed-in editor (`server::sources`); the actions work as plain form posts.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::source::{DeskLogEntry, Inbox, Source};

/// Most desk-log lines shown.
pub const DESK_LOG_LIMIT: u32 = 200;

/// Every source, by name, with how its last fetch went.
#[server(prefix = "/api", endpoint = "desk_sources", input = GetUrl)]
pub async fn desk_sources() -> Result<Vec<Source>, AppError> {
    let req = crate::server::request::Request::read()?;
    crate::server::respond::no_store();
    crate::server::sources::list(&req).await
}

/// Adds the feed at `url` (RSS, Atom or JSON Feed) as a source called `name`, and fetches it
/// at once. Answers with the new source's id (how the fetch went is on the sources page).
#[server(prefix = "/api", endpoint = "add_source")]
pub async fn add_source(name: String, url: String) -> Result<i64, AppError> {
    use crate::server::sources::{Added, FirstFetch, NewSource, add};

    let req = crate::server::request::Request::write()?;
    let added = add(
        &req,
        NewSource {
            name: &name,
            url: &url,
        },
    )
    .await;
    let page = "/desk/sources";
    let done = |a: &Added| match a.first_fetch {
        FirstFetch::Fetched(_) => format!("{page}?done=added"),
        FirstFetch::Failed => format!("{page}?done=added-failing"),
        FirstFetch::Elsewhere => format!("{page}?done=added-fetching"),
    };
    let placeholder = || Added {
        id: 0,
        first_fetch: FirstFetch::Elsewhere,
    };
    req.land_outcome(added, done, page, placeholder)
        .map(|a| a.id)
}

/// Removes source `id` and its items from the inbox.
#[server(prefix = "/api", endpoint = "remove_source")]
pub async fn remove_source(id: i64) -> Result<(), AppError> {
    let req = crate::server::request::Request::write()?;
    let removed = crate::server::sources::remove(&req, id).await;
    let page = "/desk/sources";
    req.land_outcome(removed, |()| format!("{page}?done=removed"), page, || ())
}

/// The inbox: new items from every source, newest first, one per story.
#[server(prefix = "/api", endpoint = "desk_inbox", input = GetUrl)]
pub async fn desk_inbox() -> Result<Inbox, AppError> {
    let req = crate::server::request::Request::read()?;
    crate::server::respond::no_store();
    crate::server::sources::inbox(&req).await
}

/// How many items arrived after item `after`: what an open inbox asks now and then.
#[server(prefix = "/api", endpoint = "inbox_news", input = GetUrl)]
pub async fn inbox_news(after: i64) -> Result<u64, AppError> {
    let req = crate::server::request::Request::read()?;
    crate::server::respond::no_store();
    crate::server::sources::news(&req, after).await
}

/// Hides item `id` from the inbox, for every editor.
#[server(prefix = "/api", endpoint = "dismiss_item")]
pub async fn dismiss_item(id: i64) -> Result<(), AppError> {
    let req = crate::server::request::Request::write()?;
    let dismissed = crate::server::sources::dismiss(&req, id).await;
    let page = "/desk/inbox";
    req.land_outcome(
        dismissed,
        |()| format!("{page}?done=dismissed"),
        page,
        || (),
    )
}

/// What editors did to sources and inbox items, newest first (admins only).
#[server(prefix = "/api", endpoint = "desk_log", input = GetUrl)]
pub async fn desk_log() -> Result<Vec<DeskLogEntry>, AppError> {
    let req = crate::server::request::Request::read()?;
    req.admin().await?;
    req.state.store.desk_log(DESK_LOG_LIMIT).await
}
