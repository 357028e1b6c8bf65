//! The Builder's Brief: Who / What changes / When / Watch for, as a description list.

use leptos::prelude::*;

use crate::model::BuilderBrief;

#[component]
pub fn BuilderBriefSection(builder: BuilderBrief) -> impl IntoView {
    let fields = [
        ("Who", builder.who_html),
        ("What changes", builder.what_changes_html),
        ("When", builder.when_html),
        ("Watch for", builder.watch_for_html),
    ];
    view! {
        <section class="brief__section builder" aria-labelledby="builders-brief">
            <h2 id="builders-brief">"Builder's Brief"</h2>
            <dl class="builder__fields">
                {fields
                    .into_iter()
                    .map(|(label, html)| view! {
                        <div class="builder__field">
                            <dt>{label}</dt>
                            <dd inner_html=html></dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
        </section>
    }
}
