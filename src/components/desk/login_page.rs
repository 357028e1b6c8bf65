//! `/desk/login`: the editors' sign-in, a plain form post rendered on the server: a refused
//! sign-in comes back here with `?failed=…`, a signed-in editor goes on to where they were
//! going (with JavaScript, the page router does both without reloading).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::api::editors::{SIGN_IN_REFUSED, SignIn};
use crate::components::page_title::PageTitle;

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
    let query = use_query_map().get_untracked();
    let next = query.get("next").unwrap_or_else(|| "/desk".to_string());
    let signed_out = query.get("signed_out").is_some();
    let error = query.get("failed").map(|r| failure_message(&r).to_string());
    view! {
        <PageTitle text="Sign in to the desk"/>
        <Meta name="robots" content="noindex"/>
        <div class="page desk-login">
            <h1>"Sign in to the desk"</h1>
            {signed_out.then(|| view! { <p class="notice" role="status">"You are signed out."</p> })}
            <form class="desk-form" method="post" action=SignIn::url()>
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
                />
                <button type="submit">"Sign in"</button>
            </form>
        </div>
    }
}
