//! Markdown → safe HTML, and the links between briefs that Cited By is computed from.
//!
//! Raw HTML in Markdown is turned into plain text before rendering, and the result is passed
//! through ammonia anyway: content files are trusted less than code.

use std::collections::BTreeSet;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

use crate::model::validate_slug;

fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    )
}

/// Shows raw HTML as the text it is instead of passing it through.
fn neutralise(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    }
}

fn sanitise(unsafe_html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(unsafe_html)
        .to_string()
}

/// Renders block Markdown (paragraphs, lists, …) to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, parser(markdown).map(neutralise));
    sanitise(&out)
}

/// Renders one line of inline Markdown (no surrounding paragraph) to sanitised HTML.
pub fn render_inline(markdown: &str) -> String {
    let events = parser(markdown).map(neutralise).filter(|e| {
        !matches!(
            e,
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
        )
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    sanitise(out.trim())
}

/// Number of words a reader reads in `markdown` (link targets and markup don't count).
pub fn word_count(markdown: &str) -> usize {
    parser(markdown)
        .map(|e| match e {
            Event::Text(t) | Event::Code(t) => t.split_whitespace().count(),
            _ => 0,
        })
        .sum()
}

/// Slugs of the briefs that `markdown` links to, as `/pulse/{slug}` or `{base_url}/pulse/{slug}`.
pub fn linked_brief_slugs(markdown: &str, base_url: &str) -> BTreeSet<String> {
    parser(markdown)
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => brief_slug_from_href(&dest_url, base_url),
            _ => None,
        })
        .collect()
}

fn brief_slug_from_href(href: &str, base_url: &str) -> Option<String> {
    let base_url = base_url.trim_end_matches('/');
    let path = match href.strip_prefix(base_url) {
        Some(rest) if rest.starts_with('/') => rest,
        _ => href,
    };
    let rest = path.strip_prefix("/pulse/")?;
    let slug = rest
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    validate_slug(slug).ok().map(|()| slug.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_never_passes_through() {
        let html = render(
            "Hello <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick=\"x\">block</div>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn dangerous_links_are_removed() {
        let html = render("[click](javascript:alert(1)) and [ok](https://example.org/a)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains(r#"href="https://example.org/a""#), "{html}");
        assert!(html.contains(r#"rel="noopener noreferrer""#), "{html}");
    }

    #[test]
    fn markdown_renders() {
        assert_eq!(
            render("Some *emphasis*."),
            "<p>Some <em>emphasis</em>.</p>\n"
        );
        assert_eq!(
            render_inline("Teams using **RAG**"),
            "Teams using <strong>RAG</strong>"
        );
    }

    #[test]
    fn finds_links_to_other_briefs() {
        let md = "See [one](/pulse/first-brief), [two](https://pulse.test/pulse/second-brief#take), \
                  [again](/pulse/first-brief/), [elsewhere](https://other.test/pulse/nope), \
                  [bad](/pulse/Not_A_Slug) and [feed](/category/tools).";
        let slugs: Vec<_> = linked_brief_slugs(md, "https://pulse.test")
            .into_iter()
            .collect();
        assert_eq!(slugs, ["first-brief", "second-brief"]);
    }

    #[test]
    fn counts_words() {
        assert_eq!(
            word_count("One *two* [three](https://x.test/four-five) `six`"),
            4
        );
    }
}
