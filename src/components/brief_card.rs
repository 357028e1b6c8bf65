//! One brief in the feed: category, date (marked "New" if it came since the reader's last
//! visit), title, one-line summary, tags, reading time.

use leptos::prelude::*;

use crate::components::card_tags::CardTags;
use crate::components::new_mark::NewMark;
use crate::contexts::live::use_live;
use crate::contexts::site::use_site;
use crate::model::{BriefSummary, ReactionCounts as Counts, comments_label};

#[component]
pub fn BriefCard(brief: BriefSummary) -> impl IntoView {
    let href = format!("/pulse/{}", brief.slug);
    view! {
        <article class="card">
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
                <ReactionCounts slug=brief.slug.clone() counts=brief.reactions/>
                <CommentCount slug=brief.slug.clone() rendered=brief.comment_count/>
            </p>
        </article>
    }
}

/// The non-zero reaction counts of a brief, compactly ("🔥 3 💡 1"), named in full for screen
/// readers.
#[component]
fn ReactionCounts(slug: String, counts: Counts) -> impl IntoView {
    let site = use_site();
    let live = use_live();
    // Live counts for this brief once any were heard; the rendered ones until then.
    let current = move || {
        live.reactions
            .with(|all| all.get(&slug).cloned())
            .unwrap_or_else(|| counts.clone())
    };
    move || {
        let counts = current();
        let shown = site.reactions_given(&counts);
        (!shown.is_empty()).then(|| {
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
        })
    }
}

/// "N comments", live, linking to the thread; nothing while there are none.
#[component]
fn CommentCount(slug: String, rendered: u32) -> impl IntoView {
    let live = use_live();
    let href = format!("/pulse/{slug}#comments");
    move || {
        let n = live.comment_count(&slug, rendered);
        (n > 0).then(|| {
            let label = comments_label(n);
            view! { <a class="card__comments" href=href.clone()>{label}</a> }
        })
    }
}
