//! One brief in the feed: category, date (marked "New" if it came since the reader's last
//! visit), title, one-line summary, tags, reading time, and its reaction and comment counts
//! (kept current live). Rendered by the server only, also for a brief published while the
//! feed is open (the page router fetches the feed again to show it).

use leptos::prelude::*;

use crate::components::card_tags::CardTags;
use crate::components::new_mark::NewMark;
use crate::contexts::site::use_site;
use crate::model::{BriefSummary, ReactionCounts, comments_label};

/// The id of a brief's card on a feed page.
pub fn card_id(slug: &str) -> String {
    format!("card-{slug}")
}

#[component]
pub fn BriefCard(brief: BriefSummary) -> impl IntoView {
    let href = format!("/pulse/{}", brief.slug);
    let id = card_id(&brief.slug);
    view! {
        <article class="card" id=id>
            <p class="card__meta">
                <a class="tag" href=format!("/category/{}", brief.category.slug)>{brief.category.name}</a>
                <time datetime=brief.published_at.clone()>{brief.published_label}</time>
                <NewMark at=brief.published_at/>
            </p>
            <h2 class="card__title">
                <a href=href>{brief.title}</a>
            </h2>
            <p class="card__summary">{brief.summary}</p>
            <CardTags tags=brief.tags/>
            <p class="card__foot">
                <span>{format!("{} min read", brief.reading_minutes)}</span>
                <CardCounts slug=brief.slug reactions=brief.reactions comments=brief.comment_count/>
            </p>
        </article>
    }
}

/// The non-zero reaction counts of a brief, compactly ("🔥 3 💡 1"), named in full for screen
/// readers, then "N comments" linking to the thread (nothing while there are none). Kept
/// current by the page router (`pulse.js`), which rewrites what is inside `data-counts` when
/// the live connection hears of the brief.
#[component]
pub fn CardCounts(slug: String, reactions: ReactionCounts, comments: u32) -> impl IntoView {
    let site = use_site();
    let href = format!("/pulse/{slug}#comments");
    let shown = site.reactions_given(&reactions);
    let given = (!shown.is_empty()).then(|| {
        view! {
            <span class="card__reactions">
                {shown
                    .into_iter()
                    .map(|(r, n)| view! {
                        <span class="card__reaction">
                            <span aria-hidden="true">{r.emoji}</span>
                            " "
                            <span class="visually-hidden">{r.label}</span>
                            " " {n}
                        </span>
                    })
                    .collect_view()}
            </span>
        }
    });
    let talk = (comments > 0)
        .then(|| view! { <a class="card__comments" href=href>{comments_label(comments)}</a> });
    view! { <span class="card__counts" data-counts=slug>{given} {talk}</span> }
}
