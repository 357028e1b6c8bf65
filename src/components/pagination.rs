//! Newer / older links between feed pages: real links that work without JavaScript.

use leptos::prelude::*;

#[component]
pub fn Pagination(base_path: String, page: u32, total_pages: u32) -> impl IntoView {
    let href = move |p: u32| {
        if p <= 1 {
            base_path.clone()
        } else {
            format!("{base_path}?page={p}")
        }
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
