//! Hostile text through every place a reader's words land in a page, asserted on the served
//! HTML itself as a browser parses it: nothing it holds may become markup, an attribute or a
//! script, whether or not the Content-Security-Policy would have stopped it.

use axum::http::StatusCode;

use crate::support::{Reply, TestApp, attrs, reader_cookie, texts, with_settings};

/// Comment limits out of the way: one reader posts the whole corpus.
const MANY_COMMENTS: &[(&str, &str)] = &[
    ("PULSE_COMMENTS_PER_MINUTE_PER_READER", "1000"),
    ("PULSE_COMMENTS_PER_MINUTE_PER_IP", "1000"),
];

const SLUG: &str = "halcyon-atlas-3-release";

/// Sequences that end the element, attribute or comment they are written into.
const CORPUS: &[&str] = &[
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(2)</script>",
    "</style><script>alert(3)</script>",
    "</script><script>alert(4)</script>",
    "--><script>alert(5)</script><!--",
    "\"><img src=x onerror=alert(6)>",
    "'><svg onload=alert(7)>",
    "</noscript><iframe srcdoc=x></iframe>",
    "<![CDATA[ ]]><option>x</option></select>",
];

/// The page holds no script but its own, no event handler attribute, and nothing the corpus
/// would have added.
fn assert_inert(reply: &Reply, context: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{context}: {}", reply.body);
    let html = reply.html();
    let all = scraper::Selector::parse("*").expect("selector");
    for element in html.select(&all) {
        let element = element.value();
        for (name, _) in element.attrs() {
            assert!(
                !name.starts_with("on"),
                "{context}: a handler attribute on <{}>",
                element.name()
            );
            assert!(name != "srcdoc", "{context}: an iframe from the corpus");
        }
        assert!(
            !matches!(element.name(), "img" | "svg" | "iframe"),
            "{context}: <{}> from the corpus",
            element.name()
        );
    }
    let scripts = scraper::Selector::parse("script").expect("selector");
    for script in html.select(&scripts) {
        let text: String = script.text().collect();
        let kind = script.value().attr("type");
        if matches!(kind, Some("application/ld+json" | "application/json")) {
            // Data, never run: it must still be the JSON it was, not cut short.
            assert!(
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "{context}: {text}"
            );
        } else {
            assert!(
                script.value().attr("nonce").is_some(),
                "{context}: a script without our nonce: {}",
                script.html()
            );
        }
        assert!(!text.contains("alert("), "{context}: {text}");
    }
}

/// Every cookie a reply set, as one `cookie` header.
fn cookies(reply: &Reply) -> String {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Posts as a new reader signing with `name`.
async fn post(app: &TestApp, name: &str, body: &str, parent: Option<i64>) -> Reply {
    let mut reader = app.reader();
    reader.name = name.to_string();
    reader.post_comment(SLUG, body, parent).await
}

#[test]
fn hostile_words_stay_text_in_every_page_they_reach() {
    with_settings(MANY_COMMENTS, async |app| {
        let page = format!("/pulse/{SLUG}");
        for hostile in CORPUS {
            let name = format!("Eve {hostile}");
            let name: String = name
                .chars()
                .take(app.config.site.comment_max_name_chars as usize)
                .collect();
            let name = name.trim().to_string();
            let body = format!("Look: {hostile} and `{hostile}`");
            let posted = post(&app, &name, &body, None).await;
            assert_eq!(posted.status, StatusCode::OK, "{hostile}: {}", posted.body);
            let author = cookies(&posted);
            assert!(author.contains(&reader_cookie(&posted)));
            let id = posted.json()["id"].as_i64().expect("id");

            // The thread, for everyone: the name and the words are text, exactly as written.
            let public = app.get(&page).await;
            assert_inert(&public, &format!("thread with {hostile}"));
            let html = public.html();
            let names = texts(&html, &format!("#comment-{id} .comment__author"));
            assert_eq!(names, std::slice::from_ref(&name), "{hostile}");
            let shown = texts(&html, &format!("#comment-{id} .comment__body"));
            assert_eq!(shown.len(), 1);
            assert!(shown[0].contains(hostile), "{hostile}: {shown:?}");

            // The author's own page: the name remembered in the form, the edit form holding
            // the Markdown source exactly.
            let edit = app.get_as(&format!("{page}?edit={id}"), &author).await;
            assert_inert(&edit, &format!("edit form with {hostile}"));
            let html = edit.html();
            let sources = texts(&html, &format!("#comment-{id} textarea"));
            assert_eq!(sources, std::slice::from_ref(&body), "{hostile}");
            assert!(
                attrs(&html, "input[name=name]", "value").contains(&name),
                "{hostile}: the remembered name is the field's value"
            );

            // Replying to it: the name is in the form's label as text.
            let reply = app.get(&format!("{page}?reply_to={id}")).await;
            assert_inert(&reply, &format!("reply form to {hostile}"));
            assert!(
                reply
                    .html()
                    .root_element()
                    .text()
                    .collect::<String>()
                    .contains(&name),
                "{hostile}"
            );

            // Searching for it: the query is the field's value, the title's and the
            // heading's text.
            let q: String = hostile.bytes().map(|b| format!("%{b:02X}")).collect();
            let search = app.get(&format!("/search?q={q}")).await;
            assert_inert(&search, &format!("search for {hostile}"));
            let html = search.html();
            assert!(
                attrs(&html, "input[name=q]", "value").contains(&hostile.to_string()),
                "{hostile}: {:?}",
                attrs(&html, "input[name=q]", "value")
            );
            assert!(texts(&html, "title")[0].contains(hostile), "{hostile}");
        }
    })
}
