//! Following and sharing Pulse from outside: the Atom and JSON feeds as a real feed reader
//! (Python's feedparser) reads them, hostile titles included; the sitemap and robots.txt; the
//! `<head>` links that let readers find the feeds; and a brief page's link-preview tags and
//! JSON-LD.

use std::process::Command;

use axum::http::StatusCode;

use crate::support::{
    TestApp, app_with, attrs, field_of_each, run, run_with_input, strings, write,
};

/// A fresh app whose public address is `http://pulse.test`.
async fn site() -> TestApp {
    app_with(&[("PULSE_BASE_URL", "http://pulse.test")]).await
}

/// What feedparser makes of a feed served as `content_type`: whether it complained, its
/// format, and its entries.
fn read_feed(body: &str, content_type: &str) -> serde_json::Value {
    const SCRIPT: &str = r#"
import feedparser, json, sys
d = feedparser.parse(sys.stdin.buffer.read(), response_headers={"content-type": sys.argv[1]})
print(json.dumps({
    "bozo": bool(d.bozo),
    "problem": str(d.get("bozo_exception", "")),
    "version": d.version,
    "title": d.feed.get("title"),
    "entries": [{
        "title": e.get("title"),
        "id": e.get("id"),
        "author": e.get("author"),
        "link": e.get("link"),
        "published": e.get("published"),
        "updated": e.get("updated"),
        "summary": e.get("summary"),
        "content": (e.get("content") or [{}])[0].get("value"),
        "tags": [t.get("term") for t in e.get("tags", [])],
    } for e in d.entries],
}))
"#;
    let out = run_with_input(
        Command::new("python3").args(["-c", SCRIPT, content_type]),
        body,
    );
    assert!(
        out.status.success(),
        "feedparser (installed by .ci/setup) failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("feedparser's report")
}

async fn feed(app: &TestApp, path: &str) -> serde_json::Value {
    let reply = app.get(path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    let parsed = read_feed(&reply.body, reply.header("content-type"));
    assert_eq!(parsed["bozo"], false, "{path}: {}", parsed["problem"]);
    parsed
}

fn titles(parsed: &serde_json::Value) -> Vec<String> {
    parsed["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The published briefs' titles as the front page orders them (newest first).
async fn published_titles(app: &TestApp) -> Vec<String> {
    let page = app
        .store
        .list_briefs(None, None, 1, 100)
        .await
        .expect("feed page");
    page.briefs.into_iter().map(|b| b.title).collect()
}

const HOSTILE: &str = r#"Tom & Jerry <script>alert("x")</script> ]]> 'quoted'"#;

fn hostile_brief(dir: &std::path::Path) {
    write(
        dir,
        "hostile.md",
        "+++\nslug = \"hostile-title-brief\"\n\
         title = \"Tom & Jerry <script>alert(\\\"x\\\")</script> ]]> 'quoted'\"\n\
         category = \"tools\"\ntags = [\"long-context\"]\npublished_at = 2026-11-27T12:00:00Z\n\
         summary = \"A summary with <b>markup</b> & an ampersand.\"\n\n\
         [source]\nname = \"Pulse\"\nurl = \"https://pulse.example/hostile\"\n+++\n\n\
         ## What Happened\n\nSomething.\n\n## Take\n\nIt *matters* <script>alert(1)</script>.\n\n\
         ## What To Do\n\nNothing.\n\n## Builder's Brief\n\n- **Who:** Builders\n\
         - **What changes:** Little\n- **When:** Now\n- **Watch for:** More\n\n\
         ## What Skeptics Say\n\nMaybe not.\n",
    );
}

#[test]
fn the_feeds_carry_the_newest_published_briefs_and_parse_cleanly() {
    run(async {
        let app = site().await;
        let dir = tempfile::tempdir().expect("dir");
        hostile_brief(dir.path());
        app.import(dir.path()).await.expect("import");
        assert_eq!(
            app.brief("hostile-title-brief").await.expect("brief").title,
            HOSTILE
        );

        let all = feed(&app, "/feed.xml").await;
        assert_eq!(all["version"], "atom10");
        assert_eq!(titles(&all), published_titles(&app).await, "newest first");
        let first = &all["entries"][0];
        assert_eq!(first["title"], HOSTILE, "escaped once, read back exactly");
        assert_eq!(first["link"], "http://pulse.test/pulse/hostile-title-brief");
        assert_eq!(first["published"], "2026-11-27T12:00:00Z");
        let content = first["content"].as_str().expect("content");
        assert!(content.contains("Take"), "{content}");
        assert!(content.contains("<em>matters</em>"), "{content}");
        assert!(!content.contains("<script"), "{content}");
        assert!(strings(&first["tags"]).contains(&"long-context".to_string()));

        let tools = feed(&app, "/category/tools/feed.xml").await;
        assert!(!titles(&tools).is_empty());
        for entry in tools["entries"].as_array().expect("entries") {
            assert!(strings(&entry["tags"]).contains(&"tools".to_string()));
        }
        let tagged = feed(&app, "/tag/long-context/feed.xml").await;
        assert_eq!(tagged["entries"].as_array().map(Vec::len), Some(3));
        for path in [
            "/category/gossip/feed.xml",
            "/tag/no-such-tag/feed.xml",
            "/tag/Bad%20Tag/feed.xml",
        ] {
            assert_eq!(app.status(path).await, StatusCode::NOT_FOUND, "{path}");
        }

        // feedparser reads no JSON Feed: checked against the JSON Feed 1.1 structure here.
        let reply = app.get("/feed.json").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(
            reply
                .header("content-type")
                .starts_with("application/feed+json")
        );
        let json = reply.json();
        assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(json["feed_url"], "http://pulse.test/feed.json");
        let items = json["items"].as_array().expect("items");
        let json_titles: Vec<String> = items
            .iter()
            .map(|i| i["title"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(json_titles, titles(&all));
        for item in items {
            assert_eq!(item["id"], item["url"]);
            assert!(
                item["content_html"]
                    .as_str()
                    .is_some_and(|c| c.contains("Take"))
            );
            for date in ["date_published", "date_modified"] {
                let at = item[date].as_str().expect("date");
                assert!(
                    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
                        .is_ok(),
                    "{at}"
                );
            }
        }
        // Taken off the site: gone from every feed.
        app.store
            .set_brief_published("hostile-title-brief", false)
            .await
            .expect("unpublish");
        for path in ["/feed.xml", "/tag/long-context/feed.xml"] {
            assert!(
                !titles(&feed(&app, path).await).contains(&HOSTILE.to_string()),
                "{path}"
            );
        }
        assert!(
            !app.get("/feed.json")
                .await
                .body
                .contains("hostile-title-brief")
        );

        // The digest archive has a feed of its own.
        let empty = feed(&app, "/digest/feed.xml").await;
        assert_eq!(empty["entries"].as_array().map(Vec::len), Some(0));
        pulse::server::digest::compose_issue(
            &app.state,
            time::macros::datetime!(2026-11-26 9:00 UTC),
        )
        .await
        .expect("compose")
        .expect("an issue");
        let digests = feed(&app, "/digest/feed.xml").await;
        assert_eq!(digests["entries"].as_array().map(Vec::len), Some(1));
        assert!(
            digests["entries"][0]["link"]
                .as_str()
                .is_some_and(|l| l.starts_with("http://pulse.test/digest/"))
        );
    })
}

#[test]
fn the_sitemap_lists_every_published_brief_and_robots_points_to_it() {
    run(async {
        let app = site().await;
        app.store
            .set_brief_published("halcyon-atlas-3-release", false)
            .await
            .expect("unpublish");
        let reply = app.get("/sitemap.xml").await;
        assert_eq!(reply.status, StatusCode::OK);
        let locs: Vec<&str> = reply
            .body
            .split("<loc>")
            .skip(1)
            .filter_map(|rest| rest.split("</loc>").next())
            .collect();
        let mut briefs: Vec<String> = locs
            .iter()
            .filter_map(|l| l.strip_prefix("http://pulse.test/pulse/"))
            .map(str::to_string)
            .collect();
        briefs.sort();
        let page = app
            .store
            .list_briefs(None, None, 1, 100)
            .await
            .expect("feed page");
        let mut published: Vec<String> = page.briefs.into_iter().map(|b| b.slug).collect();
        published.sort();
        assert_eq!(briefs, published);
        assert!(!briefs.contains(&"halcyon-atlas-3-release".to_string()));
        assert!(locs.contains(&"http://pulse.test/"));
        assert!(locs.contains(&"http://pulse.test/category/tools"));

        let robots = app.get("/robots.txt").await;
        assert_eq!(robots.status, StatusCode::OK);
        assert!(robots.body.contains("Disallow: /desk"), "{}", robots.body);
        assert!(
            robots
                .body
                .contains("Sitemap: http://pulse.test/sitemap.xml"),
            "{}",
            robots.body
        );
    })
}

#[test]
fn every_page_tells_feed_readers_where_the_feeds_are() {
    run(async {
        let app = site().await;
        const ATOM: &str = "link[rel=alternate][type='application/atom+xml']";
        const JSON: &str = "link[rel=alternate][type='application/feed+json']";
        let front = app.page("/").await;
        assert_eq!(attrs(&front, ATOM, "href"), ["http://pulse.test/feed.xml"]);
        assert_eq!(attrs(&front, JSON, "href"), ["http://pulse.test/feed.json"]);
        let digest = app.page("/digest").await;
        assert_eq!(
            attrs(&digest, ATOM, "href"),
            [
                "http://pulse.test/feed.xml",
                "http://pulse.test/digest/feed.xml"
            ]
        );
        for path in ["/", "/category/tools", "/digest", "/newsletter"] {
            let page = app.page(path).await;
            let canonical = format!("http://pulse.test{path}");
            assert_eq!(attrs(&page, "link[rel=canonical]", "href"), [canonical]);
        }
        let newsletter = app.page("/newsletter").await;
        assert_eq!(
            attrs(&newsletter, "meta[name=description]", "content").len(),
            1
        );
        let tools = app.page("/category/tools").await;
        assert_eq!(
            attrs(&tools, ATOM, "href"),
            [
                "http://pulse.test/feed.xml",
                "http://pulse.test/category/tools/feed.xml"
            ]
        );
    })
}

#[test]
fn a_brief_page_carries_a_rich_preview_and_news_article_data() {
    run(async {
        let app = site().await;
        let slug = "halcyon-atlas-3-release";
        let brief = app.brief(slug).await.expect("brief");
        let page = app.get(&format!("/pulse/{slug}")).await.html();
        let meta = |key: &str| {
            let by_property = attrs(&page, &format!("meta[property='{key}']"), "content");
            if by_property.is_empty() {
                attrs(&page, &format!("meta[name='{key}']"), "content")
            } else {
                by_property
            }
        };
        let url = format!("http://pulse.test/pulse/{slug}");
        assert_eq!(attrs(&page, "link[rel=canonical]", "href"), [url.as_str()]);
        assert_eq!(meta("og:title"), [brief.title.as_str()]);
        assert_eq!(meta("og:description"), [brief.summary.as_str()]);
        assert_eq!(meta("og:url"), [url.as_str()]);
        assert_eq!(meta("og:type"), ["article"]);
        assert_eq!(meta("twitter:card"), ["summary"]);
        assert_eq!(meta("article:tag"), brief.tags);
        assert_eq!(meta("description"), [brief.summary.as_str()]);

        let json = texts_raw(&page, "script[type='application/ld+json']");
        assert_eq!(json.len(), 1);
        let data: serde_json::Value = serde_json::from_str(&json[0]).expect("JSON-LD");
        assert_eq!(data["@type"], "NewsArticle");
        assert_eq!(data["headline"], brief.title);
        assert_eq!(data["url"], url);
        assert_eq!(data["datePublished"], brief.published_at);
        assert_eq!(data["isBasedOn"]["name"], brief.source_name);
        assert_eq!(data["isBasedOn"]["url"], brief.source_url);
        let parts = field_of_each(&data["hasPart"], "name");
        assert_eq!(
            parts,
            [
                "Builder's Brief: Who",
                "Builder's Brief: What changes",
                "Builder's Brief: When",
                "Builder's Brief: Watch for"
            ]
        );
        assert!(
            data["hasPart"][0]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty() && !t.contains('<'))
        );
    })
}

/// The raw text inside every element matching `selector` (a script's JSON, say).
#[test]
fn a_brief_has_a_feed_of_its_comments_and_one_of_its_corrections() {
    run(async {
        let app = site().await;
        let slug = "postmortem-prompt-cache-stampede";
        let comments_feed = format!("/pulse/{slug}/comments.xml");
        let none = feed(&app, &comments_feed).await;
        assert_eq!(none["version"], "atom10");
        assert!(titles(&none).is_empty());

        let mut ada = app.reader();
        ada.name = HOSTILE.to_string();
        let first = ada.comment(slug, "First *words*", None).await;
        let mut bo = app.reader();
        bo.name = "Bo".to_string();
        let second = bo
            .comment(slug, "Second <script>alert(1)</script>", Some(first))
            .await;
        let third = bo.comment(slug, "Soon gone", None).await;
        let edited = ada.edit(slug, first, "First words, *edited*").await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
        let deleted = bo.delete(slug, third).await;
        assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);

        // Newest first; the removed one has left; names are text, read back exactly.
        let read = feed(&app, &comments_feed).await;
        assert_eq!(
            titles(&read),
            ["Comment by Bo", &format!("Comment by {HOSTILE}")]
        );
        let entries = read["entries"].as_array().expect("entries");
        assert_eq!(entries[1]["author"], HOSTILE);
        assert_eq!(
            entries[0]["link"],
            format!("http://pulse.test/pulse/{slug}?comment={second}#comment-{second}")
        );
        let content = |i: usize| {
            entries[i]["content"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        assert!(!content(0).contains("<script"), "{}", content(0));
        assert!(content(0).contains("Second"), "{}", content(0));
        assert!(content(1).contains("<em>edited</em>"), "{}", content(1));
        assert!(entries[1]["updated"].as_str() >= entries[1]["published"].as_str());
        let body = app.get(&comments_feed).await.body;
        assert!(!body.contains("Soon gone"), "{body}");

        // A correction is an entry of the brief's own feed, above its publication.
        let halcyon = "halcyon-atlas-3-release";
        let updates = feed(&app, &format!("/pulse/{halcyon}/updates.xml")).await;
        let title = app.brief(halcyon).await.expect("brief").title;
        assert_eq!(
            titles(&updates),
            [format!("Updated: {title}"), format!("Published: {title}")]
        );
        let note = &updates["entries"][0]["summary"];
        assert!(note.as_str().is_some_and(|n| !n.is_empty()), "{updates}");

        // The brief page names both feeds, in its head and beside the thread.
        let page = app.page(&format!("/pulse/{slug}")).await;
        let base = format!("http://pulse.test/pulse/{slug}");
        let alternates = attrs(
            &page,
            "link[rel=alternate][type='application/atom+xml']",
            "href",
        );
        for feed in ["comments.xml", "updates.xml"] {
            assert!(
                alternates.contains(&format!("{base}/{feed}")),
                "{alternates:?}"
            );
        }
        assert_eq!(
            attrs(&page, ".comments__feeds a", "href"),
            [
                format!("/pulse/{slug}/comments.xml"),
                format!("/pulse/{slug}/updates.xml")
            ]
        );

        // No such brief, a malformed slug, or one taken off the site: no feed.
        app.store
            .set_brief_published(halcyon, false)
            .await
            .expect("unpublish");
        for path in [
            "/pulse/no-such-brief/comments.xml",
            "/pulse/Bad_Slug/updates.xml",
            "/pulse/halcyon-atlas-3-release/comments.xml",
            "/pulse/halcyon-atlas-3-release/updates.xml",
        ] {
            assert_eq!(app.status(path).await, StatusCode::NOT_FOUND, "{path}");
        }
    })
}

fn texts_raw(html: &scraper::Html, selector: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("selector");
    html.select(&selector).map(|e| e.inner_html()).collect()
}
