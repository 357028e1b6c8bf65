//! `/newsletter`: the sign-up on a page of its own, and where a sign-up without JavaScript
//! lands (`?sent=1`) to read the answer.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::newsletter_box::NewsletterBox;
use crate::model::SUBSCRIBE_ANSWER;

#[component]
pub fn NewsletterPage() -> impl IntoView {
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    view! {
        <Title text="The weekly AI digest"/>
        <div class="page">
            <h1>"The weekly AI digest"</h1>
            <Show when=sent>
                <p class="notice" role="status">{SUBSCRIBE_ANSWER}</p>
            </Show>
            <NewsletterBox/>
        </div>
    }
}
