//! The page's `<title>`. leptos_meta 0.8 writes a title's text into the served `<head>` as it
//! is (`</title>` in a search or a brief's title would end the element and start markup), so
//! every page sets its title here, escaped. Titles are only ever rendered on the server (no
//! page is hydrated whole), so the escaped text is never shown as entities.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::escaped_text;

#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <Title text=escaped_text(&text)/> }
}
