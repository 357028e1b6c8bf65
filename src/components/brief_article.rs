//! A brief's public page: its head tags, the brief itself ([`BriefBody`]), how many read it
//! now, then reactions, the newsletter box and the discussion.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};

use crate::components::brief_body::BriefBody;
use crate::components::comments::section::CommentsSection;
use crate::components::newsletter_box::NewsletterBox;
use crate::components::page_title::PageTitle;
use crate::components::reaction_bar::ReactionBar;
use crate::components::reading_now::ReadingNow;
use crate::contexts::site::use_site;
use crate::model::Brief;
use crate::model::share::{modified_at, news_article};

#[component]
pub fn BriefArticle(mut brief: Brief) -> impl IntoView {
    let site = use_site();
    let canonical = format!(
        "{}/pulse/{}",
        site.base_url.trim_end_matches('/'),
        brief.slug
    );
    let title = format!("{} · {}", brief.title, site.name);
    let description = brief.summary.clone();
    // Link previews (Open Graph, Twitter cards) and search engines (JSON-LD).
    let json_ld = news_article(&brief, &site, &canonical);
    let modified = modified_at(&brief).to_string();
    let tags = brief
        .tags
        .iter()
        .map(|t| view! { <Meta property="article:tag" content=t.clone()/> })
        .collect_view();
    let slug = brief.slug.clone();
    let reactions = std::mem::take(&mut brief.reactions);
    let comments = std::mem::take(&mut brief.comments);
    let older = brief.older_comments;
    let newer = brief.newer_comments;
    let count = brief.comment_count;
    let mine = std::mem::take(&mut brief.mine);
    let my_name = brief.my_name.take();
    let comment_key = std::mem::take(&mut brief.comment_key);
    let replies_to_you = std::mem::take(&mut brief.replies_to_you);
    let removals = std::mem::take(&mut brief.removals);

    view! {
        <PageTitle text=title/>
        <Meta name="description" content=description/>
        <Link rel="canonical" href=canonical.clone()/>
        <Link
            rel="alternate"
            type_="application/atom+xml"
            title=format!("Comments on “{}”", brief.title)
            href=format!("{canonical}/comments.xml")
        />
        <Link
            rel="alternate"
            type_="application/atom+xml"
            title=format!("Updates to “{}”", brief.title)
            href=format!("{canonical}/updates.xml")
        />
        <Meta property="og:type" content="article"/>
        <Meta property="og:site_name" content=site.name.clone()/>
        <Meta property="og:title" content=brief.title.clone()/>
        <Meta property="og:description" content=brief.summary.clone()/>
        <Meta property="og:url" content=canonical/>
        <Meta property="article:published_time" content=brief.published_at.clone()/>
        <Meta property="article:modified_time" content=modified/>
        <Meta property="article:section" content=brief.category.name.clone()/>
        {tags}
        <Meta name="twitter:card" content="summary"/>
        <Meta name="twitter:title" content=brief.title.clone()/>
        <Meta name="twitter:description" content=brief.summary.clone()/>
        <script type="application/ld+json" inner_html=json_ld></script>
        <nav class="back-link" aria-label="Back">
            <a href="/">"← Back to Pulse"</a>
        </nav>
        <article class="brief">
            <BriefBody brief/>
            <ReadingNow slug=slug.clone()/>
            <ReactionBar slug=slug.clone() state=reactions/>
            <NewsletterBox/>
            <CommentsSection
                slug
                comments
                older
                newer
                count
                mine
                my_name
                comment_key
                replies_to_you
                removals
            />
        </article>
    }
}
