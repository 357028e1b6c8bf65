//! The weekly digest: when it is due, composing an issue from the briefs published since the
//! previous one, and queueing it for every confirmed subscriber exactly once. The outbox's
//! unique dedupe key ("digest:<issue>:<subscriber>") is the send log, so running this twice —
//! the schedule firing twice, a restart halfway, two instances — queues nothing twice.

use time::{Duration, OffsetDateTime, Time};

use crate::error::AppError;
use crate::model::share::plain_text;
use crate::model::{Category, DigestIssue, DigestItem, DigestSummary};
use crate::server::config::DigestSchedule;
use crate::server::mail::compose::{Letter, compose, html_document, html_escape};
use crate::server::newsletter::unsubscribe_url;
use crate::server::repo::{Outgoing, StoredIssue, date_label, stamp};
use crate::server::state::AppState;

/// Subscribers queued per transaction.
const BATCH: u32 = 200;
/// A missed slot (the server was down) is still sent if the server comes back within this.
const CATCH_UP: Duration = Duration::days(6);

/// The latest scheduled moment at or before `now`.
pub fn latest_slot(schedule: &DigestSchedule, now: OffsetDateTime) -> OffsetDateTime {
    let now = now.to_offset(time::UtcOffset::UTC);
    let at = Time::from_hms(schedule.hour, schedule.minute, 0).unwrap_or(Time::MIDNIGHT);
    let days_back = (i64::from(now.weekday().number_days_from_monday())
        - i64::from(schedule.weekday.number_days_from_monday()))
    .rem_euclid(7);
    let slot = (now - Duration::days(days_back)).replace_time(at);
    if slot > now {
        slot - Duration::days(7)
    } else {
        slot
    }
}

/// An issue's address: the ISO week it belongs to, e.g. "2026-w48".
pub fn issue_slug(at: OffsetDateTime) -> String {
    let (year, week, _) = at.to_iso_week_date();
    format!("{year:04}-w{week:02}")
}

/// How far back a digest looks: to the start of the first issue (so a brief that missed its
/// week's issue joins the next), or a week back for the very first one.
async fn digest_floor(state: &AppState, at: OffsetDateTime) -> Result<String, AppError> {
    Ok(match state.store.first_digest_start().await? {
        Some(first) => first,
        None => stamp(at - Duration::days(7)),
    })
}

/// "Pulse weekly AI digest — week 48, 2026".
fn issue_title(state: &AppState, at: OffsetDateTime) -> String {
    let (year, week, _) = at.to_iso_week_date();
    format!(
        "{} weekly AI digest — week {week}, {year}",
        state.config.site.name
    )
}

/// The issue for the week of `at`: the stored one, or a new one of the briefs published since
/// the previous issue (until `at`). `None` when there is nothing to say: an empty week sends
/// nothing.
pub async fn compose_issue(
    state: &AppState,
    at: OffsetDateTime,
) -> Result<Option<StoredIssue>, AppError> {
    let slug = issue_slug(at);
    if let Some(issue) = state.store.digest_issue(&slug).await? {
        return Ok(Some(issue));
    }
    let end = stamp(at);
    let start = match state.store.last_digest_end().await? {
        Some(previous) => previous,
        None => stamp(at - Duration::days(7)),
    };
    let briefs = state
        .store
        .briefs_for_digest(&digest_floor(state, at).await?, &end)
        .await?;
    if briefs.is_empty() {
        // Another instance may have stored this week's issue between the first look and
        // the brief query (its items are then no longer "undigested"): answer with that one.
        return state.store.digest_issue(&slug).await;
    }
    let title = issue_title(state, at);
    let issue = state
        .store
        .create_digest_issue(&slug, &title, (&start, &end), &briefs)
        .await?;
    tracing::info!(issue = %issue.slug, briefs = briefs.len(), "digest issue composed");
    Ok(Some(issue))
}

