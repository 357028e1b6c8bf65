//! `/desk/audit` (admins only): every moderation action, newest first — who did what to which
//! comment, when, and the note they gave — then what editors did to sources and inbox items.

use leptos::prelude::*;

use crate::api::moderation::audit_log;
use crate::api::sources::desk_log;
use crate::components::comments::comment_href;
use crate::components::desk::desk_frame::DeskFrame;
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <PageTitle text="Desk · Audit log"/>
        <DeskFrame title="Audit log" children=|_| view! { <AuditTable/> <DeskLog/> }/>
    }
}

#[component]
fn AuditTable() -> impl IntoView {
    let log = Resource::new(|| (), |()| audit_log());
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the log…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                    Ok(entries) if entries.is_empty() => view! {
                        <p class="empty-state">"No moderation yet."</p>
                    }
                    .into_any(),
                    Ok(entries) => view! {
                        <table class="desk-table">
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Who"</th>
                                    <th scope="col">"What"</th>
                                    <th scope="col">"Comment"</th>
                                    <th scope="col">"Why"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {entries
                                    .into_iter()
                                    .map(|e| {
                                        let target = match (e.brief_slug, e.comment_id) {
                                            (Some(slug), Some(id)) => view! {
                                                <a href=comment_href(&slug, id)>{format!("#{id}")}</a>
                                            }
                                            .into_any(),
                                            _ => view! { <span>"—"</span> }.into_any(),
                                        };
                                        view! {
                                            <tr>
                                                <td><time datetime=e.at>{e.at_label}</time></td>
                                                <td>{e.editor_name}</td>
                                                <td>{e.action.as_str()}</td>
                                                <td>{target}</td>
                                                <td>{e.note}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The desk log: sources added and removed, inbox items dismissed.
#[component]
fn DeskLog() -> impl IntoView {
    let log = Resource::new(|| (), |()| desk_log());
    view! {
        <h2>"Sources and inbox"</h2>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the log…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                    Ok(entries) if entries.is_empty() => view! {
                        <p class="empty-state">"Nothing done to sources or the inbox yet."</p>
                    }
                    .into_any(),
                    Ok(entries) => view! {
                        <table class="desk-table">
                            <caption>"What editors did to sources and inbox items, newest first"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Who"</th>
                                    <th scope="col">"What"</th>
                                    <th scope="col">"To what"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {entries
                                    .into_iter()
                                    .map(|e| view! {
                                        <tr>
                                            <td><time datetime=e.at>{e.at_label}</time></td>
                                            <td>{e.editor_name}</td>
                                            <td>{e.action.label()}</td>
                                            <td>{e.subject}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
