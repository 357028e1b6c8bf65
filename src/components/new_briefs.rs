//! "N new briefs — show" above a feed (an island): briefs published while the feed is open,
//! heard live, wait behind a button instead of shifting the page, and show above the list when
//! the reader asks. Only briefs the feed would list count (its category or tag), and only
//! those not on the page already.

use leptos::prelude::*;

use crate::components::brief_card::{BriefCard, card_id};
use crate::contexts::live::use_live;
use crate::model::BriefSummary;

#[island]
pub fn NewBriefs(
    /// The feed's category, if it lists one.
    category: Option<String>,
    /// The feed's tag, if it lists one.
    tag: Option<String>,
) -> impl IntoView {
    let live = use_live();
    let after = live.cursor.get_untracked();
    let shown: RwSignal<Vec<BriefSummary>> = RwSignal::new(Vec::new());
    let waiting = Memo::new(move |_| {
        // The page may have changed under the island (a reload shows what it had heard).
        live.page.track();
        let shown = shown.read();
        live.new_briefs
            .read()
            .iter()
            .filter(|b| b.id > after)
            .map(|b| &b.value)
            .filter(|b| category.as_ref().is_none_or(|c| *c == b.category.slug))
            .filter(|b| tag.as_ref().is_none_or(|t| b.tags.contains(t)))
            .filter(|b| !shown.iter().any(|s| s.slug == b.slug) && !on_page(&b.slug))
            .cloned()
            .collect::<Vec<_>>()
    });
    let show = move |_| {
        let mut arrived = waiting.get_untracked();
        arrived.reverse();
        shown.update(|s| {
            arrived.append(s);
            *s = arrived;
        });
    };
    view! {
        <Show when=move || !waiting.read().is_empty()>
            <button type="button" class="feed__new" on:click=show>
                {move || match waiting.read().len() {
                    1 => "1 new brief — show".to_string(),
                    n => format!("{n} new briefs — show"),
                }}
            </button>
        </Show>
        <Show when=move || !shown.read().is_empty()>
            <ol class="feed__list feed__list--new" aria-label="Just published">
                <For each=move || shown.get() key=|b| b.slug.clone() let(brief)>
                    <li><BriefCard brief/></li>
                </For>
            </ol>
        </Show>
    }
}

/// Whether the page already shows the brief's card.
fn on_page(slug: &str) -> bool {
    document().get_element_by_id(&card_id(slug)).is_some()
}
