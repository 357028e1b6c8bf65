//! Reacting to a brief. No account needed: the reader is the anonymous id in their signed
//! cookie, minted on their first reaction.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ReactionState;

/// Sets whether this reader gives reaction `kind` to brief `slug`. `active` is the state
/// wanted, not a toggle, so sending the same request twice leaves the same state. Without
/// JavaScript the reaction bar's forms post here and the server redirects back to the brief.
#[server(prefix = "/api", endpoint = "react")]
pub async fn react(slug: String, kind: String, active: bool) -> Result<ReactionState, AppError> {
    use crate::model::validate_slug;
    use crate::server::{request::Request, respond};

    let req = Request::write()?;
    validate_slug(&slug)?;
    if req.state.config.site.reaction(&kind).is_none() {
        return Err(AppError::bad_request(format!(
            "“{kind}” is not one of this site's reactions."
        )));
    }
    let reader = req.reader("reaction")?;
    let result = req
        .state
        .store
        .set_reaction(&slug, &kind, &reader, active)
        .await?
        .ok_or_else(|| AppError::not_found("There is no brief at this address."))?;
    respond::set_reader_cookie(&req.state, &reader);
    Ok(result)
}
