//! `/desk/briefs/{slug}`: a stored brief in the editor, with its public correction trail and
//! the switch that takes it off the site or puts it back. `?done=` and `?problem=` carry the
//! outcome of a plain form post back to the page.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::drafts::{SetBriefPublished, open_brief};
use crate::components::desk::brief_editor::{BriefEditor, Target};
use crate::components::desk::desk_frame::DeskFrame;
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::model::desk::EditableBrief;
use crate::model::props::SsrOnly;

#[component]
pub fn BriefEditPage() -> impl IntoView {
    view! {
        <PageTitle text="Desk · Edit brief"/>
        <DeskFrame title="Edit brief" children=|_| view! { <BriefLoader/> }/>
    }
}

#[component]
fn BriefLoader() -> impl IntoView {
    let params = use_params_map();
    let brief = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        open_brief,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Opening the brief…"</p> }>
            {move || Suspend::new(async move {
                let slug = params.read_untracked().get("slug").unwrap_or_default();
                match brief.await {
                    Ok(brief) => view! { <BriefView slug brief/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BriefView(slug: String, brief: EditableBrief) -> impl IntoView {
    let query = use_query_map();
    let done = move || {
        query.read().get("done").and_then(|d| match d.as_str() {
            "published" => Some("Published. It is live on the site and in every open feed."),
            "corrected" => Some("Saved. The correction note is on the brief's page."),
            "unpublished" => {
                Some("Unpublished: the brief is off the site until you publish it again.")
            }
            "republished" => Some("Published again."),
            _ => None,
        })
    };
    let problem = move || query.read().get("problem");
    let EditableBrief {
        fields,
        published,
        published_label,
        updates,
        preview,
    } = brief;
    let state = if published {
        format!("Published {published_label}")
    } else {
        format!("Unpublished (first published {published_label})")
    };
    let target = Target::Stored {
        slug: slug.clone(),
        published,
    };
    view! {
        {move || done().map(|d| view! { <p class="notice" role="status">{d}</p> })}
        {move || problem().map(|p| view! { <p class="notice notice--error" role="alert">{p}</p> })}
        <div class="editor__state">
            <p>{state}</p>
            {published.then(|| view! { <a href=format!("/pulse/{slug}")>"View on the site"</a> })}
            <form method="post" action=SetBriefPublished::url()>
                <input type="hidden" name="slug" value=slug.clone()/>
                <input type="hidden" name="published" value=(!published).to_string()/>
                <button type="submit" class=if published { "button--danger" } else { "button--primary" }>
                    {if published { "Unpublish" } else { "Publish again" }}
                </button>
            </form>
        </div>
        {(!updates.is_empty()).then(|| view! {
            <section class="editor__trail" aria-labelledby="trail-heading">
                <h2 id="trail-heading">"Corrections so far"</h2>
                <ul>
                    {updates.into_iter().map(|u| view! {
                        <li><time datetime=u.at>{u.at_label}</time> ": " {u.note}</li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <BriefEditor target fields=SsrOnly(fields) preview=SsrOnly(preview)/>
    }
}
