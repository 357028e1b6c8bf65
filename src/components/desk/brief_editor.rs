//! The brief editor (an island): every field of a brief beside a live preview rendered by the
//! server with the public page's own renderer and sanitiser (it arrives as HTML, so the brief
//! renderer never ships to the browser). For a draft: autosave, save, publish now, schedule
//! and cancel a schedule; for a stored brief: save with a correction note (required once
//! published). Leaving with unsaved changes — closing the tab, reloading, or following a link
//! — asks first.
//!
//! Without JavaScript it is one plain form: each button posts it with its `intent`, and the
//! server sends the browser back to the page, which shows the stored draft and its preview.
//! The fields' words are in the form once, as the server rendered it: in the browser the
//! island reads them from there rather than from its props.

use std::time::Duration;

use leptos::either::{Either, EitherOf3};
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use crate::api::drafts::{CorrectBrief, SaveDraft, correct_brief, preview_brief, save_draft};
use crate::components::escaped_text;
use crate::contexts::site::use_site;
use crate::model::desk::{
    BriefFields, DraftOutcome, MAX_LINE_CHARS, MAX_NOTE_CHARS, MAX_SECTION_CHARS, Preview,
};
use crate::model::props::SsrOnly;

/// Idle time before the preview follows the form.
const PREVIEW_AFTER: Duration = Duration::from_millis(400);
/// Idle time before a draft saves itself.
const AUTOSAVE_AFTER: Duration = Duration::from_millis(1500);

/// What the editor edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// A draft: `id` none until it is first saved.
    Draft {
        id: Option<i64>,
        revision: Option<i64>,
        /// When it is scheduled.
        scheduled: Option<Scheduled>,
    },
    /// A stored brief, published or not.
    Stored { slug: String, published: bool },
}

/// A draft's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheduled {
    /// As the schedule field shows it ("YYYY-MM-DDTHH:MM:SS", read as UTC).
    pub field: String,
    /// As people read it.
    pub label: String,
}

/// What a button of the editor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Save,
    Publish,
    Schedule,
    Unschedule,
    Correct,
}

impl Intent {
    /// As the form posts it (`intent`).
    fn as_str(self) -> &'static str {
        match self {
            Intent::Save => "save",
            Intent::Publish => "publish",
            Intent::Schedule => "schedule",
            Intent::Unschedule => "unschedule",
            Intent::Correct => "correct",
        }
    }
}

/// Where the editor's save stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SaveState {
    /// Nothing changed since it was loaded or saved ("Saved at 09:31 UTC").
    Clean(Option<String>),
    Dirty,
    Saving,
    Failed(String),
}

/// One signal per field of the form.
#[derive(Clone, Copy)]
struct FieldSignals {
    slug: RwSignal<String>,
    title: RwSignal<String>,
    category: RwSignal<String>,
    tags: RwSignal<String>,
    summary: RwSignal<String>,
    source_name: RwSignal<String>,
    source_url: RwSignal<String>,
    what_happened: RwSignal<String>,
    take: RwSignal<String>,
    what_to_do: RwSignal<String>,
    who: RwSignal<String>,
    what_changes: RwSignal<String>,
    when: RwSignal<String>,
    watch_for: RwSignal<String>,
    skeptics: RwSignal<String>,
}

impl FieldSignals {
    fn new(f: BriefFields) -> FieldSignals {
        FieldSignals {
            slug: RwSignal::new(f.slug),
            title: RwSignal::new(f.title),
            category: RwSignal::new(f.category),
            tags: RwSignal::new(f.tags),
            summary: RwSignal::new(f.summary),
            source_name: RwSignal::new(f.source_name),
            source_url: RwSignal::new(f.source_url),
            what_happened: RwSignal::new(f.what_happened),
            take: RwSignal::new(f.take),
            what_to_do: RwSignal::new(f.what_to_do),
            who: RwSignal::new(f.who),
            what_changes: RwSignal::new(f.what_changes),
            when: RwSignal::new(f.when),
            watch_for: RwSignal::new(f.watch_for),
            skeptics: RwSignal::new(f.skeptics),
        }
    }

    /// The form as it stands (tracked).
    fn get(&self) -> BriefFields {
        BriefFields {
            slug: self.slug.get(),
            title: self.title.get(),
            category: self.category.get(),
            tags: self.tags.get(),
            summary: self.summary.get(),
            source_name: self.source_name.get(),
            source_url: self.source_url.get(),
            what_happened: self.what_happened.get(),
            take: self.take.get(),
            what_to_do: self.what_to_do.get(),
            who: self.who.get(),
            what_changes: self.what_changes.get(),
            when: self.when.get(),
            watch_for: self.watch_for.get(),
            skeptics: self.skeptics.get(),
        }
    }
}

