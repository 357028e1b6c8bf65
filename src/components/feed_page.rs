//! The feed: `/`, `/category/{slug}` and `/tag/{slug}`, newest briefs first, `?page=N` for
//! older ones.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::briefs::list_briefs;
use crate::components::brief_card::BriefCard;
use crate::components::category_nav::CategoryNav;
use crate::components::error_page::ErrorPage;
use crate::components::new_briefs::NewBriefs;
use crate::components::newsletter_box::NewsletterBox;
use crate::components::page_title::PageTitle;
use crate::components::pagination::Pagination;
use crate::contexts::site::use_site;
use crate::model::{FeedPage as Feed, parse_page};

#[component]
pub fn FeedPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let feed = Resource::new(
        move || {
            (
                params.read().get("category"),
                params.read().get("tag"),
                query.read().get("page"),
            )
        },
        |(category, tag, page)| async move {
            let page = parse_page(page.as_deref())?;
            list_briefs(category, tag, page).await
        },
    );

    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading briefs…"</p> }>
            {move || Suspend::new(async move {
                match feed.await {
                    Ok(feed) => view! { <FeedView feed/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FeedView(feed: Feed) -> impl IntoView {
    let site = use_site();
    let heading = match (&feed.category, &feed.tag) {
        (Some(c), _) => c.name.clone(),
        (None, Some(tag)) => format!("Tagged “{tag}”"),
        (None, None) => site.name.clone(),
    };
    let mut title = match (&feed.category, &feed.tag) {
        (Some(c), _) => format!("{} · {}", c.name, site.name),
        (None, Some(tag)) => format!("Tagged “{tag}” · {}", site.name),
        (None, None) => format!("{} — {}", site.name, site.tagline),
    };
    if feed.page > 1 {
        title = format!("Page {} · {title}", feed.page);
    }
    let base_path = match (&feed.category, &feed.tag) {
        (Some(c), _) => format!("/category/{}", c.slug),
        (None, Some(tag)) => format!("/tag/{tag}"),
        (None, None) => "/".to_string(),
    };
    let active = feed.category.as_ref().map(|c| c.slug.clone());
    let count_label = match feed.total_briefs {
        1 => "1 brief".to_string(),
        n => format!("{n} briefs"),
    };
    let empty = feed.briefs.is_empty();
    // Briefs published while the page is open are offered above the list on the first page of
    // a feed they belong to.
    let offer_new = (feed.page == 1).then(|| {
        let category = feed.category.as_ref().map(|c| c.slug.clone());
        let tag = feed.tag.clone();
        view! { <NewBriefs category tag/> }
    });

    // This page's own feed, beside the site-wide ones.
    let own_feed = match (&feed.category, &feed.tag) {
        (Some(c), _) => Some((format!("/category/{}/feed.xml", c.slug), c.name.clone())),
        (None, Some(tag)) => Some((format!("/tag/{tag}/feed.xml"), format!("tagged {tag}"))),
        (None, None) => None,
    }
    .map(|(path, what)| {
        let href = format!("{}{path}", site.base_url.trim_end_matches('/'));
        let title = format!("{} — {what}", site.name);
        view! { <Link rel="alternate" type_="application/atom+xml" title href/> }
    });
    let canonical = match feed.page {
        1 => format!("{}{base_path}", site.base_url.trim_end_matches('/')),
        n => format!(
            "{}{base_path}?page={n}",
            site.base_url.trim_end_matches('/')
        ),
    };
    view! {
        <PageTitle text=title/>
        <Meta name="description" content=site.tagline.clone()/>
        <Link rel="canonical" href=canonical/>
        {own_feed}
        <div class="feed">
            <header class="feed__header">
                <h1>{heading}</h1>
                <p class="feed__count">{count_label}</p>
            </header>
            <CategoryNav active/>
            {empty.then(|| view! {
                <div class="empty-state">
                    <h2>"No briefs here yet"</h2>
                    <p>"Nothing has been published in this section. New briefs appear here as soon as they go live."</p>
                    <p><a href="/">"See all briefs"</a></p>
                </div>
            })}
            {offer_new}
            <ol class="feed__list" aria-label="Briefs">
                {feed
                    .briefs
                    .into_iter()
                    .map(|brief| view! { <li><BriefCard brief/></li> })
                    .collect_view()}
            </ol>
            <Pagination base_path page=feed.page total_pages=feed.total_pages/>
            <NewsletterBox/>
        </div>
    }
}
