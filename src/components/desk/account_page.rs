//! `/desk/account`: the signed-in editor's own account — who they are, and changing their
//! password (the current one first; every other session ends, this one stays). A plain form
//! post (`?changed=1` afterwards), rendered on the server; with JavaScript the page router
//! sends it and shows the answer in place.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::api::editors::ChangePassword;
use crate::components::desk::desk_frame::DeskFrame;
use crate::components::page_title::PageTitle;
use crate::model::editors::{Editor, MIN_PASSWORD_CHARS};

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <PageTitle text="Desk · Your account"/>
        <DeskFrame title="Your account" children=|editor| view! { <Account editor/> }/>
    }
}

#[component]
fn Account(editor: Editor) -> impl IntoView {
    let query = use_query_map();
    let changed = query.get_untracked().get("changed").is_some();
    let minimum = MIN_PASSWORD_CHARS.to_string();
    view! {
        <p>{format!("{} · {} · {}", editor.name, editor.email, editor.role.as_str())}</p>
        <h2>"Change your password"</h2>
        {changed.then(|| view! {
            <p class="notice" role="status">
                "Password changed. Every other session of your account has ended."
            </p>
        })}
        <form class="desk-form" method="post" action=ChangePassword::url()>
            <p class="form-error" role="alert"></p>
            <label for="account-current">"Current password"</label>
            <input
                id="account-current"
                type="password"
                name="current"
                required
                autocomplete="current-password"
            />
            <label for="account-new">"New password"</label>
            <input
                id="account-new"
                type="password"
                name="new_password"
                required
                minlength=minimum.clone()
                autocomplete="new-password"
            />
            <label for="account-repeat">"New password again"</label>
            <input
                id="account-repeat"
                type="password"
                name="repeat"
                required
                minlength=minimum
                autocomplete="new-password"
            />
            <button type="submit">"Change password"</button>
        </form>
    }
}
