//! The list of keyboard shortcuts, on every page, hidden until the reader presses `?`. The keys
//! are the page router's (`pulse.js`, `shortcuts`): `j`/`k` move between the briefs of a feed,
//! `o` opens the one in focus (Enter does too, as on any link), `/` goes to the search field,
//! `?` shows or hides this list and Escape hides it. Keys typed into a form field are never
//! taken, nor are keys held with Ctrl, Alt or Meta. Everything stays reachable with Tab alone.

use leptos::prelude::*;

#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    view! {
        <section class="shortcuts" role="dialog" aria-labelledby="shortcuts-title" hidden>
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
            <button type="button" class="shortcuts__close">"Close"</button>
        </section>
    }
}
