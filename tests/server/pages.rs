//! Server-rendered pages: complete HTML, right statuses, security headers.

use axum::http::StatusCode;

use crate::support::{FormPost, attrs, empty_app, run, texts, with_app};

#[test]
fn feed_lists_newest_first_with_pagination() {
    with_app(async |app| {
        let total = app.store.count_briefs().await.expect("count");
        let reply = app.get("/").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.header("content-type").starts_with("text/html"));
        let html = reply.html();
        assert_eq!(texts(&html, "main h1"), ["Pulse"]);
        let page_size = app.config.page_size as usize;
        let cards = texts(&html, "ol.feed__list article h2");
        assert_eq!(cards.len(), page_size.min(total as usize));
        let dates = attrs(&html, "ol.feed__list article time", "datetime");
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted, "newest first");
        assert_eq!(
            attrs(&html, "nav[aria-label=Pagination] a[rel=next]", "href"),
            ["/?page=2"]
        );

        let page2 = app.get("/?page=2").await.html();
        let cards2 = texts(&page2, "ol.feed__list article h2");
        assert!(!cards2.is_empty());
        assert!(
            cards2.iter().all(|t| !cards.contains(t)),
            "page 2 repeats nothing from page 1"
        );
        assert_eq!(
            attrs(&page2, "nav[aria-label=Pagination] a[rel=prev]", "href"),
            ["/"]
        );
    })
}

#[test]
fn tag_pages_list_exactly_the_briefs_tagged_so_and_tags_link_there() {
    with_app(async |app| {
        let html = app.page("/tag/long-context").await;
        assert_eq!(texts(&html, "main h1"), ["Tagged “long-context”"]);
        let mut listed = attrs(&html, "ol.feed__list article h2 a", "href");
        listed.sort();
        assert_eq!(
            listed,
            [
                "/pulse/halcyon-atlas-3-release",
                "/pulse/long-context-retrieval-depth-study"
            ]
        );
        // Cards and brief pages link each tag to its page.
        assert!(
            attrs(&html, "ol.feed__list article .card__tags a", "href")
                .contains(&"/tag/long-context".to_string())
        );
        let brief = app.get("/pulse/halcyon-atlas-3-release").await.html();
        assert_eq!(
            attrs(&brief, "ul.brief__tags a", "href"),
            [
                "/tag/model-release",
                "/tag/structured-output",
                "/tag/long-context"
            ]
        );
        assert_eq!(app.status("/tag/no-such-tag").await, StatusCode::NOT_FOUND);
        assert_eq!(app.status("/tag/Bad_Tag").await, StatusCode::BAD_REQUEST);
        // A tag only an unpublished brief carries has no page.
        app.store
            .set_brief_published("northwind-batch-inference-price-cut", false)
            .await
            .expect("unpublish");
        assert_eq!(
            app.status("/tag/batch-processing").await,
            StatusCode::NOT_FOUND
        );
    })
}

#[test]
fn category_feed_shows_only_that_category() {
    with_app(async |app| {
        let html = app.page("/category/tools").await;
        assert_eq!(texts(&html, "main h1"), ["Tools"]);
        let tags = texts(&html, "ol.feed__list article .card__meta .tag");
        assert!(!tags.is_empty());
        assert!(tags.iter().all(|t| t == "Tools"), "{tags:?}");
        assert_eq!(
            attrs(
                &html,
                "nav[aria-label=Categories] a[aria-current=page]",
                "href"
            ),
            ["/category/tools"]
        );

        assert_eq!(app.status("/category/gossip").await, StatusCode::NOT_FOUND);
        assert_eq!(
            app.status("/category/Bad_Slug").await,
            StatusCode::BAD_REQUEST
        );
    })
}

#[test]
fn brief_page_has_every_section_in_order() {
    with_app(async |app| {
        let feed = app.get("/").await.html();
        let href = attrs(&feed, "ol.feed__list article h2 a", "href")
            .into_iter()
            .next()
            .expect("a brief");
        let html = app.page(&href).await;

        assert_eq!(texts(&html, "a.skip-link"), ["Skip to main content"]);
        assert_eq!(attrs(&html, "nav.back-link a", "href"), ["/"]);
        assert_eq!(texts(&html, "article h1").len(), 1);
        assert_eq!(attrs(&html, ".brief__source a", "rel"), ["noopener"]);
        let headings = texts(&html, "article section > h2");
        let expected = [
            "What Happened",
            "Pulse's Take",
            "What To Do",
            "Builder's Brief",
            "What Skeptics Say",
        ];
        assert_eq!(&headings[..5], expected, "{headings:?}");
        assert_eq!(
            texts(&html, "section.builder dl dt"),
            ["Who", "What changes", "When", "Watch for"]
        );
        assert!(
            texts(&html, "section.builder dl dd")
                .iter()
                .all(|d| !d.is_empty())
        );
    })
}

