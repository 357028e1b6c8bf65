//! `/desk/new` and `/desk/drafts/{id}`: a draft in the brief editor. A new draft gets its own
//! address when it is first saved. `?done=` and `?problem=` carry the outcome of a plain form
//! post back to the page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::drafts::{DeleteDraft, open_draft};
use crate::components::desk::brief_editor::{BriefEditor, Scheduled, Target};
use crate::components::desk::desk_frame::DeskFrame;
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::error::AppError;
use crate::model::desk::DraftEditor;
use crate::model::props::SsrOnly;
use leptos::server_fn::ServerFn;

#[component]
pub fn DraftPage() -> impl IntoView {
    view! {
        <PageTitle text="Desk · Draft"/>
        <DeskFrame title="Draft" children=|_| view! { <DraftLoader/> }/>
    }
}

#[component]
fn DraftLoader() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let draft = Resource::new(
        move || (params.read().get("id"), query.read().get("item")),
        |(id, item)| async move {
            // `?item=N`: "Start a brief" from the inbox; anything else starts empty.
            let item = item.and_then(|raw| raw.parse::<i64>().ok());
            let id = match id {
                None => None,
                Some(raw) => Some(
                    raw.parse::<i64>()
                        .map_err(|_| AppError::not_found("There is no such draft."))?,
                ),
            };
            open_draft(id, item).await
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Opening the draft…"</p> }>
            {move || Suspend::new(async move {
                match draft.await {
                    Ok(opened) => view! { <DraftView opened/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DraftView(opened: DraftEditor) -> impl IntoView {
    let query = use_query_map();
    let done = move || {
        query.read().get("done").and_then(|d| match d.as_str() {
            "saved" => Some("Draft saved."),
            "scheduled" => Some("Draft saved and scheduled."),
            "unscheduled" => Some("Schedule cancelled: the draft stays a draft."),
            _ => None,
        })
    };
    let problem = move || query.read().get("problem");
    let DraftEditor {
        draft,
        preview,
        start,
    } = opened;
    let (target, fields, id, failed) = match draft {
        None => {
            let fields = start;
            (
                Target::Draft {
                    id: None,
                    revision: None,
                    scheduled: None,
                },
                fields,
                None,
                None,
            )
        }
        Some(draft) => {
            let scheduled = draft.publish_at.as_ref().map(|at| Scheduled {
                // The schedule field takes "YYYY-MM-DDTHH:MM:SS" (read as UTC).
                field: at.trim_end_matches('Z').to_string(),
                label: draft.publish_label.clone().unwrap_or_default(),
            });
            (
                Target::Draft {
                    id: Some(draft.id),
                    revision: Some(draft.revision),
                    scheduled,
                },
                draft.fields,
                Some(draft.id),
                draft.problem,
            )
        }
    };
    view! {
        {move || done().map(|d| view! { <p class="notice" role="status">{d}</p> })}
        {move || problem().map(|p| view! { <p class="notice notice--error" role="alert">{p}</p> })}
        {failed.map(|p| view! {
            <p class="notice notice--error" role="alert">
                {format!("The schedule could not publish this draft: {p}. Fix it and schedule it again.")}
            </p>
        })}
        <BriefEditor target fields=SsrOnly(fields) preview=SsrOnly(preview)/>
        {id.map(|id| view! {
            <form class="editor__delete" method="post" action=DeleteDraft::url()>
                <input type="hidden" name="id" value=id.to_string()/>
                <button type="submit" class="button--danger">"Delete draft"</button>
            </form>
        })}
    }
}
