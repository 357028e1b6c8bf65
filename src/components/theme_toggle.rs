//! Light / Dark / Auto switch (an island). Each choice is a tiny form, so it works without
//! JavaScript (the server sets the cookie and sends the reader back); with JavaScript the page
//! changes at once and the server call only makes the choice stick.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::preferences::{SetTheme, set_theme};
use crate::contexts::theme::{THEME_ATTRIBUTE, Theme};

#[island]
pub fn ThemeToggle(
    /// The theme the page was rendered with.
    theme: Theme,
) -> impl IntoView {
    let chosen = RwSignal::new(theme);
    view! {
        <div class="theme-toggle" role="group" aria-label="Colour theme">
            {Theme::ALL
                .into_iter()
                .map(|choice| {
                    let on_submit = move |ev: SubmitEvent| {
                        ev.prevent_default();
                        chosen.set(choice);
                        apply_to_document(choice);
                        leptos::task::spawn_local(async move {
                            // A failure only means the choice is not remembered next time.
                            let _ = set_theme(choice.as_str().to_string()).await;
                        });
                    };
                    view! {
                        <form class="theme-toggle__form" method="post" action=SetTheme::url() on:submit=on_submit>
                            <input type="hidden" name="theme" value=choice.as_str()/>
                            <button
                                type="submit"
                                class="theme-toggle__button"
                                aria-pressed=move || (chosen.get() == choice).to_string()
                            >
                                {choice.label()}
                            </button>
                        </form>
                    }
                })
                .collect_view()}
        </div>
    }
}

fn apply_to_document(choice: Theme) {
    let Some(root) = document().document_element() else {
        return;
    };
    // Failing to set an attribute only leaves the old theme showing; nothing to report.
    let _ = match choice {
        Theme::System => root.remove_attribute(THEME_ATTRIBUTE),
        _ => root.set_attribute(THEME_ATTRIBUTE, choice.as_str()),
    };
}
