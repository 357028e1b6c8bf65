//! Editing one's own comment in place (an island): the Markdown source in a text box, saved
//! through `edit_comment` (a plain form post without JavaScript). The source is rendered into
//! the text box once, by the server; the island reads what the box holds when it is sent.

use leptos::ev::SubmitEvent;
use leptos::html::Textarea;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::comments::{EditComment, edit_comment};
use crate::components::comments::{
    Sent, comment_href, error_for, field_message, form_message, land_on,
};
use crate::components::escaped_text;
use crate::model::props::SsrOnly;

#[island]
pub fn EditForm(slug: String, id: i64, source: SsrOnly<String>) -> impl IntoView {
    let box_ref = NodeRef::<Textarea>::new();
    let back = comment_href(&slug, id);
    let save: Sent<String, ()> = {
        let slug = slug.clone();
        let back = back.clone();
        Action::new(move |body: &String| {
            let (slug, body, back) = (slug.clone(), body.clone(), back.clone());
            async move {
                let result = edit_comment(slug, id, body.clone()).await.map(|_| ());
                if result.is_ok() {
                    land_on(&back);
                }
                (body, result)
            }
        })
    };
    // The latest error, for as long as the box still holds what got it.
    let typed = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = box_ref
            .get_untracked()
            .map(|b| b.value())
            .unwrap_or_default();
        if !save.pending().get_untracked() {
            typed.set(false);
            save.dispatch(body);
        }
    };
    let error = move || error_for(save, |_| !typed.get());
    let body_error = move || field_message(error().as_ref(), "body");
    let other_error = move || form_message(error().as_ref(), &["body"]);
    let field = format!("edit-body-{id}");
    let error_id = format!("edit-body-{id}-error");
    view! {
        <form class="comment-edit" method="post" action=EditComment::url() on:submit=on_submit>
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="id" value=id/>
            <label for=field.clone()>"Edit your comment"</label>
            <textarea
                id=field
                name="body"
                required
                rows="4"
                aria-invalid=move || body_error().map(|_| "true")
                aria-describedby=error_id.clone()
                node_ref=box_ref
                on:input=move |_| typed.set(true)
                inner_html=escaped_text(&source.0)
            ></textarea>
            <p id=error_id class="field-error">{body_error}</p>
            <div class="comment-edit__actions">
                <button type="submit" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save changes" }}
                </button>
                <a href=back>"Cancel"</a>
            </div>
            <p class="comment-form__error" role="alert">{other_error}</p>
        </form>
    }
}
