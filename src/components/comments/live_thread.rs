//! The live part of the thread (an island, just above it): the comment count, kept current;
//! other readers' new comments, heard live, wait behind "N new comments — show" instead of
//! shifting the page, and join the thread when the reader asks; edits and removals heard live
//! apply to the thread in place. The thread itself is the server's HTML (`#comment-thread`);
//! the island changes it through `crate::client::thread`.

use leptos::prelude::*;

use crate::contexts::live::use_live;
use crate::model::{Comment, comments_label};

#[cfg(feature = "hydrate")]
use crate::client::thread;

/// Without a browser there is no document to change; nothing calls these on the server.
#[cfg(not(feature = "hydrate"))]
mod thread {
    use crate::model::{Comment, CommentChanged};

    pub fn on_page(_id: i64) -> bool {
        false
    }
    pub fn fits(_comment: &Comment) -> bool {
        false
    }
    pub fn show(_comment: Comment) {}
    pub fn apply(_changed: &CommentChanged) {}
}

#[island]
pub fn LiveThread(
    slug: String,
    /// The brief's comment count when the page was rendered.
    count: u32,
    /// Whether the page's thread was empty.
    empty: bool,
) -> impl IntoView {
    let live = use_live();
    let after = live.cursor.get_untracked();
    // Moves when this island adds to the thread.
    let shown = RwSignal::new(0_u32);

    // Changes heard live, applied in place, each once.
    let applied = StoredValue::new(after);
    Effect::new({
        let slug = slug.clone();
        move || {
            live.comment_changes.with(|all| {
                for heard in all.iter().filter(|h| h.id > applied.get_value()) {
                    if heard.value.slug == slug {
                        thread::apply(&heard.value);
                    }
                    applied.set_value(heard.id);
                }
            });
        }
    });

    // Comments from others heard live, not on the page (the page may have moved on and
    // brought them along), that belong on this page of the thread.
    let waiting = {
        let slug = slug.clone();
        Memo::new(move |_| {
            live.page.track();
            shown.track();
            live.comments.with(|all| {
                all.iter()
                    .filter(|h| h.id > after && h.value.slug == slug)
                    .map(|h| h.value.comment.clone())
                    .filter(|c| !thread::on_page(c.id) && thread::fits(c))
                    .collect::<Vec<Comment>>()
            })
        })
    };
    // While the reader's own post is on its way, its live echo may arrive first: not "new".
    let waiting_count = move || {
        if live.posting.get() > 0 {
            0
        } else {
            waiting.with(Vec::len)
        }
    };
    let show = move |_| {
        for comment in waiting.get_untracked() {
            thread::show(comment);
        }
        shown.update(|n| *n += 1);
    };
    let waiting_label = move || match waiting_count() {
        1 => "1 new comment — show".to_string(),
        n => format!("{n} new comments — show"),
    };
    let announcement = move || match waiting_count() {
        0 => String::new(),
        1 => "1 new comment".to_string(),
        n => format!("{n} new comments"),
    };
    let heading = move || comments_label(live.comment_count(&slug, after, count));
    let still_empty = move || empty && shown.get() == 0;

    view! {
        <p class="comments__count">{heading}</p>
        <Show when=move || { waiting_count() > 0 }>
            <button type="button" class="comments__waiting" on:click=show>
                {waiting_label}
            </button>
        </Show>
        <p class="visually-hidden" aria-live="polite">{announcement}</p>
        <Show when=still_empty>
            <p class="comments__empty">"No comments yet. Start the discussion."</p>
        </Show>
    }
}
