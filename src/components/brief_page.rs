//! `/pulse/{slug}`: loads one brief and shows it, or the right error page.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::briefs::get_brief;
use crate::components::brief_article::BriefArticle;
use crate::components::error_page::ErrorPage;

#[component]
pub fn BriefPage() -> impl IntoView {
    let params = use_params_map();
    let brief = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_brief,
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
