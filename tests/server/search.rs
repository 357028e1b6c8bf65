//! Full-text search, on whichever backend the suite runs (SQLite's FTS5, or PostgreSQL's
//! full-text search with `PULSE_TEST_BACKEND=postgres`): what matches, in what order, what is
//! marked, and that no input can break it.

use axum::http::StatusCode;

use crate::support::{TestApp, attrs, empty_app_with, run, texts, with_app, write};

/// One brief file; `body` is the What Happened section.
fn brief(slug: &str, title: &str, summary: &str, tags: &[&str], body: &str, day: u32) -> String {
    let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
    format!(
        r#"+++
slug = "{slug}"
title = "{title}"
category = "tools"
tags = [{tags}]
published_at = 2026-11-{day:02}T09:00:00Z
summary = "{summary}"

[source]
name = "Test Wire"
url = "https://wire.example/{slug}"
+++

## What Happened

{body}

## Take

A take on it.

## What To Do

Read the notes.

## Builder's Brief

- **Who:** Builders
- **What changes:** Little
- **When:** Soon
- **Watch for:** Follow-ups

## What Skeptics Say

Some doubt it.
"#,
        tags = tags.join(", ")
    )
}

/// A fresh app holding only the briefs below, five results to a page.
async fn searchable() -> TestApp {
    let app = empty_app_with(&[("PULSE_PAGE_SIZE", "5")]).await;
    let dir = tempfile::tempdir().expect("dir");
    let files = [
        brief(
            "quokka-title",
            "Quokka compilers arrive",
            "A new toolchain.",
            &["toolchains"],
            "The release notes say little else.",
            10,
        ),
        brief(
            "quokka-body",
            "A quiet week for toolchains",
            "Nothing major.",
            &[],
            "Only one quokka appears, deep in a footnote about mascots and naming.",
            12,
        ),
        brief(
            "cafe-summary",
            "Benchmarks at the café",
            "Crème brûlée and latency: a summary of the Café Session.",
            &["benchmarks"],
            "Numbers were shared.",
            11,
        ),
        brief(
            "tagged-only",
            "A brief found by its tag",
            "Its words say nothing of it.",
            &["zeppelin-ops"],
            "Plain text, filed from 東京.",
            9,
        ),
        brief(
            "unpublished-quokka",
            "Quokka quokka quokka",
            "Quokka.",
            &[],
            "Quokka everywhere.",
            13,
        ),
    ];
    for (i, text) in files.iter().enumerate() {
        write(dir.path(), &format!("{i}.md"), text);
    }
    app.import(dir.path()).await.expect("import");
    let taken_down = app
        .store
        .set_brief_published("unpublished-quokka", false)
        .await
        .expect("unpublish");
    assert_eq!(taken_down, Some(true));
    app
}

/// The JSON answer of the search endpoint.
async fn search(app: &TestApp, q: &str, page: u32) -> (StatusCode, serde_json::Value) {
    let uri = format!(
        "/api/search_briefs?q={}&page={page}",
        pulse::model::encode_query_value(q)
    );
    let reply = app.get_json(&uri).await;
    (reply.status, reply.json())
}

/// The slugs a query finds, in order.
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    let (status, json) = search(app, q, 1).await;
    assert_eq!(status, StatusCode::OK, "{q:?}: {json}");
    json["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["slug"].as_str().expect("slug").to_string())
        .collect()
}

/// The marked words of a hit's runs.
fn marked(runs: &serde_json::Value) -> Vec<String> {
    runs.as_array()
        .expect("runs")
        .iter()
        .filter(|r| r["hit"] == true)
        .map(|r| r["text"].as_str().expect("text").to_string())
        .collect()
}

