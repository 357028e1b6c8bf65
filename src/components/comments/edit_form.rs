//! Editing one's own comment in place: the Markdown source in a text box, saved through
//! `edit_comment` (a plain form post without JavaScript).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::comments::EditComment;
use crate::components::comments::{
    CommentActions, EditDraft, error_for, field_message, form_message,
};

#[component]
pub fn EditForm(id: i64, source: String, actions: CommentActions) -> impl IntoView {
    let slug = actions.slug.get_value();
    let draft = RwSignal::new(source.clone());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !actions.edit.pending().get_untracked() {
            actions.edit.dispatch(EditDraft {
                id,
                body: draft.get_untracked(),
            });
        }
    };
    let error = move || {
        error_for(actions.edit, |sent| {
            sent.id == id && draft.with(|d| *d == sent.body)
        })
    };
    let body_error = move || field_message(error().as_ref(), "body");
    let other_error = move || form_message(error().as_ref(), &["body"]);
    let field = format!("edit-body-{id}");
    let error_id = format!("edit-body-{id}-error");
    view! {
        <form class="comment-edit" method="post" action=EditComment::url() on:submit=on_submit>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="id" value=id/>
            <label for=field.clone()>"Edit your comment"</label>
            <textarea
                id=field
                name="body"
                required
                rows="4"
                aria-invalid=move || body_error().map(|_| "true")
                aria-describedby=error_id.clone()
                on:input=move |ev| draft.set(event_target_value(&ev))
                prop:value=move || draft.get()
            >
                {source}
            </textarea>
            <p id=error_id class="field-error">{body_error}</p>
            <div class="comment-edit__actions">
                <button type="submit" disabled=move || actions.edit.pending().get()>
                    {move || if actions.edit.pending().get() { "Saving…" } else { "Save changes" }}
                </button>
                <a href=format!("/pulse/{slug}#comment-{id}")>"Cancel"</a>
            </div>
            <p class="comment-form__error" role="alert">{other_error}</p>
        </form>
    }
}