#[test]
fn cited_by_lists_exactly_the_briefs_that_link_here() {
    with_app(async |app| {
        let feed = app.get_json("/api/list_briefs?page=1").await.json();
        let mut checked = 0;
        let mut page = 1;
        loop {
            let feed = if page == 1 {
                feed.clone()
            } else {
                app.get_json(&format!("/api/list_briefs?page={page}"))
                    .await
                    .json()
            };
            for brief in feed["briefs"].as_array().expect("briefs") {
                let slug = brief["slug"].as_str().expect("slug");
                let html = app.get(&format!("/pulse/{slug}")).await.html();
                for citing in attrs(&html, "section.cited-by a", "href") {
                    let citing_page = app.get(&citing).await.html();
                    let target = format!("/pulse/{slug}");
                    assert!(
                        attrs(&citing_page, "article .prose a, article dd a", "href")
                            .iter()
                            .any(|h| h.ends_with(&target)),
                        "{citing} is listed under Cited By of {slug} but does not link to it"
                    );
                    checked += 1;
                }
            }
            if feed["page"] == feed["total_pages"] {
                break;
            }
            page += 1;
        }
        assert!(
            checked >= 5,
            "the demo content should cite itself; found {checked} citations"
        );
    })
}

#[test]
fn unknown_pages_are_404_and_bad_input_is_400() {
    with_app(async |app| {
        for (uri, status, heading) in [
            (
                "/pulse/no-such-brief",
                StatusCode::NOT_FOUND,
                "Page not found",
            ),
            ("/no/such/page", StatusCode::NOT_FOUND, "Page not found"),
            ("/?page=999", StatusCode::NOT_FOUND, "Page not found"),
            (
                "/?page=abc",
                StatusCode::BAD_REQUEST,
                "That request didn't look right",
            ),
            (
                "/?page=0",
                StatusCode::BAD_REQUEST,
                "That request didn't look right",
            ),
            (
                "/pulse/Not_A_Slug",
                StatusCode::BAD_REQUEST,
                "That request didn't look right",
            ),
        ] {
            let reply = app.get(uri).await;
            assert_eq!(reply.status, status, "{uri}");
            assert_eq!(texts(&reply.html(), "main h1"), [heading], "{uri}");
        }
    })
}

