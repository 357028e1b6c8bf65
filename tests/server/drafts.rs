//! The brief editor on the server: drafts saved, previewed, scheduled and published once; a
//! published brief corrected with a public note; briefs taken off the site and put back; and
//! every one of these refused without a live editor session.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use pulse::model::editors::Role;
use pulse::model::{BRIEF_EVENT, BriefPublished};
use pulse::server::drafts::publish_due;
use time::{Duration, OffsetDateTime};

use crate::support::{
    Reply, TestApp, add, app, attrs, cross_site_post, events, form, get_with, refused_cookies, run,
    signed_in, texts,
};

const HALCYON: &str = "halcyon-atlas-3-release";

/// A complete, valid brief form for `slug`, as `fields[…]` pairs.
fn brief_form(slug: &str, title: &str) -> Vec<(String, String)> {
    [
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
    .into_iter()
    .map(|(k, v)| (format!("fields[{k}]"), v.to_string()))
    .collect()
}

fn with(form: &[(String, String)], extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut all = form.to_vec();
    for (k, v) in extra {
        all.retain(|(key, _)| key != k);
        all.push(((*k).to_string(), (*v).to_string()));
    }
    all
}

async fn post(app: &TestApp, endpoint: &str, fields: &[(String, String)], cookie: &str) -> Reply {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let cookie = (!cookie.is_empty()).then_some(cookie);
    app.post_form(endpoint, &pairs, cookie).await
}

async fn published_events(app: &TestApp) -> Vec<String> {
    events::<BriefPublished>(app, BRIEF_EVENT)
        .await
        .into_iter()
        .map(|e| e.brief.slug)
        .collect()
}

async fn editor(app: &TestApp) -> String {
    add(app, "dana@pulse.test", Role::Editor).await;
    signed_in(app, "dana@pulse.test").await
}

#[test]
fn a_draft_is_saved_previewed_and_published_once_with_its_links() {
    run(async {
        let app = app().await;
        let cookie = editor(&app).await;

        // A first save needs no more than a title; it gets an id and revision 1.
        let first = post(
            &app,
            "save_draft",
            &[("fields[title]".into(), "Half a thought".into())],
            &cookie,
        )
        .await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let id = first.json()["id"].as_i64().expect("id");
        assert_eq!(first.json()["revision"], 1);
        let opened = get_with(&app, &format!("/api/open_draft?id={id}"), &cookie, &[]).await;
        assert_eq!(opened.json()["draft"]["fields"]["title"], "Half a thought");
        assert!(
            opened.json()["preview"]["Invalid"].is_string(),
            "{}",
            opened.body
        );

        // Saving names the revision it started from; a stale one is refused.
        let form = brief_form("desk-written-brief", "A brief written on the desk");
        let saved = post(
            &app,
            "save_draft",
            &with(&form, &[("id", &id.to_string()), ("revision", "1")]),
            &cookie,
        )
        .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(saved.json()["revision"], 2);
        let stale = post(
            &app,
            "save_draft",
            &with(&form, &[("id", &id.to_string()), ("revision", "1")]),
            &cookie,
        )
        .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);

        // The preview renders with the public renderer, on the server: sanitised, with the
        // Take's markup, as inert HTML (no islands in it).
        let preview = post(&app, "preview_brief", &form, &cookie).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        let ready = preview.json()["Ready"].as_str().expect("html").to_string();
        let html = scraper::Html::parse_fragment(&ready);
        assert_eq!(texts(&html, "h1"), ["A brief written on the desk"]);
        assert!(!texts(&html, "#take + .prose").is_empty(), "{ready}");
        assert!(!ready.contains("<script"), "{ready}");
        assert!(!ready.contains("leptos-island"), "{ready}");
        let empty_take = with(&form, &[("fields[take]", "  ")]);
        let invalid = post(&app, "preview_brief", &empty_take, &cookie).await;
        let reason = invalid.json()["Invalid"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(reason.contains("Take"), "{reason}");

        // A slug another brief has is refused with its title; an invalid draft is not published.
        let taken = post(
            &app,
            "save_draft",
            &with(&form, &[("id", &id.to_string()), ("fields[slug]", HALCYON)]),
            &cookie,
        )
        .await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        assert!(taken.body.contains("Atlas 3"), "{}", taken.body);
        let refused = post(
            &app,
            "save_draft",
            &with(
                &empty_take,
                &[("id", &id.to_string()), ("intent", "publish")],
            ),
            &cookie,
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert_eq!(
            app.get("/pulse/desk-written-brief").await.status,
            StatusCode::NOT_FOUND
        );

        let done = post(
            &app,
            "save_draft",
            &with(&form, &[("id", &id.to_string()), ("intent", "publish")]),
            &cookie,
        )
        .await;
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
        let again = post(
            &app,
            "save_draft",
            &with(&form, &[("id", &id.to_string()), ("intent", "publish")]),
            &cookie,
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);
        assert_eq!(published_events(&app).await.len(), 1);
    })
}

#[test]
fn a_scheduled_draft_goes_out_once_when_due_even_with_two_instances() {
    run(async {
        let app = app().await;
        let other = app.another_instance().await;
        let cookie = editor(&app).await;
        let now = OffsetDateTime::now_utc();
        let form = brief_form("scheduled-brief", "A brief for later");

        let saved = post(&app, "save_draft", &form, &cookie).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let id = saved.json()["id"].as_i64().expect("id");
        let past = post(
            &app,
            "save_draft",
            &with(
                &form,
                &[
                    ("id", &id.to_string()),
                    ("intent", "schedule"),
                    ("publish_at", "2020-01-01T09:00"),
                ],
            ),
            &cookie,
        )
        .await;
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
        let scheduled = post(
            &app,
            "save_draft",
            &with(
                &form,
                &[
                    ("id", &id.to_string()),
                    ("intent", "schedule"),
                    ("publish_at", &at_field),
                ],
            ),
            &cookie,
        )
        .await;
        assert_eq!(scheduled.status, StatusCode::OK, "{}", scheduled.body);
        assert!(scheduled.json()["outcome"]["Scheduled"]["at_label"].is_string());
        let listed = get_with(&app, "/api/desk_briefs?status=scheduled", &cookie, &[])
            .await
            .json();
        assert_eq!(listed["total"], 1);

        assert_eq!(publish_due(&app.state, now).await.expect("look"), 0);
        let due = now + Duration::hours(2);
        let (one, two) = tokio::join!(publish_due(&app.state, due), publish_due(&other.state, due));
        assert_eq!(one.expect("one") + two.expect("two"), 1, "published once");
        assert_eq!(published_events(&app).await, ["scheduled-brief"]);
        assert_eq!(
            app.get("/pulse/scheduled-brief").await.status,
            StatusCode::OK
        );
        assert_eq!(publish_due(&app.state, due).await.expect("again"), 0);

        // A scheduled draft that stops being a valid brief is unscheduled with the reason.
        let second = brief_form("second-scheduled", "Another brief for later");
        let saved = post(
            &app,
            "save_draft",
            &with(
                &second,
                &[("intent", "schedule"), ("publish_at", &at_field)],
            ),
            &cookie,
        )
        .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let second_id = saved.json()["id"].as_i64().expect("id");
        let broken = post(
            &app,
            "save_draft",
            &with(
                &second,
                &[("id", &second_id.to_string()), ("fields[summary]", "")],
            ),
            &cookie,
        )
        .await;
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
        let delete = [("id".to_string(), second_id.to_string())];
        assert_eq!(
            post(&app, "delete_draft", &delete, &cookie).await.status,
            StatusCode::OK
        );
        assert_eq!(app.store.draft(second_id).await.expect("query"), None);
        assert_eq!(
            post(&app, "delete_draft", &delete, &cookie).await.status,
            StatusCode::NOT_FOUND
        );
    })
}

#[test]
fn a_published_brief_is_corrected_with_a_public_note_and_cited_by_follows() {
    run(async {
        let app = app().await;
        let cookie = editor(&app).await;
        let opened = get_with(
            &app,
            &format!("/api/open_brief?slug={HALCYON}"),
            &cookie,
            &[],
        )
        .await;
        assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
        let fields = &opened.json()["fields"];
        assert!(
            fields["title"]
                .as_str()
                .is_some_and(|t| t.contains("Atlas 3"))
        );
        assert_eq!(opened.json()["published"], true);

        let mut form: Vec<(String, String)> = fields
            .as_object()
            .expect("fields")
            .iter()
            .map(|(k, v)| {
                (
                    format!("fields[{k}]"),
                    v.as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        form.retain(|(k, _)| k != "fields[skeptics]");
        form.push((
            "fields[skeptics]".into(),
            "See the [cache postmortem](/pulse/postmortem-prompt-cache-stampede).".into(),
        ));
        form.push(("slug".into(), HALCYON.into()));
        let trail = |html: &scraper::Html| texts(html, ".brief__updates li");
        let before = trail(&app.get(&format!("/pulse/{HALCYON}")).await.html());
        assert_eq!(before.len(), 1, "the demo brief comes with one note");

        let no_note = post(&app, "correct_brief", &form, &cookie).await;
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

        let noted = with(&form, &[("note", "Added a skeptic's pointer.")]);
        let reply = post(&app, "correct_brief", &noted, &cookie).await;
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
        let again = with(&form, &[("note", "Fixed a typo.")]);
        assert_eq!(
            post(&app, "correct_brief", &again, &cookie).await.status,
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
    run(async {
        let app = app().await;
        let cookie = editor(&app).await;
        let off = [
            ("slug".to_string(), HALCYON.to_string()),
            ("published".to_string(), "false".to_string()),
        ];
        let reply = post(&app, "set_brief_published", &off, &cookie).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

        assert_eq!(
            app.get(&format!("/pulse/{HALCYON}")).await.status,
            StatusCode::NOT_FOUND
        );
        let feed = app.get("/category/ai-news").await.html();
        assert!(!attrs(&feed, ".feed__list a", "href").contains(&format!("/pulse/{HALCYON}")));
        let react = app.reader().react(HALCYON, "hot", true).await;
        assert_eq!(react.status, StatusCode::NOT_FOUND);
        let listed = get_with(&app, "/api/desk_briefs?status=unpublished", &cookie, &[])
            .await
            .json();
        assert_eq!(listed["briefs"][0]["slug"], HALCYON);

        let on = [
            ("slug".to_string(), HALCYON.to_string()),
            ("published".to_string(), "true".to_string()),
        ];
        assert_eq!(
            post(&app, "set_brief_published", &on, &cookie).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.get(&format!("/pulse/{HALCYON}")).await.status,
            StatusCode::OK
        );
        assert_eq!(published_events(&app).await, [HALCYON]);
    })
}

#[test]
fn without_javascript_the_editor_form_posts_and_lands_on_pages() {
    run(async {
        let app = app().await;
        let cookie = editor(&app).await;
        // As a browser encodes a form: brackets in names percent-encoded too.
        let browser = |fields: &[(String, String)]| -> String {
            fields
                .iter()
                .map(|(k, v)| {
                    let k = k.replace('[', "%5B").replace(']', "%5D");
                    format!("{k}={}", &form(&[("v", v)])[2..])
                })
                .collect::<Vec<_>>()
                .join("&")
        };
        let send = |endpoint: &'static str, body: String| {
            let cookie = cookie.clone();
            let app = &app;
            async move {
                app.send(
                    Request::post(format!("/api/{endpoint}"))
                        .header("host", "pulse.test")
                        .header("origin", "http://pulse.test")
                        .header("accept", "text/html")
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("cookie", cookie)
                        .body(Body::from(body))
                        .expect("request"),
                )
                .await
            }
        };
        let form = brief_form("form-posted-brief", "A brief posted as a form");
        let saved = send("save_draft", browser(&with(&form, &[("intent", "save")]))).await;
        assert_eq!(saved.status, StatusCode::FOUND, "{}", saved.body);
        let location = saved.header("location").to_string();
        assert!(
            location.starts_with("/desk/drafts/") && location.ends_with("?done=saved"),
            "{location}"
        );
        let page = app.get_as(&location, &cookie).await.html();
        assert_eq!(
            attrs(&page, "#brief-title", "value"),
            ["A brief posted as a form"]
        );
        assert_eq!(
            texts(&page, ".editor__preview h1"),
            ["A brief posted as a form"],
            "the preview is rendered on the server"
        );
        let id = location
            .trim_start_matches("/desk/drafts/")
            .trim_end_matches("?done=saved")
            .to_string();

        let taken = send(
            "save_draft",
            browser(&with(&form, &[("id", &id), ("fields[slug]", HALCYON)])),
        )
        .await;
        assert_eq!(taken.status, StatusCode::FOUND);
        let back = taken.header("location").to_string();
        assert!(
            back.starts_with(&format!("/desk/drafts/{id}?problem=")),
            "{back}"
        );
        let page = app.get_as(&back, &cookie).await.html();
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
        let fresh = send("save_draft", browser(&kept)).await;
        assert_eq!(fresh.status, StatusCode::FOUND);
        let landed = fresh.header("location").to_string();
        assert!(
            landed.starts_with("/desk/drafts/") && landed.contains("?problem="),
            "{landed}"
        );
        let page = app.get_as(&landed, &cookie).await.html();
        assert_eq!(
            attrs(&page, "#brief-title", "value"),
            ["Kept although the slug is taken"]
        );
        assert_eq!(attrs(&page, "#brief-slug", "value"), [""]);

        let published = send(
            "save_draft",
            browser(&with(&form, &[("id", &id), ("intent", "publish")])),
        )
        .await;
        assert_eq!(published.status, StatusCode::FOUND);
        assert_eq!(
            published.header("location"),
            "/desk/briefs/form-posted-brief?done=published"
        );
        let page = app
            .get_as("/desk/briefs/form-posted-brief?done=published", &cookie)
            .await
            .html();
        assert!(
            texts(&page, "[role=status]")
                .iter()
                .any(|t| t.starts_with("Published."))
        );

        let corrected = send(
            "correct_brief",
            browser(&with(
                &form,
                &[
                    ("slug", "form-posted-brief"),
                    ("note", "Clarified the take."),
                ],
            )),
        )
        .await;
        assert_eq!(
            corrected.header("location"),
            "/desk/briefs/form-posted-brief?done=corrected"
        );
        let public = app.get("/pulse/form-posted-brief").await.html();
        assert_eq!(texts(&public, ".brief__updates li").len(), 1);
    })
}

#[test]
fn the_brief_editor_refuses_and_changes_nothing_without_a_live_session() {
    run(async {
        let app = app().await;
        let cookie = editor(&app).await;
        let form = brief_form("sneaky-brief", "Should not exist");
        let mut writes: Vec<(&str, Vec<(String, String)>)> = vec![
            ("save_draft", with(&form, &[("intent", "publish")])),
            ("preview_brief", form.clone()),
            ("delete_draft", vec![("id".into(), "1".into())]),
            (
                "correct_brief",
                with(&form, &[("slug", HALCYON), ("note", "Vandalised.")]),
            ),
        ];
        writes.push((
            "set_brief_published",
            vec![
                ("slug".into(), HALCYON.into()),
                ("published".into(), "false".into()),
            ],
        ));
        let refused = refused_cookies(&app, "dana@pulse.test").await;
        for (endpoint, fields) in &writes {
            for (what, outsider) in &refused {
                let reply = post(&app, endpoint, fields, outsider).await;
                assert_eq!(
                    reply.status,
                    StatusCode::UNAUTHORIZED,
                    "{endpoint} with {what}"
                );
            }
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let cross = cross_site_post(&app, endpoint, &pairs, &cookie).await;
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
            let reply = get_with(&app, &uri, &cookie, &cross_site).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
        }
        let list = get_with(&app, "/api/desk_briefs?status=draft", &cookie, &[])
            .await
            .json();
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
