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
    use crate::server::guard::{check_not_cross_site_script, request_parts};
    use crate::server::state::app_state;

    let parts = request_parts()?;
    check_not_cross_site_script(&parts.headers)?;
    crate::server::respond::no_store();
    let state = app_state()?;
    match state.readers.reader(&parts.headers) {
        None => Ok(MyData::default()),
        Some(reader) => state.store.reader_data(&reader).await,
    }
}

/// Erases everything tied to the asking reader: comments (a "[deleted]" placeholder stays
/// only where replies hang on one), reactions and reports; open pages follow live. The reader
/// must say `confirm = "erase"`; the browser then forgets its reader id too.
#[server(prefix = "/api", endpoint = "erase_my_data")]
pub async fn erase_my_data(confirm: String) -> Result<Erased, AppError> {
    use crate::server::guard::{accepts_html, check_same_origin, request_parts};
    use crate::server::state::app_state;

    let parts = request_parts()?;
    check_same_origin(&parts.headers)?;
    if confirm != "erase" {
        return Err(AppError::invalid(
            "confirm",
            "Tick the box to confirm that everything should be deleted.",
        ));
    }
    let state = app_state()?;
    let erased = match state.readers.reader(&parts.headers) {
        None => Erased::default(),
        Some(reader) => {
            state.limit_reader_write("erase", &parts, &reader)?;
            let (erased, published) = state.store.erase_reader(&reader).await?;
            if published {
                state.live.published();
            }
            erased
        }
    };
    // A new id next time: nothing links the reader's future activity to what was erased.
    crate::server::respond::forget_reader_cookie(&state);
    if accepts_html(&parts.headers) {
        leptos_axum::redirect(&format!(
            "/my-data?erased={},{},{}",
            erased.comments, erased.reactions, erased.reports
        ));
    }
    Ok(erased)
}
