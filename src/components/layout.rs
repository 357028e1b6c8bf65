//! The frame around every page: skip link, site header (with search), `<main>`, footer,
//! the list of keyboard shortcuts. Rendered on the server; the page router (`pulse.js`) brings
//! its live parts to life (the live status note, the theme switch, the shortcuts).

use leptos::prelude::*;

use crate::components::keyboard_shortcuts::KeyboardShortcuts;
use crate::components::live_status::LiveStatusNote;
use crate::components::search_box::SearchBox;
use crate::components::theme_toggle::ThemeToggle;
use crate::contexts::site::use_site;
use crate::contexts::theme::use_theme;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let site = use_site();
    view! {
        <a class="skip-link" href="#main">"Skip to main content"</a>
        <header class="site-header">
            <div class="wrap site-header__row">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true"></span>
                    {site.name.clone()}
                </a>
                <SearchBox/>
                <LiveStatusNote/>
                <ThemeToggle theme=use_theme()/>
            </div>
        </header>
        <main id="main" class="wrap site-main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="wrap">
                <p>{site.name} " — " {site.tagline}</p>
                <nav aria-label="More from Pulse">
                    <a href="/digest">"Weekly digest archive"</a>
                    " · "
                    <a href="/newsletter">"Get the digest by email"</a>
                    " · "
                    <a href="/my-data">"Your data"</a>
                </nav>
                <p class="site-footer__keys">"Press " <kbd>"?"</kbd> " for keyboard shortcuts."</p>
            </div>
        </footer>
        <KeyboardShortcuts/>
    }
}
