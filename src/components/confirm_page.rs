//! `/newsletter/confirm?token=…`: where the confirmation email leads. The link only shows a
//! button — mail scanners open links, and must not confirm on the reader's behalf — and a
//! spent or expired link offers to send a new one.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use leptos::server_fn::ServerFn;

use crate::api::newsletter::{ConfirmSubscription, confirmation_state};
use crate::components::error_page::ErrorPage;
use crate::components::newsletter_box::NewsletterBox;
use crate::components::page_title::PageTitle;
use crate::model::Confirmation;

#[component]
pub fn ConfirmPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let confirmed = move || query.read().get("confirmed").is_some();
    let state = Resource::new(
        move || (token(), confirmed()),
        |(token, confirmed)| async move {
            if confirmed {
                Ok(Confirmation::Confirmed)
            } else if token.is_empty() {
                Ok(Confirmation::Unknown)
            } else {
                confirmation_state(token).await
            }
        },
    );
    view! {
        <PageTitle text="Confirm your subscription"/>
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

#[component]
fn ConfirmState(state: Confirmation, token: String) -> impl IntoView {
    match state {
        Confirmation::Valid => view! {
            <h1>"Confirm your subscription"</h1>
            <p>"One click and the weekly AI digest is on its way, every Thursday."</p>
            <form method="post" action=ConfirmSubscription::url()>
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button">"Confirm my subscription"</button>
            </form>
        }
        .into_any(),
        Confirmation::Confirmed => view! {
            <h1>"You're subscribed"</h1>
            <p role="status">"Thanks for confirming. The next digest arrives on Thursday."</p>
            <p><a href="/">"Back to the briefs"</a></p>
        }
        .into_any(),
        Confirmation::Expired | Confirmation::Used | Confirmation::Unknown => {
            let why = match state {
                Confirmation::Expired => "This confirmation link has expired.",
                Confirmation::Used => "This confirmation link was already used.",
                _ => "This confirmation link is not valid.",
            };
            view! {
                <h1>"This link no longer works"</h1>
                <p>{why} " Enter your address to get a new one."</p>
                <NewsletterBox id="resend".to_string()/>
            }
            .into_any()
        }
    }
}
