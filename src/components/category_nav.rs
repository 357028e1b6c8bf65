//! The category filter: plain links, so every filter has its own shareable URL.

use leptos::prelude::*;

use crate::contexts::site::use_site;

#[component]
pub fn CategoryNav(
    /// Slug of the category being shown; `None` on the unfiltered feed.
    active: Option<String>,
) -> impl IntoView {
    let site = use_site();
    let current = |is: bool| is.then_some("page");
    view! {
        <nav class="category-nav" aria-label="Categories">
            <ul>
                <li>
                    <a href="/" aria-current=current(active.is_none())>"All"</a>
                </li>
                {site
                    .categories
                    .into_iter()
                    .map(|c| {
                        let is_active = active.as_deref() == Some(c.slug.as_str());
                        view! {
                            <li>
                                <a href=format!("/category/{}", c.slug) aria-current=current(is_active)>
                                    {c.name}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
