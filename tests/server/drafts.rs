//! The brief editor on the server: drafts saved, previewed, scheduled and published once; a
//! published brief corrected with a public note; briefs taken off the site and put back; and
//! every one of these refused without a live editor session.

use axum::http::StatusCode;
use pulse::model::editors::Role;
use pulse::model::{BRIEF_EVENT, BriefPublished};
use pulse::server::drafts::publish_due;
use time::{Duration, OffsetDateTime};

use crate::support::{
    Fields, TestApp, attrs, cross_site_post, events, get_with, refused_cookies, texts, with_app,
};

const HALCYON: &str = "halcyon-atlas-3-release";

/// A complete, valid brief form for `slug`, as `fields[…]` pairs.
fn brief_form(slug: &str, title: &str) -> Fields {
    let fields = [
        ("slug", slug),
        ("title", title),
        ("category", "tools"),
        ("tags", "agents, evals"),
        ("summary", "A desk-written brief for the tests."),
        ("source_name", "Pulse Lab"),
        ("source_url", "https://lab.pulse.example/desk"),
        (
            "what_happened",
            "It builds on [Atlas 3](/pulse/halcyon-atlas-3-release).",
        ),
        ("take", "Worth a look <script>alert(1)</script>."),
        ("what_to_do", "Try it on one pipeline."),
        ("who", "Platform teams"),
        ("what_changes", "Less glue code"),
        ("when", "This quarter"),
        ("watch_for", "Pricing"),
        ("skeptics", "It may not scale."),
    ]
    .map(|(k, v)| (format!("fields[{k}]"), v));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    Fields::new(&pairs)
}

async fn published_events(app: &TestApp) -> Vec<String> {
    events::<BriefPublished>(app, BRIEF_EVENT)
        .await
        .into_iter()
        .map(|e| e.brief.slug)
        .collect()
}

#[test]
fn a_draft_is_saved_previewed_and_published_once_with_its_links() {
    with_app(async |app| {
        let dana = app.editor(Role::Editor).await;

        // A first save needs no more than a title; it gets an id and revision 1.
        let first = dana
            .post("save_draft", &[("fields[title]", "Half a thought")])
            .await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let id = first.json()["id"].as_i64().expect("id").to_string();
        assert_eq!(first.json()["revision"], 1);
        let opened = dana.get(&format!("/api/open_draft?id={id}")).await;
        assert_eq!(opened.json()["draft"]["fields"]["title"], "Half a thought");
        assert!(
            opened.json()["preview"]["Invalid"].is_string(),
            "{}",
            opened.body
        );

        // Saving names the revision it started from; a stale one is refused.
        let form = brief_form("desk-written-brief", "A brief written on the desk");
        let draft = form.with(&[("id", &id)]);
        let saved = dana
            .send("save_draft", &draft.with(&[("revision", "1")]))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(saved.json()["revision"], 2);
        let stale = dana
            .send("save_draft", &draft.with(&[("revision", "1")]))
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);

        // The preview renders with the public renderer, on the server: sanitised, with the
        // Take's markup, as inert HTML (no islands in it).
        let preview = dana.send("preview_brief", &form).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        let ready = preview.json()["Ready"].as_str().expect("html").to_string();
        let html = scraper::Html::parse_fragment(&ready);
        assert_eq!(texts(&html, "h1"), ["A brief written on the desk"]);
        assert!(!texts(&html, "#take + .prose").is_empty(), "{ready}");
        assert!(!ready.contains("<script"), "{ready}");
        assert!(!ready.contains("leptos-island"), "{ready}");
        let empty_take = form.with(&[("fields[take]", "  ")]);
        let invalid = dana.send("preview_brief", &empty_take).await;
        let reason = invalid.json()["Invalid"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(reason.contains("Take"), "{reason}");

        // A slug another brief has is refused with its title; an invalid draft is not published.
        let taken = dana
            .send("save_draft", &draft.with(&[("fields[slug]", HALCYON)]))
            .await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        assert!(taken.body.contains("Atlas 3"), "{}", taken.body);
        let publish = draft.with(&[("intent", "publish")]);
        let refused = dana
            .send("save_draft", &publish.with(&[("fields[take]", "  ")]))
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert_eq!(
            app.status("/pulse/desk-written-brief").await,
            StatusCode::NOT_FOUND
        );

        let done = dana.send("save_draft", &publish).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(
            done.json()["outcome"]["Published"]["slug"],
            "desk-written-brief"
        );
        let page = app.get("/pulse/desk-written-brief").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            texts(&page.html(), "h1.brief__title"),
            ["A brief written on the desk"]
        );
        let feed = app.get("/").await.html();
        assert_eq!(
            attrs(&feed, ".feed__list li h2 a", "href")
                .first()
                .map(String::as_str),
            Some("/pulse/desk-written-brief"),
            "newest first"
        );
        assert_eq!(published_events(&app).await, ["desk-written-brief"]);
        // Cited By of the brief it links to now lists it.
        let cited = app.get(&format!("/pulse/{HALCYON}")).await.html();
        assert!(
            attrs(&cited, "section.cited-by a", "href")
                .contains(&"/pulse/desk-written-brief".to_string())
        );
        // The draft is gone: publishing it again finds nothing.
        let again = dana.send("save_draft", &publish).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);
        assert_eq!(published_events(&app).await.len(), 1);
    })
}

