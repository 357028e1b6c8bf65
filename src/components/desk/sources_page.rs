//! `/desk/sources`: the feeds the inbox is filled from — each with how its last fetch went
//! (and why it failed, if it did), when it is fetched next and how many of its items wait in
//! the inbox — a button to remove each, and a form to add one. Plain form posts, rendered on
//! the server (with JavaScript the page router sends them and shows the answer in place).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::api::sources::{AddSource, RemoveSource, desk_sources};
use crate::components::desk::desk_frame::DeskFrame;
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::model::source::{MAX_SOURCE_NAME_CHARS, MAX_SOURCE_URL_CHARS, Source, SourceHealth};

#[component]
pub fn SourcesPage() -> impl IntoView {
    view! {
        <PageTitle text="Desk · Sources"/>
        <DeskFrame title="Sources" children=|_| view! { <SourceList/> }/>
    }
}

#[component]
fn SourceList() -> impl IntoView {
    let sources = Resource::new(|| (), |()| desk_sources());
    let query = use_query_map();
    let done = move || {
        query.read().get("done").and_then(|d| match d.as_str() {
            "added" => Some("Source added and fetched: its items are in the inbox."),
            "added-failing" => Some("Source added, but its first fetch failed: see why below."),
            "added-fetching" => Some("Source added: it is being fetched now."),
            "removed" => Some("Source removed, with its items."),
            _ => None,
        })
    };
    let problem = move || query.read().get("problem");
    view! {
        {move || done().map(|d| view! { <p class="notice" role="status">{d}</p> })}
        {move || problem().map(|p| view! { <p class="notice notice--error" role="alert">{p}</p> })}
        <p class="desk-note">
            "Pulse fetches each source every few minutes and puts what is new in the "
            <a href="/desk/inbox">"inbox"</a> "."
        </p>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading sources…"</p> }>
            {move || Suspend::new(async move {
                match sources.await {
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty-state">"No sources yet: add a feed below."</p>
                    }
                    .into_any(),
                    Ok(list) => view! {
                        <table class="desk-table">
                            <caption>"Sources, by name"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Source"</th>
                                    <th scope="col">"Last fetch"</th>
                                    <th scope="col">"Next fetch"</th>
                                    <th scope="col">"In the inbox"</th>
                                    <th scope="col">"Remove"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|source| view! { <SourceRow source/> }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
        <h2>"Add a source"</h2>
        <form class="desk-form" method="post" action=AddSource::url()>
            <p class="form-error" role="alert"></p>
            <label for="source-name">"Name"</label>
            <input
                id="source-name"
                name="name"
                required
                maxlength=MAX_SOURCE_NAME_CHARS.to_string()
                autocomplete="off"
            />
            <label for="source-url">"Feed address (RSS, Atom or JSON Feed)"</label>
            <input
                id="source-url"
                type="url"
                name="url"
                required
                maxlength=MAX_SOURCE_URL_CHARS.to_string()
                placeholder="https://"
                autocomplete="off"
            />
            <button type="submit">"Add source"</button>
        </form>
    }
}

/// One source: its name and address, health, schedule and count, and its remove button.
#[component]
fn SourceRow(source: Source) -> impl IntoView {
    let health = match source.health {
        SourceHealth::Ok => {
            view! { <span class="badge">{SourceHealth::Ok.label()}</span> }.into_any()
        }
        SourceHealth::Waiting => {
            view! { <span class="badge">{SourceHealth::Waiting.label()}</span> }.into_any()
        }
        SourceHealth::Failing => view! {
            <span class="badge badge--warn">
                {format!("Failing ({} in a row)", source.failures)}
            </span>
        }
        .into_any(),
    };
    let error = source
        .last_error
        .map(|e| view! { <p class="source__error">{format!("Last error: {e}")}</p> });
    let fetched = source.fetched_label.unwrap_or_else(|| "Never".to_string());
    let remove_label = format!("Remove {}", source.name);
    view! {
        <tr>
            <th scope="row">
                {source.name.clone()}
                <br/>
                <span class="source__url">{source.url}</span>
            </th>
            <td>{health} " " {fetched} {error}</td>
            <td>{source.next_label}</td>
            <td>{source.items}</td>
            <td>
                <form class="desk-inline" method="post" action=RemoveSource::url()>
                    <input type="hidden" name="id" value=source.id.to_string()/>
                    <button type="submit" class="button--danger" aria-label=remove_label>
                        "Remove"
                    </button>
                </form>
            </td>
        </tr>
    }
}
