//! Insight, privacy first: page views of each brief counted in memory per day — cached answers
//! included, bots (by user agent) left out, no reader or address kept — and added to the
//! database in batches under this instance's own key (`repo::insight`), so every instance's
//! counts add up; and the desk's insight page: the site's last 30 days (views, reactions,
//! comments) as a chart rendered here as SVG (plotters) with the same numbers in a table, the
//! week's most read briefs, and the newsletter's confirmations, unsubscribes and digests per
//! week.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use plotters::prelude::*;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::desk::{DeskBrief, DeskStatus, Trend};
use crate::model::insight::{INSIGHT_DAYS, Insight, InsightDay, NEWSLETTER_WEEKS, NewsletterWeek};
use crate::model::validate_slug;
use crate::server::digest::issue_slug;
use crate::server::state::AppState;

/// How often counted views are added to the database.
const FLUSH_EVERY: Duration = Duration::from_secs(10);
/// How many briefs "top of the week" lists.
const TOP_BRIEFS: u32 = 10;
/// Words in a user agent that say it is not a person reading.
const BOTS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "preview",
    "headless",
    "curl",
    "wget",
    "python",
    "java/",
    "go-http",
    "libwww",
    "httpclient",
    "feed",
    "lighthouse",
    "externalhit",
    "externalagent",
    "whatsapp",
    "okhttp",
    "axios",
    "node-fetch",
    "archiver",
];

/// The header the page router sends when it fetches a page only to take a part of it (new
/// comments of the thread, the answer of a form shown in place): not a page view.
const FRAGMENT_HEADER: &str = "pulse-fragment";

/// This instance's page views not yet in the database: (UTC day, brief slug) → views.
#[derive(Clone)]
pub struct PageViews {
    inner: Arc<ViewsInner>,
}

struct ViewsInner {
    /// Names this instance's rows: instances never write the same one.
    instance: String,
    counts: Mutex<HashMap<(String, String), u64>>,
}