#[test]
fn a_scheduled_draft_goes_out_once_when_due_even_with_two_instances() {
    with_app(async |app| {
        let other = app.another_instance().await;
        let dana = app.editor(Role::Editor).await;
        let now = OffsetDateTime::now_utc();
        let form = brief_form("scheduled-brief", "A brief for later");

        let saved = dana.send("save_draft", &form).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let id = saved.json()["id"].as_i64().expect("id");
        let id_field = id.to_string();
        let schedule = form.with(&[("id", &id_field), ("intent", "schedule")]);
        let in_the_past = schedule.with(&[("publish_at", "2020-01-01T09:00")]);
        let past = dana.send("save_draft", &in_the_past).await;
        assert_eq!(past.status, StatusCode::BAD_REQUEST, "{}", past.body);
        let draft = app.store.draft(id).await.expect("query").expect("draft");
        assert_eq!(
            (draft.revision, draft.publish_at),
            (2, None),
            "the words are kept; the schedule is refused"
        );

        let at = now + Duration::hours(1);
        let at_field = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute()
        );
        let in_an_hour = schedule.with(&[("publish_at", &at_field)]);
        let scheduled = dana.send("save_draft", &in_an_hour).await;
        assert_eq!(scheduled.status, StatusCode::OK, "{}", scheduled.body);
        assert!(scheduled.json()["outcome"]["Scheduled"]["at_label"].is_string());
        let listed = dana.get("/api/desk_briefs?status=scheduled").await.json();
        assert_eq!(listed["total"], 1);

        assert_eq!(publish_due(&app.state, now).await.expect("look"), 0);
        let due = now + Duration::hours(2);
        let (one, two) = tokio::join!(publish_due(&app.state, due), publish_due(&other.state, due));
        assert_eq!(one.expect("one") + two.expect("two"), 1, "published once");
        assert_eq!(published_events(&app).await, ["scheduled-brief"]);
        assert_eq!(app.status("/pulse/scheduled-brief").await, StatusCode::OK);
        assert_eq!(publish_due(&app.state, due).await.expect("again"), 0);

        // A scheduled draft that stops being a valid brief is unscheduled with the reason.
        let second = brief_form("second-scheduled", "Another brief for later");
        let second_scheduled = second.with(&[("intent", "schedule"), ("publish_at", &at_field)]);
        let saved = dana.send("save_draft", &second_scheduled).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let second_id = saved.json()["id"].as_i64().expect("id");
        let second_key = second_id.to_string();
        let no_summary = second.with(&[("id", &second_key), ("fields[summary]", "")]);
        let broken = dana.send("save_draft", &no_summary).await;
        assert_eq!(broken.status, StatusCode::OK, "a draft may be incomplete");
        assert_eq!(publish_due(&app.state, due).await.expect("look"), 0);
        let draft = app
            .store
            .draft(second_id)
            .await
            .expect("query")
            .expect("kept");
        assert_eq!(draft.publish_at, None);
        assert!(
            draft
                .problem
                .as_deref()
                .is_some_and(|p| p.contains("summary")),
            "{draft:?}"
        );
        assert_eq!(published_events(&app).await.len(), 1);

        // A draft can be thrown away; it is then gone for everyone.
        let delete = [("id", second_key.as_str())];
        assert_eq!(
            dana.post("delete_draft", &delete).await.status,
            StatusCode::OK
        );
        assert_eq!(app.store.draft(second_id).await.expect("query"), None);
        assert_eq!(
            dana.post("delete_draft", &delete).await.status,
            StatusCode::NOT_FOUND
        );
    })
}

