//! `/digest/{year}-w{week}`: one weekly digest as it was sent — each brief's title, summary and
//! the house Take, with links to the briefs.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use leptos_router::hooks::use_params_map;

use crate::api::digests::get_digest;
use crate::components::error_page::ErrorPage;
use crate::components::newsletter_box::NewsletterBox;
use crate::components::page_title::PageTitle;
use crate::contexts::site::use_site;
use crate::model::DigestIssue;

#[component]
pub fn DigestIssuePage() -> impl IntoView {
    let params = use_params_map();
    let issue = Resource::new(
        move || params.read().get("issue").unwrap_or_default(),
        get_digest,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the digest…"</p> }>
            {move || Suspend::new(async move {
                match issue.await {
                    Ok(issue) => view! { <IssueView issue/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn IssueView(issue: DigestIssue) -> impl IntoView {
    let site = use_site();
    let title = issue.summary.title.clone();
    let description = format!(
        "{} briefs from the week, each with {}'s Take.",
        issue.items.len(),
        site.house_name
    );
    let canonical = format!(
        "{}/digest/{}",
        site.base_url.trim_end_matches('/'),
        issue.summary.slug
    );
    view! {
        <PageTitle text=title.clone()/>
        <Meta name="description" content=description/>
        <Link rel="canonical" href=canonical/>
        <article class="page digest">
            <p class="digest__back"><a href="/digest">"All digests"</a></p>
            <h1>{title}</h1>
            <p class="digest__meta">
                <time datetime=issue.summary.created_at>{issue.summary.created_label}</time>
            </p>
            {issue
                .items
                .into_iter()
                .map(|item| {
                    let link = format!("/pulse/{}", item.slug);
                    let heading = format!("digest-{}", item.slug);
                    let labelled_by = heading.clone();
                    view! {
                        <section class="digest__item" aria-labelledby=labelled_by>
                            <p class="digest__item-meta">{item.category.name} " · " {item.published_label}</p>
                            <h2 id=heading><a href=link.clone()>{item.title}</a></h2>
                            <p>{item.summary}</p>
                            <div class="digest__take">
                                <h3>{format!("{}'s Take", site.house_name)}</h3>
                                // Sanitised when the brief was imported.
                                <div class="prose" inner_html=item.take_html></div>
                            </div>
                            <a href=link>"Read the brief"</a>
                        </section>
                    }
                })
                .collect_view()}
            <NewsletterBox/>
        </article>
    }
}
