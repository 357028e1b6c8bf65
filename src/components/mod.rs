//! UI components, one per file. Route-level pages end in `_page`.

pub mod brief_article;
pub mod brief_body;
pub mod brief_card;
pub mod brief_page;
pub mod builder_brief;
pub mod category_nav;
pub mod cited_by;
pub mod comments;
pub mod confirm_page;
pub mod desk;
pub mod digest_archive_page;
pub mod digest_issue_page;
pub mod error_page;
pub mod feed_page;
pub mod keyboard_shortcuts;
pub mod layout;
pub mod live_status;
pub mod newsletter_box;
pub mod newsletter_page;
pub mod not_found;
pub mod pagination;
pub mod reaction_bar;
pub mod relative_time;
pub mod theme_toggle;
pub mod unsubscribe_page;
