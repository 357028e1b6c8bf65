//! The editor desk's door: accounts, sign-in, sessions, and every desk server function refusing
//! (and changing nothing) without a live session, from another site, or for the wrong role.

use std::process::Command;

use axum::http::StatusCode;
use pulse::model::editors::Role;
use time::OffsetDateTime;

use crate::support::{
    Editor, FormPost, PASSWORD, Reply, add, attrs, cross_site_post, desk_cookie, field_of_each,
    get_with, refused_cookies, run_with_input, sign_in, signed_in, texts, with_app,
};

#[test]
fn signing_in_sets_a_strict_session_and_signing_out_ends_it_on_the_server() {
    with_app(async |app| {
        add(&app, "dana@pulse.test", Role::Editor).await;

        let wrong = sign_in(&app, "dana@pulse.test", "not the password at all", None).await;
        let unknown = sign_in(&app, "nobody@pulse.test", PASSWORD, None).await;
        for reply in [&wrong, &unknown] {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
            assert!(reply.headers.get("set-cookie").is_none());
        }
        assert_eq!(
            wrong.body, unknown.body,
            "an unknown address answers like a wrong password"
        );

        let reply = sign_in(&app, "Dana@Pulse.test ", PASSWORD, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.json()["name"], "Dana Desk");
        let set_cookie = reply.header("set-cookie").to_string();
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
            "{set_cookie}"
        );
        let cookie = desk_cookie(&reply);

        let me = get_with(&app, "/api/current_editor", &cookie, &[]).await;
        assert_eq!(me.json()["email"], "dana@pulse.test");
        let desk = app.get_as("/desk", &cookie).await;
        assert_eq!(desk.status, StatusCode::OK);
        assert!(texts(&desk.html(), "h1").contains(&"Briefs".to_string()));
        assert!(
            texts(&desk.html(), ".desk__who")
                .iter()
                .any(|t| t.contains("Dana Desk"))
        );

        let out = app.post_form("sign_out", &[], Some(&cookie)).await;
        assert_eq!(out.status, StatusCode::OK, "{}", out.body);
        assert!(out.header("set-cookie").contains("Max-Age=0"));
        // The old cookie, kept by someone, opens nothing any more.
        let me = get_with(&app, "/api/current_editor", &cookie, &[]).await;
        assert_eq!(me.json(), serde_json::Value::Null);
        let list = get_with(&app, "/api/desk_briefs", &cookie, &[]).await;
        assert_eq!(list.status, StatusCode::UNAUTHORIZED);
    })
}