/// The form's words: on the server, the props; in the browser, what the form the server
/// rendered holds (the props do not carry them).
#[cfg(feature = "hydrate")]
fn form_words(_: BriefFields) -> BriefFields {
    crate::client::page::brief_fields()
}

#[cfg(not(feature = "hydrate"))]
fn form_words(fields: BriefFields) -> BriefFields {
    fields
}

/// A one-line field with its label.
fn line_field(
    label: &'static str,
    key: &'static str,
    value: RwSignal<String>,
    hint: Option<&'static str>,
) -> impl IntoView {
    let id = format!("brief-{key}");
    let hint_id = format!("{id}-hint");
    let described = hint.map(|_| hint_id.clone());
    view! {
        <div class="editor__field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=format!("fields[{key}]")
                maxlength=MAX_LINE_CHARS.to_string()
                aria-describedby=described
                value=value.get_untracked()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {hint.map(|h| view! { <p class="editor__hint" id=hint_id>{h}</p> })}
        </div>
    }
}

/// A Markdown section with its label.
fn section_field(label: &'static str, key: &'static str, value: RwSignal<String>) -> impl IntoView {
    let id = format!("brief-{key}");
    view! {
        <div class="editor__field">
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                name=format!("fields[{key}]")
                rows="6"
                maxlength=MAX_SECTION_CHARS.to_string()
                on:input=move |ev| value.set(event_target_value(&ev))
                inner_html=escaped_text(&value.get_untracked())
            ></textarea>
        </div>
    }
}

