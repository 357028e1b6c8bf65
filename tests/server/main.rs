//! Server integration tests: the real router, a real SQLite database in a temporary directory,
//! the demo content from `content/`; a real PostgreSQL and a real SMTP server where they matter.
//! The whole suite runs on SQLite by default and on PostgreSQL with
//! `PULSE_TEST_BACKEND=postgres` (each app then gets a database of its own, dropped after).

mod api;
mod comment_changes;
mod comments;
mod connections;
mod desk;
mod drafts;
mod durability;
mod feeds;
mod follows;
mod hostile;
mod import;
mod insight;
mod instances;
mod live;
mod live_direct;
mod moderation;
mod my_data;
mod newsletter;
mod pages;
mod reactions;
mod schema;
mod search;
mod shape;
mod sources;
mod support;
mod threads;
