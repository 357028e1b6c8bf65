//! `/desk/account`: the signed-in editor's own account — who they are, and changing their
//! password (the current one first; every other session ends, this one stays). A plain form
//! post without JavaScript (`?changed=1` afterwards); with it the answer appears in place.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::editors::{ChangePassword, change_password};
use crate::components::desk::desk_frame::DeskFrame;
use crate::model::editors::{Editor, MIN_PASSWORD_CHARS};

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Desk · Your account"/>
        <DeskFrame title="Your account" children=|editor| view! { <Account editor/> }/>
    }
}

#[component]
fn Account(editor: Editor) -> impl IntoView {
    let query = use_query_map();
    let fields: [RwSignal<String>; 3] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let [current, new_password, repeat] = fields;
    let change = Action::new(|[current, new_password, repeat]: &[String; 3]| {
        let (current, new_password, repeat) =
            (current.clone(), new_password.clone(), repeat.clone());
        async move { change_password(current, new_password, repeat).await }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !change.pending().get_untracked() {
            change.dispatch(fields.map(|f| f.get_untracked()));
        }
    };
    let changed = move || match change.value().get() {
        Some(Ok(())) => true,
        Some(Err(_)) => false,
        None => query.read().get("changed").is_some(),
    };
    let error = move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let minimum = MIN_PASSWORD_CHARS.to_string();
    view! {
        <p>{format!("{} · {} · {}", editor.name, editor.email, editor.role.as_str())}</p>
        <h2>"Change your password"</h2>
        <Show when=changed>
            <p class="notice" role="status">
                "Password changed. Every other session of your account has ended."
            </p>
        </Show>
        <form class="desk-form" method="post" action=ChangePassword::url() on:submit=on_submit>
            <p class="form-error" role="alert">{error}</p>
            <label for="account-current">"Current password"</label>
            <input
                id="account-current"
                type="password"
                name="current"
                required
                autocomplete="current-password"
                on:input=move |ev| current.set(event_target_value(&ev))
            />
            <label for="account-new">"New password"</label>
            <input
                id="account-new"
                type="password"
                name="new_password"
                required
                minlength=minimum.clone()
                autocomplete="new-password"
                on:input=move |ev| new_password.set(event_target_value(&ev))
            />
            <label for="account-repeat">"New password again"</label>
            <input
                id="account-repeat"
                type="password"
                name="repeat"
                required
                minlength=minimum
                autocomplete="new-password"
                on:input=move |ev| repeat.set(event_target_value(&ev))
            />
            <button type="submit" disabled=move || change.pending().get()>"Change password"</button>
        </form>
    }
}
