//! The "Sign out" button: a plain form post (with JavaScript the page router sends it and goes
//! on to the sign-in page the answer leads to).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::editors::SignOut;

#[component]
pub fn SignOutForm() -> impl IntoView {
    view! {
        <form class="desk-signout" method="post" action=SignOut::url()>
            <button type="submit" class="button-quiet">"Sign out"</button>
        </form>
    }
}