/// Queues `issue` for every confirmed subscriber not yet sent it, then marks it queued.
/// `stop_after` stops once that many messages are queued, without marking the issue done
/// (tests use it to stop halfway, as a crash would); returns how many this call queued or
/// re-offered.
pub async fn queue_issue(
    state: &AppState,
    issue: &StoredIssue,
    stop_after: Option<u64>,
) -> Result<u64, AppError> {
    let Some(content) = state.store.get_digest(&issue.slug).await? else {
        return Ok(0);
    };
    let mut after = 0;
    let mut offered = 0;
    loop {
        let batch = match stop_after {
            Some(limit) if offered >= limit => return Ok(offered),
            Some(limit) => u32::try_from(limit - offered).unwrap_or(BATCH).min(BATCH),
            None => BATCH,
        };
        let subscribers = state.store.confirmed_subscribers(after, batch).await?;
        let Some(last) = subscribers.last() else {
            break;
        };
        after = last.0;
        let mails = subscribers
            .iter()
            .map(|(id, email)| letter(state, issue, &content, *id, email))
            .collect::<Result<Vec<Outgoing>, AppError>>()?;
        state.store.queue_digest_batch(&mails).await?;
        state.mail.queued();
        offered += mails.len() as u64;
    }
    state.store.digest_queued(issue.id).await?;
    tracing::info!(issue = %issue.slug, "digest queued for every confirmed subscriber");
    Ok(offered)
}

/// Composes and queues the issue for the week of `at` (what the schedule and
/// `pulse digest send` do). `None` for an empty week.
pub async fn send_digest(
    state: &AppState,
    at: OffsetDateTime,
) -> Result<Option<StoredIssue>, AppError> {
    let Some(issue) = compose_issue(state, at).await? else {
        tracing::info!("no briefs since the last digest: nothing to send");
        return Ok(None);
    };
    if issue.queued_at.is_none() {
        queue_issue(state, &issue, None).await?;
    }
    Ok(Some(issue))
}

/// The next issue as it would go out now, without storing or sending anything (for
/// `pulse digest preview`). `None` when no brief was published since the last issue.
pub async fn preview(
    state: &AppState,
    now: OffsetDateTime,
) -> Result<Option<DigestIssue>, AppError> {
    let briefs = state
        .store
        .briefs_for_digest(&digest_floor(state, now).await?, &stamp(now))
        .await?;
    if briefs.is_empty() {
        return Ok(None);
    }
    let site = &state.config.site;
    Ok(Some(DigestIssue {
        summary: DigestSummary {
            slug: issue_slug(now),
            title: issue_title(state, now),
            created_at: stamp(now),
            created_label: date_label(&stamp(now)),
            brief_count: u32::try_from(briefs.len()).unwrap_or(u32::MAX),
        },
        items: briefs
            .into_iter()
            .map(|b| DigestItem {
                category: site.category(&b.category).cloned().unwrap_or(Category {
                    name: b.category.clone(),
                    slug: b.category,
                }),
                published_label: date_label(&b.published_at),
                slug: b.slug,
                title: b.title,
                summary: b.summary,
                take_html: b.take_html,
            })
            .collect(),
    }))
}

/// Runs the schedule for as long as the process does: at each slot (and at start, to catch up
/// on a slot missed while down, or to finish one cut short) the week's issue is sent.
pub fn start_schedule(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            let now = OffsetDateTime::now_utc();
            let slot = latest_slot(&state.config.digest, now);
            if now - slot > CATCH_UP {
                continue;
            }
            let _ = send_digest(&state, slot).await; // errors are logged where they happen
        }
    });
}

/// The digest as one subscriber gets it: the same issue, with their own unsubscribe link.
fn letter(
    state: &AppState,
    issue: &StoredIssue,
    content: &DigestIssue,
    subscriber: i64,
    email: &str,
) -> Result<Outgoing, AppError> {
    let unsubscribe = unsubscribe_url(state, subscriber, email);
    let (text, html) = render(state, content, &unsubscribe);
    compose(
        &state.config.mail,
        Letter {
            to: email,
            subject: &issue.title,
            text,
            html,
            unsubscribe_url: Some(&unsubscribe),
        },
        "digest",
        format!("digest:{}:{subscriber}", issue.id),
    )
}

