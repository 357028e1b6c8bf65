//! Light / Dark / Auto switch. Each choice is a tiny form, so it works without JavaScript (the
//! server sets the cookie and sends the reader back); with JavaScript the page changes at once.

use leptos::prelude::*;

use crate::api::preferences::SetTheme;
use crate::contexts::theme::{THEME_ATTRIBUTE, Theme, use_theme};

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = use_theme().0;
    let set_theme = ServerAction::<SetTheme>::new();

    // Apply the choice as soon as it is made; the server call only makes it stick. Effects run
    // in the browser only, so the document is always there.
    Effect::new(move || {
        let chosen = set_theme
            .input()
            .with(|input| input.as_ref().and_then(|i| Theme::parse(&i.theme)));
        if let Some(choice) = chosen {
            theme.set(choice);
            apply_to_document(choice);
        }
    });

    view! {
        <div class="theme-toggle" role="group" aria-label="Colour theme">
            {Theme::ALL
                .into_iter()
                .map(|choice| {
                    view! {
                        <ActionForm action=set_theme attr:class="theme-toggle__form">
                            <input type="hidden" name="theme" value=choice.as_str()/>
                            <button
                                type="submit"
                                class="theme-toggle__button"
                                aria-pressed=move || (theme.get() == choice).to_string()
                            >
                                {choice.label()}
                            </button>
                        </ActionForm>
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
