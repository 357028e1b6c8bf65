//! Deleting one's own comment, after a confirmation in place (an island; a plain form post
//! without JavaScript).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::comments::{DeleteComment, delete_comment};
use crate::components::comments::{Sent, comment_href, error_for, land_on};

#[island]
pub fn DeleteForm(slug: String, id: i64) -> impl IntoView {
    let erase: Sent<(), ()> = {
        let slug = slug.clone();
        Action::new(move |(): &()| {
            let slug = slug.clone();
            async move {
                let result = delete_comment(slug.clone(), id).await.map(|_| ());
                if result.is_ok() {
                    land_on(&format!("/pulse/{slug}#comments"));
                }
                ((), result)
            }
        })
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !erase.pending().get_untracked() {
            erase.dispatch(());
        }
    };
    let error = move || error_for(erase, |_| true).map(|e| e.to_string());
    view! {
        <form class="comment-delete" method="post" action=DeleteComment::url() on:submit=on_submit>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="id" value=id/>
            <p>"Delete this comment? Its text is erased for good."</p>
            <div class="comment-edit__actions">
                <button type="submit" class="danger" disabled=move || erase.pending().get()>
                    {move || if erase.pending().get() { "Deleting…" } else { "Delete comment" }}
                </button>
                <a href=comment_href(&slug, id)>"Keep it"</a>
            </div>
            <p class="comment-form__error" role="alert">{error}</p>
        </form>
    }
}
