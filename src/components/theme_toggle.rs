//! Light / Dark / Auto switch. Each choice is a tiny form, so it works without JavaScript (the
//! server sets the cookie and sends the reader back); with JavaScript the page router changes
//! the page at once and posts the choice in the background, only to make it stick
//! (`chooseTheme` in `src/client/pulse.js`). Rendered by the server only.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::preferences::SetTheme;
use crate::contexts::theme::Theme;

#[component]
pub fn ThemeToggle(
    /// The theme the page was rendered with.
    theme: Theme,
) -> impl IntoView {
    view! {
        <div class="theme-toggle" role="group" aria-label="Colour theme">
            {Theme::ALL
                .into_iter()
                .map(|choice| view! {
                    <form class="theme-toggle__form" method="post" action=SetTheme::url()>
                        <input type="hidden" name="theme" value=choice.as_str()/>
                        <button
                            type="submit"
                            class="theme-toggle__button"
                            aria-pressed=(theme == choice).to_string()
                        >
                            {choice.label()}
                        </button>
                    </form>
                })
                .collect_view()}
        </div>
    }
}
