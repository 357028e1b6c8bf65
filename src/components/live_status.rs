//! A quiet line in the header (an island): says so when live updates are lost, and when they
//! are back.

use leptos::prelude::*;

use crate::contexts::live::{LiveStatus, use_live};

#[island]
pub fn LiveStatusNote() -> impl IntoView {
    let live = use_live();
    // Only a reconnection is news; the first connection is expected and stays silent.
    let was_offline = RwSignal::new(false);
    Effect::new(move || {
        if live.status.get() == LiveStatus::Offline {
            was_offline.set(true);
        }
    });
    let text = move || match live.status.get() {
        LiveStatus::Offline => "Offline — reconnecting…",
        LiveStatus::Live if was_offline.get() => "Live again",
        _ => "",
    };
    let state = move || match live.status.get() {
        LiveStatus::Offline => "offline",
        LiveStatus::Live => "live",
        LiveStatus::Connecting => "connecting",
    };
    view! {
        <p class="live-status" role="status" data-state=state>
            {text}
        </p>
    }
}
