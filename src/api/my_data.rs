//! A reader's own data: what Pulse holds tied to their anonymous reader id, to see and to
//! erase. The reader is whoever the request's cookie names; a browser without one has nothing
//! stored about it. (The same data as a file: `/my-data.json`, in `server::my_data`.)

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;
use crate::model::my_data::{Erased, MyData};

/// Everything tied to the asking reader. Another site's script may not read it.
#[server(prefix = "/api", endpoint = "my_data", input = GetUrl)]
pub async fn reader_data() -> Result<MyData, AppError> {
    use crate::server::request::Request;

    let req = Request::read()?;
    crate::server::respond::no_store();
    match req.state.readers.reader(&req.parts.headers) {
        None => Ok(MyData::default()),
        Some(reader) => {
            req.state
                .store
                .reader_data(&reader, req.state.config.follow.days)
                .await
        }
    }
}

/// Erases everything tied to the asking reader: comments (a "[deleted]" placeholder stays
/// only where replies hang on one), reactions and reports; open pages follow live. The reader
/// must say `confirm = "erase"`; the browser then forgets its reader id too.
#[server(prefix = "/api", endpoint = "erase_my_data")]
pub async fn erase_my_data(confirm: String) -> Result<Erased, AppError> {
    use crate::server::request::Request;

    let req = Request::write()?;
    if confirm != "erase" {
        return Err(AppError::invalid(
            "confirm",
            "Tick the box to confirm that everything should be deleted.",
        ));
    }
    let erased = match req.state.readers.reader(&req.parts.headers) {
        None => Erased::default(),
        Some(reader) => {
            req.state.limit_reader_write("erase", &req.parts, &reader)?;
            req.state.store.erase_reader(&reader).await?
        }
    };
    // A new id next time: nothing links the reader's future activity to what was erased.
    crate::server::respond::forget_reader_cookie(&req.state);
    req.land(&format!(
        "/my-data?erased={},{},{},{}",
        erased.comments, erased.reactions, erased.reports, erased.follows
    ));
    Ok(erased)
}
