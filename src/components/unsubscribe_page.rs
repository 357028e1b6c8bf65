//! `/newsletter/unsubscribe?token=…` opened in a browser: a page with a button, never an
//! unsubscribe on its own (mail scanners open links). The button posts
//! `List-Unsubscribe=One-Click` to the same address, exactly as a mail client's one-click
//! unsubscribe does (`server::newsletter::one_click_unsubscribe`).

use crate::components::page_title::PageTitle;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = move || format!("/newsletter/unsubscribe?token={}", token());
    view! {
        <PageTitle text="Unsubscribe"/>
        <Meta name="robots" content="noindex"/>
        <div class="page">
            <h1>"Unsubscribe from the weekly digest?"</h1>
            <p>"You will get no more digests. You can sign up again any time."</p>
            // A native form post on purpose (the page router leaves it alone): the answer is a
            // page of its own.
            <form method="post" action=action data-native="">
                <input type="hidden" name="List-Unsubscribe" value="One-Click"/>
                <button type="submit" class="button">"Unsubscribe"</button>
            </form>
        </div>
    }
}
