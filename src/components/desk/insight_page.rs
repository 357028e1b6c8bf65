//! `/desk/insight`: what readers do, in aggregate — the site's last 30 days of page views,
//! reactions and comments as a chart (SVG drawn on the server, readable without JavaScript,
//! with a text alternative) and the same numbers in a table, then the week's most read briefs
//! and the newsletter's last weeks.

use leptos::prelude::*;

use crate::api::insight::desk_insight;
use crate::components::desk::desk_frame::DeskFrame;
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::model::insight::{INSIGHT_DAYS, Insight};

#[component]
pub fn InsightPage() -> impl IntoView {
    view! {
        <PageTitle text="Desk · Insight"/>
        <DeskFrame title="Insight" children=|_| view! { <InsightView/> }/>
    }
}

#[component]
fn InsightView() -> impl IntoView {
    let insight = Resource::new(|| (), |()| desk_insight());
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading insight…"</p> }>
            {move || Suspend::new(async move {
                match insight.await {
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                    Ok(insight) => view! { <Shown insight/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One row of a table of counts: its heading cell, then the numbers.
type CountsRow = (AnyView, Vec<u64>);

/// A table of counts: `head` names the row-heading column, then each count column.
fn counts_table(caption: &'static str, head: &[&'static str], rows: Vec<CountsRow>) -> AnyView {
    let heads = head
        .iter()
        .map(|h| view! { <th scope="col">{*h}</th> })
        .collect_view();
    let rows = rows
        .into_iter()
        .map(|(first, counts)| {
            let cells = counts
                .into_iter()
                .map(|n| view! { <td>{n}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{first}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="desk-table">
            <caption>{caption}</caption>
            <thead>
                <tr>{heads}</tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Shown(insight: Insight) -> impl IntoView {
    let sum = |pick: fn(&crate::model::insight::InsightDay) -> u64| {
        insight.days.iter().map(pick).sum::<u64>()
    };
    let peak = insight
        .days
        .iter()
        .map(|d| d.reading_peak)
        .max()
        .unwrap_or(0);
    let summary = format!(
        "Over the last {INSIGHT_DAYS} days: {} page views, {} reactions and {} comments; at \
         most {peak} pages open at once. Every day's numbers are in the table below.",
        sum(|d| d.views),
        sum(|d| d.reactions),
        sum(|d| d.comments)
    );
    let days = insight
        .days
        .iter()
        .rev()
        .map(|d| {
            let counts = vec![d.views, d.reactions, d.comments, d.reading_peak];
            (d.day.clone().into_any(), counts)
        })
        .collect();
    let top = if insight.top_week.is_empty() {
        view! { <p class="empty-state">"Nothing read, reacted to or discussed this week yet."</p> }
            .into_any()
    } else {
        let rows = insight
            .top_week
            .into_iter()
            .map(|b| {
                let link = view! { <a href=format!("/pulse/{}", b.slug)>{b.title}</a> };
                (link.into_any(), vec![b.views, b.reactions, b.comments])
            })
            .collect();
        let head = ["Brief", "Views", "Reactions", "Comments"];
        counts_table("Most read briefs of the last 7 days", &head, rows)
    };
    let weeks = insight
        .newsletter
        .into_iter()
        .map(|w| {
            (
                w.week.into_any(),
                vec![w.confirmations, w.unsubscribes, w.digests],
            )
        })
        .collect();
    view! {
        <section aria-labelledby="insight-site">
            <h2 id="insight-site">{format!("The whole site, last {INSIGHT_DAYS} days")}</h2>
            <figure class="insight__chart">
                <div role="img" aria-labelledby="insight-summary" inner_html=insight.chart_svg></div>
                <figcaption id="insight-summary">{summary}</figcaption>
            </figure>
            {counts_table(
                "Per day, newest first",
                &["Day", "Views", "Reactions", "Comments", "Most reading at once"],
                days,
            )}
        </section>
        <section aria-labelledby="insight-week">
            <h2 id="insight-week">"This week's briefs"</h2>
            {top}
        </section>
        <section aria-labelledby="insight-newsletter">
            <h2 id="insight-newsletter">"The newsletter"</h2>
            {counts_table(
                "Per week, newest first",
                &["Week", "Confirmed", "Unsubscribed", "Digests sent"],
                weeks,
            )}
        </section>
        <p class="desk-note">
            "Counted in aggregate only: views per brief per day (bots left out), never who read."
        </p>
    }
}
