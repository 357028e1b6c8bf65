//! Reporting someone else's comment: a reason and an optional note for the moderators (a plain
//! form post without JavaScript).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::comments::ReportComment;
use crate::components::comments::{CommentActions, ReportDraft, error_for};
use crate::model::{MAX_REPORT_DETAIL_CHARS, ReportReason};

#[component]
pub fn ReportForm(id: i64, actions: CommentActions) -> impl IntoView {
    let slug = actions.slug.get_value();
    let reason = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !actions.report.pending().get_untracked() {
            actions.report.dispatch(ReportDraft {
                id,
                reason: reason.get_untracked(),
                detail: detail.get_untracked(),
            });
        }
    };
    let error = move || error_for(actions.report, |sent| sent.id == id).map(|e| e.to_string());
    let detail_id = format!("report-detail-{id}");
    view! {
        <form class="comment-report" method="post" action=ReportComment::url() on:submit=on_submit>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="id" value=id/>
            <fieldset>
                <legend>"Why are you reporting this comment?"</legend>
                {ReportReason::ALL
                    .into_iter()
                    .map(|r| view! {
                        <label class="comment-report__reason">
                            <input
                                type="radio"
                                name="reason"
                                value=r.as_str()
                                required
                                on:change=move |_| reason.set(r.as_str().to_string())
                            />
                            {r.label()}
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <label for=detail_id.clone()>"Anything the moderators should know? (optional)"</label>
            <textarea
                id=detail_id
                name="detail"
                rows="2"
                maxlength=MAX_REPORT_DETAIL_CHARS
                on:input=move |ev| detail.set(event_target_value(&ev))
            ></textarea>
            <div class="comment-edit__actions">
                <button type="submit" disabled=move || actions.report.pending().get()>
                    {move || if actions.report.pending().get() { "Sending…" } else { "Send report" }}
                </button>
                <a href=format!("/pulse/{slug}#comment-{id}")>"Cancel"</a>
            </div>
            <p class="comment-form__error" role="alert">{error}</p>
        </form>
    }
}
