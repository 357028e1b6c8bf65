//! One comment: who, when, whether it was edited, and the body sanitised on the server when it
//! was written (which is what makes `inner_html` safe here).

use leptos::prelude::*;

use crate::model::Comment;

#[component]
pub fn CommentItem(comment: Comment) -> impl IntoView {
    let id = comment.id;
    let depth = comment.depth.min(8);
    let label = format!("Comment by {}", comment.author_name);
    let exact = comment.created_label.clone();
    view! {
        <li id=format!("comment-{id}") class=format!("comment comment--depth-{depth}")>
            <article class="comment__card" aria-label=label>
                <header class="comment__meta">
                    <strong class="comment__author">{comment.author_name}</strong>
                    <time datetime=comment.created_at title=exact>
                        {comment.created_label}
                    </time>
                    {comment.edited.then(|| view! { <span class="comment__edited">"edited"</span> })}
                </header>
                <div class="comment__body prose" inner_html=comment.body_html></div>
                <a class="comment__reply" href=format!("?reply_to={id}#comment-form")>"Reply"</a>
            </article>
        </li>
    }
}
