//! Server integration tests: the real router, a real SQLite database in a temporary directory,
//! the demo content from `content/`.

mod api;
mod comment_changes;
mod comments;
mod import;
mod live;
mod newsletter;
mod pages;
mod reactions;
mod support;
