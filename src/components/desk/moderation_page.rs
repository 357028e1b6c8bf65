//! `/desk/moderation`: comments waiting for a moderator, oldest first, each with its brief, the
//! comment it answers, what readers reported and why, and the actions. Each action is a plain
//! form post, rendered on the server; with JavaScript the page router sends it and the queue
//! changes in place.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::moderation::{Moderate, moderation_queue};
use crate::components::comments::comment_href;
use crate::components::desk::desk_frame::DeskFrame;
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::model::ReportReason;
use crate::model::moderation::{MAX_MODERATION_NOTE_CHARS, ModerationAction, QueuedComment};

#[component]
pub fn ModerationPage() -> impl IntoView {
    view! {
        <PageTitle text="Desk · Moderation"/>
        <DeskFrame title="Moderation" children=|_| view! { <Queue/> }/>
    }
}

#[component]
fn Queue() -> impl IntoView {
    let queue = Resource::new(|| (), |()| moderation_queue());
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the queue…"</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                    Ok(items) if items.is_empty() => view! {
                        <p class="empty-state">"Nothing waits for a moderator."</p>
                    }
                    .into_any(),
                    Ok(items) => view! {
                        <ol class="mod-queue" aria-label="Comments waiting for a moderator">
                            {items.into_iter().map(|item| view! { <QueueItem item/> }).collect_view()}
                        </ol>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueItem(item: QueuedComment) -> impl IntoView {
    let id = item.id;
    let heading_id = format!("queued-{id}");
    let labelled_by = heading_id.clone();
    let note_id = format!("queued-{id}-note");
    let note_for = note_id.clone();
    let reason_id = format!("queued-{id}-reason");
    let reason_for = reason_id.clone();
    let reasons = ReportReason::ALL
        .into_iter()
        .map(|r| view! { <option value=r.as_str()>{r.label()}</option> })
        .collect_view();
    let author = if item.author_name.is_empty() {
        "(no name)".to_string()
    } else {
        item.author_name.clone()
    };
    let reports = (!item.reports.is_empty()).then(|| {
        view! {
            <ul class="mod-item__reports" aria-label="Reports">
                {item
                    .reports
                    .into_iter()
                    .map(|r| {
                        let line = format!("{} × {}", r.count, r.reason);
                        view! {
                            <li>
                                {line}
                                {r.notes.into_iter().map(|n| view! { <q class="mod-item__note">{n}</q> }).collect_view()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    let parent = item.parent_html.map(|html| {
        let by = item.parent_author.clone().unwrap_or_default();
        view! {
            <blockquote class="mod-item__parent">
                <p class="mod-item__meta">"In reply to " {by}</p>
                <div inner_html=html></div>
            </blockquote>
        }
    });
    let block = if item.author_blocked {
        (ModerationAction::Unblock, "Unblock author")
    } else {
        (ModerationAction::Block, "Block author")
    };
    let buttons = [
        (ModerationAction::Approve, "Approve"),
        (ModerationAction::Hide, "Hide"),
        (ModerationAction::Delete, "Delete"),
        block,
    ]
    .into_iter()
    .map(|(action, label)| {
        view! {
            <button type="submit" name="action" value=action.as_str()>
                {label}
            </button>
        }
    })
    .collect_view();
    view! {
        <li class="mod-item" aria-labelledby=labelled_by>
            <h2 class="mod-item__title" id=heading_id>
                {format!("Comment by {author} on ")}
                <a href=comment_href(&item.brief_slug, id)>{item.brief_title}</a>
            </h2>
            <p class="mod-item__meta">
                <span class="badge badge--warn">{item.waiting.label()}</span>
                " "
                <time datetime=item.created_at>{item.created_label}</time>
            </p>
            {parent}
            <div class="mod-item__body prose" inner_html=item.body_html></div>
            {reports}
            <form class="mod-item__actions" method="post" action=Moderate::url()>
                <p class="form-error" role="alert"></p>
                <input type="hidden" name="id" value=id.to_string()/>
                <label for=note_for>"Note for the log (optional)"</label>
                <input
                    id=note_id
                    name="note"
                    maxlength=MAX_MODERATION_NOTE_CHARS.to_string()
                />
                <label for=reason_for>"Reason, if hidden or deleted (readers see only a count by reason)"</label>
                <select id=reason_id name="reason">{reasons}</select>
                <div class="mod-item__buttons">{buttons}</div>
            </form>
        </li>
    }
}
