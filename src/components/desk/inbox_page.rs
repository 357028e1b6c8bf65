//! `/desk/inbox`: what the sources brought, newest first, one item per story — its title (as
//! text, whatever the feed put in it), source, time and link, a mark when a brief already cites
//! it, "Start a brief" (the editor with the title, source and link filled in) and "Dismiss"
//! (a plain form post; it leaves the inbox for every editor). An open inbox tells of new items
//! as they arrive (`pulse.js`, `inbox`).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::api::sources::{DismissItem, desk_inbox};
use crate::components::desk::desk_frame::DeskFrame;
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::model::source::{Inbox, InboxItem};

#[component]
pub fn InboxPage() -> impl IntoView {
    view! {
        <PageTitle text="Desk · Inbox"/>
        <DeskFrame title="Inbox" children=|_| view! { <InboxView/> }/>
    }
}

#[component]
fn InboxView() -> impl IntoView {
    let inbox = Resource::new(|| (), |()| desk_inbox());
    let query = use_query_map();
    let done = move || query.read().get("done").is_some_and(|d| d == "dismissed");
    let problem = move || query.read().get("problem");
    view! {
        <Show when=done>
            <p class="notice" role="status">"Item dismissed."</p>
        </Show>
        {move || problem().map(|p| view! { <p class="notice notice--error" role="alert">{p}</p> })}
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the inbox…"</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                    Ok(inbox) => view! { <Items inbox/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Items(inbox: Inbox) -> impl IntoView {
    let news = view! {
        <p class="inbox__news" role="status" data-inbox-news="" data-after=inbox.newest_id.to_string()>
            <span data-inbox-count=""></span>
            " "
            <a href="/desk/inbox" hidden>"Show them"</a>
        </p>
    };
    let list = if inbox.items.is_empty() {
        if inbox.has_sources {
            view! { <p class="empty-state">"Nothing new: every item has been dismissed, or the sources have not posted yet."</p> }
                .into_any()
        } else {
            view! {
                <p class="empty-state">
                    "The inbox fills from your sources. " <a href="/desk/sources">"Add a source"</a> " first."
                </p>
            }
            .into_any()
        }
    } else {
        view! {
            <ol class="inbox" aria-label="New items, newest first">
                {inbox.items.into_iter().map(|item| view! { <Item item/> }).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        {news}
        <p class="desk-note">
            "Items come from the " <a href="/desk/sources">"sources"</a>
            "; the same story from two of them is shown once."
        </p>
        {list}
    }
}

#[component]
fn Item(item: InboxItem) -> impl IntoView {
    let heading_id = format!("item-{}", item.id);
    let labelled_by = heading_id.clone();
    let start = format!("/desk/new?item={}", item.id);
    let start_label = format!("Start a brief from “{}”", item.title);
    let dismiss_label = format!("Dismiss “{}”", item.title);
    let cited = item
        .cited
        .then(|| view! { <span class="badge">"Cited by a brief"</span> " " });
    view! {
        <li class="inbox__item" aria-labelledby=labelled_by>
            <h2 class="inbox__title" id=heading_id>
                <a href=item.url rel="external noopener noreferrer nofollow">{item.title}</a>
            </h2>
            <p class="inbox__meta">
                {cited}
                {item.source_name} " · " <time datetime=item.at>{item.at_label}</time>
            </p>
            <div class="inbox__actions">
                <a class="button" href=start aria-label=start_label>"Start a brief"</a>
                <form class="desk-inline" method="post" action=DismissItem::url()>
                    <input type="hidden" name="id" value=item.id.to_string()/>
                    <button type="submit" aria-label=dismiss_label>"Dismiss"</button>
                </form>
            </div>
        </li>
    }
}
