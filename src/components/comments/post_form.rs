//! The form that posts a comment or a reply (an island). Without JavaScript it is a plain form
//! post and the server sends the browser back to the new comment; with JavaScript it is sent in
//! the background while the comment shows as pending, and once the server has it the page
//! moves to it (the server renders it into the thread). A failure leaves the words in the form
//! and says why, beside the field it is about. A retry of the same words sends the same key,
//! so a lost answer never makes a second comment.

use leptos::ev::SubmitEvent;
use leptos::html::{Input, Textarea};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use crate::api::comments::{PostComment, post_comment};
use crate::components::comments::{
    Sent, comment_href, error_for, field_message, form_message, land_on,
};
use crate::contexts::live::use_live;
use crate::contexts::site::use_site;

/// The comment a reply answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyTo {
    pub id: i64,
    pub name: String,
}

/// A comment as submitted by the form, kept while it is on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Draft {
    parent: Option<i64>,
    name: String,
    body: String,
    /// Idempotency key: a retry of the same draft sends the same key.
    key: String,
    /// The honeypot's content (people leave it empty).
    website: String,
}

#[island]
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
    let live = use_live();
    // Each confirmed post gets a fresh key; a retry of the same post reuses it.
    let posted = RwSignal::new(0_u32);
    let key = move || format!("{comment_key}-{}", posted.get());
    let name = RwSignal::new(my_name.clone().unwrap_or_default());
    let body = RwSignal::new(String::new());
    let body_ref = NodeRef::<Textarea>::new();
    let honeypot = NodeRef::<Input>::new();

    let send: Sent<Draft, i64> = {
        let slug = slug.clone();
        Action::new(move |draft: &Draft| {
            let (slug, draft) = (slug.clone(), draft.clone());
            async move {
                let website = (!draft.website.is_empty()).then(|| draft.website.clone());
                let result = post_comment(
                    slug.clone(),
                    draft.parent,
                    draft.name.clone(),
                    draft.body.clone(),
                    draft.key.clone(),
                    website,
                )
                .await
                .map(|comment| comment.id);
                (draft, result)
            }
        })
    };
    // While this page's own post is on its way, and until the page moves to it, its live
    // echo is not "new" to this reader.
    let counted = StoredValue::new(false);
    let stop_counting = move || {
        if counted.get_value() {
            counted.set_value(false);
            live.posting.update(|n| *n = n.saturating_sub(1));
        }
    };
    on_cleanup(stop_counting);
    Effect::new({
        let slug = slug.clone();
        move || match send.value().get() {
            // Id 0 is the honeypot's pretend success: nothing to show.
            Some((_, Ok(0))) => {
                stop_counting();
                posted.update(|n| *n += 1);
                body.set(String::new());
                if let Some(area) = body_ref.get_untracked() {
                    area.set_value("");
                }
            }
            Some((_, Ok(id))) => {
                posted.update(|n| *n += 1);
                land_on(&comment_href(&slug, id));
            }
            Some((_, Err(_))) => stop_counting(),
            None => {}
        }
    });

    let parent = reply_to.as_ref().map(|r| r.id);
    let on_submit = {
        let key = key.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if send.pending().get_untracked() {
                return;
            }
            let text = body_ref
                .get_untracked()
                .map(|b| b.value())
                .unwrap_or_default();
            body.set(text.clone());
            if !counted.get_value() {
                counted.set_value(true);
                live.posting.update(|n| *n += 1);
            }
            send.dispatch(Draft {
                parent,
                name: name.get_untracked(),
                body: text,
                key: key(),
                website: honeypot
                    .get_untracked()
                    .map(|el| el.value())
                    .unwrap_or_default(),
            });
        }
    };

    // The latest answer's error, for as long as the form still holds what got it: once the
    // reader changes the text, a stale message would only mislead.
    let error = move || {
        error_for(send, |sent| {
            name.with(|n| *n == sent.name) && body.with(|b| *b == sent.body)
        })
    };
    let name_error = move || field_message(error().as_ref(), "name");
    let max_chars = site.comment_max_body_chars as usize;
    let used = move || body.with(|b| b.trim().chars().count());
    let body_error = move || {
        let over = used().saturating_sub(max_chars);
        if over > 0 {
            let unit = if over == 1 { "character" } else { "characters" };
            Some(format!(
                "That is {over} {unit} over the limit of {max_chars}."
            ))
        } else {
            field_message(error().as_ref(), "body")
        }
    };
    let general_error = move || form_message(error().as_ref(), &["name", "body"]);
    let pending = move || {
        send.input()
            .get()
            .filter(|draft: &Draft| draft.website.is_empty())
    };
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
        <Show when=move || pending().is_some()>
            <ol class="comments__list comments__list--pending">
                {move || pending().map(|draft| view! { <PendingComment draft/> })}
            </ol>
        </Show>
        <form
            id="comment-form"
            class="comment-form"
            method="post"
            action=PostComment::url()
            on:submit=on_submit
        >
            <h3 class="comment-form__title">{heading}</h3>
            {replying}
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="key" value=key/>
            <label for="comment-name">"Display name"</label>
            <input
                id="comment-name"
                name="name"
                required
                autocomplete="nickname"
                maxlength=site.comment_max_name_chars
                value=my_name
                aria-invalid=move || name_error().map(|_| "true")
                aria-describedby="comment-name-error"
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <p id="comment-name-error" class="field-error">{name_error}</p>
            <label for="comment-body">"Comment"</label>
            <textarea
                id="comment-body"
                name="body"
                required
                rows="5"
                aria-invalid=move || body_error().map(|_| "true")
                aria-describedby="comment-body-error comment-help comment-chars"
                node_ref=body_ref
                on:input=move |ev| body.set(event_target_value(&ev))
            ></textarea>
            <p id="comment-body-error" class="field-error">{body_error}</p>
            <p id="comment-help" class="comment-form__help">
                "Markdown works: *emphasis*, **bold**, [links](https://example.org), `code`, > quotes and lists."
            </p>
            <p
                id="comment-chars"
                class=move || {
                    if used() > max_chars { "comment-form__chars over" } else { "comment-form__chars" }
                }
            >
                {move || format!("{} / {max_chars} characters", used())}
            </p>
            // A field people never see; bots fill it in.
            <div class="visually-hidden" aria-hidden="true">
                <label>
                    "Leave this empty"
                    <input name="website" tabindex="-1" autocomplete="off" node_ref=honeypot/>
                </label>
            </div>
            <button type="submit" class="comment-form__submit" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "Posting…" } else { "Post comment" }}
            </button>
            <p class="comment-form__error" role="alert">{general_error}</p>
        </form>
    }
}

/// The reader's comment on its way to the server: shown at once, as plain text (the server
/// renders the Markdown), until the answer confirms it or takes it back.
#[component]
fn PendingComment(draft: Draft) -> impl IntoView {
    view! {
        <li class="comment comment--pending" aria-busy="true">
            <article class="comment__card" aria-label="Your comment, posting">
                <header class="comment__meta">
                    <strong class="comment__author">{draft.name}</strong>
                    <span class="comment__status">"Posting…"</span>
                </header>
                <p class="comment__body comment__body--pending">{draft.body}</p>
            </article>
        </li>
    }
}
