//! Insight: page views of a brief are counted per day in aggregate — cached answers included,
//! bots and in-page thread fetches left out — and every instance's counts add up; the desk's
//! insight page shows them as an SVG chart and a table, to editors only.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use pulse::model::editors::Role;

use crate::support::{TestApp, texts, with_app};

const SLUG: &str = "kestrel-7b-open-weights";
const BROWSER: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36";

async fn view(app: &TestApp, uri: &str, agent: &str) -> StatusCode {
    let request = Request::get(uri)
        .header("accept", "text/html")
        .header("user-agent", agent)
        .body(Body::empty())
        .expect("request");
    app.send(request).await.status
}

#[test]
fn views_are_counted_in_aggregate_across_instances_and_shown_to_editors() {
    with_app(async |app| {
        let page = format!("/pulse/{SLUG}");
        // Twice from a browser (the second may come from the page cache), once from a crawler,
        // once as a thread page fetched into an open page, once for a brief that does not exist.
        assert_eq!(view(&app, &page, BROWSER).await, StatusCode::OK);
        assert_eq!(view(&app, &page, BROWSER).await, StatusCode::OK);
        view(&app, &page, "Mozilla/5.0 (compatible; Googlebot/2.1)").await;
        view(&app, &format!("{page}?comments_before=9"), BROWSER).await;
        view(&app, "/pulse/no-such-brief", BROWSER).await;
        // The page router fetching new comments into an open page: not a view either.
        let fragment = Request::get(format!("{page}?comment=1"))
            .header("accept", "text/html")
            .header("user-agent", BROWSER)
            .header("pulse-fragment", "1")
            .body(Body::empty())
            .expect("request");
        assert_eq!(app.send(fragment).await.status, StatusCode::OK);
        pulse::server::insight::flush(&app.state)
            .await
            .expect("flush");
        // Another instance on the same database counts under its own key.
        let second = app.another_instance().await;
        assert_eq!(view(&second, &page, BROWSER).await, StatusCode::OK);
        pulse::server::insight::flush(&second.state)
            .await
            .expect("flush");
        let mut reader = app.reader();
        reader.react(SLUG, "insightful", true).await;

        // Nobody but an editor sees it.
        let anonymous = app
            .get_accepting("/api/desk_insight", "application/json", None)
            .await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        let dana = app.editor(Role::Editor).await;
        let insight = dana.get("/api/desk_insight").await;
        assert_eq!(insight.status, StatusCode::OK, "{}", insight.body);
        let insight = insight.json();
        let days = insight["days"].as_array().expect("days");
        assert_eq!(days.len(), 30);
        let today = days.last().expect("today");
        assert_eq!(today["views"], 3, "{today}");
        assert!(today["reactions"].as_u64() >= Some(1));
        assert_eq!(insight["top_week"][0]["slug"], SLUG);
        assert_eq!(insight["top_week"][0]["views"], 3);
        let weeks = insight["newsletter"].as_array().expect("weeks");
        assert_eq!(weeks.len(), 8, "the newsletter's last eight weeks");

        // The page: a chart with its text alternative, and the same numbers in a table.
        let html = dana.page("/desk/insight").await.html();
        let figure = texts(&html, "figure.insight__chart figcaption");
        assert!(figure[0].contains("3 page views"), "{figure:?}");
        assert_eq!(
            crate::support::attrs(&html, "figure.insight__chart [role=img]", "aria-labelledby"),
            crate::support::attrs(&html, "figure.insight__chart figcaption", "id"),
            "the chart is named by its caption"
        );
        assert_eq!(
            html.select(&scraper::Selector::parse("figure svg").expect("selector"))
                .count(),
            1
        );
        let rows = texts(&html, "table.desk-table tbody tr");
        assert!(rows.len() > 30, "30 days and the week's briefs");
    });
}
