//! Insight for the desk: what readers do, in aggregate only — page views, reactions and
//! comments per day for the whole site, and the week's most read briefs. No reader is ever
//! tracked: views are counted per brief per day, nothing else.

use serde::{Deserialize, Serialize};

/// One day of the whole site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsightDay {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub views: u64,
    pub reactions: u64,
    pub comments: u64,
    /// The most pages open at once on the site ("reading now", every brief summed).
    pub reading_peak: u64,
}

/// One brief among the week's most read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopBrief {
    pub slug: String,
    pub title: String,
    pub views: u64,
    pub reactions: u64,
    pub comments: u64,
}

/// The newsletter in one ISO week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsletterWeek {
    /// "2026-w49".
    pub week: String,
    pub confirmations: u64,
    pub unsubscribes: u64,
    /// Digests delivered.
    pub digests: u64,
}

/// The insight page: the last 30 days, oldest first, as a chart (SVG rendered on the server,
/// numbers and dates only) and as a table, the last 7 days' top briefs, and the newsletter's
/// last weeks, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Insight {
    pub days: Vec<InsightDay>,
    pub chart_svg: String,
    pub top_week: Vec<TopBrief>,
    pub newsletter: Vec<NewsletterWeek>,
}

/// How many weeks of the newsletter the page shows.
pub const NEWSLETTER_WEEKS: u32 = 8;

/// How many days the site chart covers.
pub const INSIGHT_DAYS: u32 = 30;
