//! `/newsletter`: the sign-up on a page of its own, and where a sign-up without JavaScript
//! lands (`?sent=1`) to read the answer.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use leptos_router::hooks::use_query_map;

use crate::components::newsletter_box::NewsletterBox;
use crate::components::page_title::PageTitle;
use crate::contexts::site::use_site;
use crate::model::SUBSCRIBE_ANSWER;

#[component]
pub fn NewsletterPage() -> impl IntoView {
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    let site = use_site();
    let canonical = format!("{}/newsletter", site.base_url.trim_end_matches('/'));
    let description = format!(
        "{}'s weekly AI digest by email: the week's briefs, each with {}'s Take.",
        site.name, site.house_name
    );
    view! {
        <PageTitle text="The weekly AI digest"/>
        <Meta name="description" content=description/>
        <Link rel="canonical" href=canonical/>
        <div class="page">
            <h1>"The weekly AI digest"</h1>
            <Show when=sent>
                <p class="notice" role="status">{SUBSCRIBE_ANSWER}</p>
            </Show>
            <NewsletterBox/>
            <p class="my-data__more">
                "Already subscribed? "
                <a href="/newsletter/my-data">"See, download or delete what we keep about your address"</a>
                "."
            </p>
        </div>
    }
}
