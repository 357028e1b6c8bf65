//! The sources inbox's workflow, behind `api::sources`: adding and removing sources (checked,
//! fetched at once, logged), the worker that fetches each due source every
//! `sources.poll_minutes` (backing off while one fails), reading a feed into inbox items, the
//! inbox with the items briefs already cite marked, dismissing an item, and the fields "Start
//! a brief" opens the editor with.

mod canonical;
mod fetch;

pub use canonical::canonical;
pub use fetch::{Fetched, Fetcher, Validators, check_url};

use std::collections::HashSet;

use time::{Duration, OffsetDateTime};
use url::Url;

use crate::error::AppError;
use crate::model::desk::{BriefFields, MAX_LINE_CHARS};
use crate::model::source::{Inbox, MAX_SOURCE_NAME_CHARS, MAX_SOURCE_URL_CHARS, Source};
use crate::server::repo::{DueSource, FetchRecord, FoundItem, stamp};
use crate::server::request::Request;
use crate::server::state::AppState;

/// Sources fetched in one pass of the worker, at most.
const SOURCES_PER_PASS: u32 = 20;
/// Items read from one fetch, at most (a feed's newest come first).
const ITEMS_PER_FETCH: usize = 100;
/// Longest title kept, in characters.
const MAX_TITLE_CHARS: usize = 300;
/// Items the inbox shows at once.
pub const INBOX_LIMIT: u32 = 200;
/// How long a claimed fetch keeps other instances off the source (longer than a fetch lasts).
const LEASE: Duration = Duration::minutes(2);
/// A failing source waits at most this long between tries.
const MAX_BACKOFF: Duration = Duration::hours(24);
/// How often the worker looks for due sources.
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// A source as the add form sends it.
pub struct NewSource<'a> {
    pub name: &'a str,
    pub url: &'a str,
}

/// What adding a source did: its id, and how its first fetch went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub id: i64,
    pub first_fetch: FirstFetch,
}

/// How a new source's first fetch went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstFetch {
    /// Fetched: this many items were new to the inbox.
    Fetched(u64),
    /// It failed (the sources page says why).
    Failed,
    /// Another instance's worker claimed it first and is fetching it.
    Elsewhere,
}

/// Adds a source (editors only) and fetches it at once, so the editor sees straight away
/// whether it works.
pub async fn add(req: &Request, asked: NewSource<'_>) -> Result<Added, AppError> {
    let editor = req.editor().await?;
    let state = &req.state;
    let name = asked.name.trim();
    if name.is_empty() || name.chars().count() > MAX_SOURCE_NAME_CHARS {
        return Err(AppError::invalid(
            "name",
            format!("Give the source a name of 1 to {MAX_SOURCE_NAME_CHARS} characters."),
        ));
    }
    let url = feed_url(state, asked.url)?;
    let Some(id) = state
        .store
        .add_source(name, url.as_str(), editor.id)
        .await?
    else {
        return Err(AppError::Conflict(
            "This feed is a source already.".to_string(),
        ));
    };
    tracing::info!(source = id, editor = editor.id, "source added");
    let first_fetch = match state.store.due_source(id).await? {
        Some(due) if state.store.claim_source(&due, LEASE).await? => {
            match fetch_source(state, &due).await? {
                Ok(n) => FirstFetch::Fetched(n),
                Err(_) => FirstFetch::Failed,
            }
        }
        // A worker (this instance's or another's) claimed it first and is fetching it.
        _ => FirstFetch::Elsewhere,
    };
    Ok(Added { id, first_fetch })
}

/// The feed address of the add form, checked: http(s), not too long, and (unless allowed)
/// not a private address written out.
fn feed_url(state: &AppState, raw: &str) -> Result<Url, AppError> {
    let raw = raw.trim();
    let invalid = |why: &str| AppError::invalid("url", why.to_string());
    if raw.chars().count() > MAX_SOURCE_URL_CHARS {
        return Err(invalid("That address is too long."));
    }
    let url = Url::parse(raw)
        .map_err(|_| invalid("Give the feed's full address, starting with https://."))?;
    check_url(&url, state.config.sources.allow_private_addresses)
        .map_err(|why| invalid(&format!("Pulse will not fetch this address: {why}.")))?;
    Ok(url)
}

/// Removes source `id` (editors only): its items leave the inbox.
pub async fn remove(req: &Request, id: i64) -> Result<(), AppError> {
    let editor = req.editor().await?;
    if !req.state.store.remove_source(id, editor.id).await? {
        return Err(AppError::not_found("There is no such source."));
    }
    tracing::info!(source = id, editor = editor.id, "source removed");
    Ok(())
}

/// Every source with its health (editors only).
pub async fn list(req: &Request) -> Result<Vec<Source>, AppError> {
    req.editor().await?;
    req.state.store.sources().await
}