#[test]
fn a_session_planted_before_sign_in_is_worthless_after_it() {
    with_app(async |app| {
        add(&app, "dana@pulse.test", Role::Editor).await;
        add(&app, "mallory@pulse.test", Role::Editor).await;
        // Mallory plants her own live session, and a made-up one, in Dana's browser.
        let planted = signed_in(&app, "mallory@pulse.test").await;
        let made_up = format!("pulse_desk={}", "A".repeat(43));
        for cookie in [&planted, &made_up] {
            let reply = sign_in(&app, "dana@pulse.test", PASSWORD, Some(cookie)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let fresh = desk_cookie(&reply);
            assert_ne!(&fresh, cookie, "sign-in makes a new session id");
            let me = get_with(&app, "/api/current_editor", &fresh, &[]).await;
            assert_eq!(me.json()["email"], "dana@pulse.test");
            let old = get_with(&app, "/api/current_editor", cookie, &[]).await;
            assert_eq!(
                old.json(),
                serde_json::Value::Null,
                "the planted id is not valid"
            );
        }
    })
}

#[test]
fn every_desk_function_refuses_and_changes_nothing_without_a_live_session() {
    with_app(async |app| {
        let ada = app.editor_as("ada@pulse.test", Role::Admin).await;
        let dana = app.editor(Role::Editor).await;

        let refused = refused_cookies(&app, "ada@pulse.test").await;

        let new_editor = [
            ("email", "eve@pulse.test"),
            ("name", "Eve"),
            ("role", "admin"),
            ("password", "eve wants to be an admin"),
        ];
        let reads = ["/api/desk_briefs", "/api/list_editors"];
        let ada_id = app
            .store
            .editor_credentials("ada@pulse.test")
            .await
            .expect("query")
            .expect("ada")
            .0
            .id
            .to_string();
        let demote = [
            ("id", ada_id.as_str()),
            ("role", "editor"),
            ("disabled", "true"),
        ];
        for (what, cookie) in &refused {
            for uri in reads {
                let reply = get_with(&app, uri, cookie, &[]).await;
                assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{uri} with {what}");
            }
            let cookie = (!cookie.is_empty()).then_some(cookie.as_str());
            for (endpoint, fields) in [
                ("add_editor", &new_editor[..]),
                ("update_editor", &demote[..]),
            ] {
                let reply = app.post_form(endpoint, fields, cookie).await;
                assert_eq!(
                    reply.status,
                    StatusCode::UNAUTHORIZED,
                    "{endpoint} with {what}"
                );
            }
        }

        // A live admin session, but the request comes from another site.
        let cross_site = [("sec-fetch-site", "cross-site"), ("sec-fetch-mode", "cors")];
        for uri in reads {
            let reply = get_with(&app, uri, &ada.cookie, &cross_site).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
        }
        for (endpoint, fields) in [
            ("add_editor", &new_editor[..]),
            ("update_editor", &demote[..]),
        ] {
            let reply = cross_site_post(&app, endpoint, fields, &ada.cookie).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{endpoint}");
        }

        // An editor is signed in but is not an admin.
        let reply = dana.get("/api/list_editors").await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        let reply = dana.post("add_editor", &new_editor).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);

        let accounts: Vec<(String, Role, bool)> = app
            .store
            .list_editors()
            .await
            .expect("list")
            .into_iter()
            .map(|a| (a.editor.email, a.editor.role, a.disabled))
            .collect();
        assert_eq!(
            accounts,
            [
                ("ada@pulse.test".to_string(), Role::Admin, false),
                ("dana@pulse.test".to_string(), Role::Editor, false)
            ],
            "nothing was added or changed"
        );

        // The admin, from Pulse itself, may.
        let reply = ada.post("add_editor", &new_editor).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let again = ada.post("add_editor", &new_editor).await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
        let list = ada.get("/api/list_editors").await;
        assert_eq!(list.json().as_array().map(Vec::len), Some(3));
        let eve = sign_in(&app, "eve@pulse.test", "eve wants to be an admin", None).await;
        assert_eq!(eve.json()["role"], "admin");
    })
}

#[test]
fn repeated_failures_lock_an_address_whether_it_has_an_account_or_not() {
    with_app(async |app| {
        add(&app, "dana@pulse.test", Role::Editor).await;
        for email in ["dana@pulse.test", "ghost@pulse.test"] {
            for _ in 0..5 {
                let reply = sign_in(&app, email, "guessing wrongly again", None).await;
                assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
            }
            // Locked: even the right password waits now.
            let reply = sign_in(&app, email, PASSWORD, None).await;
            assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{email}");
            let wait: u64 = reply.header("retry-after").parse().expect("seconds");
            assert!((1..=15 * 60).contains(&wait), "{wait}");
        }
        // Another address is not affected.
        add(&app, "ada@pulse.test", Role::Admin).await;
        signed_in(&app, "ada@pulse.test").await;
    })
}

