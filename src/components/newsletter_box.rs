//! The newsletter box: "Get the weekly AI digest — every Thursday", on the feed and on every
//! brief. A plain form post without JavaScript (the server answers with the newsletter page);
//! with JavaScript the page router posts it in the background and shows the answer in place
//! (`data-stay`), or a refusal beside the field. The answer never says whether the address was
//! already subscribed.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::newsletter::Subscribe;
use crate::components::email_form::{EmailRow, Honeypot};

#[component]
pub fn NewsletterBox(
    /// Makes the ids unique when more than one box is on a page ("newsletter" if none).
    #[prop(optional)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| "newsletter".to_string());
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    let field_id = format!("{id}-email");
    let error_id = format!("{id}-error");
    let described_by = error_id.clone();
    view! {
        <section class="newsletter" id=id.clone() aria-labelledby=labelled_by>
            <h2 id=title_id>"Get the weekly AI digest — every Thursday"</h2>
            <p class="newsletter__pitch">
                "The week's briefs in one email: what happened, our take and what to do. "
                "Confirm once; leave with one click."
            </p>
            <form class="newsletter__form" method="post" action=Subscribe::url() data-stay="">
                <EmailRow field_id error_id=described_by button="Subscribe"/>
                <Honeypot/>
                <p id=error_id class="field-error" role="alert"></p>
                <p class="newsletter__answer" role="status"></p>
            </form>
        </section>
    }
}
