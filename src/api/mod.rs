//! Server functions, grouped by resource. Each is declared here for both builds; its body runs
//! only on the server, where it reaches the store through [`crate::server`].

pub mod briefs;
pub mod comments;
pub mod desk;
pub mod digests;
pub mod drafts;
pub mod editors;
pub mod follow;
pub mod insight;
pub mod moderation;
pub mod my_data;
pub mod newsletter;
pub mod preferences;
pub mod reactions;
pub mod search;
pub mod sources;
