//! `AppError`: the one error type that crosses the wire.
//!
//! Server functions and pages speak only in these variants. Causes (database, IO) are logged on
//! the server where they happen and are never serialised, so a reader sees a clear message and
//! never an internal detail.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request was malformed; the message says what to fix.
    #[error("{0}")]
    BadRequest(String),
    /// One form field is wrong; `field` is its name, so the form can show the message beside it.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// The request clashes with what was already done (e.g. the same comment posted twice).
    #[error("{0}")]
    Conflict(String),
    /// The request needs a signed-in editor and has none (no session, or an ended one).
    #[error("{0}")]
    Unauthorized(String),
    /// The request came from somewhere it may not (e.g. a cross-site form post), or the
    /// signed-in editor may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing lives at that address.
    #[error("{0}")]
    NotFound(String),
    /// Too many writes too fast; try again after this many seconds.
    #[error("You're going a little fast. Please try again {}.", wait_phrase(*retry_after))]
    TooManyRequests { retry_after: u64 },
    /// The request was fine but the server failed; details are in the server log only.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The client could not reach the server (offline, timed out).
    #[error("Pulse could not be reached. Check your connection and try again.")]
    Unreachable,
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) | AppError::Invalid { .. } => 400,
            AppError::Conflict(_) => 409,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal => 500,
            AppError::Unreachable => 503,
        }
    }

    /// A short heading for the error page.
    pub fn title(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) | AppError::Invalid { .. } => "That request didn't look right",
            AppError::Conflict(_) => "Already done",
            AppError::Unauthorized(_) => "Please sign in",
            AppError::Forbidden(_) => "Not allowed",
            AppError::NotFound(_) => "Page not found",
            AppError::TooManyRequests { .. } => "Slow down a little",
            AppError::Internal => "Something went wrong",
            AppError::Unreachable => "You seem to be offline",
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound(what.into())
    }

    pub fn bad_request(why: impl Into<String>) -> Self {
        AppError::BadRequest(why.into())
    }

    pub fn invalid(field: &str, why: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            message: why.into(),
        }
    }

    /// The form field this error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// "in 30 seconds", "in 5 minutes", "in about 3 hours".
fn wait_phrase(seconds: u64) -> String {
    let plural = |n: u64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    match seconds {
        0..=90 => format!("in {}", plural(seconds.max(1), "second")),
        91..=5_399 => format!("in {}", plural(seconds.div_ceil(60), "minute")),
        _ => format!("in about {}", plural(seconds.div_ceil(3_600), "hour")),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that failed to decode are the caller's mistake.
            // A body that cannot be read or decoded is the caller's mistake too.
            ServerFnErrorErr::Args(msg)
            | ServerFnErrorErr::MissingArg(msg)
            | ServerFnErrorErr::Deserialization(msg) => {
                AppError::BadRequest(format!("Invalid request: {msg}"))
            }
            ServerFnErrorErr::Request(_) => AppError::Unreachable,
            ServerFnErrorErr::UnsupportedRequestMethod(msg) => AppError::BadRequest(msg),
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AppError;

    #[test]
    fn waits_read_naturally() {
        let message = |retry_after| AppError::TooManyRequests { retry_after }.to_string();
        assert!(message(1).ends_with("try again in 1 second."));
        assert!(message(42).ends_with("try again in 42 seconds."));
        assert!(message(120).ends_with("try again in 2 minutes."));
        assert!(message(86_399).ends_with("try again in about 24 hours."));
    }
}
