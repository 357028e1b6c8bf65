//! React (an island): one button per configured reaction, with live counts. Each button is its
//! own small form, so without JavaScript a click posts and the page comes back with the new
//! state. With JavaScript the change shows at once and is reconciled with the server's
//! answer; a failure rolls it back and says why.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::reactions::{React, react};
use crate::contexts::live::use_live;
use crate::contexts::site::use_site;
use crate::model::{ReactionCounts, ReactionState};

/// One reader's change to one reaction, on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    kind: String,
    active: bool,
}

#[island]
pub fn ReactionBar(slug: String, state: ReactionState) -> impl IntoView {
    let site = use_site();
    let live = use_live();
    let after = live.cursor.get_untracked();
    let send = {
        let slug = slug.clone();
        Action::new(move |change: &Change| {
            let (slug, change) = (slug.clone(), change.clone());
            async move { react(slug, change.kind, change.active).await }
        })
    };

    // The latest known state: what the page came with, then every answer to this reader's
    // own clicks and every count change heard live, whichever came last.
    let current = RwSignal::new(state);
    Effect::new(move || {
        if let Some(Ok(answer)) = send.value().get() {
            current.set(answer);
        }
    });
    let heard = {
        let slug = slug.clone();
        Memo::new(move |_| live.reactions_after(&slug, after))
    };
    let announcement = RwSignal::new(String::new());
    Effect::new(move || {
        if let Some(counts) = heard.get() {
            announcement.set(summary(&counts));
            current.update(|s| s.counts = counts);
        }
    });
    // What the reader sees: the latest state with a change in flight already applied.
    let shown = Memo::new(move |_| {
        let mut shown = current.get();
        if let Some(pending) = send.input().get() {
            apply(&mut shown, &pending.kind, pending.active);
        }
        shown
    });
    let error = move || {
        send.value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };

    view! {
        <section class="brief__section reactions" aria-labelledby="react">
            <h2 id="react">"React"</h2>
            <div class="reactions__bar">
                {site
                    .reactions
                    .into_iter()
                    .map(|reaction| {
                        let key = reaction.key.clone();
                        let pressed = {
                            let key = key.clone();
                            move || shown.with(|s| s.mine.contains(&key))
                        };
                        let count = {
                            let key = key.clone();
                            move || shown.with(|s| s.counts.get(&key).copied().unwrap_or(0))
                        };
                        let next = {
                            let pressed = pressed.clone();
                            move || (!pressed()).to_string()
                        };
                        let on_submit = {
                            let (key, pressed) = (key.clone(), pressed.clone());
                            move |ev: SubmitEvent| {
                                ev.prevent_default();
                                send.dispatch(Change { kind: key.clone(), active: !pressed() });
                            }
                        };
                        view! {
                            <form class="reactions__form" method="post" action=React::url() on:submit=on_submit>
                                <input type="hidden" name="slug" value=slug.clone()/>
                                <input type="hidden" name="kind" value=key/>
                                <input type="hidden" name="active" value=next/>
                                <button
                                    type="submit"
                                    class="reactions__button"
                                    aria-pressed=move || pressed().to_string()
                                >
                                    <span class="reactions__emoji" aria-hidden="true">{reaction.emoji}</span>
                                    " " {reaction.label} " "
                                    <span class="reactions__count">{count}</span>
                                </button>
                            </form>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="reactions__error" role="alert">{error}</p>
            // Counts changed by others are announced politely; a burst collapses into the
            // latest summary instead of a flood.
            <p class="visually-hidden" aria-live="polite">{announcement}</p>
        </section>
    }
}

/// Applies one reader's change to a state, as the server will.
fn apply(state: &mut ReactionState, kind: &str, active: bool) {
    let had = state.mine.iter().any(|k| k == kind);
    if active == had {
        return;
    }
    let count = state.counts.entry(kind.to_string()).or_insert(0);
    if active {
        *count += 1;
        state.mine.push(kind.to_string());
    } else {
        *count = count.saturating_sub(1);
        state.mine.retain(|k| k != kind);
    }
}

/// "Reactions now: Hot 3, Useful 1", in the configured order.
fn summary(counts: &ReactionCounts) -> String {
    let parts: Vec<String> = use_site()
        .reactions_given(counts)
        .into_iter()
        .map(|(r, n)| format!("{} {n}", r.label))
        .collect();
    if parts.is_empty() {
        "No reactions yet".to_string()
    } else {
        format!("Reactions now: {}", parts.join(", "))
    }
}
