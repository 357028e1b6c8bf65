//! Everything that exists only in the server build: configuration, the store, content import,
//! HTTP wiring and the command line. This module is the crate's one `ssr` fence.

pub mod cli;
pub mod comments;
pub mod config;
pub mod content;
pub mod desk;
pub mod digest;
pub mod drafts;
pub mod editors;
pub mod feeds;
pub mod follow;
pub mod guard;
pub mod http;
pub mod insight;
pub mod listen;
pub mod live;
pub mod mail;
pub mod metrics;
pub mod moderation;
pub mod my_data;
pub mod newsletter;
pub mod page_cache;
pub mod rate_limit;
pub mod readers;
pub mod repo;
pub mod request;
pub mod respond;
pub mod search;
pub mod shell;
pub mod sources;
pub mod state;
pub mod tokens;
