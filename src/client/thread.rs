//! The comment thread in the document, as the live island changes it: the server rendered
//! it (`#comment-thread`, one `<li id="comment-N" data-depth=…>` per comment, replies right
//! after what they answer); comments heard live are rendered here with the same component and
//! put where the server would have put them, and changes heard live are applied in place.
//! Bodies are the sanitised HTML the server stored, as in the server's own render.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::comments::item::CommentItem;
use crate::components::comments::{THREAD_ID, comment_anchor};
use crate::model::{Comment, CommentChanged, CommentState};

/// Whether comment `id` is in the document.
pub fn on_page(id: i64) -> bool {
    document().get_element_by_id(&comment_anchor(id)).is_some()
}

/// Whether comment `comment`, heard live, belongs on this page of the thread: a reply to a
/// comment on it, or anything while the page is the newest (`data-newer` marks an older one,
/// whose end is not the thread's).
pub fn fits(comment: &Comment) -> bool {
    let newest = document()
        .get_element_by_id(THREAD_ID)
        .is_some_and(|thread| !thread.has_attribute("data-newer"));
    newest || comment.parent_id.is_some_and(on_page)
}

/// Renders a comment heard live into the thread, after its parent's last reply (or at the
/// end).
pub fn show(comment: Comment) {
    let Some(thread) = document().get_element_by_id(THREAD_ID) else {
        return;
    };
    let parent = comment
        .parent_id
        .and_then(|p| document().get_element_by_id(&comment_anchor(p)));
    let Some(item) = render(comment) else {
        return;
    };
    let before = parent.and_then(|parent| {
        let depth = depth_of(&parent);
        let mut next = parent.next_element_sibling();
        while let Some(sibling) = &next {
            if depth_of(sibling) <= depth {
                break;
            }
            next = sibling.next_element_sibling();
        }
        next
    });
    let before: Option<web_sys::Node> = before.map(Into::into);
    let _ = thread.insert_before(&item, before.as_ref());
}

/// Applies a change heard live: an edit replaces the body (the rest of the comment, its
/// author's links included, stays as it is); a deletion or take-down that leaves replies
/// becomes a placeholder; anything else leaves the page — except the reader's own comment held
/// for review, which stays on their page, marked as held, as it would after a reload.
pub fn apply(changed: &CommentChanged) {
    let Some(item) = document().get_element_by_id(&comment_anchor(changed.id)) else {
        return;
    };
    let own = item.has_attribute("data-own");
    match &changed.comment {
        Some(comment) if matches!(comment.state, CommentState::Visible | CommentState::Held) => {
            if let Ok(Some(body)) = item.query_selector(".comment__body") {
                body.set_inner_html(&comment.body_html);
            }
            let marked = item.query_selector(".comment__edited").ok().flatten();
            if let (None, Some(at)) = (marked, &comment.edited_at)
                && let Ok(Some(when)) = item.query_selector(".comment__meta time")
                && let Ok(mark) = document().create_element("span")
            {
                mark.set_class_name("comment__edited");
                let _ = mark.set_attribute("title", &format!("Edited {at}"));
                mark.set_text_content(Some("edited"));
                let _ = when.after_with_node_1(&mark);
            }
        }
        Some(placeholder) => {
            if let Some(replacement) = render(placeholder.clone()) {
                let _ = item.replace_with_with_node_1(&replacement);
            }
        }
        None if own && changed.held => {
            let _ = item.class_list().add_1("comment--held");
            let noticed = item.query_selector(".comment__notice").ok().flatten();
            if noticed.is_none()
                && let Ok(Some(meta)) = item.query_selector(".comment__meta")
                && let Ok(notice) = document().create_element("p")
            {
                notice.set_class_name("comment__notice");
                notice.set_text_content(Some(
                    "Held for review: only you can see this until a moderator approves it.",
                ));
                let _ = meta.after_with_node_1(&notice);
            }
        }
        None => item.remove(),
    }
}

/// Renders one comment (someone else's, no form open) into a detached element.
fn render(comment: Comment) -> Option<web_sys::Element> {
    let holder: web_sys::HtmlElement = document().create_element("ol").ok()?.dyn_into().ok()?;
    leptos::mount::mount_to(holder.clone(), move || {
        view! { <CommentItem comment own=None opened=None/> }
    })
    // The comment is plain markup with nothing reactive in it: nothing to unmount later.
    .forget();
    holder.first_element_child()
}

fn depth_of(item: &web_sys::Element) -> u32 {
    item.get_attribute("data-depth")
        .and_then(|d| d.parse().ok())
        .unwrap_or(0)
}
