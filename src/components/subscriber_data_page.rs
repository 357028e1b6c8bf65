//! `/newsletter/my-data`: a subscriber asks for a link to what the newsletter holds about
//! their address; the link (mailed, working for a day) brings them back here to read it,
//! download it as JSON and delete it. Plain forms and links: it all works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::api::newsletter::read_subscriber_data;
use crate::components::email_form::Honeypot;
use crate::components::error_page::ErrorPage;
use crate::components::follow::manage_page::FollowList;
use crate::components::page_title::PageTitle;
use crate::model::my_data::{DATA_LINK_ANSWER, SubscriberData};
use crate::model::{SubscriberStatus, encode_query_value};

#[component]
pub fn SubscriberDataPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token");
    let sent = move || query.read().get("sent").is_some();
    let erased = move || query.read().get("erased").is_some();
    view! {
        <PageTitle text="Your newsletter data"/>
        <Meta name="robots" content="noindex"/>
        <div class="page my-data">
            <h1>"Your newsletter data"</h1>
            <Show when=sent>
                <p class="notice" role="status">{DATA_LINK_ANSWER}</p>
            </Show>
            <Show when=erased>
                <p class="notice" role="status">
                    "Deleted: the address, its consent record and every message to it. \
                     No digest will reach it again."
                </p>
            </Show>
            {move || match token() {
                Some(token) => view! { <Record token/> }.into_any(),
                None => view! { <AskForLink/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn AskForLink() -> impl IntoView {
    view! {
        <p>
            "The digest's subscribers are known only by their email address. Enter yours and we \
             will mail it a link to everything kept about it — to read, download or delete."
        </p>
        <form method="post" action="/api/request_data_link" class="newsletter__form">
            <label for="data-email">"Email address"</label>
            <div class="newsletter__row">
                <input id="data-email" type="email" name="email" required=true autocomplete="email"/>
                <button type="submit">"Email me a link"</button>
            </div>
            <Honeypot/>
        </form>
    }
}

#[component]
fn Record(token: String) -> impl IntoView {
    let data = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        read_subscriber_data,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <Held data token/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Held(data: SubscriberData, token: String) -> impl IntoView {
    let status = match data.status {
        SubscriberStatus::Pending => "signed up, not confirmed yet",
        SubscriberStatus::Confirmed => "subscribed",
        SubscriberStatus::Unsubscribed => "unsubscribed",
    };
    let download = format!(
        "/newsletter/my-data.json?token={}",
        encode_query_value(&token)
    );
    let sent = match data.digests_sent.len() {
        0 => "No digest sent yet.".to_string(),
        1 => format!("1 digest, on {}.", data.digests_sent[0]),
        n => format!(
            "{n} digests, the last on {}.",
            data.digests_sent.last().cloned().unwrap_or_default()
        ),
    };
    view! {
        <dl class="my-data__record">
            <dt>"Address"</dt>
            <dd>{data.email}</dd>
            <dt>"Status"</dt>
            <dd>{status}</dd>
            <dt>"Signed up"</dt>
            <dd>{format!("{} (agreeing to wording “{}”)", data.consent_at, data.consent_version)}</dd>
            <dt>"Confirmed"</dt>
            <dd>{data.confirmed_at.unwrap_or_else(|| "—".to_string())}</dd>
            <dt>"Unsubscribed"</dt>
            <dd>{data.unsubscribed_at.unwrap_or_else(|| "—".to_string())}</dd>
            <dt>"Digests sent"</dt>
            <dd>{sent}</dd>
        </dl>
        <section aria-labelledby="sub-follows">
            <h2 id="sub-follows">{format!("What this address follows ({})", data.follows.len())}</h2>
            <FollowList follows=data.follows stop_token=None/>
        </section>
        <section class="my-data__actions" aria-labelledby="sub-actions">
            <h2 id="sub-actions">"Take it or delete it"</h2>
            <p><a class="button" href=download download="pulse-newsletter-data.json">"Download all of it (JSON)"</a></p>
            <form method="post" action="/api/erase_subscription" class="my-data__erase">
                <input type="hidden" name="token" value=token/>
                <label>
                    <input type="checkbox" name="confirm" value="erase" required=true/>
                    " Yes, delete this address and everything about it."
                </label>
                <button type="submit" class="danger">"Delete my address"</button>
            </form>
        </section>
    }
}
