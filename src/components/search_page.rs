//! `/search?q=…&page=N`: the briefs matching every word of a query, best first, the matching
//! words marked. A plain GET form, so it works (and can be bookmarked) without JavaScript.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::api::search::search_briefs;
use crate::components::card_tags::CardTags;
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::components::pagination::Pagination;
use crate::contexts::response::set_http_status;
use crate::contexts::site::use_site;
use crate::error::AppError;
use crate::model::search::{MAX_SEARCH_CHARS, MAX_SEARCH_TERMS, Marked, SearchHit, SearchResults};
use crate::model::{encode_query_value, parse_page};

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let found = Resource::new(
        move || (q(), query.read().get("page")),
        |(q, page)| async move {
            let page = parse_page(page.as_deref())?;
            search_briefs(q, page).await
        },
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <div class="search">
            <h1>"Search"</h1>
            <form role="search" aria-label="Briefs" action="/search" method="get">
                    <label for="search-query">"Search for"</label>
                    <div class="search__row">
                        <input
                            id="search-query"
                            type="search"
                            name="q"
                            value=q
                            maxlength=MAX_SEARCH_CHARS.to_string()
                            aria-describedby="search-hint"
                        />
                        <button type="submit">"Search"</button>
                    </div>
                    <p id="search-hint" class="field__hint">
                        "Every word must appear; words of three letters or more also find longer words they begin (“model” finds “models”)."
                    </p>
            </form>
            <Suspense fallback=|| view! { <p class="loading" role="status">"Searching…"</p> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(results) => view! { <Results results/> }.into_any(),
                        Err(error @ AppError::Invalid { .. }) => {
                            set_http_status(error.status());
                            view! {
                                <PageTitle text="Search"/>
                                <p class="field__error" role="alert">{error.to_string()}</p>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Results(results: SearchResults) -> impl IntoView {
    let site = use_site();
    let title = match (results.query.is_empty(), results.page) {
        (true, _) => format!("Search · {}", site.name),
        (false, 1) => format!("“{}” — search · {}", results.query, site.name),
        (false, n) => format!("“{}” — search, page {n} · {}", results.query, site.name),
    };
    let summary = if results.query.is_empty() {
        "Type a word to find the briefs that mention it.".to_string()
    } else if results.terms.is_empty() {
        format!(
            "“{}” has no words to search for: try letters or numbers.",
            results.query
        )
    } else {
        match results.total {
            0 => format!("No brief matches “{}”.", results.query),
            1 => format!("1 brief matches “{}”.", results.query),
            n => format!("{n} briefs match “{}”.", results.query),
        }
    };
    let filters = format!("q={}", encode_query_value(&results.query));
    view! {
        <PageTitle text=title/>
        <p class="search__summary" role="status">{summary}</p>
        {results.truncated.then(|| view! {
            <p class="notice">
                {format!("Only the first {MAX_SEARCH_TERMS} words of your search were used.")}
            </p>
        })}
        {(!results.hits.is_empty()).then(|| view! {
            <ol class="search__hits" aria-label="Results">
                {results.hits.into_iter().map(|hit| view! { <li><Hit hit/></li> }).collect_view()}
            </ol>
        })}
        <Pagination
            base_path="/search".to_string()
            page=results.page
            total_pages=results.total_pages
            filters
        />
    }
}

#[component]
fn Hit(hit: SearchHit) -> impl IntoView {
    view! {
        <article class="card search__hit">
            <p class="card__meta">
                <a class="tag" href=format!("/category/{}", hit.category.slug)>{hit.category.name}</a>
                <time datetime=hit.published_at>{hit.published_label}</time>
            </p>
            <h2 class="card__title">
                <a href=format!("/pulse/{}", hit.slug)><Marks runs=hit.title/></a>
            </h2>
            <p class="search__excerpt"><Marks runs=hit.excerpt/></p>
            <CardTags tags=hit.tags/>
        </article>
    }
}

/// Text with the matching words in `<mark>`; every run is text, never HTML.
#[component]
fn Marks(runs: Vec<Marked>) -> impl IntoView {
    runs.into_iter()
        .map(|run| {
            if run.hit {
                view! { <mark>{run.text}</mark> }.into_any()
            } else {
                run.text.into_any()
            }
        })
        .collect_view()
}
