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

/// The only elements a comment may contain.
const COMMENT_TAGS: &[&str] = &[
    "p",
    "br",
    "em",
    "strong",
    "a",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
];

/// Deepest nesting of Markdown elements kept in a comment; deeper structure is flattened.
const MAX_COMMENT_NESTING: usize = 8;

/// Renders a reader's comment. Stricter than brief content: a small allowlist (no images,
/// SVG, MathML, tables, headings, style or `target`), links only to http, https and mailto,
/// each marked `nofollow ugc noopener noreferrer`. Rendered once, at write time; what it
/// returns is what every reader is shown.
pub fn render_comment(markdown: &str) -> String {
    use std::collections::HashSet;
    let mut out = String::new();
    // Plain CommonMark (no tables), nesting flattened past a sane depth: a thousand nested
    // quotes or lists would otherwise cost the HTML sanitiser real time.
    let mut kept: Vec<bool> = Vec::new();
    let events = Parser::new(markdown)
        .map(neutralise)
        .filter(|event| match event {
            Event::Start(_) => {
                let keep = kept.len() < MAX_COMMENT_NESTING;
                kept.push(keep);
                keep
            }
            Event::End(_) => kept.pop().unwrap_or(true),
            _ => true,
        });
    html::push_html(&mut out, events);
    ammonia::Builder::default()
        .tags(COMMENT_TAGS.iter().copied().collect())
        .clean_content_tags(HashSet::new())
        .generic_attributes(HashSet::new())
        .tag_attributes(std::collections::HashMap::from([(
            "a",
            HashSet::from(["href"]),
        )]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("nofollow ugc noopener noreferrer"))
        .clean(&out)
        .to_string()
}

/// How many links a comment carries, for the new-reader link rule, counted on what the
/// comment renders to: every link the Markdown makes (`[x](…)` with any destination,
/// `<https://…>` and `<someone@example.com>` autolinks), plus every address left in the text
/// for a reader to copy — a spelling with a scheme (`://`, `mailto:`) or a bare `www.` —
/// including raw HTML, which is shown as text.
pub fn count_links(markdown: &str) -> u32 {
    let mut links = 0_usize;
    let mut inside_link = 0_usize;
    for event in Parser::new(markdown).map(neutralise) {
        match event {
            Event::Start(Tag::Link { .. }) => {
                links += 1;
                inside_link += 1;
            }
            Event::End(TagEnd::Link) => inside_link = inside_link.saturating_sub(1),
            Event::Text(text) | Event::Code(text) if inside_link == 0 => {
                links += addresses_in_text(&text);
            }
            _ => {}
        }
    }
    u32::try_from(links).unwrap_or(u32::MAX)
}

/// Addresses written out in plain text: schemes (`://`, `mailto:`) and bare `www.` names.
fn addresses_in_text(text: &str) -> usize {
    let lower = text.to_lowercase();
    let schemes = lower.matches("://").count() + lower.matches("mailto:").count();
    let bare_www = lower
        .match_indices("www.")
        .filter(|(at, _)| !lower[..*at].ends_with("//"))
        .count();
    schemes + bare_www
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
    #[test]
    fn links_are_counted_in_every_spelling() {
        use super::count_links;
        assert_eq!(count_links("no links here, just text: a.b"), 0);
        assert_eq!(
            count_links("[one](https://a.example) and <HTTP://b.example>"),
            2
        );
        assert_eq!(
            count_links("bare https://a.example www.b.example https://www.c.example"),
            3
        );
        assert_eq!(count_links("[mail](MAILTO:x@y.example)"), 1);
        // Links that never spell a scheme's slashes still render as links.
        assert_eq!(count_links("write to <ada@example.com>"), 1);
        assert_eq!(
            count_links("[x](http:evil.example) and [y](//evil.example)"),
            2
        );
        assert_eq!(
            count_links("`https://in.code` and <b>www.raw.example</b>"),
            2
        );
        assert_eq!(
            count_links("[https://a.example](https://a.example) https://b.example"),
            2,
            "a link whose text is its address counts once"
        );
    }

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

    /// Every element and attribute in `html`, parsed the way a browser would.
    fn parsed(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let fragment = scraper::Html::parse_fragment(html);
        fragment
            .root_element()
            .descendants()
            .filter_map(|node| node.value().as_element())
            .filter(|el| el.name() != "html")
            .map(|el| {
                let attrs = el
                    .attrs()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                (el.name().to_string(), attrs)
            })
            .collect()
    }

    /// Deepest element nesting in `html`.
    fn fragment_depth(html: &str) -> usize {
        let fragment = scraper::Html::parse_fragment(html);
        fragment
            .root_element()
            .descendants()
            .filter(|n| n.value().is_element())
            .map(|n| n.ancestors().filter(|a| a.value().is_element()).count())
            .max()
            .unwrap_or(0)
    }

    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<svg/onload=alert(1)>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<iframe src=javascript:alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](//evil.example/path)",
        "[x](/relative)",
        "<p style=\"x:expression(alert(1))\" onclick=alert(1)>hi</p>",
        "</script><script>alert(1)</script>",
        "<b onmouseover=alert(1)>unclosed",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<<script>script>alert(1)<</script>/script>",
        "![img](https://evil.example/x.png)",
        "<a href=https://ok.example target=_blank>t</a>",
        "[ok](https://ok.example \"title\")",
        "`<script>` in code and ```\n<script>alert(1)</script>\n```",
    ];

    #[test]
    fn hostile_comments_render_only_allowed_markup() {
        for input in HOSTILE {
            let html = render_comment(input);
            for (tag, attrs) in parsed(&html) {
                assert!(
                    COMMENT_TAGS.contains(&tag.as_str()),
                    "{input:?} produced <{tag}>: {html}"
                );
                for (name, value) in attrs {
                    match (tag.as_str(), name.as_str()) {
                        ("a", "href") => assert!(
                            ["http://", "https://", "mailto:"]
                                .iter()
                                .any(|s| value.starts_with(s)),
                            "{input:?} produced href={value:?}"
                        ),
                        ("a", "rel") => assert_eq!(value, "nofollow ugc noopener noreferrer"),
                        _ => panic!("{input:?} produced {name}={value:?} on <{tag}>: {html}"),
                    }
                }
            }
            assert_eq!(render_comment(input), html, "rendering is deterministic");
        }
    }

    #[test]
    fn comments_keep_what_readers_write() {
        let html = render_comment(
            "Hi *there*, see [docs](https://ok.example/a?b=1).\n\n> quoted\n\n- one\n- two\n\n`code`",
        );
        let tags: Vec<String> = parsed(&html).into_iter().map(|(t, _)| t).collect();
        for wanted in ["p", "em", "a", "blockquote", "ul", "li", "code"] {
            assert!(
                tags.iter().any(|t| t == wanted),
                "{wanted} missing from {html}"
            );
        }
        // Raw HTML is shown as the text it is.
        assert!(render_comment("<b>bold?</b>").contains("&lt;b&gt;bold?&lt;/b&gt;"));
    }

    #[test]
    fn nesting_bombs_at_the_size_limit_render_quickly() {
        // Comments are capped at 5,000 characters before they are rendered.
        let bombs = [
            "> ".repeat(2_500) + "x",
            "[".repeat(5_000),
            "*".repeat(5_000),
            "- ".repeat(2_500) + "x",
            "*a **b ".repeat(700),
            "`".repeat(5_000),
        ];
        for bomb in bombs {
            let started = std::time::Instant::now();
            let html = render_comment(&bomb);
            let took = started.elapsed();
            assert!(parsed(&html).iter().all(|(t, _)| t != "script"));
            // Generous for a debug build: super-linear behaviour takes far longer than this.
            assert!(
                took < std::time::Duration::from_secs(2),
                "{:?}…: {took:?}",
                &bomb[..8]
            );
            let depth = fragment_depth(&html);
            assert!(
                depth <= MAX_COMMENT_NESTING + 2,
                "{:?}… nests {depth} deep",
                &bomb[..8]
            );
        }
    }

    #[test]
    fn counts_words() {
        assert_eq!(
            word_count("One *two* [three](https://x.test/four-five) `six`"),
            4
        );
    }
}
