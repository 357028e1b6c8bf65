//! The form that posts a comment or a reply. Without JavaScript it is a plain form post and
//! the server sends the browser back to the new comment. With JavaScript the page router
//! (`pulse.js`, `postComment`) sends it in the background while the comment shows as pending,
//! and once the server has it the page moves to it (the server renders it into the thread); it
//! also keeps the character count (`data-max`) as the reader types. A failure leaves the words
//! in the form and says why, beside the field it is about. A retry of the same words sends the
//! same key (`key` is this page's), so a lost answer never makes a second comment.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use crate::api::comments::PostComment;
use crate::components::email_form::Honeypot;
use crate::contexts::site::use_site;

/// The comment a reply answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyTo {
    pub id: i64,
    pub name: String,
}

#[component]
pub fn PostForm(
    slug: String,
    /// The name this reader last commented under.
    my_name: Option<String>,
    /// This page's idempotency key.
    comment_key: String,
    /// Set on `?reply_to=N`.
    reply_to: Option<ReplyTo>,
) -> impl IntoView {
    let site = use_site();
    let max_chars = site.comment_max_body_chars;
    let heading = match &reply_to {
        Some(to) => format!("Reply to {}", to.name),
        None => "Join the discussion".to_string(),
    };
    let replying = reply_to.map(|to| {
        let cancel = format!("/pulse/{slug}#comment-form");
        view! {
            <input type="hidden" name="parent" value=to.id/>
            <p class="comment-form__replying"><a href=cancel>"Cancel reply"</a></p>
        }
    });

    view! {
        <form id="comment-form" class="comment-form" method="post" action=PostComment::url()>
            <h3 class="comment-form__title">{heading}</h3>
            {replying}
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="key" value=comment_key/>
            <label for="comment-name">"Display name"</label>
            <input
                id="comment-name"
                name="name"
                required
                autocomplete="nickname"
                maxlength=site.comment_max_name_chars
                value=my_name
                aria-describedby="comment-name-error"
            />
            <p id="comment-name-error" class="field-error"></p>
            <label for="comment-body">"Comment"</label>
            <textarea
                id="comment-body"
                name="body"
                required
                rows="5"
                data-max=max_chars
                aria-describedby="comment-body-error comment-help comment-chars"
            ></textarea>
            <p id="comment-body-error" class="field-error"></p>
            <p id="comment-help" class="comment-form__help">
                "Markdown works: *emphasis*, **bold**, [links](https://example.org), `code`, > quotes and lists."
            </p>
            <p id="comment-chars" class="comment-form__chars">
                {format!("0 / {max_chars} characters")}
            </p>
            <label for="comment-notify">"Email me when someone replies (optional)"</label>
            <input
                id="comment-notify"
                type="email"
                name="notify"
                autocomplete="email"
                maxlength="254"
                aria-describedby="comment-notify-error comment-notify-help"
            />
            <p id="comment-notify-error" class="field-error"></p>
            <p id="comment-notify-help" class="comment-form__help">
                "Never shown to anyone. The first time, we mail a link to confirm the address."
            </p>
            <Honeypot/>
            <button type="submit" class="comment-form__submit">"Post comment"</button>
            <p class="comment-form__error" role="alert"></p>
        </form>
    }
}
