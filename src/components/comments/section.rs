//! The comments section, rendered on the server: one page of the thread with the page (readable
//! and indexable without JavaScript), with whatever form the address opens on a comment, then
//! the form to post. A long thread pages: "Older comments" above it and "Newer comments" below
//! are plain links, which the page router loads in place (`data-thread-more`). Its islands:
//! the live part above the thread, the forms.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::comments::THREAD_ID;
use crate::components::comments::item::{CommentItem, Opened};
use crate::components::comments::live_thread::LiveThread;
use crate::components::comments::post_form::{PostForm, ReplyTo};
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
) -> impl IntoView {
    let query = use_query_map().get_untracked();
    let asked = |key: &str| query.get(key).and_then(|v| v.parse::<i64>().ok());
    let opened = |id: i64| {
        [
            ("edit", Opened::Edit),
            ("delete", Opened::Delete),
            ("report", Opened::Report),
            ("reported", Opened::Reported),
        ]
        .into_iter()
        .find(|(key, _)| asked(key) == Some(id))
        .map(|(_, opened)| opened)
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
            let opened = opened(comment.id);
            view! { <CommentItem slug=slug.clone() comment own opened/> }
        })
        .collect_view();

    view! {
        <section class="brief__section comments" aria-labelledby="comments">
            <h2 id="comments">"Comments"</h2>
            <LiveThread slug=slug.clone() count empty/>
            {older.map(|id| more_link(Direction::Older, id))}
            <ol id=THREAD_ID class="comments__list" data-newer=newer.map(|_| "")>{rows}</ol>
            {newer.map(|id| more_link(Direction::Newer, id))}
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
