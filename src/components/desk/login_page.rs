//! `/desk/login`: the editors' sign-in. A plain form post without JavaScript (a refused
//! sign-in comes back here with `?failed=…`); with JavaScript the answer appears in place and a
//! signed-in editor goes on to the desk.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::editors::{SIGN_IN_REFUSED, SignIn, sign_in};
use crate::model::editors::desk_destination;

/// The message for a `?failed=` reason a no-JavaScript sign-in came back with.
fn failure_message(reason: &str) -> &'static str {
    match reason {
        "locked" => {
            "Too many failed sign-ins for this address. Please wait a quarter of an hour and try again."
        }
        "email" => "Please enter an email address like name@example.com.",
        _ => SIGN_IN_REFUSED,
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || {
        query
            .read()
            .get("next")
            .unwrap_or_else(|| "/desk".to_string())
    };
    let signed_out = move || query.read().get("signed_out").is_some();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let attempt = Action::new(|(email, password, next): &(String, String, String)| {
        let (email, password, next) = (email.clone(), password.clone(), next.clone());
        async move { sign_in(email, password, Some(next)).await }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(Some(_))) = attempt.value().get() {
            navigate(
                &desk_destination(Some(&next_untracked(query))),
                Default::default(),
            );
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !attempt.pending().get_untracked() {
            attempt.dispatch((
                email.get_untracked(),
                password.get_untracked(),
                next_untracked(query),
            ));
        }
    };
    let error = move || match attempt.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        Some(Ok(_)) => None,
        None => query
            .read()
            .get("failed")
            .map(|r| failure_message(&r).to_string()),
    };
    view! {
        <Title text="Sign in to the desk"/>
        <Meta name="robots" content="noindex"/>
        <div class="page desk-login">
            <h1>"Sign in to the desk"</h1>
            <Show when=signed_out>
                <p class="notice" role="status">"You are signed out."</p>
            </Show>
            <form class="desk-form" method="post" action=SignIn::url() on:submit=on_submit>
                <input type="hidden" name="next" value=next/>
                <p class="form-error" role="alert" id="sign-in-error">{error}</p>
                <label for="sign-in-email">"Email address"</label>
                <input
                    id="sign-in-email"
                    type="email"
                    name="email"
                    required
                    autocomplete="username"
                    maxlength="254"
                    aria-describedby="sign-in-error"
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
                <label for="sign-in-password">"Password"</label>
                <input
                    id="sign-in-password"
                    type="password"
                    name="password"
                    required
                    autocomplete="current-password"
                    maxlength="1024"
                    aria-describedby="sign-in-error"
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                <button type="submit" disabled=move || attempt.pending().get()>
                    {move || if attempt.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </div>
    }
}

fn next_untracked(query: Memo<leptos_router::params::ParamsMap>) -> String {
    query
        .with_untracked(|q| q.get("next"))
        .unwrap_or_else(|| "/desk".to_string())
}
