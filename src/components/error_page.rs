//! What a reader sees when a page cannot be shown. Sets the HTTP status during server rendering.

use leptos::prelude::*;
use leptos_meta::Meta;

use crate::components::page_title::PageTitle;
use crate::contexts::response::set_http_status;
use crate::error::AppError;

#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_http_status(error.status());
    let title = error.title();
    view! {
        <PageTitle text=title/>
        <Meta name="robots" content="noindex"/>
        <section class="error-page" aria-labelledby="error-title">
            <p class="error-page__code">{format!("Error {}", error.status())}</p>
            <h1 id="error-title">{title}</h1>
            <p>{error.to_string()}</p>
            <p>
                <a href="/">"Back to Pulse"</a>
            </p>
        </section>
    }
}
