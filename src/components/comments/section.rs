//! The comments section: the whole thread rendered with the page (readable and indexable
//! without JavaScript), then the form. The reader's own writes change the thread at once;
//! other readers' new comments wait behind a button, and their edits and removals apply in
//! place as they are heard live.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::components::comments::item::CommentItem;
use crate::components::comments::post_form::PostForm;
use crate::components::comments::{CommentActions, Draft};
use crate::contexts::live::{apply_change, use_live};
use crate::contexts::site::use_site;
use crate::model::{Comment, CommentChanged, CommentState, OwnComment, comments_label};

#[component]
pub fn CommentsSection(
    slug: String,
    comments: Vec<Comment>,
    count: u32,
    mine: Vec<OwnComment>,
    my_name: Option<String>,
    comment_key: String,
) -> impl IntoView {
    let site = use_site();
    let actions = CommentActions::new(slug.clone());
    let thread = RwSignal::new(comments);
    let mine = RwSignal::new(mine);
    let count = RwSignal::new(count);
    let live = use_live();
    let navigate = use_navigate();
    let go = {
        let slug = slug.clone();
        move |rest: String| navigate(&format!("/pulse/{slug}{rest}"), Default::default())
    };
    // Each confirmed post gets a fresh key; a retry of the same post reuses it.
    let posted = RwSignal::new(0_u32);
    let body = RwSignal::new(String::new());

    // The reader's own post, confirmed: it joins the thread where the server would put it.
    Effect::new({
        let go = go.clone();
        move || {
            let Some((draft, Ok(comment))) = actions.post.value().get() else {
                return;
            };
            posted.update(|n| *n += 1);
            body.set(String::new());
            // Id 0 is the honeypot's pretend success: nothing to show.
            if comment.id == 0 || thread.with_untracked(|t| t.iter().any(|c| c.id == comment.id)) {
                return;
            }
            let id = comment.id;
            if comment.state == CommentState::Visible {
                count.update(|n| *n += 1);
            }
            mine.update(|m| {
                m.push(OwnComment {
                    id,
                    body_md: draft.body.trim().to_string(),
                    editable_seconds: site.comment_edit_seconds,
                })
            });
            thread.update(|t| insert_in_thread(t, comment));
            if draft.parent.is_some() {
                go(format!("#comment-{id}"));
            }
        }
    });

    // The reader's own edits and deletions, confirmed.
    let own_change = move |changed: &CommentChanged| {
        thread.update(|t| apply_change(t, changed));
        count.set(changed.count);
    };
    Effect::new({
        let go = go.clone();
        move || {
            let Some((draft, Ok(changed))) = actions.edit.value().get() else {
                return;
            };
            own_change(&changed);
            mine.update(|m| {
                if let Some(own) = m.iter_mut().find(|o| o.id == draft.id) {
                    own.body_md = draft.body.trim().to_string();
                }
            });
            go(format!("#comment-{}", draft.id));
        }
    });
    Effect::new({
        let go = go.clone();
        move || {
            let Some((id, Ok(changed))) = actions.delete.value().get() else {
                return;
            };
            own_change(&changed);
            mine.update(|m| m.retain(|o| o.id != id));
            go("#comments".to_string());
        }
    });
    Effect::new({
        let go = go.clone();
        move || {
            if let Some((draft, Ok(()))) = actions.report.value().get() {
                go(format!("?reported={0}#comment-{0}", draft.id));
            }
        }
    });

    // Changes heard live, applied in place. The reader's own comment taken off everyone's page
    // for review (held) stays on theirs, marked as held, as it would after a reload; one a
    // moderator hid or deleted leaves theirs too.
    let applied = StoredValue::new(0_usize);
    Effect::new({
        let slug = slug.clone();
        move || {
            live.comment_changes.with(|all| {
                for changed in all.iter().skip(applied.get_value()) {
                    if changed.slug != slug {
                        continue;
                    }
                    let own = mine.with_untracked(|m| m.iter().any(|o| o.id == changed.id));
                    thread.update(|t| match (&changed.comment, own) {
                        (None, true) if changed.held => {
                            if let Some(c) = t.iter_mut().find(|c| c.id == changed.id) {
                                c.state = CommentState::Held;
                            }
                        }
                        _ => apply_change(t, changed),
                    });
                }
                applied.set_value(all.len());
            });
        }
    });

    // Comments from others, heard live, wait behind a button instead of shifting the page.
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
    // While the reader's own post is on its way, its live echo may arrive first: not "new".
    let waiting_count = move || {
        if actions.post.pending().get() {
            0
        } else {
            waiting.with(Vec::len)
        }
    };
    let show_waiting = move |_| {
        for comment in waiting.get_untracked() {
            thread.update(|t| insert_in_thread(t, comment));
        }
    };
    let waiting_label = move || match waiting_count() {
        1 => "1 new comment — show".to_string(),
        n => format!("{n} new comments — show"),
    };
    let announcement = move || match waiting_count() {
        0 => String::new(),
        1 => "1 new comment".to_string(),
        n => format!("{n} new comments"),
    };
    let heading = {
        let slug = slug.clone();
        move || comments_label(live.comment_count(&slug, count.get()))
    };

    let rows = Memo::new(move |_| {
        thread.with(|t| {
            mine.with(|m| {
                t.iter()
                    .map(|c| (c.clone(), m.iter().find(|o| o.id == c.id).cloned()))
                    .collect::<Vec<_>>()
            })
        })
    });
    let pending = move || {
        actions
            .post
            .input()
            .get()
            .filter(|draft: &Draft| draft.website.is_empty())
    };

    view! {
        <section class="brief__section comments" aria-labelledby="comments">
            <h2 id="comments">"Comments"</h2>
            <p class="comments__count">{heading}</p>
            <Show when=move || { waiting_count() > 0 }>
                <button type="button" class="comments__waiting" on:click=show_waiting>
                    {waiting_label}
                </button>
            </Show>
            <p class="visually-hidden" aria-live="polite">{announcement}</p>
            <Show when=move || thread.with(Vec::is_empty) && pending().is_none()>
                <p class="comments__empty">"No comments yet. Start the discussion."</p>
            </Show>
            <ol class="comments__list">
                <For
                    each=move || rows.get()
                    key=|(comment, own)| (comment.revision(), own.is_some())
                    let((comment, own))
                >
                    <CommentItem comment own actions/>
                </For>
                {move || pending().map(|draft| view! { <PendingComment draft/> })}
            </ol>
            <PostForm actions thread my_name comment_key posted body/>
        </section>
    }
}

/// The reader's comment on its way to the server: shown at once, as plain text (the server
/// renders the Markdown), until the answer confirms it or takes it back.
#[component]
fn PendingComment(draft: Draft) -> impl IntoView {
    view! {
        <li class="comment comment--pending" aria-busy="true">
            <article class="comment__card" aria-label=format!("Your comment, posting")>
                <header class="comment__meta">
                    <strong class="comment__author">{draft.name}</strong>
                    <span class="comment__status">"Posting…"</span>
                </header>
                <p class="comment__body comment__body--pending">{draft.body}</p>
            </article>
        </li>
    }
}

/// Puts a new comment where the server's thread order would: after its parent's last
/// descendant, or at the end.
pub fn insert_in_thread(thread: &mut Vec<Comment>, comment: Comment) {
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
