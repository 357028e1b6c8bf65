//! Random secret tokens — newsletter confirmation links, desk sessions — and the hash the
//! database keeps in their place, so that reading the table opens nothing.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// A new 256-bit token (URL-safe text, for a link or a cookie) and its stored hash. `what`
/// names it in the log if the system has no randomness to give.
pub fn new_token(what: &str) -> Result<(String, String), AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| {
        tracing::error!(%error, what, "no randomness for a token");
        AppError::Internal
    })?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// What the database stores for a token: its SHA-256, in hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_only_their_hash_is_kept() {
        let (a, hash_a) = new_token("a test").expect("token");
        let (b, _) = new_token("a test").expect("token");
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_a, token_hash(&a));
        assert_eq!(hash_a.len(), 64);
        assert!(!hash_a.contains(&a));
    }
}
