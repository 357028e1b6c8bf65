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
    /// The request came from somewhere it may not (e.g. a cross-site form post).
    #[error("{0}")]
    Forbidden(String),
    /// Nothing lives at that address.
    #[error("{0}")]
    NotFound(String),
    /// Too many writes too fast; try again after this many seconds.
    #[error("You're going a little fast. Please try again in {retry_after} seconds.")]
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
            AppError::BadRequest(_) => 400,
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
            AppError::BadRequest(_) => "That request didn't look right",
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
