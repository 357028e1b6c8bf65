//! The pieces every "give us your address" form shares (the newsletter box, "Follow this
//! brief", the comment form): the address field with its button beside it, and the honeypot.

use leptos::prelude::*;

/// An "Email address" field (`name="email"`, required) with its submit button beside it;
/// `error_id` names the element that says what is wrong with it.
#[component]
pub fn EmailRow(
    /// The field's id (its label points at it).
    field_id: String,
    error_id: String,
    button: &'static str,
) -> impl IntoView {
    let label_for = field_id.clone();
    view! {
        <label for=label_for>"Email address"</label>
        <div class="newsletter__row">
            <input
                id=field_id
                type="email"
                name="email"
                required
                autocomplete="email"
                maxlength="254"
                aria-describedby=error_id
            />
            <button type="submit">{button}</button>
        </div>
    }
}

/// A field people never see (`name="website"`); bots fill it in, and a form whose honeypot
/// has anything in it gets a pretend success and changes nothing.
#[component]
pub fn Honeypot() -> impl IntoView {
    view! {
        <div class="visually-hidden" aria-hidden="true">
            <label>
                "Leave this empty"
                <input name="website" tabindex="-1" autocomplete="off"/>
            </label>
        </div>
    }
}