#[test]
fn html_responses_carry_security_headers_and_a_fresh_nonce() {
    with_app(async |app| {
        let first = app.get("/").await;
        let csp = first.header("content-security-policy").to_string();
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .expect("script-src");
        assert!(
            !script_src.contains("'unsafe-inline'") && !script_src.contains("'unsafe-eval'"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        let nonce = script_src
            .split_whitespace()
            .find_map(|s| s.strip_prefix("'nonce-").and_then(|n| n.strip_suffix('\'')))
            .expect("a nonce")
            .to_string();
        assert!(nonce.len() >= 16);
        assert_eq!(first.header("x-content-type-options"), "nosniff");
        assert!(!first.header("referrer-policy").is_empty());

        // Every executable inline script carries the nonce.
        let html = first.html();
        let selector = scraper::Selector::parse("script").expect("selector");
        let mut inline = 0;
        for script in html.select(&selector) {
            let el = script.value();
            if el.attr("type") == Some("application/json") {
                continue;
            }
            inline += 1;
            assert_eq!(
                el.attr("nonce"),
                Some(nonce.as_str()),
                "script without the nonce: {}",
                script.html()
            );
        }
        assert!(inline > 0, "the hydration script is rendered");

        let second = app.get("/").await;
        assert_ne!(
            second.header("content-security-policy"),
            csp,
            "a fresh nonce per response"
        );
    })
}

#[test]
fn an_empty_feed_says_so() {
    run(async {
        let app = empty_app().await;
        let html = app.page("/").await;
        assert_eq!(texts(&html, ".empty-state h2"), ["No briefs here yet"]);
        assert!(texts(&html, "ol.feed__list li").is_empty());
        assert!(texts(&html, "nav[aria-label=Pagination]").is_empty());
    })
}

/// The `'nonce-…'` of a page's policy.
fn policy_nonce(reply: &crate::support::Reply) -> String {
    reply
        .header("content-security-policy")
        .split_whitespace()
        .find_map(|s| s.strip_prefix("'nonce-").and_then(|n| n.strip_suffix('\'')))
        .expect("a nonce in the policy")
        .to_string()
}

#[test]
fn anonymous_page_views_come_from_the_render_cache_until_something_is_written() {
    with_app(async |app| {
        let page = "/pulse/postmortem-prompt-cache-stampede";
        let first = app.get(page).await;
        let misses = app.state.pages.counters().misses;
        let hits = app.state.pages.counters().hits;
        let second = app.get(page).await;
        assert_eq!(second.status, StatusCode::OK);
        assert_eq!(
            app.state.pages.counters().hits,
            hits + 1,
            "served from the cache"
        );
        assert_eq!(app.state.pages.counters().misses, misses);

        // The copy is the same page with its own nonce, in its policy and on every script.
        let (n1, n2) = (policy_nonce(&first), policy_nonce(&second));
        assert_ne!(n1, n2, "every answer gets a fresh nonce");
        assert!(!second.body.contains(&n1), "no trace of the stored nonce");
        assert_eq!(first.body.replace(&n1, &n2), second.body);
        let html = second.html();
        // Each copy has its own comment key: two readers of one cached page never share one.
        let k1 = attrs(&first.html(), "#comment-form input[name=key]", "value");
        let k2 = attrs(&html, "#comment-form input[name=key]", "value");
        assert_eq!((k1.len(), k2.len()), (1, 1), "one comment form");
        assert_ne!(k1, k2);
        let scripts = attrs(&html, "script[nonce]", "nonce");
        assert!(!scripts.is_empty());
        assert!(scripts.iter().all(|n| *n == n2), "{scripts:?}");

        // A reader with cookies gets their own render, never the shared copy.
        let hits = app.state.pages.counters().hits;
        let mut ada = app.reader();
        let posted = ada
            .post_comment(
                "postmortem-prompt-cache-stampede",
                "Cached pages must show this at once",
                None,
            )
            .await;
        assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
        let cookie = ada.cookie().to_string();
        let own = app.get_as(page, &cookie).await;
        assert!(own.body.contains("Cached pages must show this at once"));
        assert_eq!(
            app.state.pages.counters().hits,
            hits,
            "cookies bypass the cache"
        );

        // The write ended the cached copy: the next anonymous view shows the comment.
        let after = app.get(page).await;
        assert!(
            after.body.contains("Cached pages must show this at once"),
            "a page served after a write shows it"
        );
        assert_eq!(app.state.pages.counters().hits, hits);
    })
}

#[test]
fn only_a_successful_write_ends_the_cached_pages() {
    with_app(async |app| {
        app.get("/").await;
        let hits = app.state.pages.counters().hits;
        // A post to no page, one refused for its origin and one refused for its input: none
        // of them changed anything, so none of them may cost the cache its pages.
        let nowhere = FormPost::to("/no/such/page")
            .fields(&[("x", "1")])
            .without("origin")
            .without("accept")
            .without("content-type");
        let nowhere = app.submit(nowhere).await;
        assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
        let cross_site = FormPost::to_api("set_theme")
            .fields(&[("theme", "dark")])
            .origin("http://evil.test")
            .without("accept");
        let cross_site = app.submit(cross_site).await;
        assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
        let invalid = app
            .post_form(
                "post_comment",
                &[("slug", "nope"), ("name", ""), ("body", "")],
                None,
            )
            .await;
        assert!(invalid.status.is_client_error(), "{}", invalid.status);
        app.get("/").await;
        assert_eq!(
            app.state.pages.counters().hits,
            hits + 1,
            "the page survived three requests that wrote nothing"
        );
    })
}

#[test]
fn desk_pages_redirect_a_visitor_without_a_session_every_time() {
    with_app(async |app| {
        for page in [
            "/desk",
            "/desk/moderation",
            "/desk/new",
            "/desk",
            "/desk/moderation",
        ] {
            let reply = app.get(page).await;
            assert!(
                reply.status.is_redirection(),
                "{page}: {} {:?}",
                reply.status,
                reply.headers
            );
            assert!(
                reply.header("location").starts_with("/desk/login?next="),
                "{page}: {}",
                reply.header("location")
            );
        }
    })
}

#[test]
fn the_render_cache_can_be_turned_off() {
    run(async {
        let app = crate::support::app_with(&[("PULSE_PAGE_CACHE_SECONDS", "0")]).await;
        app.get("/").await;
        app.get("/").await;
        assert_eq!(app.state.pages.counters().hits, 0);
        assert_eq!(app.state.pages.counters().misses, 0);
    })
}

#[test]
fn a_brief_page_carries_its_body_and_thread_once_and_ends_at_the_document() {
    run(async {
        // Comment limits raised: fifty comments from one test reader.
        let app = crate::support::app_with(&[
            ("PULSE_COMMENTS_PER_MINUTE_PER_READER", "100"),
            ("PULSE_COMMENTS_PER_MINUTE_PER_IP", "100"),
            ("PULSE_COMMENTS_FIRST_DAY_LIMIT", "100"),
        ])
        .await;
        let slug = "postmortem-prompt-cache-stampede";
        for i in 0..50 {
            let body = format!("Thread line {i:02}, said once");
            let reply = app.reader().post_comment(slug, &body, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        }
        let reply = app.get(&format!("/pulse/{slug}")).await;
        assert_eq!(reply.status, StatusCode::OK);
        let page = reply.body.as_str();
        assert!(
            page.trim_end().ends_with("</html>"),
            "nothing after the document"
        );
        assert_eq!(page.matches("Thread line 07, said once").count(), 1, "once");
        let brief = app.brief(slug).await.expect("brief");
        let what_happened = scraper::Html::parse_fragment(&brief.what_happened_html);
        let first_words: String = what_happened
            .root_element()
            .text()
            .collect::<String>()
            .chars()
            .take(40)
            .collect();
        assert_eq!(
            page.matches(first_words.as_str()).count(),
            1,
            "{first_words}"
        );
        let html = reply.html();
        assert_eq!(texts(&html, "#comment-thread > li").len(), 50);
        // Only data scripts: the site's settings and the brief's JSON-LD; the client's loader.
        assert_eq!(
            attrs(&html, "script", "type"),
            ["application/json", "module", "application/ld+json"]
        );
    })
}

#[test]
fn a_redirect_for_the_page_router_keeps_its_fragment() {
    with_app(async |app| {
        let request = |navigating: bool| {
            let mut request = axum::http::Request::post("/api/post_comment")
                .header("host", "pulse.test")
                .header("origin", "http://pulse.test")
                .header("accept", "text/html")
                .header("content-type", "application/x-www-form-urlencoded");
            if navigating {
                request = request.header("pulse-navigation", "1");
            }
            let body = crate::support::form(&[
                ("slug", "postmortem-prompt-cache-stampede"),
                ("name", "Ada"),
                ("body", if navigating { "Routed" } else { "Plain" }),
                (
                    "key",
                    if navigating {
                        "router-1234"
                    } else {
                        "plain-1234"
                    },
                ),
            ]);
            request.body(axum::body::Body::from(body)).expect("request")
        };
        // A browser's own form post follows the redirect itself.
        let plain = app.send(request(false)).await;
        assert_eq!(plain.status, StatusCode::FOUND);
        assert!(plain.header("location").contains("#comment-"));
        // The page router gets it as 204 + Pulse-Location, with the fragment its fetch would lose.
        let routed = app.send(request(true)).await;
        assert_eq!(routed.status, StatusCode::NO_CONTENT, "{}", routed.body);
        let to = routed.header("pulse-location");
        assert!(
            to.starts_with("/pulse/postmortem-prompt-cache-stampede?comment="),
            "{to}"
        );
        assert_eq!(routed.header("location"), "");
        assert!(
            !routed.header("set-cookie").is_empty(),
            "the cookie still comes along"
        );
    })
}

#[test]
fn the_loader_is_served_at_its_hashed_address_for_good() {
    with_app(async |app| {
        let html = app.get("/").await.html();
        let src = attrs(&html, "script#pulse-client", "src");
        assert_eq!(src.len(), 1);
        assert!(src[0].starts_with("/client/pulse.") && src[0].ends_with(".js"));
        let loader = app.get(&src[0]).await;
        assert_eq!(loader.status, StatusCode::OK);
        assert!(loader.header("content-type").starts_with("text/javascript"));
        assert!(loader.header("cache-control").contains("immutable"));
        assert!(loader.body.contains("Pulse-Navigation"));
        assert_eq!(
            app.status("/client/pulse.0000000000000000.js").await,
            StatusCode::NOT_FOUND
        );
        // Nothing of the client is preloaded (it loads when the browser is idle), and the
        // loader names both of its files.
        assert!(attrs(&html, "link[rel=preload], link[rel=modulepreload]", "href").is_empty());
        assert_eq!(attrs(&html, "script#pulse-client", "data-wasm").len(), 1);
        assert_eq!(attrs(&html, "script#pulse-client", "data-js").len(), 1);
    })
}
