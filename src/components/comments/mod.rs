//! The discussion under a brief: the thread, each comment, and the forms that post, edit,
//! delete and report. Every form is a real `<form>` posting to its server function, so all of
//! it works without JavaScript; with JavaScript the same forms are sent in the background and
//! the thread changes in place.

pub mod delete_form;
pub mod edit_form;
pub mod item;
pub mod post_form;
pub mod report_form;
pub mod section;

use leptos::prelude::*;

use crate::api::comments::{delete_comment, edit_comment, post_comment, report_comment};
use crate::error::AppError;
use crate::model::{Comment, CommentChanged};

/// A comment as submitted by the form, kept while it is on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub parent: Option<i64>,
    pub name: String,
    pub body: String,
    /// Idempotency key: a retry of the same draft sends the same key.
    pub key: String,
    /// The honeypot's content (people leave it empty).
    pub website: String,
}

/// A new body for one's own comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditDraft {
    pub id: i64,
    pub body: String,
}

/// A report of someone else's comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDraft {
    pub id: i64,
    pub reason: String,
    pub detail: String,
}

/// Each action answers with what was sent and what came back, so the thread knows what the
/// answer is about.
pub type Sent<I, O> = Action<I, (I, Result<O, AppError>)>;

/// The thread's four writes, shared by the section and every comment in it.
#[derive(Clone, Copy)]
pub struct CommentActions {
    pub slug: StoredValue<String>,
    pub post: Sent<Draft, Comment>,
    pub edit: Sent<EditDraft, CommentChanged>,
    pub delete: Sent<i64, CommentChanged>,
    pub report: Sent<ReportDraft, ()>,
}

impl CommentActions {
    pub fn new(slug: String) -> CommentActions {
        let post = {
            let slug = slug.clone();
            Action::new(move |draft: &Draft| {
                let (slug, draft) = (slug.clone(), draft.clone());
                async move {
                    let website = (!draft.website.is_empty()).then(|| draft.website.clone());
                    let result = post_comment(
                        slug,
                        draft.parent,
                        draft.name.clone(),
                        draft.body.clone(),
                        draft.key.clone(),
                        website,
                    )
                    .await;
                    (draft, result)
                }
            })
        };
        let edit = {
            let slug = slug.clone();
            Action::new(move |draft: &EditDraft| {
                let (slug, draft) = (slug.clone(), draft.clone());
                async move {
                    let result = edit_comment(slug, draft.id, draft.body.clone()).await;
                    (draft, result)
                }
            })
        };
        let delete = {
            let slug = slug.clone();
            Action::new(move |id: &i64| {
                let (slug, id) = (slug.clone(), *id);
                async move { (id, delete_comment(slug, id).await) }
            })
        };
        let report = {
            let slug = slug.clone();
            Action::new(move |draft: &ReportDraft| {
                let (slug, draft) = (slug.clone(), draft.clone());
                async move {
                    let detail = (!draft.detail.is_empty()).then(|| draft.detail.clone());
                    let result = report_comment(slug, draft.id, draft.reason.clone(), detail).await;
                    (draft, result)
                }
            })
        };
        CommentActions {
            slug: StoredValue::new(slug),
            post,
            edit,
            delete,
            report,
        }
    }
}

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
