//! A card's tags (feed cards, search results), each linking to its tag page; nothing when
//! there are none.

use leptos::prelude::*;

#[component]
pub fn CardTags(tags: Vec<String>) -> impl IntoView {
    (!tags.is_empty()).then(|| {
        view! {
            <ul class="card__tags" aria-label="Tags">
                {tags.into_iter().map(|t| view! {
                    <li><a class="tag tag--quiet" href=format!("/tag/{t}")>{format!("#{t}")}</a></li>
                }).collect_view()}
            </ul>
        }
    })
}
