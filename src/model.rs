//! Plain data shared by the server and the client, one module a feature: what briefs, comments,
//! reactions, the live stream, the digest, the newsletter and the site look like on the wire,
//! plus the input rules (slugs, page numbers, names, email addresses) both sides check the same
//! way. The private modules are re-exported whole, so their items are `crate::model::X`; the
//! public ones are reached by their own path (`crate::model::desk::X`).

mod address;
mod brief;
mod comment;
pub mod desk;
mod digest;
pub mod editors;
pub mod follow;
pub mod insight;
mod live;
pub mod moderation;
pub mod my_data;
mod newsletter;
pub mod props;
mod reaction;
pub mod search;
pub mod share;
mod site;
pub mod source;
mod stored;

pub use address::*;
pub use brief::*;
pub use comment::*;
pub use digest::*;
pub use live::*;
pub use newsletter::*;
pub use reaction::*;
pub use site::*;
pub use stored::StoredWord;
pub(crate) use stored::stored_words;
