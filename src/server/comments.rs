//! Steps shared by the endpoints that change a reader's own comment (`api::comments`): who may,
//! and how the store's answer becomes the reader's.

use axum::http::request::Parts;

use crate::error::AppError;
use crate::model::{CommentChanged, validate_slug};
use crate::server::guard::{check_same_origin, request_parts};
use crate::server::readers::ReaderId;
use crate::server::repo::Amended;
use crate::server::state::{AppState, app_state};

/// The common checks of a change to one's own comment: a same-site request, a sane slug, a
/// reader cookie (without one nothing can be theirs) and the write limits.
pub fn own_change(slug: &str) -> Result<(AppState, Parts, ReaderId), AppError> {
    let parts = request_parts()?;
    check_same_origin(&parts.headers)?;
    validate_slug(slug)?;
    let state = app_state()?;
    let Some(reader) = state.readers.reader(&parts.headers) else {
        return Err(AppError::Forbidden(
            "Only the reader who wrote a comment can change it.".to_string(),
        ));
    };
    state.limit_reader_write("comment-change", &parts, &reader)?;
    Ok((state, parts, reader))
}

/// Turns an edit's or delete's outcome into the answer, telling live readers if they saw it.
pub fn amendment_result(state: &AppState, amended: Amended) -> Result<CommentChanged, AppError> {
    use Amended;

    match amended {
        Amended::Done { mine, published } => {
            if published {
                state.live.published();
            }
            Ok(*mine)
        }
        Amended::NotFound => Err(AppError::not_found("That comment is no longer there.")),
        Amended::NotYours => Err(AppError::Forbidden(
            "Only the reader who wrote a comment can change it.".to_string(),
        )),
        Amended::TooLate => Err(AppError::Forbidden(format!(
            "Comments can be changed for {} minutes after posting; that time is over.",
            state.config.comments.edit_minutes
        ))),
    }
}
