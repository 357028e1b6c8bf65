//! Deleting one's own comment, after a confirmation in place: a plain form post, which the
//! page router sends in the background when JavaScript is on (rendered by the server only).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::comments::DeleteComment;
use crate::components::comments::comment_href;

#[component]
pub fn DeleteForm(slug: String, id: i64) -> impl IntoView {
    view! {
        <form class="comment-delete" method="post" action=DeleteComment::url()>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="id" value=id/>
            <p>"Delete this comment? Its text is erased for good."</p>
            <div class="comment-edit__actions">
                <button type="submit" class="danger">"Delete comment"</button>
                <a href=comment_href(&slug, id)>"Keep it"</a>
            </div>
            <p class="comment-form__error" role="alert"></p>
        </form>
    }
}
