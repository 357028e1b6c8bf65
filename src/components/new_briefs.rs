//! "N new briefs — show" above the first page of a feed: briefs published while the feed is
//! open, heard live, wait behind a button instead of shifting the page, and join the feed when
//! the reader asks. Only briefs the feed would list count (its category or tag,
//! `data-category` / `data-tag`), and only those not on the page already. The page router
//! (`pulse.js`) keeps the button and, on a press, fetches the feed again, so every card is the
//! server's own render. Without JavaScript nothing is heard, and the button stays hidden.

use leptos::prelude::*;

#[component]
pub fn NewBriefs(
    /// The feed's category, if it lists one.
    category: Option<String>,
    /// The feed's tag, if it lists one.
    tag: Option<String>,
) -> impl IntoView {
    view! {
        <div class="feed__offer" data-new-briefs="" data-category=category data-tag=tag>
            <button type="button" class="feed__new" hidden></button>
        </div>
    }
}
