//! The document's one live connection: an EventSource on `/live`, resumed from the id the
//! first page was rendered at, and kept open across navigations. Its events update
//! [`LiveContext`], where the islands find them; when the browser gives up on the stream it is
//! reopened with back-off from the last id seen, so nothing is missed. On a brief's page the
//! stream names the brief (`&brief=<slug>`), so it counts as a reader there; moving to another
//! page reopens it at once, from the last id seen.

use std::time::Duration;

use futures::channel::mpsc;
use futures::stream::select_all;
use futures::{FutureExt, StreamExt};
use gloo_net::eventsource::futures::EventSource;
use leptos::prelude::*;

use crate::contexts::live::{Heard, LiveContext, LiveStatus};
use crate::model::{
    BRIEF_EVENT, BriefPublished, COMMENT_CHANGED_EVENT, COMMENT_EVENT, CommentAdded,
    CommentChanged, REACTIONS_EVENT, READING_EVENT, RESET_EVENT, ReactionsChanged, ReadingNow,
    encode_query_value,
};

const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Keeps the page connected for as long as it is open.
pub fn connect(live: LiveContext, cursor: i64) {
    // Tells the connection when the page moves to another brief (or off briefs).
    let (moved, mut moves) = mpsc::unbounded::<()>();
    let owner = Owner::new();
    owner.with(|| {
        Effect::new(move || {
            live.watching.track();
            let _ = moved.unbounded_send(());
        });
    });
    // The effect lives as long as the page.
    std::mem::forget(owner);

    leptos::task::spawn_local(async move {
        let mut after = cursor;
        let mut backoff = FIRST_BACKOFF;
        loop {
            let watching = live.watching.get_untracked();
            let url = match &watching {
                Some(slug) => format!("/live?after={after}&brief={}", encode_query_value(slug)),
                None => format!("/live?after={after}"),
            };
            let mut reopen = false;
            if let Ok(mut source) = EventSource::new(&url) {
                let subscriptions: Vec<_> = [
                    "open",
                    "error",
                    REACTIONS_EVENT,
                    COMMENT_EVENT,
                    COMMENT_CHANGED_EVENT,
                    BRIEF_EVENT,
                    RESET_EVENT,
                    READING_EVENT,
                ]
                .into_iter()
                .filter_map(|kind| source.subscribe(kind).ok())
                .collect();
                let mut events = select_all(subscriptions);
                // Ends when the browser closes the source for good (it retries on its own
                // first, re-sending Last-Event-ID), or when the page moves to another brief.
                loop {
                    let next = futures::select! {
                        next = events.next().fuse() => next,
                        _ = moves.next() => {
                            if live.watching.get_untracked() != watching {
                                reopen = true;
                                break;
                            }
                            continue;
                        }
                    };
                    let Some(Ok((kind, message))) = next else {
                        break;
                    };
                    // "open" and "error" arrive as plain Events: only messages carry an id and data.
                    let id = if kind != "open" && kind != "error" {
                        message.last_event_id().parse::<i64>().ok()
                    } else {
                        None
                    };
                    if let Some(id) = id {
                        after = after.max(id);
                    }
                    let data = || message.data().as_string().unwrap_or_default();
                    match kind.as_str() {
                        "open" => {
                            live.status.set(LiveStatus::Live);
                            backoff = FIRST_BACKOFF;
                        }
                        "error" => live.status.set(LiveStatus::Offline),
                        // The page missed too much to catch up by deltas: fetch it again.
                        RESET_EVENT => crate::client::nav::reload(),
                        READING_EVENT => {
                            if let Ok(reading) = serde_json::from_str::<ReadingNow>(&data()) {
                                live.reading.update(|all| {
                                    all.insert(reading.slug, reading.count);
                                });
                            }
                        }
                        _ => {
                            if let Some(id) = id {
                                heard(live, &kind, id, &data());
                            }
                        }
                    }
                }
                drop(source);
            }
            if reopen {
                // Moves that came together need one reopening.
                while moves.try_recv().is_ok() {}
                continue;
            }
            live.status.set(LiveStatus::Offline);
            gloo_timers::future::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    });
}

/// Records an event from the log (it has an id) in the live context.
fn heard(live: LiveContext, kind: &str, id: i64, data: &str) {
    match kind {
        REACTIONS_EVENT => {
            if let Ok(change) = serde_json::from_str::<ReactionsChanged>(data) {
                live.reactions.update(|all| {
                    all.insert(
                        change.slug,
                        Heard {
                            id,
                            value: change.counts,
                        },
                    );
                });
            }
        }
        COMMENT_EVENT => {
            if let Ok(added) = serde_json::from_str::<CommentAdded>(data) {
                live.heard_comment(id, added);
            }
        }
        COMMENT_CHANGED_EVENT => {
            if let Ok(changed) = serde_json::from_str::<CommentChanged>(data) {
                live.heard_change(id, changed);
            }
        }
        BRIEF_EVENT => {
            if let Ok(published) = serde_json::from_str::<BriefPublished>(data) {
                live.new_briefs.update(|all| {
                    all.retain(|b| b.value.slug != published.brief.slug);
                    all.push(Heard {
                        id,
                        value: published.brief,
                    });
                });
            }
        }
        _ => {}
    }
}
