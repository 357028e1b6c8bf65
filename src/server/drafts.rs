//! The brief editor's server side: turning the form into a brief with the import's own rules
//! (compose a brief file, then parse it: the same checks, renderer and sanitiser), the preview
//! the desk shows beside the form, and the schedule that publishes due drafts.

use std::time::Duration;

use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::desk::{BriefFields, Preview};
use crate::model::{Brief, BriefUpdate, BuilderBrief, Category, ReactionState, SiteInfo};
use crate::server::content::{ParsedBrief, compose, parse_brief};
use crate::server::repo::{Publication, date_label};
use crate::server::state::AppState;

/// How often each instance looks for due drafts. Scheduling is to the minute; this keeps a
/// scheduled brief within seconds of its time without a query worth mentioning.
const SCHEDULE_POLL: Duration = Duration::from_secs(5);

/// Checks and renders `fields` as a brief published at `published_at` with these correction
/// notes; the error is the reason, worded for the editor.
pub fn build(
    site: &SiteInfo,
    fields: &BriefFields,
    published_at: &str,
    updates: &[(String, String)],
) -> Result<ParsedBrief, String> {
    let text = compose(fields, published_at, updates).map_err(|e| e.reason)?;
    parse_brief("the form", &text, site).map_err(|e| e.reason)
}

/// The preview of `fields`: the brief exactly as its page would show it (with the briefs that
/// already cite its slug), rendered to HTML, or why it cannot be published yet.
pub async fn preview(
    state: &AppState,
    fields: &BriefFields,
    published_at: &str,
    updates: &[(String, String)],
) -> Result<Preview, AppError> {
    let site = &state.config.site;
    let brief = match build(site, fields, published_at, updates) {
        Ok(brief) => brief,
        Err(reason) => return Ok(Preview::Invalid(reason)),
    };
    let cited_by = state.store.cited_by(&brief.slug).await?;
    let category = site
        .category(&brief.category)
        .cloned()
        .unwrap_or_else(|| Category {
            slug: brief.category.clone(),
            name: brief.category.clone(),
        });
    Ok(Preview::Ready(render(
        site,
        Brief {
            category,
            published_label: date_label(&brief.published_at),
            updates: brief
                .updates
                .into_iter()
                .map(|(at, note)| BriefUpdate {
                    at_label: date_label(&at),
                    at,
                    note,
                })
                .collect(),
            slug: brief.slug,
            title: brief.title,
            summary: brief.summary,
            tags: brief.tags,
            published_at: brief.published_at,
            reading_minutes: brief.reading_minutes,
            source_name: brief.source_name,
            source_url: brief.source_url,
            what_happened_html: brief.what_happened_html,
            take_html: brief.take_html,
            what_to_do_html: brief.what_to_do_html,
            builder: BuilderBrief {
                who_html: brief.who_html,
                what_changes_html: brief.what_changes_html,
                when_html: brief.when_html,
                watch_for_html: brief.watch_for_html,
            },
            skeptics_html: brief.skeptics_html,
            cited_by,
            reactions: ReactionState::default(),
            comments: Vec::new(),
            older_comments: None,
            newer_comments: None,
            comment_count: 0,
            mine: Vec::new(),
            my_name: None,
            comment_key: String::new(),
        },
    )))
}

/// The brief's page body, rendered as the public page renders it, as inert HTML for the
/// desk's preview (so the brief renderer never ships to the browser).
fn render(site: &SiteInfo, brief: Brief) -> String {
    use leptos::prelude::*;

    use crate::components::brief_body::BriefBody;

    Owner::new().with(|| {
        provide_context(site.clone());
        view! {
            <article class="brief brief--preview"><BriefBody brief preview=true/></article>
        }
        .to_html()
    })
}

/// Publishes draft `id` now (or, with `due`, only if its scheduled time has come) and wakes
/// the live layer when it went out.
pub async fn publish(
    state: &AppState,
    id: i64,
    now: OffsetDateTime,
    due: bool,
) -> Result<Publication, AppError> {
    let site = state.config.site.clone();
    let rules = move |fields: &BriefFields, at: &str, notes: &[(String, String)]| {
        build(&site, fields, at, notes)
    };
    let outcome = state.store.publish_draft(id, now, due, &rules).await?;
    match &outcome {
        Publication::Published { slug } => {
            tracing::info!(draft = id, %slug, scheduled = due, "brief published");
            state.live.published();
        }
        Publication::Invalid(reason) if due => {
            tracing::warn!(draft = id, %reason, "a scheduled draft could not be published");
        }
        Publication::SlugTaken(_) if due => {
            tracing::warn!(draft = id, "a scheduled draft's slug is taken");
        }
        _ => {}
    }
    Ok(outcome)
}

/// Publishes every draft due at `now`; returns how many went out.
pub async fn publish_due(state: &AppState, now: OffsetDateTime) -> Result<u32, AppError> {
    let mut published = 0;
    for id in state.store.due_drafts(now).await? {
        if let Publication::Published { .. } = publish(state, id, now, true).await? {
            published += 1;
        }
    }
    Ok(published)
}

/// Runs the publishing schedule for as long as the process does. It starts with a look, so a
/// draft that fell due while the server was down goes out as soon as it is back.
pub fn start_schedule(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SCHEDULE_POLL);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            // Errors are logged where they happen; the next look tries again.
            let _ = publish_due(&state, OffsetDateTime::now_utc()).await;
        }
    });
}

/// `value` from the schedule form: a `datetime-local` value (minutes or seconds, read as UTC)
/// or a full RFC 3339 time; stored in the schema's format.
pub fn schedule_time(value: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;

    let value = value.trim();
    if let Ok(at) = OffsetDateTime::parse(value, &Rfc3339) {
        return Some(at);
    }
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(value, &seconds)
        .or_else(|_| time::PrimitiveDateTime::parse(value, &minutes))
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

/// "09:31 UTC": when a save happened, for the editor's status line.
pub fn clock_label(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{:02}:{:02} UTC", at.hour(), at.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_times_are_read_as_utc() {
        let expected = time::macros::datetime!(2026-11-28 09:30 UTC);
        assert_eq!(schedule_time("2026-11-28T09:30"), Some(expected));
        assert_eq!(schedule_time("2026-11-28T09:30:00"), Some(expected));
        assert_eq!(schedule_time("2026-11-28T10:30:00+01:00"), Some(expected));
        assert_eq!(schedule_time("tomorrow"), None);
        assert_eq!(schedule_time(""), None);
    }
}
