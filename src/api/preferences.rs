//! Reader preferences that live in cookies (no account needed). Mutating, so POST-only and
//! same-origin only.

use leptos::prelude::*;

use crate::contexts::theme::Theme;
use crate::error::AppError;

/// Remembers the reader's colour theme. Without JavaScript the form posts here and the server
/// redirects back to the page it came from.
#[server(prefix = "/api", endpoint = "set_theme")]
pub async fn set_theme(theme: String) -> Result<Theme, AppError> {
    use crate::server::{guard, respond};

    guard::require_same_origin()?;
    let theme = Theme::parse(&theme)
        .ok_or_else(|| AppError::bad_request("The theme must be one of: system, light, dark."))?;
    respond::remember_theme(theme);
    Ok(theme)
}
