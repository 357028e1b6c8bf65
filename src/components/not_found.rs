//! The route table's fallback: any address that matches no route.

use leptos::prelude::*;

use crate::components::error_page::ErrorPage;
use crate::error::AppError;

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::not_found("There is nothing at this address. It may have moved, or the link may be mistyped.")/> }
}
