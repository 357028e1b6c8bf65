//! Reactions: the kinds readers can give a brief, a brief's counts, their live delta, and
//! one reader's view of the reaction bar.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One kind of reaction readers can give a brief, as configured in `Leptos.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// Stable identifier, stored with every reaction.
    pub key: String,
    pub emoji: String,
    pub label: String,
}

/// Reaction counts of one brief, by reaction key (kinds nobody chose are absent).
pub type ReactionCounts = BTreeMap<String, u32>;

/// A live delta: the new counts of one brief (absolute, so applying it twice is harmless).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReactionsChanged {
    pub slug: String,
    pub counts: ReactionCounts,
}

/// The reaction bar's state for one reader: everyone's counts, and which ones this reader gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReactionState {
    pub counts: ReactionCounts,
    pub mine: Vec<String>,
}
