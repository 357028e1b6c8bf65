//! Comments: the whole thread rendered with the page (readable and indexable without
//! JavaScript), then the form. Comments this reader posts join the thread at once.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::comments::PostComment;
use crate::components::comment_item::CommentItem;
use crate::contexts::live::use_live;
use crate::contexts::site::use_site;
use crate::model::{Comment, comments_label};

#[component]
pub fn CommentsSection(
    slug: String,
    comments: Vec<Comment>,
    count: u32,
    my_name: Option<String>,
    comment_key: String,
) -> impl IntoView {
    let site = use_site();
    let post = ServerAction::<PostComment>::new();
    let thread = RwSignal::new(comments);
    let count = RwSignal::new(count);
    // Each successful post gets a fresh key; a retry of the same post reuses it.
    let posted = RwSignal::new(0_u32);
    let key = move || format!("{comment_key}-{}", posted.get());
    let body = RwSignal::new(String::new());

    Effect::new(move || {
        if let Some(Ok(comment)) = post.value().get()
            && comment.id != 0
            && thread.with_untracked(|t| t.iter().all(|c| c.id != comment.id))
        {
            thread.update(|t| insert_in_thread(t, comment));
            count.update(|n| *n += 1);
            posted.update(|n| *n += 1);
            body.set(String::new());
        }
    });

    // Comments from others, heard live, wait behind a button instead of shifting the page.
    let live = use_live();
    let waiting = {
        let slug = slug.clone();
        Memo::new(move |_| {
            let heard = live
                .comments
                .with(|all| all.get(&slug).cloned().unwrap_or_default());
            thread.with(|t| {
                heard
                    .into_iter()
                    .filter(|c| t.iter().all(|seen| seen.id != c.id))
                    .collect::<Vec<_>>()
            })
        })
    };
    let show_waiting = move |_| {
        for comment in waiting.get_untracked() {
            thread.update(|t| insert_in_thread(t, comment));
        }
    };
    let waiting_label = move || match waiting.with(Vec::len) {
        1 => "1 new comment — show".to_string(),
        n => format!("{n} new comments — show"),
    };
    let announcement = move || match waiting.with(Vec::len) {
        0 => String::new(),
        1 => "1 new comment".to_string(),
        n => format!("{n} new comments"),
    };
    let live_count = {
        let slug = slug.clone();
        move || live.comment_count(&slug, 0)
    };

    let query = use_query_map();
    let replying_to = move || {
        let id = query.read().get("reply_to")?.parse::<i64>().ok()?;
        thread.with(|t| {
            t.iter()
                .find(|c| c.id == id)
                .map(|c| (c.id, c.author_name.clone()))
        })
    };
    let error = move || {
        post.value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let max_chars = site.comment_max_body_chars;
    let used = move || body.with(|b| b.chars().count());
    let heading = move || comments_label(count.get().max(live_count()));

    view! {
        <section class="brief__section comments" aria-labelledby="comments">
            <h2 id="comments">"Comments"</h2>
            <p class="comments__count">{heading}</p>
            <Show when=move || waiting.with(|w| !w.is_empty())>
                <button type="button" class="comments__waiting" on:click=show_waiting>
                    {waiting_label}
                </button>
            </Show>
            <p class="visually-hidden" aria-live="polite">{announcement}</p>
            <Show
                when=move || thread.with(|t| !t.is_empty())
                fallback=|| view! { <p class="comments__empty">"No comments yet. Start the discussion."</p> }
            >
                <ol class="comments__list">
                    <For each=move || thread.get() key=|c| c.id let(comment)>
                        <CommentItem comment/>
                    </For>
                </ol>
            </Show>
            <ActionForm action=post attr:id="comment-form" attr:class="comment-form">
                <h3 class="comment-form__title">
                    {move || match replying_to() {
                        Some((_, name)) => format!("Reply to {name}"),
                        None => "Join the discussion".to_string(),
                    }}
                </h3>
                {move || replying_to().map(|(id, _)| view! {
                    <input type="hidden" name="parent" value=id/>
                    <p class="comment-form__replying"><a href="#comment-form">"Cancel reply"</a></p>
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
                />
                <label for="comment-body">"Comment"</label>
                <textarea
                    id="comment-body"
                    name="body"
                    required
                    rows="5"
                    aria-describedby="comment-help comment-chars"
                    on:input=move |ev| body.set(event_target_value(&ev))
                    prop:value=move || body.get()
                ></textarea>
                <p id="comment-help" class="comment-form__help">
                    "Markdown works: *emphasis*, **bold**, [links](https://example.org), `code`, > quotes and lists."
                </p>
                <p
                    id="comment-chars"
                    class=move || {
                        if used() > max_chars as usize { "comment-form__chars over" } else { "comment-form__chars" }
                    }
                >
                    {move || format!("{} / {max_chars} characters", used())}
                </p>
                // A field people never see; bots fill it in.
                <div class="visually-hidden" aria-hidden="true">
                    <label>"Leave this empty" <input name="website" tabindex="-1" autocomplete="off"/></label>
                </div>
                <button type="submit" class="comment-form__submit" disabled=move || post.pending().get()>
                    {move || if post.pending().get() { "Posting…" } else { "Post comment" }}
                </button>
                <p class="comment-form__error" role="alert">{error}</p>
            </ActionForm>
        </section>
    }
}

/// Puts a new comment where the server's thread order would: after its parent's last
/// descendant, or at the end.
fn insert_in_thread(thread: &mut Vec<Comment>, comment: Comment) {
    let Some(parent) = comment
        .parent_id
        .and_then(|p| thread.iter().position(|c| c.id == p))
    else {
        thread.push(comment);
        return;
    };
    let parent_depth = thread[parent].depth;
    let end = thread[parent + 1..]
        .iter()
        .position(|c| c.depth <= parent_depth)
        .map_or(thread.len(), |offset| parent + 1 + offset);
    thread.insert(end, comment);
}
