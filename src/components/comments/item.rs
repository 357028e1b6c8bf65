//! One comment: who, when (marked "New" if it came since the reader's last visit, unless they
//! wrote it), whether it was edited, and the body sanitised on the server when it was written
//! (which is what makes `inner_html` safe here). Its author gets Edit and Delete while the
//! edit window is open; everyone else gets Report. The forms open in place, chosen by the
//! address (`?edit=N`, `?delete=N`, `?report=N`), so they work without JavaScript too; the
//! section puts them in ([`Opened`]), so none of them ships to the browser.
//!
//! Rendered by the server only: a comment heard live comes into the page as the server's
//! render of the thread page that holds it.

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::comments::comment_anchor;
use crate::components::new_mark::NewMark;
use crate::components::relative_time::RelativeTime;
use crate::contexts::clock::rendered_at;
use crate::model::{Comment, CommentState, OwnComment};

/// What the address opened on a comment, rendered by the section: a form in place of the
/// body (editing) or below it (deleting, reporting), or a notice.
pub struct Opened {
    /// Shown instead of the body.
    pub body: Option<AnyView>,
    /// Shown below the body.
    pub below: Option<AnyView>,
    /// A form of the author's own is open: their Edit and Delete links step aside.
    pub own_form: bool,
}

/// The deepest nesting the thread's style indents.
const MAX_SHOWN_DEPTH: u32 = 8;

#[component]
pub fn CommentItem(
    comment: Comment,
    /// Set when the reader wrote this comment.
    own: Option<OwnComment>,
    /// What the address opens on this comment, if anything.
    opened: Option<Opened>,
) -> impl IntoView {
    let id = comment.id;
    let depth = comment.depth.min(MAX_SHOWN_DEPTH);
    let state = comment.state;
    let class = format!(
        "comment comment--depth-{depth}{}",
        match state {
            CommentState::Visible => "",
            CommentState::Held => " comment--held",
            CommentState::Deleted | CommentState::Removed => " comment--placeholder",
        }
    );
    let li_id = comment_anchor(id);
    let placeholder = match state {
        CommentState::Deleted => Some(("[deleted]", "Deleted comment")),
        CommentState::Removed => Some(("[removed]", "Removed comment")),
        CommentState::Visible | CommentState::Held => None,
    };
    if let Some((text, label)) = placeholder {
        return Either::Left(view! {
            <li id=li_id class=class data-depth=depth>
                <article class="comment__card" aria-label=label>
                    <p class="comment__placeholder">{text}</p>
                </article>
            </li>
        });
    }

    let is_own = own.is_some();
    let editable_seconds = own.as_ref().map_or(0, |o| o.editable_seconds);
    let editable = editable_seconds > 0;
    // The edit window closes by itself while the page is open (the `marks` of `pulse.js`).
    let until = rendered_at().map(|now| now + i64::from(editable_seconds));
    let label = format!("Comment by {}", comment.author_name);
    let edited = comment.edited_at.clone().map(|at| {
        view! { <span class="comment__edited" title=format!("Edited {at}")>"edited"</span> }
    });
    let (body, below, form_open) = match opened {
        Some(Opened {
            body,
            below,
            own_form,
        }) => (body, below, own_form),
        None => (None, None, false),
    };
    let body = match body {
        Some(form) => Either::Left(form),
        None => Either::Right(view! {
            <div class="comment__body prose" inner_html=comment.body_html></div>
        }),
    };
    Either::Right(view! {
        <li id=li_id class=class data-depth=depth data-own=is_own.then_some("")>
            <article class="comment__card" aria-label=label>
                <header class="comment__meta">
                    <strong class="comment__author">{comment.author_name}</strong>
                    <RelativeTime
                        datetime=comment.created_at.clone()
                        unix=comment.created_unix
                        exact=comment.created_label
                    />
                    {edited}
                    {(!is_own).then(|| view! { <NewMark at=comment.created_at/> })}
                </header>
                {(state == CommentState::Held).then(|| view! {
                    <p class="comment__notice">
                        "Held for review: only you can see this until a moderator approves it."
                    </p>
                })}
                {body}
                {below}
                <footer class="comment__actions">
                    {(state == CommentState::Visible).then(|| view! {
                        <a href=format!("?reply_to={id}#comment-form")>"Reply"</a>
                    })}
                    {(is_own && editable && !form_open).then(|| view! {
                        <span class="comment__own" data-until=until>
                            <a href=format!("?edit={id}#{}", comment_anchor(id))>"Edit"</a>
                            <a href=format!("?delete={id}#{}", comment_anchor(id))>"Delete"</a>
                        </span>
                    })}
                    {(!is_own && state == CommentState::Visible).then(|| view! {
                        <a href=format!("?report={id}#{}", comment_anchor(id)) class="comment__report">"Report"</a>
                    })}
                </footer>
            </article>
        </li>
    })
}
