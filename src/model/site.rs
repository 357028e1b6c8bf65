//! What the client knows about the site itself: its names and address, its categories and
//! reactions, and the limits on comments.

use serde::{Deserialize, Serialize};

use crate::model::{Category, Reaction, ReactionCounts};

/// What the client needs to know about the site itself; rendered into the page by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SiteInfo {
    pub name: String,
    pub house_name: String,
    pub tagline: String,
    pub base_url: String,
    pub categories: Vec<Category>,
    pub reactions: Vec<Reaction>,
    /// Longest comment body, in characters.
    pub comment_max_body_chars: u32,
    /// Longest display name, in characters.
    pub comment_max_name_chars: u32,
    /// How long after posting a reader may edit or delete their comment, in seconds.
    pub comment_edit_seconds: u32,
}

impl SiteInfo {
    pub fn reaction(&self, key: &str) -> Option<&Reaction> {
        self.reactions.iter().find(|r| r.key == key)
    }

    /// The configured reactions that have a non-zero count, in bar order.
    pub fn reactions_given(&self, counts: &ReactionCounts) -> Vec<(Reaction, u32)> {
        self.reactions
            .iter()
            .filter_map(|r| {
                counts
                    .get(&r.key)
                    .filter(|n| **n > 0)
                    .map(|n| (r.clone(), *n))
            })
            .collect()
    }

    pub fn category(&self, slug: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.slug == slug)
    }
}
