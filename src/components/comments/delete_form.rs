//! Deleting one's own comment, after a confirmation in place (a plain form post without
//! JavaScript).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::comments::DeleteComment;
use crate::components::comments::{CommentActions, error_for};

#[component]
pub fn DeleteForm(id: i64, actions: CommentActions) -> impl IntoView {
    let slug = actions.slug.get_value();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !actions.delete.pending().get_untracked() {
            actions.delete.dispatch(id);
        }
    };
    let error = move || error_for(actions.delete, |sent| *sent == id).map(|e| e.to_string());
    view! {
        <form class="comment-delete" method="post" action=DeleteComment::url() on:submit=on_submit>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="id" value=id/>
            <p>"Delete this comment? Its text is erased for good."</p>
            <div class="comment-edit__actions">
                <button type="submit" class="danger" disabled=move || actions.delete.pending().get()>
                    {move || if actions.delete.pending().get() { "Deleting…" } else { "Delete comment" }}
                </button>
                <a href=format!("/pulse/{slug}#comment-{id}")>"Keep it"</a>
            </div>
            <p class="comment-form__error" role="alert">{error}</p>
        </form>
    }
}
