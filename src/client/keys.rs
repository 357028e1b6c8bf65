//! The keyboard shortcuts' work in the page: telling typing from commands, and moving focus
//! between the briefs of a feed.

use wasm_bindgen::JsCast;

/// Where the feed's briefs are: each card's title link, in order.
const BRIEF_LINKS: &str = "ol.feed__list article h2 a";

/// Whether the key went to something the reader types in (a field, a select, an editable
/// region): shortcuts never take those keys.
pub fn is_typing(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(element) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    matches!(
        element.tag_name().to_ascii_lowercase().as_str(),
        "input" | "textarea" | "select"
    ) || element
        .dyn_ref::<web_sys::HtmlElement>()
        .is_some_and(web_sys::HtmlElement::is_content_editable)
}

fn brief_links() -> Vec<web_sys::HtmlElement> {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return Vec::new();
    };
    let Ok(found) = document.query_selector_all(BRIEF_LINKS) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Focuses the next (`forward`) or previous brief on the page, starting from the first;
/// `false` when the page lists no briefs.
pub fn move_between_briefs(forward: bool) -> bool {
    let links = brief_links();
    if links.is_empty() {
        return false;
    }
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let current = active.and_then(|a| links.iter().position(|l| **l == a));
    let next = match (current, forward) {
        (None, _) => 0,
        (Some(i), true) => (i + 1).min(links.len() - 1),
        (Some(i), false) => i.saturating_sub(1),
    };
    let _ = links[next].focus();
    links[next].scroll_into_view_with_bool(false);
    true
}

/// Opens the brief whose link has the focus, as a click would (so the app's router takes it).
pub fn open_focused_brief() {
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    if let Some(active) = active
        && let Some(link) = brief_links().into_iter().find(|l| **l == active)
    {
        link.click();
    }
}

/// Moves the focus to the header's search field; `false` if the page has none.
pub fn focus_search() -> bool {
    let field = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(crate::components::search_box::SEARCH_FIELD_ID))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    field.is_some_and(|f| f.focus().is_ok())
}
