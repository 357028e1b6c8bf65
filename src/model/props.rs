//! What island props are made of, beyond plain data.
//!
//! An island's props are serialised into its `data-props` attribute, so whatever an island
//! needs only to render on the server — the text already in a form field, a preview already on
//! the page — would be sent twice. [`SsrOnly`] keeps such a value out of the attribute: the
//! server renders with it, and the island reads what it needs from the page in the browser.

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A prop used only while the server renders the island: serialised as `null`, and the type's
/// default in the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SsrOnly<T>(pub T);

impl<T> Serialize for SsrOnly<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de, T: Default> Deserialize<'de> for SsrOnly<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer)?;
        Ok(SsrOnly(T::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Props {
        id: i64,
        source: SsrOnly<String>,
    }

    #[test]
    fn never_reaches_the_page() {
        let json = serde_json::to_string(&Props {
            id: 7,
            source: SsrOnly("a long comment".to_string()),
        })
        .expect("serialises");
        assert_eq!(json, r#"{"id":7,"source":null}"#);
        let back: Props = serde_json::from_str(&json).expect("deserialises");
        assert_eq!((back.id, back.source.0.as_str()), (7, ""));
    }
}
