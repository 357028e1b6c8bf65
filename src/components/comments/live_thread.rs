//! The live part of the thread, just above it: the comment count, kept current; other
//! readers' new comments, heard live, wait behind "N new comments — show" instead of shifting
//! the page, and join the thread when the reader asks; edits and removals heard live apply to
//! the thread in place. All of that is the page router's (`pulse.js`, `thread`), which finds
//! the brief in `data-thread`; every comment it brings in is the server's own render of it.
//! Without JavaScript nothing is heard: the count is the page's, the button stays hidden.

use leptos::prelude::*;

use crate::model::comments_label;

#[component]
pub fn LiveThread(
    slug: String,
    /// The brief's comment count when the page was rendered.
    count: u32,
    /// Whether the page's thread was empty.
    empty: bool,
) -> impl IntoView {
    view! {
        <div class="comments__live" data-thread=slug>
            <p class="comments__count">{comments_label(count)}</p>
            <button type="button" class="comments__waiting" hidden></button>
            <p class="visually-hidden comments__announce" aria-live="polite"></p>
            {empty.then(|| view! {
                <p class="comments__empty">"No comments yet. Start the discussion."</p>
            })}
        </div>
    }
}
