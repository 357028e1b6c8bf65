//! `/follow/stop?token=…` opened in a browser: a page with a button, never a stop on its own
//! (mail scanners open links). The button posts `List-Unsubscribe=One-Click` to the same
//! address, exactly as a mail client's one-click unsubscribe does
//! (`server::follow::one_click_stop`).

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::components::page_title::PageTitle;

#[component]
pub fn FollowStopPage() -> impl IntoView {
    let query = use_query_map();
    let action = move || {
        format!(
            "/follow/stop?token={}",
            crate::model::encode_query_value(&query.read().get("token").unwrap_or_default())
        )
    };
    view! {
        <PageTitle text="Stop following"/>
        <Meta name="robots" content="noindex"/>
        <div class="page">
            <h1>"Stop these mails?"</h1>
            <p>"You will get no more mails about this. You can follow again any time."</p>
            // A native form post on purpose (the page router leaves it alone): the answer is a
            // page of its own.
            <form method="post" action=action data-native="">
                <input type="hidden" name="List-Unsubscribe" value="One-Click"/>
                <button type="submit" class="button">"Stop following"</button>
            </form>
        </div>
    }
}
