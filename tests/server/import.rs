//! Content import: all or nothing, idempotent, Cited By computed from content.

use std::path::Path;

use pulse::server::content::{ImportError, import_dir};

use crate::support::{app, empty_app, run};

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
    run(async {
        let app = app().await;
        let before = app.store.count_briefs().await.expect("count");
        let feed_before = app.get_json("/api/list_briefs?page=1").await.body;

        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(
            dir.path().join("a-good.md"),
            brief("a-new-brief", "New", ""),
        )
        .expect("write");
        std::fs::write(
            dir.path().join("b-bad.md"),
            brief("b-bad", "Bad", "").replace("## Take", "## Opinion"),
        )
        .expect("write");

        let err = import_dir(&app.store, dir.path(), &app.config.site)
            .await
            .expect_err("rejected");
        let ImportError::Invalid(problems) = err else {
            panic!("expected file problems, got {err}")
        };
        assert_eq!(problems.len(), 1);
        assert!(problems[0].file.ends_with("b-bad.md"), "{}", problems[0]);
        assert_eq!(problems[0].line, 17, "{}", problems[0]);
        assert!(problems[0].reason.contains("## Opinion"), "{}", problems[0]);

        assert_eq!(app.store.count_briefs().await.expect("count"), before);
        assert!(
            app.store
                .get_brief("a-new-brief")
                .await
                .expect("query")
                .is_none()
        );
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
        let path = dir.path().join("x.md");
        std::fs::write(&path, brief("x-brief", "First title", "")).expect("write");

        let first = import_dir(&app.store, dir.path(), &app.config.site)
            .await
            .expect("import");
        assert_eq!((first.created, first.updated, first.unchanged), (1, 0, 0));
        let again = import_dir(&app.store, dir.path(), &app.config.site)
            .await
            .expect("import");
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 1));

        std::fs::write(&path, brief("x-brief", "Second title", "")).expect("write");
        let changed = import_dir(&app.store, dir.path(), &app.config.site)
            .await
            .expect("import");
        assert_eq!(
            (changed.created, changed.updated, changed.unchanged),
            (0, 1, 0)
        );
        assert_eq!(app.store.count_briefs().await.expect("count"), 1);
        let stored = app
            .store
            .get_brief("x-brief")
            .await
            .expect("query")
            .expect("stored");
        assert_eq!(stored.title, "Second title");
    })
}

#[test]
fn cited_by_follows_links_in_content_and_their_removal() {
    run(async {
        let app = empty_app().await;
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(
            dir.path().join("target.md"),
            brief("target-brief", "Target", ""),
        )
        .expect("write");
        std::fs::write(
            dir.path().join("citer.md"),
            brief("citer-brief", "Citer", "See [this](/pulse/target-brief)."),
        )
        .expect("write");
        import_dir(&app.store, dir.path(), &app.config.site)
            .await
            .expect("import");

        let target = app
            .store
            .get_brief("target-brief")
            .await
            .expect("query")
            .expect("stored");
        assert_eq!(
            target
                .cited_by
                .iter()
                .map(|l| l.slug.as_str())
                .collect::<Vec<_>>(),
            ["citer-brief"]
        );
        let citer = app
            .store
            .get_brief("citer-brief")
            .await
            .expect("query")
            .expect("stored");
        assert!(citer.cited_by.is_empty());

        std::fs::write(
            dir.path().join("citer.md"),
            brief("citer-brief", "Citer", "No link now."),
        )
        .expect("write");
        import_dir(&app.store, dir.path(), &app.config.site)
            .await
            .expect("import");
        let target = app
            .store
            .get_brief("target-brief")
            .await
            .expect("query")
            .expect("stored");
        assert!(target.cited_by.is_empty());
    })
}

#[test]
fn the_demo_content_is_valid_and_broad() {
    run(async {
        let app = app().await;
        assert!(app.store.count_briefs().await.expect("count") >= 12);
        let briefs = pulse::server::content::load_dir(Path::new("content"), &app.config.site)
            .expect("valid");
        let mut categories: Vec<_> = briefs.iter().map(|b| b.category.as_str()).collect();
        categories.sort();
        categories.dedup();
        assert!(categories.len() >= 5, "{categories:?}");
    })
}
