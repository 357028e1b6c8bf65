//! `/digest`: every weekly digest sent, newest first, with the sign-up box.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};

use crate::components::page_title::PageTitle;
use crate::contexts::site::use_site;

use crate::api::digests::list_digests;
use crate::components::error_page::ErrorPage;
use crate::components::newsletter_box::NewsletterBox;

#[component]
pub fn DigestArchivePage() -> impl IntoView {
    let issues = Resource::new(|| (), |()| list_digests());
    let site = use_site();
    let base = site.base_url.trim_end_matches('/').to_string();
    let feed_title = format!("{} — weekly digest", site.name);
    view! {
        <PageTitle text="The weekly AI digest: archive"/>
        <Meta name="description" content="Every weekly AI digest we have sent, to read on the web."/>
        <Link rel="canonical" href=format!("{base}/digest")/>
        <Link rel="alternate" type_="application/atom+xml" title=feed_title href=format!("{base}/digest/feed.xml")/>
        <div class="page">
            <h1>"The weekly AI digest"</h1>
            <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the archive…"</p> }>
                {move || Suspend::new(async move {
                    match issues.await {
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                        Ok(issues) if issues.is_empty() => view! {
                            <p class="empty-state">"No digest has been sent yet. The first one goes out on Thursday."</p>
                        }
                        .into_any(),
                        Ok(issues) => view! {
                            <ol class="digest-list" aria-label="Digest issues">
                                {issues
                                    .into_iter()
                                    .map(|issue| {
                                        let count = match issue.brief_count {
                                            1 => "1 brief".to_string(),
                                            n => format!("{n} briefs"),
                                        };
                                        view! {
                                            <li>
                                                <a href=format!("/digest/{}", issue.slug)>{issue.title}</a>
                                                <span class="digest-list__meta">
                                                    <time datetime=issue.created_at>{issue.created_label}</time>
                                                    " · "
                                                    {count}
                                                </span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
            <NewsletterBox/>
        </div>
    }
}
