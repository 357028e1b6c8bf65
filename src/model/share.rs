//! What a shared brief shows elsewhere: the plain text of rendered fields, and the JSON-LD
//! `NewsArticle` its page carries for search engines and link previews (with its source and
//! the Builder's Brief fields).

use crate::model::{Brief, SiteInfo};

/// The text of sanitised HTML (the digest's plain-text part, JSON-LD): tags dropped, the
/// entities the renderer writes decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    let words: Vec<&str> = text.split_whitespace().collect();
    words.join(" ").replace(" .", ".").replace(" ,", ",")
}

/// When the brief last changed: its newest correction note, else its publication.
pub fn modified_at(brief: &Brief) -> &str {
    brief
        .updates
        .iter()
        .map(|u| u.at.as_str())
        .chain([brief.published_at.as_str()])
        .max()
        .unwrap_or(&brief.published_at)
}

/// The `NewsArticle` JSON-LD for `brief` at `url`, safe inside a `<script>` element (no `<`).
pub fn news_article(brief: &Brief, site: &SiteInfo, url: &str) -> String {
    let base = site.base_url.trim_end_matches('/');
    let organisation =
        serde_json::json!({ "@type": "Organization", "name": site.name, "url": base });
    let builder = [
        ("Who", &brief.builder.who_html),
        ("What changes", &brief.builder.what_changes_html),
        ("When", &brief.builder.when_html),
        ("Watch for", &brief.builder.watch_for_html),
    ]
    .into_iter()
    .map(|(name, html)| {
        serde_json::json!({
            "@type": "WebPageElement",
            "name": format!("Builder's Brief: {name}"),
            "text": plain_text(html),
        })
    })
    .collect::<Vec<_>>();
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": brief.title,
        "description": brief.summary,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": brief.published_at,
        "dateModified": modified_at(brief),
        "articleSection": brief.category.name,
        "keywords": brief.tags.join(", "),
        "author": organisation,
        "publisher": organisation,
        "isBasedOn": {
            "@type": "CreativeWork",
            "name": brief.source_name,
            "url": brief.source_url,
        },
        "hasPart": builder,
    })
    .to_string()
    .replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            plain_text("<p>Fast <em>and</em> &lt;cheap&gt; &amp; \n good</p>"),
            "Fast and <cheap> & good"
        );
        assert_eq!(plain_text("no markup"), "no markup");
        assert_eq!(
            plain_text(
                "<p>Use <a href=\"/x\">this</a> &amp; <em>that</em>.</p>\n<p>Then &lt;stop&gt;.</p>"
            ),
            "Use this & that. Then <stop>."
        );
    }
}