#[test]
fn failures_from_one_source_never_lock_the_editor_out_elsewhere() {
    with_app(async |app| {
        add(&app, "dana@pulse.test", Role::Editor).await;
        let from = |ip: &str, password: &str| {
            let fields = [
                ("email", "dana@pulse.test"),
                ("password", password),
                ("next", "/desk"),
            ];
            app.submit(FormPost::to_api("sign_in").fields(&fields).peer(ip))
        };
        for _ in 0..5 {
            let reply = from("203.0.113.9", "guessing wrongly again").await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        }
        // The guesser's source is locked out of this account, even with the right password…
        let locked = from("203.0.113.9", PASSWORD).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
        // …and so is its whole IPv6 /64, when it guesses from there.
        for host in 1..=5 {
            let ip = format!("[2001:db8:9:9::{host}]");
            let reply = from(&ip, "guessing wrongly again").await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        }
        let locked = from("[2001:db8:9:9::77]", PASSWORD).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
        // The editor, from anywhere else, signs in: ten failures slowed the account down but
        // locked nobody else out.
        let editor = from("198.51.100.7", PASSWORD).await;
        assert_eq!(editor.status, StatusCode::OK, "{}", editor.body);
        assert_eq!(editor.json()["email"], "dana@pulse.test");
    })
}

#[test]
fn desk_pages_send_visitors_without_a_session_to_sign_in_and_back() {
    with_app(async |app| {
        add(&app, "dana@pulse.test", Role::Editor).await;
        let reply = app.get("/desk?q=atlas").await;
        assert!(reply.status.is_redirection(), "{}", reply.status);
        assert_eq!(
            reply.header("location"),
            "/desk/login?next=/desk%3Fq%3Datlas"
        );

        let login = app.get("/desk/login?next=/desk%3Fq%3Datlas").await;
        assert_eq!(login.status, StatusCode::OK);
        let html = login.html();
        assert_eq!(
            crate::support::attrs(&html, "input[name=next]", "value"),
            ["/desk?q=atlas"]
        );

        // Without JavaScript: a refused sign-in comes back to the form with the reason; a good
        // one goes where the editor was going (never off the desk).
        let post = |fields: &[(&str, &str)]| {
            app.submit(FormPost::to_api("sign_in").fields(fields).plain_form())
        };
        let refused = post(&[
            ("email", "dana@pulse.test"),
            ("password", "wrong wrong wrong"),
            ("next", "/desk?q=atlas"),
        ])
        .await;
        assert!(refused.status.is_redirection());
        assert_eq!(
            refused.header("location"),
            "/desk/login?failed=credentials&next=/desk%3Fq%3Datlas"
        );
        let page = app.get(refused.header("location")).await;
        assert!(
            texts(&page.html(), "[role=alert]")
                .iter()
                .any(|t| t.contains("don't match")),
            "{}",
            page.body
        );
        let ok = post(&[
            ("email", "dana@pulse.test"),
            ("password", PASSWORD),
            ("next", "https://evil.test/desk"),
        ])
        .await;
        assert!(ok.status.is_redirection());
        assert_eq!(ok.header("location"), "/desk");
    })
}

#[test]
fn the_desk_lists_searches_and_filters_every_brief() {
    with_app(async |app| {
        let dana = app.editor(Role::Editor).await;
        let all = dana.get("/api/desk_briefs").await.json();
        let total = app.store.count_briefs().await.expect("count");
        assert_eq!(all["total"], total);

        let found = dana.get("/api/desk_briefs?q=HALCYON%20atlas").await.json();
        let slugs = field_of_each(&found["briefs"], "slug");
        assert!(
            slugs.contains(&"halcyon-atlas-3-release".to_string()),
            "{slugs:?}"
        );
        assert!(slugs.len() < total as usize);

        // Wildcards are plain characters; a long query is refused; an unknown category is 404.
        let wild = dana.get("/api/desk_briefs?q=%25").await.json();
        assert_eq!(wild["total"], 0);
        let long = format!("/api/desk_briefs?q={}", "a".repeat(201));
        assert_eq!(dana.get(&long).await.status, StatusCode::BAD_REQUEST);
        let gossip = dana.get("/api/desk_briefs?category=gossip").await;
        assert_eq!(gossip.status, StatusCode::NOT_FOUND);
        let tools = dana.get("/api/desk_briefs?category=tools").await.json();
        assert!(
            tools["briefs"]
                .as_array()
                .expect("briefs")
                .iter()
                .all(|b| b["category"]["slug"] == "tools")
        );
        assert!(tools["total"].as_u64() < all["total"].as_u64());
    })
}

