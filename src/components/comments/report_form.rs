//! Reporting someone else's comment: a reason and an optional note for the moderators, as a
//! plain form post, which the page router sends in the background when JavaScript is on.
//! Rendered by the server only.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::comments::ReportComment;
use crate::components::comments::comment_href;
use crate::model::{MAX_REPORT_DETAIL_CHARS, ReportReason};

#[component]
pub fn ReportForm(slug: String, id: i64) -> impl IntoView {
    let detail_id = format!("report-detail-{id}");
    view! {
        <form class="comment-report" method="post" action=ReportComment::url()>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="id" value=id/>
            <fieldset>
                <legend>"Why are you reporting this comment?"</legend>
                {ReportReason::ALL
                    .into_iter()
                    .map(|r| view! {
                        <label class="comment-report__reason">
                            <input type="radio" name="reason" value=r.as_str() required/>
                            {r.label()}
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <label for=detail_id.clone()>"Anything the moderators should know? (optional)"</label>
            <textarea id=detail_id name="detail" rows="2" maxlength=MAX_REPORT_DETAIL_CHARS></textarea>
            <div class="comment-edit__actions">
                <button type="submit">"Send report"</button>
                <a href=comment_href(&slug, id)>"Cancel"</a>
            </div>
            <p class="comment-form__error" role="alert"></p>
        </form>
    }
}
