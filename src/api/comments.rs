//! Comments: posting, editing and deleting one's own, and reporting others'. No account needed:
//! the author is the anonymous reader of their cookie; the display name is plain text and
//! remembered for next time. Every endpoint here works as a plain form post too: without
//! JavaScript the browser is sent back to the brief, at the comment concerned.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Comment, CommentChanged};

/// Posts a comment (or a reply, with `parent`). `key` identifies this submission: sending it
/// again returns the comment it created instead of a second one. `website` is a honeypot that
/// people never see; anything in it gets a pretend success. `notify`, an address, asks for
/// replies by mail (confirmed once per reader).
#[server(prefix = "/api", endpoint = "post_comment")]
pub async fn post_comment(
    slug: String,
    parent: Option<i64>,
    name: String,
    body: String,
    key: String,
    website: Option<String>,
    notify: Option<String>,
) -> Result<Comment, AppError> {
    use crate::components::comments::comment_href;
    use crate::server::comments::{CommentForm, post};
    use crate::server::request::Request;

    let req = Request::write()?;
    let form = CommentForm {
        slug: slug.clone(),
        parent,
        name,
        body,
        key,
        website,
        notify,
    };
    let comment = post(&req, form).await?;
    req.land(&match comment.id {
        0 => format!("/pulse/{slug}#comments"),
        id => comment_href(&slug, id),
    });
    Ok(comment)
}

/// Replaces the body of one's own comment, within the edit window. Answers with the comment as
/// its author now sees it.
#[server(prefix = "/api", endpoint = "edit_comment")]
pub async fn edit_comment(slug: String, id: i64, body: String) -> Result<CommentChanged, AppError> {
    use crate::server::request::Request;

    let req = Request::write()?;
    let changed = crate::server::comments::edit(&req, &slug, id, &body).await?;
    req.land(&crate::components::comments::comment_href(&slug, id));
    Ok(changed)
}

/// Deletes one's own comment, within the edit window. Its text is erased; if replies hang on
/// it, a "[deleted]" placeholder keeps the thread together.
#[server(prefix = "/api", endpoint = "delete_comment")]
pub async fn delete_comment(slug: String, id: i64) -> Result<CommentChanged, AppError> {
    use crate::server::request::Request;

    let req = Request::write()?;
    let changed = crate::server::comments::delete(&req, &slug, id).await?;
    req.land(&format!("/pulse/{slug}#comments"));
    Ok(changed)
}

/// Reports someone else's comment. Reporting twice counts once; at the configured number of
/// readers the comment is held for a moderator and leaves everyone's page.
#[server(prefix = "/api", endpoint = "report_comment")]
pub async fn report_comment(
    slug: String,
    id: i64,
    reason: String,
    detail: Option<String>,
) -> Result<(), AppError> {
    use crate::server::comments::{ReportForm, report};
    use crate::server::request::Request;

    let req = Request::write()?;
    let href = format!("/pulse/{slug}?reported={id}#comment-{id}");
    let form = ReportForm {
        slug,
        id,
        reason,
        detail,
    };
    report(&req, form).await?;
    req.land(&href);
    Ok(())
}
