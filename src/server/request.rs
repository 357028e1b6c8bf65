//! The request a server function answers: the app's state, the request's head, and the checks
//! each kind of call runs before anything else. Every endpoint in `api/` starts from one of
//! [`Request::write`] or [`Request::read`] and asks it for who is calling ([`Request::reader`],
//! [`Request::editor`], [`Request::admin`]), so no endpoint spells the checks out or forgets
//! one; [`Request::land`] sends a plain form post (no JavaScript) on to the page that shows
//! the outcome.

use axum::http::request::Parts;

use crate::error::AppError;
use crate::model::editors::Editor;
use crate::server::guard::{
    accepts_html, check_not_cross_site_script, check_same_origin, request_parts,
};
use crate::server::rate_limit::client_source;
use crate::server::readers::ReaderId;
use crate::server::state::{AppState, app_state};

/// One server function call's context.
pub struct Request {
    pub state: AppState,
    pub parts: Parts,
}

impl Request {
    /// A call that changes something: it must come from Pulse itself (403 otherwise).
    pub fn write() -> Result<Request, AppError> {
        let parts = request_parts()?;
        check_same_origin(&parts.headers)?;
        Ok(Request {
            state: app_state()?,
            parts,
        })
    }

    /// A call that reads something private: another site may link to it, but no other site's
    /// script may read it (403).
    pub fn read() -> Result<Request, AppError> {
        let parts = request_parts()?;
        check_not_cross_site_script(&parts.headers)?;
        Ok(Request {
            state: app_state()?,
            parts,
        })
    }

    /// Whether this is a plain form post (the browser wants a page back, not data).
    pub fn form_post(&self) -> bool {
        accepts_html(&self.parts.headers)
    }

    /// Sends a plain form post on to `href` once answered; the app's own calls get the answer.
    pub fn land(&self, href: &str) {
        if self.form_post() {
            leptos_axum::redirect(href);
        }
    }

    /// Lands a plain form post whose page shows the outcome: on `done(value)` when it worked,
    /// or on `page?problem=<the reason>` when it was refused — answered as a success with
    /// `placeholder`, since the browser only follows the redirect. An internal error stays
    /// one. The app's own calls get `result` itself.
    pub fn land_outcome<T>(
        &self,
        result: Result<T, AppError>,
        done: impl FnOnce(&T) -> String,
        page: &str,
        placeholder: impl FnOnce() -> T,
    ) -> Result<T, AppError> {
        if !self.form_post() {
            return result;
        }
        let to = match &result {
            Ok(value) => done(value),
            Err(AppError::Internal) => return result,
            Err(error) => format!(
                "{page}?problem={}",
                crate::model::encode_query_value(&error.to_string())
            ),
        };
        leptos_axum::redirect(&to);
        Ok(result.unwrap_or_else(|_| placeholder()))
    }

    /// The anonymous reader of this request's cookie, or a new one (give them their cookie
    /// with the answer: `respond::set_reader_cookie`).
    pub fn reader_or_mint(&self) -> Result<ReaderId, AppError> {
        self.state.readers.reader_or_mint(&self.parts.headers)
    }

    /// The reader making one of their small writes (`action`: a reaction, a report, a change
    /// to their comment, an erasure), counted against the per-reader and per-address limits.
    pub fn reader(&self, action: &str) -> Result<ReaderId, AppError> {
        let reader = self.reader_or_mint()?;
        self.state
            .limit_reader_write(action, &self.parts, &reader)?;
        Ok(reader)
    }

    /// The reader of an existing cookie only (without one nothing can be theirs: 403 with
    /// `refusal`), counted against the limits of `action`.
    pub fn known_reader(&self, action: &str, refusal: &str) -> Result<ReaderId, AppError> {
        let Some(reader) = self.state.readers.reader(&self.parts.headers) else {
            return Err(AppError::Forbidden(refusal.to_string()));
        };
        self.state
            .limit_reader_write(action, &self.parts, &reader)?;
        Ok(reader)
    }

    /// The client's address as a keyed tag: everyone behind one address shares it, however
    /// many cookies they clear. `None` without a known peer (never in production).
    pub fn source_tag(&self, purpose: &str) -> Option<String> {
        client_source(&self.parts, &self.state.config.limits.trusted_proxies)
            .map(|source| self.state.readers.tag(purpose, &source))
    }

    /// The editor signed in on this request: 401 without a live session.
    pub async fn editor(&self) -> Result<Editor, AppError> {
        crate::server::editors::signed_in(&self.state, &self.parts.headers)
            .await?
            .ok_or_else(crate::server::editors::sign_in_needed)
    }

    /// [`Request::editor`] for what only admins may do (managing accounts): 403 for editors.
    pub async fn admin(&self) -> Result<Editor, AppError> {
        let editor = self.editor().await?;
        if !editor.is_admin() {
            return Err(AppError::Forbidden(
                "Only an admin may do this.".to_string(),
            ));
        }
        Ok(editor)
    }
}
