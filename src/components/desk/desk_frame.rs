//! What every desk page shares: it loads the signed-in editor first, sends a visitor without a
//! session to the sign-in page (keeping where they were going), and frames the page with the
//! desk's navigation and the "Sign out" button.

use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::api::editors::current_editor;
use crate::components::desk::sign_out_form::SignOutForm;
use crate::components::error_page::ErrorPage;
use crate::model::editors::Editor;
use crate::model::encode_query_value;

/// Renders `children` with the signed-in editor, or redirects to `/desk/login?next=…`.
#[component]
pub fn DeskFrame<F, V>(
    /// The page's heading.
    title: &'static str,
    children: F,
) -> impl IntoView
where
    F: Fn(Editor) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let location = use_location();
    let editor = Resource::new(|| (), |()| current_editor());
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Opening the desk…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match editor.await {
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                        Ok(None) => {
                            // `search` comes without its `?`.
                            let search = location.search.get_untracked();
                            let here = if search.is_empty() {
                                location.pathname.get_untracked()
                            } else {
                                format!("{}?{search}", location.pathname.get_untracked())
                            };
                            let path = format!("/desk/login?next={}", encode_query_value(&here));
                            view! { <Redirect path/> }.into_any()
                        }
                        Ok(Some(editor)) => {
                            let admin = editor.is_admin();
                            let who = format!("{} · {}", editor.name, editor.role.as_str());
                            view! {
                                <div class="desk">
                                    <header class="desk__bar">
                                        <nav class="desk__nav" aria-label="Desk">
                                            <a href="/desk">"Briefs"</a>
                                            <a href="/desk/inbox">"Inbox"</a>
                                            <a href="/desk/sources">"Sources"</a>
                                            <a href="/desk/moderation">"Moderation"</a>
                                            <a href="/desk/insight">"Insight"</a>
                                            {admin.then(|| view! {
                                                <a href="/desk/editors">"Editors"</a>
                                                <a href="/desk/audit">"Audit log"</a>
                                            })}
                                        </nav>
                                        <p class="desk__who">
                                            "Signed in as " <a href="/desk/account">{who}</a>
                                        </p>
                                        <SignOutForm/>
                                    </header>
                                    <h1>{title}</h1>
                                    {children(editor)}
                                </div>
                            }
                            .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
