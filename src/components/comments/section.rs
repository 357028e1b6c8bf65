//! The comments section, rendered on the server: the whole thread with the page (readable and
//! indexable without JavaScript), with whatever form the address opens on a comment, then the
//! form to post. Its islands: the live part above the thread, the forms.

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
            <ol id=THREAD_ID class="comments__list">{rows}</ol>
            <PostForm slug my_name comment_key reply_to/>
        </section>
    }
}