#[test]
fn finds_briefs_by_any_word_title_matches_first() {
    run(async {
        let app = searchable().await;
        // The title match ranks above the newer brief that only mentions the word in its body,
        // and the unpublished brief, full of the word, is never found.
        assert_eq!(found(&app, "quokka").await, ["quokka-title", "quokka-body"]);
        let (_, json) = search(&app, "quokka", 1).await;
        assert_eq!(json["total"], 2);
        assert_eq!(json["terms"], serde_json::json!(["quokka"]));
        assert_eq!(marked(&json["hits"][0]["title"]), ["Quokka"]);
        assert_eq!(marked(&json["hits"][1]["excerpt"]), ["quokka"]);
        assert!(marked(&json["hits"][1]["title"]).is_empty());

        // Case, accents, and words a query word begins.
        assert_eq!(found(&app, "QUOKKAS").await, Vec::<String>::new());
        assert_eq!(found(&app, "quok").await, ["quokka-title", "quokka-body"]);
        assert_eq!(found(&app, "cafe").await, ["cafe-summary"]);
        assert_eq!(found(&app, "CAFÉ creme").await, ["cafe-summary"]);
        let (_, json) = search(&app, "cafe", 1).await;
        assert_eq!(marked(&json["hits"][0]["title"]), ["café"]);
        assert_eq!(
            marked(&json["hits"][0]["excerpt"]),
            ["Café"],
            "the summary, marked"
        );
        // Two letters match only that word: "qu" is not a prefix query.
        assert_eq!(found(&app, "qu").await, Vec::<String>::new());

        // Every word must match; tags and the summary are searched too.
        assert_eq!(found(&app, "quokka compilers").await, ["quokka-title"]);
        assert_eq!(found(&app, "quokka benchmarks").await, Vec::<String>::new());
        assert_eq!(found(&app, "zeppelin").await, ["tagged-only"]);
        // A word in the title outweighs the same word as a tag.
        assert_eq!(
            found(&app, "toolchains").await,
            ["quokka-body", "quokka-title"]
        );
        assert_eq!(found(&app, "latency").await, ["cafe-summary"]);
        // Sections past What Happened are searched: every brief here says "Follow-ups".
        assert_eq!(found(&app, "follow").await.len(), 4);
    })
}

