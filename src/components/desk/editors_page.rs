//! `/desk/editors` (admins only): every editor account — with its role to change and a button
//! to disable or enable it — and a form to add one; plain form posts, rendered on the server
//! (with JavaScript the page router sends them and shows the answer in place). An editor who
//! is not an admin gets a 403 page; the server functions refuse them too.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::editors::{AddEditor, UpdateEditor, list_editors};
use crate::components::desk::desk_frame::DeskFrame;
use crate::components::error_page::ErrorPage;
use crate::components::page_title::PageTitle;
use crate::model::editors::{EditorAccount, MIN_PASSWORD_CHARS, Role};
use leptos_router::hooks::use_query_map;

#[component]
pub fn EditorsPage() -> impl IntoView {
    view! {
        <PageTitle text="Desk · Editors"/>
        <DeskFrame title="Editors" children=|_| view! { <EditorList/> }/>
    }
}

#[component]
fn EditorList() -> impl IntoView {
    let editors = Resource::new(|| (), |()| list_editors());
    let roles = Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.as_str()>{r.as_str()}</option> })
        .collect_view();
    let query = use_query_map();
    let done = move || query.read().get("done").is_some_and(|d| d == "updated");
    let problem = move || query.read().get("problem");
    view! {
        <Show when=done>
            <p class="notice" role="status">"Account updated."</p>
        </Show>
        {move || problem().map(|p| view! { <p class="notice notice--error" role="alert">{p}</p> })}
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading editors…"</p> }>
            {move || Suspend::new(async move {
                match editors.await {
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                    Ok(editors) => view! {
                        <table class="desk-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Email"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col">"Access"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {editors
                                    .into_iter()
                                    .map(|account| view! { <AccountRow account/> })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
        <h2>"Add an editor"</h2>
        <form class="desk-form" method="post" action=AddEditor::url()>
            <p class="form-error" role="alert"></p>
            <label for="editor-email">"Email address"</label>
            <input id="editor-email" type="email" name="email" required maxlength="254" autocomplete="off"/>
            <label for="editor-name">"Name"</label>
            <input id="editor-name" name="name" required maxlength="80" autocomplete="off"/>
            <label for="editor-role">"Role"</label>
            <select id="editor-role" name="role">{roles}</select>
            <label for="editor-password">"First password"</label>
            <input
                id="editor-password"
                type="password"
                name="password"
                required
                minlength=MIN_PASSWORD_CHARS.to_string()
                autocomplete="new-password"
            />
            <button type="submit">"Add editor"</button>
        </form>
    }
}

/// One account: its role (changeable) and whether it may sign in.
#[component]
fn AccountRow(account: EditorAccount) -> impl IntoView {
    let EditorAccount { editor, disabled } = account;
    let id = editor.id.to_string();
    let options = Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.as_str() selected=r == editor.role>{r.as_str()}</option> })
        .collect_view();
    let (state, toggle) = if disabled {
        ("Disabled", "Enable")
    } else {
        ("Can sign in", "Disable")
    };
    view! {
        <tr>
            <td>{editor.name.clone()}</td>
            <td>{editor.email}</td>
            <td>
                <form class="desk-inline" method="post" action=UpdateEditor::url()>
                    <input type="hidden" name="id" value=id.clone()/>
                    <input type="hidden" name="disabled" value=disabled.to_string()/>
                    <select name="role" aria-label=format!("Role of {}", editor.name)>{options}</select>
                    <button type="submit" aria-label=format!("Save role of {}", editor.name)>"Save role"</button>
                </form>
            </td>
            <td>
                {state} " "
                <form class="desk-inline" method="post" action=UpdateEditor::url()>
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="role" value=editor.role.as_str()/>
                    <input type="hidden" name="disabled" value=(!disabled).to_string()/>
                    <button type="submit" aria-label=format!("{toggle} {}", editor.name)>{toggle}</button>
                </form>
            </td>
        </tr>
    }
}
