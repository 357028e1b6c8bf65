//! The editor desk: sign-in, the brief list and editor, the sources inbox, moderation, insight
//! and (for admins) editor accounts and the audit log. Every page asks
//! the server who is signed in; without a session it sends the browser to the sign-in page.
//! Nothing here is hidden by URL alone: each server function checks the session itself.

pub mod account_page;
pub mod audit_page;
pub mod brief_edit_page;
pub mod brief_editor;
pub mod desk_frame;
pub mod desk_page;
pub mod draft_page;
pub mod editors_page;
pub mod inbox_page;
pub mod insight_page;
pub mod login_page;
pub mod moderation_page;
pub mod sign_out_form;
pub mod sources_page;
