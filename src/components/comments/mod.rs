//! The discussion under a brief: the thread as the server renders it, each comment, and the
//! islands that post, edit, delete and report, and that keep the thread live. Every form is a
//! real `<form>` posting to its server function, so all of it works without JavaScript; with
//! JavaScript each form is sent in the background, and once the server has taken it the page
//! moves (without a reload) to where a plain form post would have landed.

pub mod delete_form;
pub mod edit_form;
pub mod item;
pub mod live_thread;
pub mod post_form;
pub mod report_form;
pub mod section;

use leptos::prelude::*;

use crate::error::AppError;

/// The id of the thread's list, which the live island keeps current.
pub const THREAD_ID: &str = "comment-thread";

/// The id of comment `id`'s list item.
pub fn comment_anchor(id: i64) -> String {
    format!("comment-{id}")
}

/// The address of comment `id` of brief `slug`: the page of the thread that holds it, at it.
pub fn comment_href(slug: &str, id: i64) -> String {
    format!("/pulse/{slug}?comment={id}#{}", comment_anchor(id))
}

/// An action that answers with what was sent beside what came back, so a form can tell
/// whether an error is about what it holds now.
pub type Sent<I, O> = Action<I, (I, Result<O, AppError>)>;

/// The error of an action's latest answer, if that answer is about `matches`.
pub fn error_for<I: Clone + Send + Sync + 'static, O: Clone + Send + Sync + 'static>(
    action: Sent<I, O>,
    matches: impl Fn(&I) -> bool,
) -> Option<AppError> {
    action.value().with(|v| match v {
        Some((sent, Err(error))) if matches(sent) => Some(error.clone()),
        _ => None,
    })
}

/// The message for form field `field`, if the error is about it.
pub fn field_message(error: Option<&AppError>, field: &str) -> Option<String> {
    error
        .filter(|e| e.field() == Some(field))
        .map(ToString::to_string)
}

/// The message for the whole form: any error not about one of `fields`.
pub fn form_message(error: Option<&AppError>, fields: &[&str]) -> Option<String> {
    error
        .filter(|e| e.field().is_none_or(|f| !fields.contains(&f)))
        .map(ToString::to_string)
}

/// Moves to `href` once a write has landed, as the plain form post's redirect would (in the
/// browser; nothing on the server).
pub fn land_on(href: &str) {
    #[cfg(feature = "hydrate")]
    crate::client::nav::go_to(href);
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}
