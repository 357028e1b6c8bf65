//! "Follow this brief": an Email address field and a Follow button, beside the thread's feed
//! links. A plain form post without JavaScript (the server sends the browser back here with
//! `?follow=sent`, and the answer shows in the box); with JavaScript the page router posts it
//! in the background and shows the answer in place (`data-stay`). The answer never says
//! whether the address already follows the brief.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::api::follow::FollowBrief;
use crate::components::email_form::{EmailRow, Honeypot};
use crate::model::follow::FOLLOW_ANSWER;

#[component]
pub fn FollowBox(slug: String) -> impl IntoView {
    let sent = use_query_map()
        .get_untracked()
        .get("follow")
        .is_some_and(|v| v == "sent");
    view! {
        <section class="follow" id="follow" aria-labelledby="follow-title">
            <h3 id="follow-title" class="follow__title">"Follow this brief"</h3>
            <p class="follow__pitch">
                "Corrections and new comments by email, no account needed. Confirm once; stop with one click."
            </p>
            <form class="follow__form" method="post" action=FollowBrief::url() data-stay="">
                <input type="hidden" name="slug" value=slug.clone()/>
                <EmailRow
                    field_id="follow-email".to_string()
                    error_id="follow-error".to_string()
                    button="Follow"
                />
                <Honeypot/>
                <p id="follow-error" class="field-error" role="alert"></p>
                <p class="newsletter__answer" role="status">{sent.then_some(FOLLOW_ANSWER)}</p>
            </form>
            <p class="comments__feeds">
                "Or in a feed reader: "
                <a href=format!("/pulse/{slug}/comments.xml") type="application/atom+xml">"new comments"</a>
                " · "
                <a href=format!("/pulse/{slug}/updates.xml") type="application/atom+xml">"updates to this brief"</a>
            </p>
        </section>
    }
}
