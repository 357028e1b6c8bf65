//! The newsletter box (an island): "Get the weekly AI digest — every Thursday", on the feed and
//! on every brief. A plain form post without JavaScript (the server answers with the newsletter
//! page); with JavaScript the answer appears in place. The answer never says whether the
//! address was already subscribed.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::newsletter::{Subscribe, subscribe};

#[island]
pub fn NewsletterBox(
    /// Makes the ids unique when more than one box is on a page ("newsletter" if none).
    #[prop(optional)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| "newsletter".to_string());
    let email = RwSignal::new(String::new());
    let honeypot = NodeRef::<leptos::html::Input>::new();
    let send = Action::new(|(email, website): &(String, String)| {
        let (email, website) = (email.clone(), website.clone());
        async move {
            let website = (!website.is_empty()).then_some(website);
            subscribe(email, website).await
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !send.pending().get_untracked() {
            let website = honeypot
                .get_untracked()
                .map(|el| el.value())
                .unwrap_or_default();
            send.dispatch((email.get_untracked(), website));
        }
    };
    let answer = move || send.value().get().and_then(Result::ok);
    let error = move || {
        send.value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    let field_id = format!("{id}-email");
    let label_for = field_id.clone();
    let error_id = format!("{id}-error");
    let described_by = error_id.clone();
    view! {
        <section class="newsletter" id=id.clone() aria-labelledby=labelled_by>
            <h2 id=title_id>"Get the weekly AI digest — every Thursday"</h2>
            <p class="newsletter__pitch">
                "The week's briefs in one email: what happened, our take and what to do. "
                "Confirm once; leave with one click."
            </p>
            <form class="newsletter__form" method="post" action=Subscribe::url() on:submit=on_submit>
                <label for=label_for>"Email address"</label>
                <div class="newsletter__row">
                    <input
                        id=field_id
                        type="email"
                        name="email"
                        required
                        autocomplete="email"
                        maxlength="254"
                        aria-invalid=move || error().map(|_| "true")
                        aria-describedby=described_by
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                    <button type="submit" disabled=move || send.pending().get()>
                        {move || if send.pending().get() { "Subscribing…" } else { "Subscribe" }}
                    </button>
                </div>
                <div class="visually-hidden" aria-hidden="true">
                    <label>
                        "Leave this empty"
                        <input name="website" tabindex="-1" autocomplete="off" node_ref=honeypot/>
                    </label>
                </div>
                <p id=error_id class="field-error" role="alert">{error}</p>
                <p class="newsletter__answer" role="status">{answer}</p>
            </form>
        </section>
    }
}