impl PageViews {
    /// A counter of its own (each server instance has one).
    pub fn new() -> PageViews {
        let mut bytes = [0u8; 6];
        // Without randomness the process id still tells instances on one machine apart.
        let _ = getrandom::fill(&mut bytes);
        let tag: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        PageViews {
            inner: Arc::new(ViewsInner {
                instance: format!("{}-{tag}", std::process::id()),
                counts: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Counts one view of `slug` on the day it happens (a flush after midnight still writes
    /// it to the day before).
    fn count(&self, slug: &str) {
        let day = day_of(OffsetDateTime::now_utc());
        let mut counts = self
            .inner
            .counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *counts.entry((day, slug.to_string())).or_insert(0) += 1;
    }

    fn take(&self) -> HashMap<(String, String), u64> {
        std::mem::take(
            &mut *self
                .inner
                .counts
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Puts back counts a failed flush could not write: nothing counted is lost.
    fn restore(&self, counts: impl IntoIterator<Item = ((String, String), u64)>) {
        let mut now = self
            .inner
            .counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for (key, n) in counts {
            *now.entry(key).or_insert(0) += n;
        }
    }
}

impl Default for PageViews {
    fn default() -> Self {
        PageViews::new()
    }
}

/// Whether a user agent says it is a program rather than a person's browser.
pub fn is_bot(user_agent: &str) -> bool {
    let agent = user_agent.to_ascii_lowercase();
    agent.trim().is_empty() || BOTS.iter().any(|word| agent.contains(word))
}

/// The brief a request reads as a page (`GET /pulse/<slug>`, not a thread page fetched into
/// it), if any.
fn brief_view(req: &Request) -> Option<String> {
    if req.method() != Method::GET {
        return None;
    }
    let slug = req.uri().path().strip_prefix("/pulse/")?;
    if validate_slug(slug).is_err()
        || req.headers().contains_key(FRAGMENT_HEADER)
        || req
            .uri()
            .query()
            .is_some_and(|q| q.contains("comments_before") || q.contains("comments_after"))
    {
        return None;
    }
    let agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    (!is_bot(agent)).then(|| slug.to_string())
}

/// The middleware: counts each page view of a brief answered with its page (from the cache
/// or rendered).
pub async fn count_views(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let viewed = brief_view(&req);
    let res = next.run(req).await;
    if let Some(slug) = viewed
        && res.status() == StatusCode::OK
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
    {
        state.views.count(&slug);
    }
    res
}

/// Today, `YYYY-MM-DD` (UTC).
fn day_of(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// Adds the views counted since the last flush to this instance's rows, each on its own day
/// (one transaction a day). What a failed write could not add is kept for the next flush.
pub async fn flush(state: &AppState) -> Result<(), AppError> {
    let counts = state.views.take();
    let mut days: std::collections::BTreeMap<String, Vec<(String, u64)>> = Default::default();
    for ((day, slug), n) in counts {
        days.entry(day).or_default().push((slug, n));
    }
    let mut days = days.into_iter();
    while let Some((day, rows)) = days.next() {
        if let Err(error) = state
            .store
            .add_page_views(&day, &state.views.inner.instance, &rows)
            .await
        {
            let unwritten = std::iter::once((day, rows))
                .chain(days)
                .flat_map(|(day, rows)| {
                    rows.into_iter()
                        .map(move |(slug, n)| ((day.clone(), slug), n))
                });
            state.views.restore(unwritten);
            return Err(error);
        }
    }
    Ok(())
}

/// The last flush, as the server stops: a few tries, so a restart loses no counted view.
pub async fn flush_at_exit(state: &AppState) {
    for _ in 0..3 {
        match flush(state).await {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(%error, "page views not written at exit; trying again");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
    tracing::error!("page views counted since the last flush could not be written");
}

/// Flushes counted views every few seconds for as long as the process runs.
pub fn start(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(FLUSH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(error) = flush(&state).await {
                tracing::warn!(%error, "page views not written yet; kept for the next flush");
            }
        }
    });
}

/// The insight page's numbers and chart.
pub async fn insight(state: &AppState) -> Result<Insight, AppError> {
    let now = OffsetDateTime::now_utc();
    let first = now - time::Duration::days(i64::from(INSIGHT_DAYS) - 1);
    let stored = state.store.site_days(&day_of(first)).await?;
    // Every day of the range, quiet ones as zeros, so the line has no gaps.
    let days: Vec<InsightDay> = (0..i64::from(INSIGHT_DAYS))
        .map(|n| {
            let day = day_of(first + time::Duration::days(n));
            stored
                .iter()
                .find(|d| d.day == day)
                .cloned()
                .unwrap_or(InsightDay {
                    day,
                    views: 0,
                    reactions: 0,
                    comments: 0,
                    reading_peak: 0,
                })
        })
        .collect();
    let week = day_of(now - time::Duration::days(6));
    let top_week = state.store.top_briefs(&week, TOP_BRIEFS).await?;
    let newsletter = newsletter_weeks(state, now).await?;
    let chart_svg = chart(&days).map_err(|error| {
        tracing::error!(%error, "insight chart not drawn");
        AppError::Internal
    })?;
    Ok(Insight {
        days,
        chart_svg,
        top_week,
        newsletter,
    })
}

/// The newsletter's last [`NEWSLETTER_WEEKS`] ISO weeks, newest first: confirmations,
/// unsubscribes, digests delivered.
async fn newsletter_weeks(
    state: &AppState,
    now: OffsetDateTime,
) -> Result<Vec<NewsletterWeek>, AppError> {
    let weeks: Vec<String> = (0..i64::from(NEWSLETTER_WEEKS))
        .map(|n| issue_slug(now - time::Duration::weeks(n)))
        .collect();
    // From the Monday of the oldest week shown.
    let oldest = now - time::Duration::weeks(i64::from(NEWSLETTER_WEEKS) - 1);
    let monday =
        oldest - time::Duration::days(i64::from(oldest.weekday().number_days_from_monday()));
    let times = state
        .store
        .newsletter_times(&format!("{}T00:00:00Z", day_of(monday)))
        .await?;
    let week_of = |at: &String| {
        OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(issue_slug)
    };
    let tally = |list: &[String], week: &str| {
        list.iter()
            .filter(|at| week_of(at).as_deref() == Some(week))
            .count() as u64
    };
    Ok(weeks
        .into_iter()
        .map(|week| NewsletterWeek {
            confirmations: tally(&times.confirmed, &week),
            unsubscribes: tally(&times.unsubscribed, &week),
            digests: tally(&times.digests, &week),
            week,
        })
        .collect())
}

/// Days a brief's trend on the desk list covers.
const TREND_DAYS: u32 = 14;

/// Gives each published brief of a desk page its trend: views per day over [`TREND_DAYS`].
pub async fn add_trends(state: &AppState, briefs: &mut [DeskBrief]) -> Result<(), AppError> {
    let now = OffsetDateTime::now_utc();
    let first = now - time::Duration::days(i64::from(TREND_DAYS) - 1);
    let days: Vec<String> = (0..i64::from(TREND_DAYS))
        .map(|n| day_of(first + time::Duration::days(n)))
        .collect();
    let views = state.store.brief_views_by_day(&days[0]).await?;
    for brief in briefs
        .iter_mut()
        .filter(|b| b.status == DeskStatus::Published)
    {
        let per_day: Vec<u64> = days
            .iter()
            .map(|day| {
                views
                    .iter()
                    .find(|(slug, d, _)| *slug == brief.slug && d == day)
                    .map_or(0, |(_, _, n)| *n)
            })
            .collect();
        let svg = sparkline(&per_day).map_err(|error| {
            tracing::error!(%error, "trend not drawn");
            AppError::Internal
        })?;
        brief.trend = Some(Trend {
            views: per_day.iter().sum(),
            days: TREND_DAYS,
            svg,
        });
    }
    Ok(())
}

/// A small line of `values` (one a day), no axes: a trend at a glance.
fn sparkline(values: &[u64]) -> Result<String, Box<dyn std::error::Error>> {
    let top = values.iter().copied().max().unwrap_or(0).max(1);
    let last = i32::try_from(values.len().saturating_sub(1))
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (112, 28)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(3)
            .build_cartesian_2d(0..last, 0..top)?;
        let points = values
            .iter()
            .enumerate()
            .map(|(i, v)| (i32::try_from(i).unwrap_or(0), *v));
        chart.draw_series(LineSeries::new(
            points,
            RGBColor(0x35, 0x54, 0xd1).stroke_width(2),
        ))?;
        root.present()?;
    }
    Ok(svg)
}

type Picked = fn(&InsightDay) -> u64;

/// The 30-day chart as SVG: one line each for views, reactions and comments per day.
fn chart(days: &[InsightDay]) -> Result<String, Box<dyn std::error::Error>> {
    let lines: [(&str, RGBColor, Picked); 3] = [
        ("Views", RGBColor(0x35, 0x54, 0xd1), |d| d.views),
        ("Reactions", RGBColor(0xb4, 0x3c, 0x00), |d| d.reactions),
        ("Comments", RGBColor(0x1d, 0x7a, 0x3a), |d| d.comments),
    ];
    let top = days
        .iter()
        .map(|d| d.views.max(d.reactions).max(d.comments))
        .max()
        .unwrap_or(0)
        .max(4);
    let last = i32::try_from(days.len().saturating_sub(1))
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 320)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d(0..last, 0..top + top / 10)?;
        chart
            .configure_mesh()
            .x_labels(6)
            .x_label_formatter(&|i| {
                usize::try_from(*i)
                    .ok()
                    .and_then(|i| days.get(i))
                    .map(|d| d.day.get(5..).unwrap_or_default().to_string())
                    .unwrap_or_default()
            })
            .y_labels(5)
            .label_style(("sans-serif", 14))
            .draw()?;
        for (name, color, pick) in lines {
            let points = days
                .iter()
                .enumerate()
                .map(|(i, d)| (i32::try_from(i).unwrap_or(0), pick(d)));
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(2)))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 14))
            .draw()?;
        root.present()?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bots_are_told_from_browsers_by_their_user_agent() {
        assert!(is_bot(""));
        assert!(is_bot("Mozilla/5.0 (compatible; Googlebot/2.1)"));
        assert!(is_bot("curl/8.5.0"));
        assert!(is_bot("facebookexternalhit/1.1"));
        assert!(is_bot("WhatsApp/2.23"));
        assert!(!is_bot(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
        ));
    }

    #[test]
    fn views_are_kept_per_day_and_put_back_after_a_failed_write() {
        let views = PageViews::new();
        views.count("atlas");
        views.count("atlas");
        views.count("kestrel");
        let taken = views.take();
        let today = day_of(OffsetDateTime::now_utc());
        assert_eq!(taken.get(&(today.clone(), "atlas".to_string())), Some(&2));
        assert!(views.take().is_empty(), "taken means gone");
        views.count("atlas");
        views.restore(taken);
        let back = views.take();
        assert_eq!(back.get(&(today, "atlas".to_string())), Some(&3));
        assert_eq!(back.values().sum::<u64>(), 4);
    }

    #[test]
    fn the_chart_is_an_svg_with_a_line_per_measure() {
        let days: Vec<InsightDay> = (1..=30)
            .map(|n| InsightDay {
                day: format!("2026-11-{n:02}"),
                views: n * 3,
                reactions: n,
                comments: n / 2,
                reading_peak: n,
            })
            .collect();
        let svg = chart(&days).expect("chart");
        assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
        let lines = svg
            .split("<polyline")
            .filter(|part| part.contains("stroke-width=\"2\""))
            .count();
        assert_eq!(lines, 3 + 3, "three lines, three legend marks");
        assert!(svg.contains("Comments"));
    }
}
