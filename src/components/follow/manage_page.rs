//! `/follow/manage?token=…`: every follow of the address a mailed link names — what it
//! follows, since when, when it ends by itself — with a Stop button on each, one to stop them
//! all, and one to forget the address altogether. Plain forms: it all works without
//! JavaScript. [`FollowList`] also shows a reader's follows on "Your data".

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::api::follow::{ForgetFollows, StopFollow, read_follows};
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::model::follow::{FollowLine, FollowStatus, FollowTarget, ManagedFollows};

#[component]
pub fn FollowManagePage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token");
    let stopped = move || query.read().get("stopped").is_some();
    let forgotten = move || query.read().get("forgotten").is_some();
    view! {
        <PageTitle text="What you follow"/>
        <Meta name="robots" content="noindex"/>
        <div class="page my-data">
            <h1>"What you follow"</h1>
            <Show when=stopped>
                <p class="notice" role="status">"Stopped. No more mails about it will be sent."</p>
            </Show>
            <Show when=forgotten>
                <p class="notice" role="status">
                    "Forgotten: every follow of the address and every mail about them. \
                     Nothing more will reach it from here."
                </p>
            </Show>
            {move || match token() {
                Some(token) => view! { <Managed token/> }.into_any(),
                None => view! {
                    <p>"Every mail about a brief or your replies has a link to this page."</p>
                }
                .into_any(),
            }}
        </div>
    }
}

#[component]
fn Managed(token: String) -> impl IntoView {
    let data = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        read_follows,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <Follows data token/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Follows(data: ManagedFollows, token: String) -> impl IntoView {
    let stop_all = data
        .follows
        .iter()
        .any(|f| f.status != FollowStatus::Ended)
        .then(|| {
            view! {
                <form method="post" action=StopFollow::url()>
                    <input type="hidden" name="token" value=token.clone()/>
                    <button type="submit">"Stop them all"</button>
                </form>
            }
        });
    view! {
        <p>{format!("Mail goes to {}.", data.email)}</p>
        <FollowList follows=data.follows stop_token=Some(token.clone())/>
        <section class="my-data__actions" aria-labelledby="follow-actions">
            <h2 id="follow-actions">"Stop or forget"</h2>
            {stop_all}
            <form method="post" action=ForgetFollows::url() class="my-data__erase">
                <input type="hidden" name="token" value=token/>
                <label>
                    <input type="checkbox" name="confirm" value="forget" required=true/>
                    " Yes, forget this address: every follow and every mail about them."
                </label>
                <button type="submit" class="danger">"Forget my address"</button>
            </form>
        </section>
    }
}

/// Follows as a list: what, where it stands, since when, until when. With `stop_token` (a
/// manage link's), each live one has its own Stop button.
#[component]
pub fn FollowList(follows: Vec<FollowLine>, stop_token: Option<String>) -> impl IntoView {
    if follows.is_empty() {
        return view! { <p class="empty-state">"Nothing followed."</p> }.into_any();
    }
    let rows = follows
        .into_iter()
        .map(|f| {
            let what = match &f.target {
                FollowTarget::Brief { slug, title } => view! {
                    "The brief " <a href=format!("/pulse/{slug}")>{title.clone()}</a>
                }
                .into_any(),
                FollowTarget::Replies => view! { "Replies to your comments" }.into_any(),
            };
            let status = match f.status {
                FollowStatus::Pending => "waiting for confirmation".to_string(),
                FollowStatus::Confirmed => match &f.ends_at {
                    Some(ends) => format!("following; ends by itself on {} if all is quiet", &ends[..10.min(ends.len())]),
                    None => "following".to_string(),
                },
                FollowStatus::Ended => "stopped".to_string(),
            };
            let stop = stop_token
                .clone()
                .filter(|_| f.status != FollowStatus::Ended)
                .map(|token| {
                    let label = format!("Stop: {}", f.target.describe());
                    view! {
                        <form method="post" action=StopFollow::url() class="follow-list__stop">
                            <input type="hidden" name="token" value=token/>
                            <input type="hidden" name="id" value=f.id.to_string()/>
                            <button type="submit" aria-label=label>"Stop"</button>
                        </form>
                    }
                });
            view! {
                <li>
                    <p>{what}</p>
                    <p class="follow-list__meta">
                        {format!("{} · {status} · asked on {}", f.email, &f.created_at[..10.min(f.created_at.len())])}
                    </p>
                    {stop}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="follow-list">{rows}</ul> }.into_any()
}
