//! Newer / older links between pages of briefs (the feeds and the desk's list): real links
//! that work without JavaScript.

use leptos::prelude::*;

#[component]
pub fn Pagination(
    base_path: String,
    page: u32,
    total_pages: u32,
    /// Query parameters every page keeps (already encoded, e.g. `q=atlas&category=`).
    #[prop(optional, into)]
    filters: Option<String>,
) -> impl IntoView {
    let href = move |p: u32| match (&filters, p) {
        (None, 1) => base_path.clone(),
        (None, p) => format!("{base_path}?page={p}"),
        (Some(filters), 1) => format!("{base_path}?{filters}"),
        (Some(filters), p) => format!("{base_path}?{filters}&page={p}"),
    };
    let newer = (page > 1).then(|| href(page - 1));
    let older = (page < total_pages).then(|| href(page + 1));
    (total_pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label="Pagination">
                {newer.map(|h| view! { <a href=h rel="prev">"← Newer briefs"</a> })}
                <span class="pagination__where">{format!("Page {page} of {total_pages}")}</span>
                {older.map(|h| view! { <a href=h rel="next">"Older briefs →"</a> })}
            </nav>
        }
    })
}
