//! Following without an account, on the page: the "Follow this brief" box beside the thread,
//! and the pages mailed links open (confirm a follow, stop one, manage every follow of an
//! address).

pub mod confirm_page;
pub mod follow_box;
pub mod manage_page;
pub mod stop_page;
