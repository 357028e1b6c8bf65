//! `/my-data`: everything Pulse holds tied to this browser's reader id — comments, reactions,
//! reports — to read, to download as JSON, and to erase. Plain links and a plain form, so it
//! all works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::api::my_data::reader_data;
use crate::components::comments::comment_href;
use crate::components::error_page::ErrorPage;
use crate::components::follow::manage_page::FollowList;
use crate::components::page_title::PageTitle;
use crate::contexts::site::use_site;
use crate::model::CommentStatus;
use crate::model::my_data::MyData;

#[component]
pub fn MyDataPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("erased"), |_| reader_data());
    // `?erased=C,R,P,F`: what the erase just removed (set by its redirect).
    let erased = move || {
        let raw = query.read().get("erased")?;
        let counts: Vec<u32> = raw.split(',').filter_map(|n| n.parse().ok()).collect();
        match counts[..] {
            [comments, reactions, reports, follows] => Some(format!(
                "Deleted {}, {}, {} and {}. This browser's reader id is forgotten too: \
                 next time you react or comment, it gets a new one.",
                plural(comments, "comment"),
                plural(reactions, "reaction"),
                plural(reports, "report"),
                plural(follows, "follow")
            )),
            _ => None,
        }
    };
    view! {
        <PageTitle text="Your data"/>
        <Meta name="robots" content="noindex"/>
        <div class="page my-data">
            <h1>"Your data"</h1>
            <p>
                "Pulse knows this browser only by a random reader id kept in a cookie: no account, \
                 no email address, no tracking. This is everything tied to that id."
            </p>
            {move || erased().map(|text| view! { <p class="notice" role="status">{text}</p> })}
            <Suspense fallback=|| view! { <p class="loading" role="status">"Loading your data…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <Holdings data/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })}
            </Suspense>
            <p class="my-data__more">
                "Subscribed to the weekly digest? The address is not tied to this browser: "
                <a href="/newsletter/my-data">"see or delete what the newsletter keeps about it"</a>
                " through a link we mail to it."
            </p>
        </div>
    }
}

fn plural(n: u32, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[component]
fn Holdings(data: MyData) -> impl IntoView {
    let site = use_site();
    if data.is_empty() {
        return view! { <p class="empty-state">"Nothing is stored about this browser."</p> }
            .into_any();
    }
    let comments = data.comments.clone();
    let reactions = data.reactions.clone();
    let reports = data.reports.clone();
    let follows = data.follows.clone();
    view! {
        <section aria-labelledby="my-comments">
            <h2 id="my-comments">{format!("Your comments ({})", comments.len())}</h2>
            {comments.is_empty().then(|| view! { <p>"None."</p> })}
            <ul class="my-data__list">
                {comments.into_iter().map(|c| {
                    let status = match c.status {
                        CommentStatus::Held => Some("waiting for review"),
                        CommentStatus::Hidden => Some("taken down by a moderator"),
                        CommentStatus::Visible => None,
                    };
                    view! {
                        <li>
                            <a href=comment_href(&c.brief_slug, c.id)>{c.brief_title}</a>
                            " · "
                            <time datetime=c.created_at.clone()>{c.created_at.clone()}</time>
                            {format!(" · as “{}”", c.author_name)}
                            {status.map(|s| view! { <span class="my-data__status">{format!(" · {s}")}</span> })}
                            <p class="my-data__body">{c.body}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="my-reactions">
            <h2 id="my-reactions">{format!("Your reactions ({})", reactions.len())}</h2>
            {reactions.is_empty().then(|| view! { <p>"None."</p> })}
            <ul class="my-data__list">
                {reactions.into_iter().map(|r| {
                    let label = site
                        .reaction(&r.kind)
                        .map_or_else(|| r.kind.clone(), |k| format!("{} {}", k.emoji, k.label));
                    view! {
                        <li>
                            {label} " on "
                            <a href=format!("/pulse/{}", r.brief_slug)>{r.brief_title}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="my-reports">
            <h2 id="my-reports">{format!("Reports you filed ({})", reports.len())}</h2>
            {reports.is_empty().then(|| view! { <p>"None."</p> })}
            <ul class="my-data__list">
                {reports.into_iter().map(|r| view! {
                    <li>
                        {format!("“{}” about ", r.reason)}
                        <a href=comment_href(&r.brief_slug, r.comment_id)>"a comment"</a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="my-follows">
            <h2 id="my-follows">{format!("What you follow by email ({})", follows.len())}</h2>
            <FollowList follows stop_token=None/>
        </section>
        <section class="my-data__actions" aria-labelledby="my-actions">
            <h2 id="my-actions">"Take it or delete it"</h2>
            <p><a class="button" href="/my-data.json" download="pulse-my-data.json">"Download all of it (JSON)"</a></p>
            <form method="post" action="/api/erase_my_data" class="my-data__erase">
                <label>
                    <input type="checkbox" name="confirm" value="erase" required=true/>
                    " Yes, delete all of it. This cannot be undone."
                </label>
                <button type="submit" class="danger">"Delete everything"</button>
            </form>
        </section>
    }
    .into_any()
}
