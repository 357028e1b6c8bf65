//! Server integration tests: the real router, a real SQLite database in a temporary directory,
//! the demo content from `content/`; a real PostgreSQL and a real SMTP server where they matter.

mod api;
mod comment_changes;
mod comments;
mod import;
mod live;
mod newsletter;
mod pages;
mod reactions;
mod schema;
mod support;