/// The plain-text and HTML parts of an issue.
pub fn render(state: &AppState, issue: &DigestIssue, unsubscribe: &str) -> (String, String) {
    let site = &state.config.site;
    let base = site.base_url.trim_end_matches('/');
    let web = format!("{base}/digest/{}", issue.summary.slug);
    let count = match issue.items.len() {
        1 => "1 brief".to_string(),
        n => format!("{n} briefs"),
    };
    let mut text = format!("{}\n\n{count} this week.\n\n", issue.summary.title);
    let mut html = format!(
        "<h1 style=\"font-size:22px;margin:0 0 4px\">{}</h1>\
         <p style=\"color:#5b6475;margin:0 0 24px\">{count} this week · \
         <a href=\"{}\">Read it on the web</a></p>",
        html_escape(&issue.summary.title),
        html_escape(&web)
    );
    for (n, item) in issue.items.iter().enumerate() {
        let link = format!("{base}/pulse/{}", item.slug);
        let take = plain_text(&item.take_html);
        text.push_str(&format!(
            "{}. {}\n   {} · {}\n   {}\n   {}'s Take: {take}\n   Read: {link}\n\n",
            n + 1,
            item.title,
            item.category.name,
            item.published_label,
            item.summary,
            site.house_name,
        ));
        html.push_str(&format!(
            "<div style=\"margin:0 0 28px\">\
             <p style=\"color:#5b6475;font-size:13px;margin:0\">{category} · {date}</p>\
             <h2 style=\"font-size:18px;margin:4px 0 8px\"><a href=\"{link}\" style=\"color:#1c2230\">{title}</a></h2>\
             <p style=\"margin:0 0 8px\">{summary}</p>\
             <div style=\"border-left:3px solid #e0a526;background:#fff8e6;padding:8px 12px;margin:0 0 8px\">\
             <strong>{house}'s Take</strong>{take_html}</div>\
             <a href=\"{link}\">Read the brief</a></div>",
            category = html_escape(&item.category.name),
            date = html_escape(&item.published_label),
            link = html_escape(&link),
            title = html_escape(&item.title),
            summary = html_escape(&item.summary),
            house = html_escape(&site.house_name),
            // Sanitised when the brief was imported.
            take_html = item.take_html,
        ));
    }
    text.push_str(&format!(
        "Read this issue on the web: {web}\n\n\
         You get this because you subscribed to the {} weekly digest.\n\
         Unsubscribe with one click: {unsubscribe}\n",
        site.name
    ));
    html.push_str(&format!(
        "<p style=\"color:#5b6475;font-size:13px;border-top:1px solid #e3e6ec;padding-top:16px\">\
         You get this because you subscribed to the {} weekly digest. \
         <a href=\"{}\">Unsubscribe</a> with one click.</p>",
        html_escape(&site.name),
        html_escape(unsubscribe)
    ));
    (text, html_document(&issue.summary.title, &html))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn thursday_nine() -> DigestSchedule {
        DigestSchedule {
            weekday: time::Weekday::Thursday,
            hour: 9,
            minute: 0,
        }
    }

    #[test]
    fn the_latest_slot_is_the_last_scheduled_moment_not_after_now() {
        let s = thursday_nine();
        // Friday 27 Nov 2026 → Thursday 26 Nov, 09:00.
        assert_eq!(
            latest_slot(&s, datetime!(2026-11-27 15:00 UTC)),
            datetime!(2026-11-26 9:00 UTC)
        );
        // Thursday before nine → the previous Thursday.
        assert_eq!(
            latest_slot(&s, datetime!(2026-11-26 8:59 UTC)),
            datetime!(2026-11-19 9:00 UTC)
        );
        // Exactly at nine → now.
        assert_eq!(
            latest_slot(&s, datetime!(2026-11-26 9:00 UTC)),
            datetime!(2026-11-26 9:00 UTC)
        );
        // Wednesday → the Thursday before.
        assert_eq!(
            latest_slot(&s, datetime!(2026-12-02 12:00 UTC)),
            datetime!(2026-11-26 9:00 UTC)
        );
    }

    #[test]
    fn issues_are_named_by_iso_week() {
        assert_eq!(issue_slug(datetime!(2026-11-26 9:00 UTC)), "2026-w48");
        assert_eq!(issue_slug(datetime!(2027-01-01 9:00 UTC)), "2026-w53");
        assert_eq!(issue_slug(datetime!(2027-01-07 9:00 UTC)), "2027-w01");
    }
}
