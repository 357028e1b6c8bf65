//! The form that posts a comment or a reply. Without JavaScript it is a plain form post and
//! the server sends the browser back to the new comment; with JavaScript it is sent in the
//! background while the comment shows as pending. Messages appear beside the field they are
//! about.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::api::comments::PostComment;
use crate::components::comments::{CommentActions, Draft, error_for, field_message, form_message};
use crate::contexts::site::use_site;
use crate::model::Comment;

#[component]
pub fn PostForm(
    actions: CommentActions,
    thread: RwSignal<Vec<Comment>>,
    my_name: Option<String>,
    comment_key: String,
    /// How many posts this page has confirmed: part of the next post's key.
    posted: RwSignal<u32>,
    body: RwSignal<String>,
) -> impl IntoView {
    let site = use_site();
    let slug = actions.slug.get_value();
    let key = move || format!("{comment_key}-{}", posted.get());
    let name = RwSignal::new(my_name.clone().unwrap_or_default());
    let honeypot = NodeRef::<leptos::html::Input>::new();

    let query = use_query_map();
    let replying_to = move || {
        let id = query.read().get("reply_to")?.parse::<i64>().ok()?;
        thread.with(|t| {
            t.iter()
                .find(|c| c.id == id && !c.author_name.is_empty())
                .map(|c| (c.id, c.author_name.clone()))
        })
    };

    let on_submit = {
        let key = key.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if actions.post.pending().get_untracked() {
                return;
            }
            actions.post.dispatch(Draft {
                parent: replying_to().map(|(id, _)| id),
                name: name.get_untracked(),
                body: body.get_untracked(),
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
        error_for(actions.post, |sent| {
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
    let cancel_reply = format!("/pulse/{slug}#comment-form");

    view! {
        <form
            id="comment-form"
            class="comment-form"
            method="post"
            action=PostComment::url()
            on:submit=on_submit
        >
            <h3 class="comment-form__title">
                {move || match replying_to() {
                    Some((_, name)) => format!("Reply to {name}"),
                    None => "Join the discussion".to_string(),
                }}
            </h3>
            {move || replying_to().map(|(id, _)| view! {
                <input type="hidden" name="parent" value=id/>
                <p class="comment-form__replying"><a href=cancel_reply.clone()>"Cancel reply"</a></p>
            })}
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
                on:input=move |ev| body.set(event_target_value(&ev))
                prop:value=move || body.get()
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
            <button type="submit" class="comment-form__submit" disabled=move || actions.post.pending().get()>
                {move || if actions.post.pending().get() { "Posting…" } else { "Post comment" }}
            </button>
            <p class="comment-form__error" role="alert">{general_error}</p>
        </form>
    }
}
