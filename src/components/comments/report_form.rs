//! Reporting someone else's comment (an island): a reason and an optional note for the
//! moderators (a plain form post without JavaScript).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::comments::{ReportComment, report_comment};
use crate::components::comments::{Sent, comment_anchor, error_for, land_on};
use crate::model::{MAX_REPORT_DETAIL_CHARS, ReportReason};

/// A report on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Report {
    reason: String,
    detail: String,
}

#[island]
pub fn ReportForm(slug: String, id: i64) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let send: Sent<Report, ()> = {
        let slug = slug.clone();
        Action::new(move |report: &Report| {
            let (slug, report) = (slug.clone(), report.clone());
            async move {
                let detail = (!report.detail.is_empty()).then(|| report.detail.clone());
                let result = report_comment(slug.clone(), id, report.reason.clone(), detail).await;
                if result.is_ok() {
                    land_on(&format!(
                        "/pulse/{slug}?reported={id}#{}",
                        comment_anchor(id)
                    ));
                }
                (report, result)
            }
        })
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !send.pending().get_untracked() {
            send.dispatch(Report {
                reason: reason.get_untracked(),
                detail: detail.get_untracked(),
            });
        }
    };
    let error = move || error_for(send, |_| true).map(|e| e.to_string());
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
                <button type="submit" disabled=move || send.pending().get()>
                    {move || if send.pending().get() { "Sending…" } else { "Send report" }}
                </button>
                <a href=format!("/pulse/{slug}#{}", comment_anchor(id))>"Cancel"</a>
            </div>
            <p class="comment-form__error" role="alert">{error}</p>
        </form>
    }
}
