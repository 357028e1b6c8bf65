//! Keyboard shortcuts on every page (an island): `j`/`k` move between the briefs of a feed, `o` opens the
//! one in focus (Enter does too, as on any link), `/` goes to the search field, `?` shows or
//! hides the list of shortcuts and Escape hides it. Keys typed into a form field are never
//! taken, nor are keys held with Ctrl, Alt or Meta. Everything stays reachable with Tab alone.

use leptos::prelude::*;

#[island]
pub fn KeyboardShortcuts() -> impl IntoView {
    let open = RwSignal::new(false);
    let listening = window_event_listener(leptos::ev::keydown, move |ev| {
        #[cfg(feature = "hydrate")]
        {
            use crate::client::keys;
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || keys::is_typing(&ev) {
                return;
            }
            match ev.key().as_str() {
                "j" if keys::move_between_briefs(true) => ev.prevent_default(),
                "k" if keys::move_between_briefs(false) => ev.prevent_default(),
                "o" => keys::open_focused_brief(),
                "/" if keys::focus_search() => ev.prevent_default(),
                "?" => {
                    ev.prevent_default();
                    open.update(|o| *o = !*o);
                }
                "Escape" => open.set(false),
                _ => {}
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, open);
    });
    on_cleanup(move || listening.remove());
    view! {
        <Show when=move || open.get()>
            <section class="shortcuts" role="dialog" aria-labelledby="shortcuts-title">
                <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                <dl class="shortcuts__list">
                    <dt><kbd>"j"</kbd></dt>
                    <dd>"Next brief"</dd>
                    <dt><kbd>"k"</kbd></dt>
                    <dd>"Previous brief"</dd>
                    <dt><kbd>"o"</kbd> " / " <kbd>"Enter"</kbd></dt>
                    <dd>"Open the brief in focus"</dd>
                    <dt><kbd>"/"</kbd></dt>
                    <dd>"Search briefs"</dd>
                    <dt><kbd>"?"</kbd></dt>
                    <dd>"Show or hide this list"</dd>
                    <dt><kbd>"Esc"</kbd></dt>
                    <dd>"Hide this list"</dd>
                </dl>
                <button type="button" on:click=move |_| open.set(false)>"Close"</button>
            </section>
        </Show>
    }
}
