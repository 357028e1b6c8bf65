//! Cited By: the other briefs whose content links here. Omitted when there are none.

use leptos::prelude::*;

use crate::model::BriefLink;

#[component]
pub fn CitedBy(links: Vec<BriefLink>) -> impl IntoView {
    (!links.is_empty()).then(|| {
        view! {
            <section class="brief__section cited-by" aria-labelledby="cited-by">
                <h2 id="cited-by">"Cited By"</h2>
                <ul class="cited-by__list">
                    {links
                        .into_iter()
                        .map(|link| view! {
                            <li>
                                <a href=format!("/pulse/{}", link.slug)>{link.title}</a>
                                <span class="cited-by__meta">
                                    {format!("{} · {}", link.category.name, link.published_label)}
                                </span>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}
