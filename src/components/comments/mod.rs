//! The discussion under a brief: the thread as the server renders it, each comment, the forms
//! that post, edit, delete and report, and the thread's live part. Every form is
//! a real `<form>` posting to its server function, so all of it works without JavaScript; with
//! JavaScript the page router sends each in the background, and once the server has taken it
//! the page moves (without a reload) to where a plain form post would have landed.

pub mod delete_form;
pub mod edit_form;
pub mod item;
pub mod live_thread;
pub mod post_form;
pub mod report_form;
pub mod section;

/// The id of the thread's list, which the page router keeps current.
pub const THREAD_ID: &str = "comment-thread";

/// The id of comment `id`'s list item.
pub fn comment_anchor(id: i64) -> String {
    format!("comment-{id}")
}

/// The address of comment `id` of brief `slug`: the page of the thread that holds it, at it.
pub fn comment_href(slug: &str, id: i64) -> String {
    format!("/pulse/{slug}?comment={id}#{}", comment_anchor(id))
}
