//! `/my-data.json`: a reader's own data as a file to keep, for the reader whose cookie asks.
//! Another site's script may not read it (a link or a navigation from elsewhere still works).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::model::my_data::MyData;
use crate::server::guard::check_not_cross_site_script;
use crate::server::state::AppState;

pub async fn download(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(error) = check_not_cross_site_script(&headers) {
        return (StatusCode::FORBIDDEN, error.to_string()).into_response();
    }
    let data = match state.readers.reader(&headers) {
        None => Ok(MyData::default()),
        Some(reader) => {
            state
                .store
                .reader_data(&reader, state.config.follow.days)
                .await
        }
    };
    let Ok(body) = data.and_then(|data| {
        serde_json::to_string_pretty(&data).map_err(|_| crate::error::AppError::Internal)
    }) else {
        // The cause was logged where it happened.
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Your data could not be read just now.",
        )
            .into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"pulse-my-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