/// The inbox (editors only): its newest items, those a brief already cites marked.
pub async fn inbox(req: &Request) -> Result<Inbox, AppError> {
    req.editor().await?;
    let store = &req.state.store;
    let cited: HashSet<String> = store
        .cited_addresses()
        .await?
        .iter()
        .filter_map(|raw| Url::parse(raw.trim()).ok())
        .map(|url| canonical(&url))
        .collect();
    store.inbox(INBOX_LIMIT, &cited).await
}

/// How many items arrived after item `after` (editors only): what an open inbox asks.
pub async fn news(req: &Request, after: i64) -> Result<u64, AppError> {
    req.editor().await?;
    req.state.store.inbox_news(after).await
}

/// Hides item `id` from the inbox for every editor.
pub async fn dismiss(req: &Request, id: i64) -> Result<(), AppError> {
    let editor = req.editor().await?;
    if !req.state.store.dismiss_item(id, editor.id).await? {
        return Err(AppError::not_found("This item is no longer in the inbox."));
    }
    Ok(())
}

/// The fields a brief started from inbox item `id` opens with: its title, source and link.
pub async fn brief_start(state: &AppState, id: i64) -> Result<BriefFields, AppError> {
    let item = state
        .store
        .item_for_brief(id)
        .await?
        .ok_or_else(|| AppError::not_found("There is no such item in the inbox."))?;
    let line = |text: &str| text.chars().take(MAX_LINE_CHARS).collect::<String>();
    Ok(BriefFields {
        title: line(&item.title),
        source_name: line(&item.source_name),
        source_url: line(&item.url),
        ..BriefFields::default()
    })
}

/// One pass of the worker: fetches every due source this instance can claim. Returns how many
/// items were new to the inbox.
pub async fn poll_due(state: &AppState) -> Result<u64, AppError> {
    let due = state
        .store
        .due_sources(OffsetDateTime::now_utc(), SOURCES_PER_PASS)
        .await?;
    let mut added = 0;
    for source in &due {
        if !state.store.claim_source(source, LEASE).await? {
            continue; // another instance fetches it
        }
        if let Ok(n) = fetch_source(state, source).await? {
            added += n;
        }
    }
    Ok(added)
}

/// Fetches one claimed source and records how it went. The inner result is the fetch's:
/// how many items were new, or why it failed (recorded on the source, not an error here).
async fn fetch_source(
    state: &AppState,
    source: &DueSource,
) -> Result<Result<u64, String>, AppError> {
    let validators = Validators {
        etag: source.etag.clone(),
        last_modified: source.last_modified.clone(),
    };
    let now = OffsetDateTime::now_utc();
    let poll = Duration::minutes(i64::from(state.config.sources.poll_minutes));
    let outcome = match state.fetcher.fetch(&source.url, &validators).await {
        Ok(Fetched::NotModified) => Ok((Vec::new(), validators, true)),
        Ok(Fetched::Body { bytes, validators }) => {
            read_items(&source.url, &bytes).map(|items| (items, validators, false))
        }
        Err(error) => Err(error.to_string()),
    };
    match outcome {
        Ok((items, validators, not_modified)) => {
            let record = FetchRecord::Fetched {
                items: &items,
                etag: validators.etag.as_deref(),
                last_modified: validators.last_modified.as_deref(),
                not_modified,
            };
            let added = state
                .store
                .record_fetch(source.id, record, now + poll)
                .await?;
            if added > 0 {
                tracing::info!(source = source.id, added, "new inbox items");
            }
            Ok(Ok(added))
        }
        Err(error) => {
            let failures = source.failures.saturating_add(1);
            let record = FetchRecord::Failed { error: &error };
            let next = now + backoff(poll, failures);
            state.store.record_fetch(source.id, record, next).await?;
            tracing::warn!(source = source.id, failures, %error, "source fetch failed");
            Ok(Err(error))
        }
    }
}

/// The wait after `failures` failed fetches in a row: the poll interval doubled each time, at
/// most a day.
fn backoff(poll: Duration, failures: i64) -> Duration {
    let doubled = poll * 2_i32.pow(u32::try_from(failures.clamp(1, 10)).unwrap_or(10));
    doubled.min(MAX_BACKOFF)
}