#[test]
fn results_are_paged() {
    run(async {
        let app = searchable().await;
        // Every published brief's Take says "take"; five to a page.
        let (status, first) = search(&app, "take", 1).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(first["total"], 4);
        assert_eq!(first["total_pages"], 1);
        let app6 = empty_app_with(&[("PULSE_PAGE_SIZE", "2")]).await;
        let dir = tempfile::tempdir().expect("dir");
        for day in 1..=5 {
            let slug = format!("paged-{day}");
            write(
                dir.path(),
                &format!("{slug}.md"),
                &brief(&slug, "Paged", "Paging.", &[], "Walrus.", day),
            );
        }
        app6.import(dir.path()).await.expect("import");
        let mut seen = Vec::new();
        for page in 1..=3 {
            let (status, json) = search(&app6, "walrus", page).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(json["total_pages"], 3);
            for hit in json["hits"].as_array().expect("hits") {
                seen.push(hit["slug"].as_str().expect("slug").to_string());
            }
        }
        // Equal ranks go newest first, and no page repeats another.
        assert_eq!(
            seen,
            ["paged-5", "paged-4", "paged-3", "paged-2", "paged-1"]
        );
        let (status, _) = search(&app6, "walrus", 4).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
}

#[test]
fn no_input_breaks_it() {
    run(async {
        let app = searchable().await;
        // Query-language syntax of either backend is only separators between words.
        for q in [
            "\"quokka",
            "quokka\"",
            "'quokka':*",
            "quokka*",
            "(quokka compilers)",
            "quokka') --",
            "(quokka",
            "quokka & !compilers |",
            "\\quokka\\",
            "+quokka -",
            "^quokka",
            "{quokka}:",
            "quokka;",
        ] {
            let slugs = found(&app, q).await;
            assert!(
                slugs.contains(&"quokka-title".to_string()),
                "{q:?} found {slugs:?}"
            );
        }
        // Operator words are words: "or" must appear, so nothing matches both ways.
        assert_eq!(
            found(&app, "quokka OR zeppelin").await,
            Vec::<String>::new()
        );
        // Nothing to search for: an empty answer, not an error.
        for q in [
            "", "   ", "\"\"", "*", "&|!():'", "\u{0}", "\u{200b}", "🔥🔥",
        ] {
            let (status, json) = search(&app, q, 1).await;
            assert_eq!(status, StatusCode::OK, "{q:?}: {json}");
            assert_eq!(json["total"], 0, "{q:?}");
            assert_eq!(json["terms"], serde_json::json!([]), "{q:?}");
        }
        // Words in other scripts are words.
        assert_eq!(found(&app, "東京").await, ["tagged-only"]);
        // Far too long: refused with 400 naming the field, before any query runs.
        let long = "quokka ".repeat(1_500);
        let (status, json) = search(&app, &long, 1).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
        assert_eq!(json["Invalid"]["field"], "q", "{json}");
        // Many words: the first twelve are used, and the answer says so.
        let many = format!("quokka {}", "compilers ".repeat(20));
        let (status, json) = search(&app, &many, 1).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["truncated"], false, "repeated words count once");
        let many: Vec<String> = (0..14).map(|i| format!("w{i}x")).collect();
        let (_, json) = search(&app, &format!("quokka {}", many.join(" ")), 1).await;
        assert_eq!(json["truncated"], true);
        assert_eq!(json["terms"].as_array().expect("terms").len(), 12);
        // Bad page numbers are refused like the feed's.
        let reply = app.get_json("/api/search_briefs?q=quokka&page=0").await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    })
}

#[test]
fn the_search_page_works_without_javascript() {
    with_app(async |app| {
        // The demo content: a word from one brief's body finds it, marked.
        let html = app.page("/search?q=manifest").await;
        assert_eq!(texts(&html, "main h1"), ["Search"]);
        let hits = attrs(&html, "ol.search__hits article h2 a", "href");
        assert!(
            hits.contains(&"/pulse/kestrel-7b-open-weights".to_string()),
            "{hits:?}"
        );
        assert!(
            texts(&html, "ol.search__hits mark")
                .iter()
                .all(|m| m.to_lowercase().starts_with("manifest")),
            "only the matching words are marked"
        );
        assert_eq!(
            attrs(&html, "form[action='/search'] input[name=q]", "value").last(),
            Some(&"manifest".to_string()),
            "the page's field keeps the query"
        );
        assert_eq!(attrs(&html, "meta[name=robots]", "content"), ["noindex"]);

        // A hostile query comes back as text, never as markup.
        let hostile = "<script>alert(1)</script> <b>manifest</b>";
        let reply = app
            .get(&format!(
                "/search?q={}",
                pulse::model::encode_query_value(hostile)
            ))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let html = reply.html();
        assert!(texts(&html, "main script").is_empty());
        assert!(texts(&html, "main b").is_empty());
        assert!(texts(&html, ".search__summary")[0].contains(hostile));

        // Too long a query: 400, with the form still there to fix it.
        let reply = app
            .get(&format!("/search?q={}", "a".repeat(10 * 1024)))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        let html = reply.html();
        assert_eq!(texts(&html, ".search [role=alert]").len(), 1);
        assert_eq!(attrs(&html, "input#search-query", "name"), ["q"]);

        // Every page has the header's search field.
        let home = app.get("/").await.html();
        assert_eq!(
            attrs(&home, "header form[role=search]", "action"),
            ["/search"]
        );
    })
}

#[test]
fn briefs_stored_before_search_existed_are_indexed_at_start() {
    with_app(async |app| {
        let before = found(&app, "manifest").await;
        assert!(!before.is_empty());
        // Forget the index, as a database from before search would have none, and open the
        // store again: it fills the index back in.
        app.execute_sql("DELETE FROM brief_search").await;
        assert!(found(&app, "manifest").await.is_empty());
        let again = app.another_instance().await;
        assert_eq!(found(&again, "manifest").await, before);
    })
}
