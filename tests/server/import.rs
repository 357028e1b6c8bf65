//! Content import: all or nothing, idempotent, Cited By computed from content.

use std::path::Path;

use pulse::server::content::{ImportError, load_dir};

use crate::support::{empty_app, run, with_app, write};

const BRIEF: &str = r#"+++
slug = "SLUG"
title = "TITLE"
category = "tools"
published_at = 2026-11-26T09:00:00Z
summary = "A brief written for a test."

[source]
name = "Test Wire"
url = "https://wire.example/story"
+++

## What Happened

It happened. LINK

## Take

A take.

## What To Do

Something.

## Builder's Brief

- **Who:** Testers
- **What changes:** Nothing
- **When:** Now
- **Watch for:** Flakes

## What Skeptics Say

Doubts.
"#;

fn brief(slug: &str, title: &str, link: &str) -> String {
    BRIEF
        .replace("SLUG", slug)
        .replace("TITLE", title)
        .replace("LINK", link)
}

#[test]
fn a_bad_file_leaves_the_database_unchanged() {
    with_app(async |app| {
        let before = app.store.count_briefs().await.expect("count");
        let feed_before = app.get_json("/api/list_briefs?page=1").await.body;

        let dir = tempfile::tempdir().expect("dir");
        write(dir.path(), "a-good.md", &brief("a-new-brief", "New", ""));
        write(
            dir.path(),
            "b-bad.md",
            &brief("b-bad", "Bad", "").replace("## Take", "## Opinion"),
        );

        let err = app.import(dir.path()).await.expect_err("rejected");
        let ImportError::Invalid(problems) = err else {
            panic!("expected file problems, got {err}")
        };
        assert_eq!(problems.len(), 1);
        assert!(problems[0].file.ends_with("b-bad.md"), "{}", problems[0]);
        assert_eq!(problems[0].line, 17, "{}", problems[0]);
        assert!(problems[0].reason.contains("## Opinion"), "{}", problems[0]);

        assert_eq!(app.store.count_briefs().await.expect("count"), before);
        assert!(app.brief("a-new-brief").await.is_none());
        assert_eq!(
            app.get_json("/api/list_briefs?page=1").await.body,
            feed_before
        );
    })
}

#[test]
fn import_is_idempotent_and_updates_by_slug() {
    run(async {
        let app = empty_app().await;
        let dir = tempfile::tempdir().expect("dir");
        write(dir.path(), "x.md", &brief("x-brief", "First title", ""));
        let counts = |r: pulse::server::content::ImportReport| (r.created, r.updated, r.unchanged);

        assert_eq!(
            counts(app.import(dir.path()).await.expect("import")),
            (1, 0, 0)
        );
        assert_eq!(
            counts(app.import(dir.path()).await.expect("import")),
            (0, 0, 1)
        );

        write(dir.path(), "x.md", &brief("x-brief", "Second title", ""));
        assert_eq!(
            counts(app.import(dir.path()).await.expect("import")),
            (0, 1, 0)
        );
        assert_eq!(app.store.count_briefs().await.expect("count"), 1);
        assert_eq!(
            app.brief("x-brief").await.expect("stored").title,
            "Second title"
        );
    })
}

#[test]
fn cited_by_follows_links_in_content_and_their_removal() {
    run(async {
        let app = empty_app().await;
        let dir = tempfile::tempdir().expect("dir");
        write(
            dir.path(),
            "target.md",
            &brief("target-brief", "Target", ""),
        );
        write(
            dir.path(),
            "citer.md",
            &brief("citer-brief", "Citer", "See [this](/pulse/target-brief)."),
        );
        app.import(dir.path()).await.expect("import");

        let cited_by =
            |b: pulse::model::Brief| b.cited_by.into_iter().map(|l| l.slug).collect::<Vec<_>>();
        assert_eq!(
            cited_by(app.brief("target-brief").await.expect("stored")),
            ["citer-brief"]
        );
        assert!(cited_by(app.brief("citer-brief").await.expect("stored")).is_empty());

        write(
            dir.path(),
            "citer.md",
            &brief("citer-brief", "Citer", "No link now."),
        );
        app.import(dir.path()).await.expect("import");
        assert!(cited_by(app.brief("target-brief").await.expect("stored")).is_empty());
    })
}

#[test]
fn the_demo_content_is_valid_and_broad() {
    with_app(async |app| {
        assert!(app.store.count_briefs().await.expect("count") >= 12);
        let briefs = load_dir(Path::new("content"), &app.config.site).expect("valid");
        let mut categories: Vec<_> = briefs.iter().map(|b| b.category.as_str()).collect();
        categories.sort();
        categories.dedup();
        assert!(categories.len() >= 5, "{categories:?}");
    })
}
