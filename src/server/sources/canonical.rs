//! One address per story: the same article linked from two feeds (one with campaign tags, one
//! with a fragment, one with an upper-case host) has one canonical form, and the inbox keeps
//! one item per canonical form.

use url::Url;

/// Query parameters that only say where a click came from.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ref_src",
    "ref_url",
    "cmpid",
    "spm",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "rb_clickid",
    "s_cid",
];

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || name.starts_with("pk_") || TRACKING.contains(&name.as_str())
}

/// `url` resolved against `base` (feeds may give relative links), as an http(s) address;
/// `None` for anything else.
pub fn absolute(base: &Url, url: &str) -> Option<Url> {
    let url = base.join(url.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The canonical form of an address: no fragment, no tracking parameters, no empty query,
/// the host in lower case and the default port dropped (the URL parser does those two), and
/// `http` read as `https` so a feed's old scheme does not make a second item.
pub fn canonical(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !is_tracking(name))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    if url.scheme() == "http" {
        // Cannot fail: http and https are both special schemes.
        let _ = url.set_scheme("https");
        if url.port() == Some(443) {
            let _ = url.set_port(None);
        }
    }
    let mut text = url.to_string();
    if url.path() != "/" && text.ends_with('/') && url.query().is_none() {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(u: &str) -> String {
        canonical(&Url::parse(u).expect("an address"))
    }

    #[test]
    fn the_same_story_has_one_address() {
        let plain = canon("https://lab.example/posts/model-card");
        for variant in [
            "https://LAB.example/posts/model-card",
            "http://lab.example/posts/model-card",
            "https://lab.example:443/posts/model-card",
            "https://lab.example/posts/model-card#results",
            "https://lab.example/posts/model-card/",
            "https://lab.example/posts/model-card?utm_source=feed&utm_medium=rss",
            "https://lab.example/posts/model-card?fbclid=abc&mc_cid=7",
        ] {
            assert_eq!(canon(variant), plain, "{variant}");
        }
    }

    #[test]
    fn parameters_that_name_the_story_stay() {
        // `ref` names a branch on code hosts: not a tracking parameter.
        assert_ne!(
            canon("https://code.example/repo/blob/x?ref=main"),
            canon("https://code.example/repo/blob/x?ref=dev")
        );
        assert_eq!(
            canon("https://news.example/item?id=42&utm_campaign=x"),
            "https://news.example/item?id=42"
        );
        assert_ne!(
            canon("https://news.example/item?id=42"),
            canon("https://news.example/item?id=43")
        );
    }

    #[test]
    fn relative_links_resolve_against_the_feed() {
        let base = Url::parse("https://lab.example/blog/feed.xml").expect("an address");
        let url = absolute(&base, "posts/one").expect("resolved");
        assert_eq!(url.as_str(), "https://lab.example/blog/posts/one");
        assert!(absolute(&base, "javascript:alert(1)").is_none());
        assert!(absolute(&base, "mailto:x@example.com").is_none());
    }
}
