//! React: one button per configured reaction, with its count. Each button is its own small
//! form, so without JavaScript a click posts and the page comes back with the new state. With
//! JavaScript the page router (`pulse.js`, `react`) shows the change at once and posts it in
//! the background; a failure rolls it back and says why in the bar's alert. Counts changed by
//! others arrive on the live connection, and the router writes them into the buttons
//! (`data-reactions` names the brief, `data-kind` each reaction) and announces a summary
//! politely. Nothing of this ships as WASM.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::reactions::React;
use crate::contexts::site::use_site;
use crate::model::ReactionState;

#[component]
pub fn ReactionBar(slug: String, state: ReactionState) -> impl IntoView {
    let site = use_site();
    view! {
        <section class="brief__section reactions" aria-labelledby="react" data-reactions=slug.clone()>
            <h2 id="react">"React"</h2>
            <div class="reactions__bar">
                {site
                    .reactions
                    .into_iter()
                    .map(|reaction| {
                        let pressed = state.mine.contains(&reaction.key);
                        let count = state.counts.get(&reaction.key).copied().unwrap_or(0);
                        let (kind, label) = (reaction.key.clone(), reaction.label.clone());
                        view! {
                            <form
                                class="reactions__form"
                                method="post"
                                action=React::url()
                                data-kind=kind
                                data-label=label
                            >
                                <input type="hidden" name="slug" value=slug.clone()/>
                                <input type="hidden" name="kind" value=reaction.key/>
                                <input type="hidden" name="active" value=(!pressed).to_string()/>
                                <button
                                    type="submit"
                                    class="reactions__button"
                                    aria-pressed=pressed.to_string()
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
            <p class="reactions__error" role="alert"></p>
            // Counts changed by others are announced politely; a burst collapses into the
            // latest summary instead of a flood.
            <p class="visually-hidden reactions__announce" aria-live="polite"></p>
        </section>
    }
}
