//! The weekly digest: an issue as the archive lists it, its items, a whole issue, and the
//! check on an issue's address.

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::Category;

/// One issue of the weekly digest, as the archive lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestSummary {
    /// e.g. "2026-w48".
    pub slug: String,
    pub title: String,
    /// RFC 3339, UTC: when it was composed.
    pub created_at: String,
    /// e.g. "26 Nov 2026".
    pub created_label: String,
    pub brief_count: u32,
}

/// One brief in a digest issue. `take_html` was sanitised when the brief was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestItem {
    pub slug: String,
    pub title: String,
    pub category: Category,
    pub summary: String,
    pub take_html: String,
    pub published_label: String,
}

/// A whole digest issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestIssue {
    pub summary: DigestSummary,
    pub items: Vec<DigestItem>,
}

/// Checks a digest issue's address: `2026-w48` (an ISO year and week).
pub fn validate_digest_slug(slug: &str) -> Result<(), AppError> {
    let ok = slug.len() == 8
        && slug.is_ascii()
        && slug.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && &slug[4..6] == "-w"
        && slug.as_bytes()[6..].iter().all(u8::is_ascii_digit)
        && slug[6..].parse::<u8>().is_ok_and(|w| (1..=53).contains(&w));
    if ok {
        Ok(())
    } else {
        Err(AppError::not_found(
            "There is no digest issue at this address.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_slugs() {
        assert!(validate_digest_slug("2026-w48").is_ok());
        for bad in [
            "2026-w00", "2026-w54", "2026-w+8", "2026w048", "2026€x", "26-w48", "",
        ] {
            assert!(validate_digest_slug(bad).is_err(), "{bad:?}");
        }
    }
}
