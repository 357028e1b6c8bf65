//! The "Sign out" button: a form post that works without JavaScript; with it, the app signs
//! out in place and goes to the sign-in page.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_navigate;

use crate::api::editors::{SignOut, sign_out};

#[component]
pub fn SignOutForm() -> impl IntoView {
    let navigate = use_navigate();
    let leave = Action::new(|()| sign_out());
    Effect::new(move |_| {
        if let Some(Ok(())) = leave.value().get() {
            navigate("/desk/login?signed_out=1", Default::default());
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        leave.dispatch(());
    };
    view! {
        <form class="desk-signout" method="post" action=SignOut::url() on:submit=on_submit>
            <button type="submit" class="button-quiet">"Sign out"</button>
        </form>
    }
}