#[test]
fn a_published_brief_is_corrected_with_a_public_note_and_cited_by_follows() {
    with_app(async |app| {
        let dana = app.editor(Role::Editor).await;
        let opened = dana.get(&format!("/api/open_brief?slug={HALCYON}")).await;
        assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
        let fields = &opened.json()["fields"];
        assert!(
            fields["title"]
                .as_str()
                .is_some_and(|t| t.contains("Atlas 3"))
        );
        assert_eq!(opened.json()["published"], true);

        let form = dana.brief_fields(HALCYON).await.with(&[(
            "fields[skeptics]",
            "See the [cache postmortem](/pulse/postmortem-prompt-cache-stampede).",
        )]);
        let trail = |html: &scraper::Html| texts(html, ".brief__updates li");
        let before = trail(&app.get(&format!("/pulse/{HALCYON}")).await.html());
        assert_eq!(before.len(), 1, "the demo brief comes with one note");

        let no_note = dana.send("correct_brief", &form).await;
        assert_eq!(no_note.status, StatusCode::BAD_REQUEST, "{}", no_note.body);
        let page = app.get(&format!("/pulse/{HALCYON}")).await.html();
        assert_eq!(trail(&page), before, "nothing changed");
        let cited = app
            .get("/pulse/postmortem-prompt-cache-stampede")
            .await
            .html();
        assert!(
            !attrs(&cited, "section.cited-by a", "href").contains(&format!("/pulse/{HALCYON}")),
            "not cited before the correction"
        );

        let noted = form.with(&[("note", "Added a skeptic's pointer.")]);
        let reply = dana.send("correct_brief", &noted).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let page = app.get(&format!("/pulse/{HALCYON}")).await.html();
        let updates = trail(&page);
        assert_eq!(updates.len(), 2, "{updates:?}");
        assert_eq!(updates[0], before[0], "earlier notes stay first");
        assert!(updates[1].starts_with("Updated "), "{updates:?}");
        assert!(
            updates[1].ends_with(": Added a skeptic's pointer."),
            "{updates:?}"
        );
        let cited = app
            .get("/pulse/postmortem-prompt-cache-stampede")
            .await
            .html();
        assert!(attrs(&cited, "section.cited-by a", "href").contains(&format!("/pulse/{HALCYON}")));

        // A second correction keeps the first: the trail is in order.
        let again = form.with(&[("note", "Fixed a typo.")]);
        assert_eq!(
            dana.send("correct_brief", &again).await.status,
            StatusCode::OK
        );
        let page = app.get(&format!("/pulse/{HALCYON}")).await.html();
        let updates = trail(&page);
        assert_eq!(updates.len(), 3);
        assert!(updates[2].ends_with(": Fixed a typo."), "{updates:?}");
    })
}

#[test]
fn an_unpublished_brief_leaves_every_public_place_and_can_come_back() {
    with_app(async |app| {
        let dana = app.editor(Role::Editor).await;
        let off = [("slug", HALCYON), ("published", "false")];
        let reply = dana.post("set_brief_published", &off).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

        assert_eq!(
            app.status(&format!("/pulse/{HALCYON}")).await,
            StatusCode::NOT_FOUND
        );
        let feed = app.get("/category/ai-news").await.html();
        assert!(!attrs(&feed, ".feed__list a", "href").contains(&format!("/pulse/{HALCYON}")));
        let react = app.reader().react(HALCYON, "hot", true).await;
        assert_eq!(react.status, StatusCode::NOT_FOUND);
        let listed = dana.get("/api/desk_briefs?status=unpublished").await.json();
        assert_eq!(listed["briefs"][0]["slug"], HALCYON);

        let on = [("slug", HALCYON), ("published", "true")];
        assert_eq!(
            dana.post("set_brief_published", &on).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.status(&format!("/pulse/{HALCYON}")).await,
            StatusCode::OK
        );
        assert_eq!(published_events(&app).await, [HALCYON]);
    })
}

