//! The anatomy of a brief, top to bottom, as PRODUCT.md lays it out: shared by the public
//! page and the desk's preview, so an editor sees exactly what readers will. Rendered on the
//! server only; the comment count in its header is kept current live on the public page. The `*_html`
//! fields were rendered and sanitised on the server, which is what makes `inner_html` safe.

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::builder_brief::BuilderBriefSection;
use crate::components::cited_by::CitedBy;
use crate::contexts::site::use_site;
use crate::model::{Brief, comments_label};

#[component]
pub fn BriefBody(
    brief: Brief,
    /// The desk's preview: no live parts (the preview is shown as inert HTML).
    #[prop(optional)]
    preview: bool,
) -> impl IntoView {
    let site = use_site();
    let take_heading = format!("{}'s Take", site.house_name);
    let updates = brief.updates;
    let tags = brief.tags;

    view! {
        <header class="brief__header">
            <p class="brief__category">
                <a class="tag" href=format!("/category/{}", brief.category.slug)>{brief.category.name}</a>
            </p>
            <h1 class="brief__title">{brief.title}</h1>
            <p class="brief__meta">
                "Published "
                <time datetime=brief.published_at>{brief.published_label}</time>
                {format!(" · {} min read · ", brief.reading_minutes)}
                {if preview {
                    Either::Left(view! { <a href="#comments">{count_label(brief.comment_count)}</a> })
                } else {
                    Either::Right(view! { <CommentsLink slug=brief.slug.clone() count=brief.comment_count/> })
                }}
            </p>
            {(!updates.is_empty()).then(|| view! {
                <ul class="brief__updates" aria-label="Updates">
                    {updates.into_iter().map(|u| view! {
                        <li>
                            <strong>"Updated "</strong>
                            <time datetime=u.at>{u.at_label}</time>
                            ": " {u.note}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!tags.is_empty()).then(|| view! {
                <ul class="brief__tags" aria-label="Tags">
                    {tags.into_iter().map(|t| view! {
                        <li><a class="tag tag--quiet" href=format!("/tag/{t}")>{format!("#{t}")}</a></li>
                    }).collect_view()}
                </ul>
            })}
            <p class="brief__source">
                "Read the full article: "
                <a href=brief.source_url rel="noopener">{brief.source_name}</a>
            </p>
        </header>

        <section class="brief__section" aria-labelledby="what-happened">
            <h2 id="what-happened">"What Happened"</h2>
            <div class="prose" inner_html=brief.what_happened_html></div>
        </section>
        <section class="brief__section brief__section--take" aria-labelledby="take">
            <h2 id="take">{take_heading}</h2>
            <div class="prose" inner_html=brief.take_html></div>
        </section>
        <section class="brief__section" aria-labelledby="what-to-do">
            <h2 id="what-to-do">"What To Do"</h2>
            <div class="prose" inner_html=brief.what_to_do_html></div>
        </section>
        <BuilderBriefSection builder=brief.builder/>
        <section class="brief__section" aria-labelledby="skeptics">
            <h2 id="skeptics">"What Skeptics Say"</h2>
            <div class="prose" inner_html=brief.skeptics_html></div>
        </section>
        <CitedBy links=brief.cited_by/>
    }
}

/// "N comments" under the title, linking to the thread; the page router (`pulse.js`) keeps
/// it current as the live connection hears of new comments (`data-comment-count`).
#[component]
pub fn CommentsLink(slug: String, count: u32) -> impl IntoView {
    view! { <a href="#comments" data-comment-count=slug>{count_label(count)}</a> }
}

fn count_label(count: u32) -> String {
    match count {
        0 => "No comments yet".to_string(),
        n => comments_label(n),
    }
}
