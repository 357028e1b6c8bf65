//! The comments section, rendered on the server: one page of the thread with the page (readable
//! and indexable without JavaScript), with whatever form the address opens on a comment, then
//! the form to post. A long thread pages: "Older comments" above it and "Newer comments" below
//! are plain links, which the page router loads in place (`data-thread-more`). Its islands:
//! the live part above the thread, the forms.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::comments::THREAD_ID;
use crate::components::comments::delete_form::DeleteForm;
use crate::components::comments::edit_form::EditForm;
use crate::components::comments::item::{CommentItem, Opened};
use crate::components::comments::live_thread::LiveThread;
use crate::components::comments::post_form::{PostForm, ReplyTo};
use crate::components::comments::report_form::ReportForm;
use crate::components::follow::follow_box::FollowBox;
use crate::model::follow::{Removals, ReplyToYou};
use crate::model::{Comment, CommentState, OwnComment};

#[component]
pub fn CommentsSection(
    slug: String,
    comments: Vec<Comment>,
    /// The first comment shown, when older ones exist.
    older: Option<i64>,
    /// The last comment shown, when newer ones exist.
    newer: Option<i64>,
    count: u32,
    mine: Vec<OwnComment>,
    my_name: Option<String>,
    comment_key: String,
    /// Other readers' replies to this reader's comments here.
    replies_to_you: Vec<ReplyToYou>,
    /// What moderators took down here, by reason.
    removals: Removals,
) -> impl IntoView {
    let query = use_query_map().get_untracked();
    let asked = |key: &str| query.get(key).and_then(|v| v.parse::<i64>().ok());
    // What the address opens on a comment: its author's edit or delete form while the edit
    // window is open, a report form on someone else's visible comment, or the thanks for one.
    let opened = |comment: &Comment, own: Option<&OwnComment>| -> Option<Opened> {
        let id = comment.id;
        let editable = own.is_some_and(|o| o.editable_seconds > 0);
        let slug = slug.clone();
        if asked("edit") == Some(id) && editable {
            let source = own.map(|o| o.body_md.clone()).unwrap_or_default();
            return Some(Opened {
                body: Some(view! { <EditForm slug id source/> }.into_any()),
                below: None,
                own_form: true,
            });
        }
        if asked("delete") == Some(id) && editable {
            return Some(Opened {
                body: None,
                below: Some(view! { <DeleteForm slug id/> }.into_any()),
                own_form: true,
            });
        }
        if asked("report") == Some(id) && own.is_none() && comment.state == CommentState::Visible {
            return Some(Opened {
                body: None,
                below: Some(view! { <ReportForm slug id/> }.into_any()),
                own_form: false,
            });
        }
        (asked("reported") == Some(id)).then(|| Opened {
            body: None,
            below: Some(
                view! {
                    <p class="comment__notice" role="status">
                        "Thanks for the report. A moderator will take a look."
                    </p>
                }
                .into_any(),
            ),
            own_form: false,
        })
    };
    let reply_to = asked("reply_to").and_then(|id| {
        comments
            .iter()
            .find(|c| c.id == id && c.state == CommentState::Visible && !c.author_name.is_empty())
            .map(|c| ReplyTo {
                id,
                name: c.author_name.clone(),
            })
    });
    let empty = comments.is_empty();
    let rows = comments
        .into_iter()
        .map(|comment| {
            let own = mine.iter().find(|o| o.id == comment.id).cloned();
            let opened = opened(&comment, own.as_ref());
            view! { <CommentItem comment own opened/> }
        })
        .collect_view();

    view! {
        <section class="brief__section comments" aria-labelledby="comments">
            <h2 id="comments">"Comments"</h2>
            <LiveThread slug=slug.clone() count empty/>
            <RepliesToYou replies=replies_to_you/>
            {older.map(|id| more_link(Direction::Older, id))}
            <ol id=THREAD_ID class="comments__list" data-newer=newer.map(|_| "")>{rows}</ol>
            {newer.map(|id| more_link(Direction::Newer, id))}
            {removals.sentence().map(|said| view! { <p class="comments__removed">{said}</p> })}
            <FollowBox slug=slug.clone()/>
            <PostForm slug my_name comment_key reply_to/>
        </section>
    }
}

/// Which way a link pages through the thread.
#[derive(Clone, Copy)]
enum Direction {
    Older,
    Newer,
}

/// "Older comments" (before comment `id`) or "Newer comments" (after it): a plain link, which
/// the page router loads in place.
fn more_link(direction: Direction, id: i64) -> impl IntoView {
    let (holder, query, rel, which, label) = match direction {
        Direction::Older => (
            "comments-older",
            "comments_before",
            "prev",
            "older",
            "Older comments",
        ),
        Direction::Newer => (
            "comments-newer",
            "comments_after",
            "next",
            "newer",
            "Newer comments",
        ),
    };
    view! {
        <p class="comments__more" id=holder>
            <a href=format!("?{query}={id}#comments") rel=rel data-thread-more=which>{label}</a>
        </p>
    }
}

/// "2 replies to you since your last visit", linking to them: the server lists every reply to
/// the reader's comments here (the reader cookie says which comments are theirs), each with
/// its time; the browser, which alone knows when the previous visit ended (`pulse.js`,
/// `marks`), keeps the new ones, counts them and shows the note. Nothing shows without
/// JavaScript or on a first visit, like the "New" marks.
#[component]
fn RepliesToYou(replies: Vec<ReplyToYou>) -> impl IntoView {
    (!replies.is_empty()).then(|| {
        let links = replies
            .into_iter()
            .map(|reply| {
                let label = format!("{} replied", reply.author_name);
                view! {
                    <li data-at=reply.created_at>
                        <a href=format!("#comment-{}", reply.id)>{label}</a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <nav class="replies-to-you" aria-labelledby="replies-to-you" data-replies="" hidden>
                <p id="replies-to-you" class="replies-to-you__count"></p>
                <ul>{links}</ul>
            </nav>
        }
    })
}