#[island]
pub fn BriefEditor(
    target: Target,
    fields: SsrOnly<BriefFields>,
    preview: SsrOnly<Preview>,
) -> impl IntoView {
    let site = use_site();
    let fields = form_words(fields.0);
    let form = FieldSignals::new(fields.clone());
    let baseline = RwSignal::new(fields);
    let note = RwSignal::new(String::new());
    let note_ref = NodeRef::<leptos::html::Input>::new();
    // In the browser the preview starts as the server rendered it; this only replaces it.
    let preview_html = RwSignal::new(preview.0.markup());
    let state = RwSignal::new(SaveState::Clean(None));

    let (draft_id, revision, scheduled, stored) = match &target {
        Target::Draft {
            id,
            revision,
            scheduled,
        } => (*id, *revision, scheduled.clone(), None),
        Target::Stored { slug, published } => (None, None, None, Some((slug.clone(), *published))),
    };
    let is_draft = stored.is_none();
    let draft_id = RwSignal::new(draft_id);
    let revision = RwSignal::new(revision);
    let publish_at = RwSignal::new(
        scheduled
            .as_ref()
            .map(|s| s.field.clone())
            .unwrap_or_default(),
    );
    let scheduled_label = RwSignal::new(scheduled.map(|s| s.label));
    let of = stored.as_ref().map(|(slug, _)| slug.clone());
    let published = stored.as_ref().is_some_and(|(_, p)| *p);

    let current = Memo::new(move |_| form.get());
    let dirty = Memo::new(move |_| {
        current.with(|f| baseline.with(|b| f != b)) || !note.read().trim().is_empty()
    });

    let refresh_preview = {
        let of = of.clone();
        move || {
            let (fields, of, note) = (current.get_untracked(), of.clone(), note.get_untracked());
            leptos::task::spawn_local(async move {
                let answer = preview_brief(fields, of, Some(note)).await;
                let shown = answer.unwrap_or_else(|e| Preview::Invalid(e.to_string()));
                preview_html.set(shown.markup());
            });
        }
    };

    // Saves the draft and does `intent`; one save at a time.
    let save = move |intent: Intent| {
        if state.get_untracked() == SaveState::Saving {
            return;
        }
        let fields = current.get_untracked();
        let at = Some(publish_at.get_untracked()).filter(|a| !a.is_empty());
        let (id, rev) = (draft_id.get_untracked(), revision.get_untracked());
        state.set(SaveState::Saving);
        leptos::task::spawn_local(async move {
            let answer = save_draft(
                id,
                rev,
                fields.clone(),
                Some(intent.as_str().to_string()),
                at,
            );
            match answer.await {
                Ok(saved) => {
                    draft_id.set(Some(saved.id));
                    revision.set(Some(saved.revision));
                    baseline.set(fields);
                    if id.is_none() {
                        rename(&format!("/desk/drafts/{}", saved.id));
                    }
                    match saved.outcome {
                        DraftOutcome::Published { slug } => {
                            go_to(&format!("/desk/briefs/{slug}?done=published"));
                        }
                        DraftOutcome::Scheduled { at_label } => scheduled_label.set(Some(at_label)),
                        DraftOutcome::Unscheduled => scheduled_label.set(None),
                        DraftOutcome::Saved => {}
                    }
                    state.set(SaveState::Clean(Some(saved.saved_label)));
                }
                Err(error) => state.set(SaveState::Failed(error.to_string())),
            }
        });
    };

    let correct = {
        let of = of.clone();
        move || {
            let Some(slug) = of.clone() else { return };
            if state.get_untracked() == SaveState::Saving {
                return;
            }
            let fields = current.get_untracked();
            let text = Some(note.get_untracked()).filter(|n| !n.trim().is_empty());
            state.set(SaveState::Saving);
            leptos::task::spawn_local(async move {
                match correct_brief(slug.clone(), fields.clone(), text).await {
                    Ok(()) => {
                        baseline.set(fields);
                        note.set(String::new());
                        if let Some(input) = note_ref.try_get_untracked().flatten() {
                            input.set_value("");
                        }
                        state.set(SaveState::Clean(Some("just now".to_string())));
                        // The page shows the new correction trail.
                        go_to(&format!("/desk/briefs/{slug}?done=corrected"));
                    }
                    Err(error) => state.set(SaveState::Failed(error.to_string())),
                }
            });
        }
    };

    // After each change: the preview follows shortly, and a draft saves itself once typing
    // pauses. The first run only records where the form started.
    let generation = StoredValue::new(0_u64);
    Effect::new({
        let refresh_preview = refresh_preview.clone();
        move |started: Option<()>| {
            // Read, not only tracked: a memo never read has no sources to hear changes from.
            current.with(|_| ());
            note.with(|_| ());
            if started.is_none() {
                return;
            }
            if matches!(state.get_untracked(), SaveState::Clean(_)) && dirty.get_untracked() {
                state.set(SaveState::Dirty);
            }
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let refresh_preview = refresh_preview.clone();
            // The editor may have left the page by the time these fire.
            set_timeout(
                move || {
                    if generation.try_get_value() == Some(mine) {
                        refresh_preview();
                    }
                },
                PREVIEW_AFTER,
            );
            if is_draft {
                set_timeout(
                    move || {
                        if generation.try_get_value() == Some(mine)
                            && dirty.try_get_untracked() == Some(true)
                        {
                            save(Intent::Save);
                        }
                    },
                    AUTOSAVE_AFTER,
                );
            }
        }
    });

    // Closing the tab or reloading with unsaved changes asks first.
    let leaving = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if dirty.get_untracked() {
            ev.prevent_default();
        }
    });
    on_cleanup(move || leaving.remove());
    // So does following a link inside the site (which no `beforeunload` sees). The guard
    // listens for as long as the editor is on the page.
    #[cfg(feature = "hydrate")]
    StoredValue::new_local(crate::client::page::LeaveGuard::new(move || {
        dirty.get_untracked()
    }));

    let on_button = move |intent: Intent| {
        let correct = correct.clone();
        move |ev: MouseEvent| {
            ev.prevent_default();
            if intent == Intent::Correct {
                correct();
            } else {
                save(intent);
            }
        }
    };

    let status_text = move || match state.get() {
        SaveState::Clean(Some(at)) => format!("Saved {at}"),
        SaveState::Clean(None) => "No changes yet".to_string(),
        SaveState::Dirty => "Unsaved changes".to_string(),
        SaveState::Saving => "Saving…".to_string(),
        SaveState::Failed(reason) => format!("Not saved: {reason}"),
    };
    let failed = move || matches!(state.get(), SaveState::Failed(_));
    let status = view! {
        <p
            class=move || if failed() { "editor__status editor__status--error" } else { "editor__status" }
            role=move || if failed() { "alert" } else { "status" }
        >
            {status_text}
        </p>
    };

    let chosen = form.category.get_untracked();
    let categories = site
        .categories
        .iter()
        .map(|c| {
            let selected = c.slug == chosen;
            view! { <option value=c.slug.clone() selected=selected>{c.name.clone()}</option> }
        })
        .collect_view();
    let action = if is_draft {
        SaveDraft::url()
    } else {
        CorrectBrief::url()
    };
    // What a plain form post needs to say which draft or brief it is (with JavaScript, the
    // signals say it).
    let hidden = match (&target, &of) {
        (
            Target::Draft {
                id: Some(id),
                revision,
                ..
            },
            _,
        ) => EitherOf3::A(view! {
            <input type="hidden" name="id" value=id.to_string()/>
            {revision.map(|r| view! { <input type="hidden" name="revision" value=r.to_string()/> })}
        }),
        (Target::Stored { .. }, Some(slug)) => EitherOf3::B(view! {
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="fields[slug]" value=slug.clone()/>
        }),
        _ => EitherOf3::C(()),
    };
    let slug_field = match &of {
        None => Either::Left(line_field(
            "Slug",
            "slug",
            form.slug,
            Some(
                "The address: /pulse/<slug>. Lowercase letters, digits and hyphens; fixed once published.",
            ),
        )),
        Some(slug) => Either::Right(view! {
            <p class="editor__hint">"Address: " <a href=format!("/pulse/{slug}")>{format!("/pulse/{slug}")}</a></p>
        }),
    };

    let actions = if is_draft {
        Either::Left(view! {
            <div class="editor__actions">
                <button type="submit" name="intent" value="save" on:click=on_button(Intent::Save)>"Save draft"</button>
                <button type="submit" name="intent" value="publish" class="button--primary" on:click=on_button(Intent::Publish)>"Publish now"</button>
            </div>
            <fieldset class="editor__schedule">
                <legend>"Schedule"</legend>
                {move || scheduled_label.get().map(|at| view! { <p class="notice" role="status">{format!("Scheduled for {at}")}</p> })}
                <label for="brief-publish-at">"Publish at (UTC)"</label>
                <input id="brief-publish-at" type="datetime-local" step="1" name="publish_at" value=publish_at.get_untracked() on:input=move |ev| publish_at.set(event_target_value(&ev))/>
                <button type="submit" name="intent" value="schedule" on:click=on_button(Intent::Schedule)>"Schedule"</button>
                <Show when=move || scheduled_label.read().is_some()>
                    <button type="submit" name="intent" value="unschedule" on:click=on_button(Intent::Unschedule)>"Cancel schedule"</button>
                </Show>
            </fieldset>
        })
    } else {
        let (label, button) = if published {
            ("Correction note (shown under the title)", "Save correction")
        } else {
            ("Note (optional while unpublished)", "Save changes")
        };
        Either::Right(view! {
            <div class="editor__field">
                <label for="brief-note">{label}</label>
                <input id="brief-note" name="note" maxlength=MAX_NOTE_CHARS.to_string() required=published node_ref=note_ref on:input=move |ev| note.set(event_target_value(&ev))/>
            </div>
            <div class="editor__actions">
                <button type="submit" class="button--primary" on:click=on_button(Intent::Correct)>{button}</button>
            </div>
        })
    };

    view! {
        <div class="editor">
            <form class="editor__form" method="post" action=action aria-label="Brief">
                {hidden}
                {status}
                {line_field("Title", "title", form.title, None)}
                {slug_field}
                <div class="editor__field">
                    <label for="brief-category">"Category"</label>
                    <select id="brief-category" name="fields[category]" on:change=move |ev| form.category.set(event_target_value(&ev))>
                        <option value="">"Choose a category"</option>
                        {categories}
                    </select>
                </div>
                {line_field("Tags", "tags", form.tags, Some("Separated by commas, e.g. agents, evals."))}
                {line_field("Summary", "summary", form.summary, Some("One line for the feed card."))}
                {line_field("Source name", "source_name", form.source_name, None)}
                {line_field("Source address", "source_url", form.source_url, None)}
                {section_field("What Happened", "what_happened", form.what_happened)}
                {section_field("Take", "take", form.take)}
                {section_field("What To Do", "what_to_do", form.what_to_do)}
                <fieldset class="editor__builder">
                    <legend>"Builder's Brief"</legend>
                    {line_field("Who", "who", form.who, None)}
                    {line_field("What changes", "what_changes", form.what_changes, None)}
                    {line_field("When", "when", form.when, None)}
                    {line_field("Watch for", "watch_for", form.watch_for, None)}
                </fieldset>
                {section_field("What Skeptics Say", "skeptics", form.skeptics)}
                {actions}
            </form>
            <section class="editor__preview" aria-labelledby="preview-heading">
                <h2 id="preview-heading">"Preview"</h2>
                <div class="editor__preview-body" inner_html=move || preview_html.get()></div>
            </section>
        </div>
    }
}

/// Gives the page a new address without reloading it (in the browser; nothing on the server).
fn rename(path: &str) {
    #[cfg(feature = "hydrate")]
    crate::client::nav::rename(path);
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Moves to another page (in the browser; nothing on the server).
fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    crate::client::nav::go_to(path);
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
