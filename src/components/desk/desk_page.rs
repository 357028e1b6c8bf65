//! `/desk`: every draft and brief — drafts first, then what is scheduled, then the rest newest
//! first — searchable (`?q=`) and filterable by category (`?category=`) and status
//! (`?status=`), with comment counts and what waits for moderation. The search is a plain GET
//! form, so every view has its own address and works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::desk::desk_briefs;
use crate::components::desk::desk_frame::DeskFrame;
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::components::pagination::Pagination;
use crate::contexts::site::use_site;
use crate::model::desk::{DeskBriefPage, DeskStatus, MAX_DESK_QUERY_CHARS};
use crate::model::{encode_query_value, parse_page};

#[component]
pub fn DeskPage() -> impl IntoView {
    view! {
        <PageTitle text="Desk · Briefs"/>
        <DeskFrame title="Briefs" children=|_| view! { <BriefList/> }/>
    }
}

#[component]
fn BriefList() -> impl IntoView {
    let query = use_query_map();
    let list = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("q"),
                q.get("category"),
                q.get("status"),
                q.get("page"),
            )
        },
        |(q, category, status, page)| async move {
            let page = parse_page(page.as_deref())?;
            desk_briefs(q, category, status, Some(page)).await
        },
    );
    let deleted = move || query.read().get("done").as_deref() == Some("deleted");
    view! {
        <p class="desk__new"><a class="button button--primary" href="/desk/new">"New brief"</a></p>
        <Show when=deleted>
            <p class="notice" role="status">"Draft deleted."</p>
        </Show>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading briefs…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <BriefTable list/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BriefTable(list: DeskBriefPage) -> impl IntoView {
    let site = use_site();
    let chosen = list.category.as_ref().map(|c| c.slug.clone());
    let options = site
        .categories
        .iter()
        .map(|c| {
            let selected = chosen.as_deref() == Some(c.slug.as_str());
            view! { <option value=c.slug.clone() selected=selected>{c.name.clone()}</option> }
        })
        .collect_view();
    let status = list.status;
    let statuses = DeskStatus::ALL
        .into_iter()
        .map(|s| {
            view! { <option value=s.as_str() selected=status == Some(s)>{s.label()}</option> }
        })
        .collect_view();
    let found = match list.total {
        1 => "1 brief".to_string(),
        n => format!("{n} briefs"),
    };
    let filters = format!(
        "q={}&category={}&status={}",
        encode_query_value(&list.query),
        encode_query_value(chosen.as_deref().unwrap_or("")),
        status.map_or("", DeskStatus::as_str)
    );
    let rows = list
        .briefs
        .into_iter()
        .map(|b| {
            let held = (b.held_count > 0).then(|| {
                view! { <span class="badge badge--warn">{format!("{} held", b.held_count)}</span> }
            });
            let href = b.edit_href();
            let title = if b.title.trim().is_empty() {
                "Untitled draft".to_string()
            } else {
                b.title.clone()
            };
            let problem = b.problem.clone().map(|p| {
                view! { <span class="badge badge--warn" title=p.clone()>"Schedule failed"</span> }
            });
            let trend = b.trend.map(|t| {
                let said = format!("{} views in {} days", t.views, t.days);
                view! {
                    <span class="trend" role="img" aria-label=said.clone() title=said inner_html=t.svg></span>
                    " " <span aria-hidden="true">{t.views}</span>
                }
            });
            let view_link = (b.status == DeskStatus::Published).then(|| {
                view! { " · " <a href=format!("/pulse/{}", b.slug)>"View"</a> }
            });
            view! {
                <tr>
                    <td>
                        <a href=href>{title}</a>
                        {view_link}
                    </td>
                    <td>{b.status.label()} " " {problem}</td>
                    <td>{b.category.name}</td>
                    <td>
                        <time datetime=b.at>{b.at_label}</time>
                    </td>
                    <td>{b.comment_count} " " {held}</td>
                    <td>{trend}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <form class="desk-search" method="get" action="/desk" role="search">
            <label for="desk-q">"Search briefs"</label>
            <input
                id="desk-q"
                type="search"
                name="q"
                value=list.query.clone()
                maxlength=MAX_DESK_QUERY_CHARS.to_string()
            />
            <label for="desk-category">"Category"</label>
            <select id="desk-category" name="category">
                <option value="" selected=chosen.is_none()>"All categories"</option>
                {options}
            </select>
            <label for="desk-status">"Status"</label>
            <select id="desk-status" name="status">
                <option value="" selected=status.is_none()>"Any status"</option>
                {statuses}
            </select>
            <button type="submit">"Search"</button>
        </form>
        <p class="desk__count" role="status">{found}</p>
        <table class="desk-table">
            <thead>
                <tr>
                    <th scope="col">"Title"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Category"</th>
                    <th scope="col">"When"</th>
                    <th scope="col">"Comments"</th>
                    <th scope="col">"Views, 14 days"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <Pagination base_path="/desk".to_string() page=list.page total_pages=list.total_pages filters/>
    }
}