/// A feed's items, newest first as the feed lists them: each with an http(s) link (resolved
/// against the feed's address), a title as plain text, and its date if the feed gives one.
pub fn read_items(feed_url: &str, bytes: &[u8]) -> Result<Vec<FoundItem>, String> {
    let base = Url::parse(feed_url).map_err(|_| "not an address".to_string())?;
    let feed = feed_rs::parser::parse(bytes)
        .map_err(|_| "not a feed Pulse can read (RSS, Atom or JSON Feed)".to_string())?;
    let now = OffsetDateTime::now_utc();
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for entry in feed.entries.into_iter().take(ITEMS_PER_FETCH) {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|rel| rel == "alternate"))
            .or(entry.links.first())
            .map(|l| l.href.clone())
            .or_else(|| entry.id.starts_with("http").then(|| entry.id.clone()));
        let Some(url) = link.and_then(|href| canonical::absolute(&base, &href)) else {
            continue;
        };
        if url.as_str().len() > MAX_SOURCE_URL_CHARS {
            continue;
        }
        let canonical_url = canonical(&url);
        if !seen.insert(canonical_url.clone()) {
            continue;
        }
        let title = entry
            .title
            .map(|t| plain_title(&t.content))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| url.to_string());
        let published_at = entry
            .published
            .or(entry.updated)
            .and_then(|at| OffsetDateTime::from_unix_timestamp(at.timestamp()).ok())
            // A date in the future would pin the item to the top of the inbox.
            .map(|at| stamp(at.min(now)));
        items.push(FoundItem {
            canonical_url,
            url: url.to_string(),
            title,
            published_at,
        });
    }
    Ok(items)
}

/// A feed's title as plain text: markup dropped, entities read, whitespace collapsed, cut to
/// [`MAX_TITLE_CHARS`]. The page shows it as text whatever it holds.
fn plain_title(raw: &str) -> String {
    let text = if raw.contains('<') || raw.contains('&') {
        let stripped = ammonia::Builder::empty().clean(raw).to_string();
        stripped
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&nbsp;", " ")
            .replace("&amp;", "&")
    } else {
        raw.to_string()
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    words.join(" ").chars().take(MAX_TITLE_CHARS).collect()
}

/// Runs the worker every 30 s for as long as the process runs.
pub fn start(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECK_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(error) = poll_due(&state).await {
                tracing::warn!(%error, "sources pass failed; the next one retries");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_plain_text() {
        assert_eq!(
            plain_title("  <b>Bold</b>\n news &amp; views "),
            "Bold news & views"
        );
        assert_eq!(plain_title("a < b"), "a < b");
        assert_eq!(
            plain_title("<script>alert(1)</script>Model card"),
            "Model card"
        );
        assert_eq!(plain_title(&"x".repeat(500)).len(), MAX_TITLE_CHARS);
    }

    #[test]
    fn a_failing_source_backs_off_to_a_day_at_most() {
        let poll = Duration::minutes(15);
        assert_eq!(backoff(poll, 1), Duration::minutes(30));
        assert_eq!(backoff(poll, 2), Duration::minutes(60));
        assert_eq!(backoff(poll, 40), MAX_BACKOFF);
    }

    #[test]
    fn every_kind_of_feed_gives_its_items() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Lab</title>
            <item><title>First &lt;i&gt;model&lt;/i&gt;</title><link>https://lab.example/one?utm_source=rss</link>
            <pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>
            <item><title>Relative</title><link>/two</link></item>
            <item><title>No link</title></item>
            <item><title>Same again</title><link>https://lab.example/one#top</link></item>
            </channel></rss>"#;
        let items = read_items("https://lab.example/feed.xml", rss).expect("rss");
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["First model", "Relative"]);
        assert_eq!(items[0].canonical_url, "https://lab.example/one");
        assert_eq!(
            items[0].published_at.as_deref(),
            Some("2026-11-30T09:00:00Z")
        );
        assert_eq!(items[1].url, "https://lab.example/two");

        let atom = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
            <title>Papers</title><id>urn:papers</id><updated>2026-12-01T00:00:00Z</updated>
            <entry><title type="html">&lt;b&gt;Scaling&lt;/b&gt; notes</title><id>urn:1</id>
            <link rel="alternate" href="https://papers.example/1"/><updated>2026-12-01T00:00:00Z</updated></entry>
            </feed>"#;
        let items = read_items("https://papers.example/atom", atom).expect("atom");
        assert_eq!(items[0].title, "Scaling notes");

        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"Changelog",
            "items":[{"id":"1","url":"https://vendor.example/changes/1","title":"API v2"}]}"#;
        let items = read_items("https://vendor.example/feed.json", json).expect("json feed");
        assert_eq!(items[0].url, "https://vendor.example/changes/1");

        assert!(read_items("https://x.example/", b"<html>not a feed</html>").is_err());
    }

    #[test]
    fn entity_tricks_are_not_expanded() {
        let bomb = br#"<?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            <!ENTITY ext SYSTEM "file:///etc/passwd">]>
            <rss version="2.0"><channel><title>&lol3;</title>
            <item><title>&ext;&lol3;</title><link>https://x.example/a</link></item></channel></rss>"#;
        // Either refused or read without the entities: never the file, never a blow-up.
        if let Ok(items) = read_items("https://x.example/feed", bomb) {
            for item in items {
                assert!(!item.title.contains("root:"), "{}", item.title);
                assert!(!item.title.contains("lollollol"), "{}", item.title);
                assert!(item.title.len() <= MAX_TITLE_CHARS);
            }
        }
    }
}