#[test]
fn without_javascript_the_editor_form_posts_and_lands_on_pages() {
    with_app(async |app| {
        let dana = app.editor(Role::Editor).await;
        let form = brief_form("form-posted-brief", "A brief posted as a form");
        let location = dana
            .lands("save_draft", &form.with(&[("intent", "save")]))
            .await;
        assert!(
            location.starts_with("/desk/drafts/") && location.ends_with("?done=saved"),
            "{location}"
        );
        let title_field = |page: &scraper::Html| attrs(page, "#brief-title", "value");
        let page = dana.page(&location).await.html();
        assert_eq!(title_field(&page), ["A brief posted as a form"]);
        assert_eq!(
            texts(&page, ".editor__preview h1"),
            ["A brief posted as a form"],
            "the preview is rendered on the server"
        );
        let id = location
            .trim_start_matches("/desk/drafts/")
            .trim_end_matches("?done=saved")
            .to_string();

        let taken = form.with(&[("id", &id), ("fields[slug]", HALCYON)]);
        let back = dana.lands("save_draft", &taken).await;
        assert!(
            back.starts_with(&format!("/desk/drafts/{id}?problem=")),
            "{back}"
        );
        let page = dana.page(&back).await.html();
        assert!(
            texts(&page, "[role=alert]")
                .iter()
                .any(|t| t.contains("already used"))
        );
        assert_eq!(
            attrs(&page, "#brief-slug", "value"),
            ["form-posted-brief"],
            "the draft keeps its own slug"
        );

        // A new draft whose slug is taken still keeps its words, on a page of its own.
        let kept = brief_form(HALCYON, "Kept although the slug is taken");
        let landed = dana.lands("save_draft", &kept).await;
        assert!(
            landed.starts_with("/desk/drafts/") && landed.contains("?problem="),
            "{landed}"
        );
        let page = dana.page(&landed).await.html();
        assert_eq!(title_field(&page), ["Kept although the slug is taken"]);
        assert_eq!(attrs(&page, "#brief-slug", "value"), [""]);

        let publish = form.with(&[("id", &id), ("intent", "publish")]);
        assert_eq!(
            dana.lands("save_draft", &publish).await,
            "/desk/briefs/form-posted-brief?done=published"
        );
        let page = dana
            .page("/desk/briefs/form-posted-brief?done=published")
            .await
            .html();
        assert!(
            texts(&page, "[role=status]")
                .iter()
                .any(|t| t.starts_with("Published."))
        );

        let correct = form.with(&[
            ("slug", "form-posted-brief"),
            ("note", "Clarified the take."),
        ]);
        assert_eq!(
            dana.lands("correct_brief", &correct).await,
            "/desk/briefs/form-posted-brief?done=corrected"
        );
        let public = app.get("/pulse/form-posted-brief").await.html();
        assert_eq!(texts(&public, ".brief__updates li").len(), 1);
    })
}

#[test]
fn the_brief_editor_refuses_and_changes_nothing_without_a_live_session() {
    with_app(async |app| {
        let dana = app.editor(Role::Editor).await;
        let form = brief_form("sneaky-brief", "Should not exist");
        let writes = [
            ("save_draft", form.with(&[("intent", "publish")])),
            ("preview_brief", form.clone()),
            ("delete_draft", Fields::new(&[("id", "1")])),
            (
                "correct_brief",
                form.with(&[("slug", HALCYON), ("note", "Vandalised.")]),
            ),
            (
                "set_brief_published",
                Fields::new(&[("slug", HALCYON), ("published", "false")]),
            ),
        ];
        let refused = refused_cookies(&app, "dana@pulse.test").await;
        for (endpoint, fields) in &writes {
            for (what, outsider) in &refused {
                let reply = app
                    .post_form(endpoint, &fields.pairs(), Some(outsider))
                    .await;
                assert_eq!(
                    reply.status,
                    StatusCode::UNAUTHORIZED,
                    "{endpoint} with {what}"
                );
            }
            let cross = cross_site_post(&app, endpoint, &fields.pairs(), &dana.cookie).await;
            assert_eq!(cross.status, StatusCode::FORBIDDEN, "{endpoint}");
        }
        let cross_site = [("sec-fetch-site", "cross-site"), ("sec-fetch-mode", "cors")];
        for uri in [
            "/api/open_draft".to_string(),
            format!("/api/open_brief?slug={HALCYON}"),
        ] {
            for (what, outsider) in &refused {
                let reply = get_with(&app, &uri, outsider, &[]).await;
                assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{uri} with {what}");
            }
            let reply = get_with(&app, &uri, &dana.cookie, &cross_site).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
        }
        let list = dana.get("/api/desk_briefs?status=draft").await.json();
        assert_eq!(list["total"], 0, "no draft was made");
        let page = app.get(&format!("/pulse/{HALCYON}")).await.html();
        assert_eq!(
            texts(&page, ".brief__updates li").len(),
            1,
            "no note was added"
        );
        assert!(published_events(&app).await.is_empty());
    })
}