#[test]
fn the_command_line_adds_editors_and_resets_passwords() {
    with_app(async |app| {
        let pulse = |args: &[&str], stdin: &str| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_pulse"));
            command
                .args(args)
                .env("DATABASE_URL", &app.config.database_url)
                .env("PULSE_DATA_DIR", &app.config.data_dir)
                .env("RUST_LOG", "warn");
            run_with_input(&mut command, stdin)
        };
        let add = [
            "user",
            "add",
            "--email",
            "Ada@Pulse.test",
            "--name",
            "Ada",
            "--role",
            "admin",
        ];
        let short = pulse(&add, "short\n");
        assert!(!short.status.success());
        assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));

        let added = pulse(&add, &format!("{PASSWORD}\n"));
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
        let reply = sign_in(&app, "ada@pulse.test", PASSWORD, None).await;
        assert_eq!(reply.json()["role"], "admin");
        let session = desk_cookie(&reply);

        let twice = pulse(&add, &format!("{PASSWORD}\n"));
        assert!(!twice.status.success());

        let reset = pulse(
            &["user", "password", "--email", "ada@pulse.test"],
            "an entirely new passphrase\n",
        );
        assert!(
            reset.status.success(),
            "{}",
            String::from_utf8_lossy(&reset.stderr)
        );
        let me = get_with(&app, "/api/current_editor", &session, &[]).await;
        assert_eq!(
            me.json(),
            serde_json::Value::Null,
            "a reset ends every session"
        );
        let old = sign_in(&app, "ada@pulse.test", PASSWORD, None).await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED);
        let new = sign_in(&app, "ada@pulse.test", "an entirely new passphrase", None).await;
        assert_eq!(new.status, StatusCode::OK);

        let bad = pulse(&["user", "add", "--email", "x@pulse.test"], "");
        assert_eq!(
            bad.status.code(),
            Some(2),
            "missing --name is a usage error"
        );
    })
}

#[test]
fn an_editor_changes_their_own_password_and_only_this_session_survives() {
    with_app(async |app| {
        let here = app.editor(Role::Editor).await;
        let elsewhere = here.another_session().await;
        let change = |cookie: Option<String>,
                      current: &'static str,
                      new: &'static str,
                      repeat: &'static str| {
            let app = &app;
            async move {
                app.post_form(
                    "change_password",
                    &[
                        ("current", current),
                        ("new_password", new),
                        ("repeat", repeat),
                    ],
                    cookie.as_deref(),
                )
                .await
            }
        };
        let next = "a brand new desk passphrase";

        let none = change(None, PASSWORD, next, next).await;
        assert_eq!(none.status, StatusCode::UNAUTHORIZED);
        let wrong = change(
            Some(here.cookie.clone()),
            "not my password at all",
            next,
            next,
        )
        .await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        assert_eq!(wrong.json()["Invalid"]["field"], "current");
        let differ = change(
            Some(here.cookie.clone()),
            PASSWORD,
            next,
            "a brand new desk passphrasE",
        )
        .await;
        assert_eq!(differ.json()["Invalid"]["field"], "repeat");
        let weak = change(Some(here.cookie.clone()), PASSWORD, "short", "short").await;
        assert_eq!(weak.json()["Invalid"]["field"], "new_password");
        // Nothing changed so far.
        assert_eq!(
            sign_in(&app, "dana@pulse.test", PASSWORD, None)
                .await
                .status,
            StatusCode::OK
        );

        let done = change(Some(here.cookie.clone()), PASSWORD, next, next).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let me = here.get("/api/current_editor").await;
        assert_eq!(me.json()["email"], "dana@pulse.test", "this session stays");
        let other = elsewhere.get("/api/current_editor").await;
        assert_eq!(
            other.json(),
            serde_json::Value::Null,
            "every other session ends"
        );
        assert_eq!(
            sign_in(&app, "dana@pulse.test", PASSWORD, None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            sign_in(&app, "dana@pulse.test", next, None).await.status,
            StatusCode::OK
        );

        // Guessing the current password from a stolen session runs into the sign-in lock.
        for _ in 0..5 {
            change(Some(here.cookie.clone()), "guess guess guess", next, next).await;
        }
        let locked = change(Some(here.cookie.clone()), next, PASSWORD, PASSWORD).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    })
}

