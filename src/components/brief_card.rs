//! One brief in the feed: category, date, title, one-line summary, reading time.

use leptos::prelude::*;

use crate::model::BriefSummary;

#[component]
pub fn BriefCard(brief: BriefSummary) -> impl IntoView {
    let href = format!("/pulse/{}", brief.slug);
    view! {
        <article class="card">
            <p class="card__meta">
                <a class="tag" href=format!("/category/{}", brief.category.slug)>{brief.category.name}</a>
                <time datetime=brief.published_at>{brief.published_label}</time>
            </p>
            <h2 class="card__title">
                <a href=href>{brief.title}</a>
            </h2>
            <p class="card__summary">{brief.summary}</p>
            <p class="card__foot">{format!("{} min read", brief.reading_minutes)}</p>
        </article>
    }
}
