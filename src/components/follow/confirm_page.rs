//! `/follow/confirm?token=…`: where a follow's confirmation mail leads. The link only shows a
//! button (mail scanners open links, and must not confirm on the reader's behalf); a spent or
//! expired link says how to ask again.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::api::follow::{ConfirmFollow, follow_link_state};
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::model::follow::{FollowConfirmation, FollowTarget};

#[component]
pub fn FollowConfirmPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let done = move || query.read().get("done").is_some_and(|v| v == "true");
    let state = Resource::new(
        move || (token(), done()),
        |(token, done)| async move {
            if token.is_empty() {
                Ok(FollowConfirmation::Unknown)
            } else {
                follow_link_state(token, done).await
            }
        },
    );
    view! {
        <PageTitle text="Confirm to follow"/>
        <Meta name="robots" content="noindex"/>
        <div class="page">
            <Suspense fallback=|| view! { <p class="loading" role="status">"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                        Ok(found) => view! { <ConfirmState state=found token=token()/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Where to go from a follow's pages: the brief, or the front page for replies.
fn back_link(target: &FollowTarget) -> AnyView {
    match target {
        FollowTarget::Brief { slug, .. } => {
            view! { <p><a href=format!("/pulse/{slug}")>"Back to the brief"</a></p> }.into_any()
        }
        FollowTarget::Replies => view! { <p><a href="/">"Back to the briefs"</a></p> }.into_any(),
    }
}

#[component]
fn ConfirmState(state: FollowConfirmation, token: String) -> impl IntoView {
    match state {
        FollowConfirmation::Valid(target) => view! {
            <h1>"Confirm to follow"</h1>
            <p>{format!("One click and we will email you about {}.", target.describe())}</p>
            <form method="post" action=ConfirmFollow::url()>
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button">"Confirm"</button>
            </form>
        }
        .into_any(),
        FollowConfirmation::Confirmed(target) => {
            let said = format!(
                "Thanks for confirming. You will get mail about {}; every mail has a link to stop.",
                target.describe()
            );
            view! {
                <h1>"You're following"</h1>
                <p role="status">{said}</p>
                {back_link(&target)}
            }
            .into_any()
        }
        FollowConfirmation::Expired | FollowConfirmation::Used | FollowConfirmation::Unknown => {
            let why = match state {
                FollowConfirmation::Expired => "This confirmation link has expired.",
                FollowConfirmation::Used => "This confirmation link was already used.",
                _ => "This confirmation link is not valid.",
            };
            view! {
                <h1>"This link no longer works"</h1>
                <p>{why} " Ask again from the brief's page (or the comment form) to get a new one."</p>
                <p><a href="/">"Back to the briefs"</a></p>
            }
            .into_any()
        }
    }
}
