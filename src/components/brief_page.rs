//! `/pulse/{slug}`: loads one brief and shows it, or the right error page.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::briefs::get_brief;
use crate::components::brief_article::BriefArticle;
use crate::components::error_page::ErrorPage;
use crate::contexts::live::use_live;

#[component]
pub fn BriefPage() -> impl IntoView {
    let params = use_params_map();
    // A live reset (the page missed too much) moves the epoch and refetches.
    let live = use_live();
    let brief = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                live.epoch.get(),
            )
        },
        |(slug, _epoch)| get_brief(slug),
    );
    // The page's live connection counts as a reader of this brief while it is open. Set at
    // once (so the first connection already names it), then kept up as the address changes.
    live.watching.set(params.read_untracked().get("slug"));
    Effect::new(move || live.watching.set(params.read().get("slug")));
    on_cleanup(move || live.watching.set(None));

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
