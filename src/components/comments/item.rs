//! One comment: who, when (marked "New" if it came since the reader's last visit, unless they
//! wrote it), whether it was edited, and the body sanitised on the server when it
//! was written (which is what makes `inner_html` safe here). Its author gets Edit and Delete
//! while the edit window is open; everyone else gets Report. The forms open in place, chosen
//! by the address (`?edit=N`, `?delete=N`, `?report=N`), so they work without JavaScript too.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::comments::CommentActions;
use crate::components::comments::delete_form::DeleteForm;
use crate::components::comments::edit_form::EditForm;
use crate::components::comments::report_form::ReportForm;
use crate::components::new_mark::NewMark;
use crate::components::relative_time::RelativeTime;
use crate::model::{Comment, CommentState, OwnComment};

#[component]
pub fn CommentItem(
    comment: Comment,
    /// Set when the reader wrote this comment.
    own: Option<OwnComment>,
    actions: CommentActions,
) -> impl IntoView {
    let id = comment.id;
    let depth = comment.depth.min(8);
    let state = comment.state;
    let placeholder = match state {
        CommentState::Deleted => Some(("[deleted]", "Deleted comment")),
        CommentState::Removed => Some(("[removed]", "Removed comment")),
        CommentState::Visible | CommentState::Held => None,
    };
    let class = format!(
        "comment comment--depth-{depth}{}",
        match state {
            CommentState::Visible => "",
            CommentState::Held => " comment--held",
            CommentState::Deleted | CommentState::Removed => " comment--placeholder",
        }
    );
    let li_id = format!("comment-{id}");
    if let Some((text, label)) = placeholder {
        return view! {
            <li id=li_id class=class>
                <article class="comment__card" aria-label=label>
                    <p class="comment__placeholder">{text}</p>
                </article>
            </li>
        }
        .into_any();
    }

    // The edit window closes on its own while the page is open.
    let is_own = own.is_some();
    let seconds_left = own.as_ref().map_or(0, |o| o.editable_seconds);
    let editable = RwSignal::new(seconds_left > 0);
    Effect::new(move || {
        if seconds_left > 0 {
            set_timeout(
                move || editable.set(false),
                Duration::from_secs(u64::from(seconds_left)),
            );
        }
    });
    let source = own.map(|o| o.body_md).unwrap_or_default();

    let query = use_query_map();
    let mode =
        move |key: &str| query.read().get(key).and_then(|v| v.parse::<i64>().ok()) == Some(id);
    let editing = move || is_own && editable.get() && mode("edit");
    let deleting = move || is_own && editable.get() && mode("delete");
    let reporting = move || !is_own && state == CommentState::Visible && mode("report");
    let reported = move || mode("reported");

    let label = format!("Comment by {}", comment.author_name);
    let edited = comment.edited_at.clone().map(|at| {
        view! { <span class="comment__edited" title=format!("Edited {at}")>"edited"</span> }
    });
    let body_html = comment.body_html.clone();
    view! {
        <li id=li_id class=class>
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
                <Show
                    when=editing
                    fallback=move || view! { <div class="comment__body prose" inner_html=body_html.clone()></div> }
                >
                    <EditForm id source=source.clone() actions/>
                </Show>
                <Show when=deleting>
                    <DeleteForm id actions/>
                </Show>
                <Show when=reporting>
                    <ReportForm id actions/>
                </Show>
                <Show when=reported>
                    <p class="comment__notice" role="status">
                        "Thanks for the report. A moderator will take a look."
                    </p>
                </Show>
                <footer class="comment__actions">
                    {(state == CommentState::Visible).then(|| view! {
                        <a href=format!("?reply_to={id}#comment-form")>"Reply"</a>
                    })}
                    <Show when=move || is_own && editable.get() && !editing() && !deleting()>
                        <a href=format!("?edit={id}#comment-{id}")>"Edit"</a>
                        <a href=format!("?delete={id}#comment-{id}")>"Delete"</a>
                    </Show>
                    {(!is_own && state == CommentState::Visible).then(|| view! {
                        <a href=format!("?report={id}#comment-{id}") class="comment__report">"Report"</a>
                    })}
                </footer>
            </article>
        </li>
    }
    .into_any()
}