#[test]
fn an_admin_changes_roles_and_disables_accounts_and_a_disabled_editor_is_out_at_once() {
    with_app(async |app| {
        let ada = app.editor_as("ada@pulse.test", Role::Admin).await;
        let dana = app.editor(Role::Editor).await;
        let accounts = app.store.list_editors().await.expect("list");
        let id_of = |email: &str| {
            accounts
                .iter()
                .find(|a| a.editor.email == email)
                .map(|a| a.editor.id.to_string())
                .expect("account")
        };
        let (ada_id, dana_id) = (id_of("ada@pulse.test"), id_of("dana@pulse.test"));
        async fn update(by: &Editor<'_>, id: &str, role: &str, disabled: &str) -> Reply {
            let fields = [("id", id), ("role", role), ("disabled", disabled)];
            by.post("update_editor", &fields).await
        }

        // Only admins change accounts, and never their own role or access.
        let own = update(&dana, &dana_id, "admin", "false").await;
        assert_eq!(own.status, StatusCode::FORBIDDEN);
        for (role, disabled) in [("editor", "false"), ("admin", "true")] {
            let reply = update(&ada, &ada_id, role, disabled).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        }
        let nobody = update(&ada, "9999", "editor", "true").await;
        assert_eq!(nobody.status, StatusCode::NOT_FOUND);

        // Disabled: the open session ends at once and a sign-in is refused like a wrong password.
        let off = update(&ada, &dana_id, "editor", "true").await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.body);
        let list = dana.get("/api/desk_briefs").await;
        assert_eq!(list.status, StatusCode::UNAUTHORIZED);
        let refused = sign_in(&app, "dana@pulse.test", PASSWORD, None).await;
        let wrong = sign_in(&app, "dana@pulse.test", "certainly not her password", None).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        assert_eq!(refused.body, wrong.body);
        let listed = ada.get("/api/list_editors").await.json();
        let row = listed
            .as_array()
            .expect("accounts")
            .iter()
            .find(|a| a["email"] == "dana@pulse.test")
            .cloned()
            .expect("dana");
        assert_eq!(
            (row["disabled"].clone(), row["role"].clone()),
            (true.into(), "editor".into())
        );

        // Enabled again as an admin: she signs in and may manage accounts.
        let on = update(&ada, &dana_id, "admin", "false").await;
        assert_eq!(on.status, StatusCode::OK, "{}", on.body);
        let dana = dana.another_session().await;
        let list = dana.get("/api/list_editors").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        // Now one admin may demote the other; the last enabled admin cannot be removed.
        let demoted = update(&dana, &ada_id, "editor", "false").await;
        assert_eq!(demoted.status, StatusCode::OK, "{}", demoted.body);
        assert_eq!(
            app.store
                .update_editor(
                    dana_id.parse().expect("id"),
                    Role::Editor,
                    false,
                    OffsetDateTime::now_utc()
                )
                .await
                .expect("update"),
            pulse::server::repo::AccountChange::LastAdmin
        );
        // The page offers each account's role and access as plain forms.
        let page = dana.page("/desk/editors").await.html();
        assert_eq!(
            attrs(
                &page,
                "form[action='/api/update_editor'] button",
                "aria-label"
            ),
            [
                "Save role of Dana Desk",
                "Disable Dana Desk",
                "Save role of Dana Desk",
                "Disable Dana Desk"
            ]
        );
    })
}
