//! Enums kept as words in a text column (a comment's, a brief's or a subscriber's status): one
//! table of variants and words per enum reads and writes them, so the two can never drift.

/// An enum stored as one of a fixed set of words.
pub trait StoredWord: Copy + PartialEq + Sized + 'static {
    /// What the column holds, named for error messages.
    const COLUMN: &'static str;
    /// Every variant with its stored word.
    const WORDS: &'static [(Self, &'static str)];

    /// The word stored for this variant.
    fn word(self) -> &'static str {
        Self::WORDS
            .iter()
            .find(|(variant, _)| *variant == self)
            .map_or("", |(_, word)| word)
    }

    /// The variant stored as `word`; anything else is a corrupt row, said as an error.
    fn from_word(word: &str) -> Result<Self, String> {
        Self::WORDS
            .iter()
            .find(|(_, known)| *known == word)
            .map(|(variant, _)| *variant)
            .ok_or_else(|| format!("unknown {} {word:?}", Self::COLUMN))
    }
}

/// Implements [`StoredWord`] for an enum from its words, and `TryFrom<String>` (what
/// `#[sqlx(try_from = "String")]` reads a column with).
macro_rules! stored_words {
    ($enum:ident, $column:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl $crate::model::StoredWord for $enum {
            const COLUMN: &'static str = $column;
            const WORDS: &'static [(Self, &'static str)] = &[$(($enum::$variant, $word)),+];
        }

        impl TryFrom<String> for $enum {
            type Error = String;
            fn try_from(word: String) -> Result<Self, String> {
                <Self as $crate::model::StoredWord>::from_word(&word)
            }
        }
    };
}
pub(crate) use stored_words;

#[cfg(test)]
mod tests {
    use super::StoredWord;
    use crate::model::{CommentStatus, SubscriberStatus};

    #[test]
    fn every_word_reads_back_as_its_variant_and_nothing_else_does() {
        for (variant, word) in CommentStatus::WORDS {
            assert_eq!(variant.word(), *word);
            assert_eq!(CommentStatus::from_word(word), Ok(*variant));
        }
        assert_eq!(
            SubscriberStatus::from_word("confirmed"),
            Ok(SubscriberStatus::Confirmed)
        );
        assert!(CommentStatus::from_word("Visible").is_err());
        assert!(SubscriberStatus::from_word("").is_err());
    }
}
