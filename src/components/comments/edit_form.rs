//! Editing one's own comment in place: the Markdown source in a text box, saved through
//! `edit_comment` as a plain form post, which the page router sends in the background when
//! JavaScript is on (a refused edit's message lands in the form's alert). Rendered by the
//! server only.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::comments::EditComment;
use crate::components::comments::comment_href;
use crate::components::escaped_text;

#[component]
pub fn EditForm(slug: String, id: i64, source: String) -> impl IntoView {
    let field = format!("edit-body-{id}");
    view! {
        <form class="comment-edit" method="post" action=EditComment::url()>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="id" value=id/>
            <label for=field.clone()>"Edit your comment"</label>
            <textarea id=field name="body" required rows="4" inner_html=escaped_text(&source)></textarea>
            <div class="comment-edit__actions">
                <button type="submit">"Save changes"</button>
                <a href=comment_href(&slug, id)>"Cancel"</a>
            </div>
            <p class="comment-form__error" role="alert"></p>
        </form>
    }
}
