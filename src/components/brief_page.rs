//! `/pulse/{slug}`: loads one brief and shows it, or the right error page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::briefs::get_brief;
use crate::components::brief_article::BriefArticle;
use crate::components::error_page::ErrorPage;

#[component]
pub fn BriefPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let brief = Resource::new(
        move || {
            let query = query.read();
            let id = |key: &str| query.get(key).and_then(|v| v.parse::<i64>().ok());
            // An address that opens a form on a comment shows the page that holds it.
            let comment = [
                "comment", "edit", "delete", "report", "reported", "reply_to",
            ]
            .into_iter()
            .find_map(id);
            (
                params.read().get("slug").unwrap_or_default(),
                id("comments_before"),
                id("comments_after"),
                comment,
            )
        },
        |(slug, before, after, comment)| get_brief(slug, before, after, comment),
    );

    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading brief…"</p> }>
            {move || Suspend::new(async move {
                match brief.await {
                    Ok(brief) => view! { <BriefArticle brief/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
