//! Anonymous readers. A reader's first write gives them a random id in a signed, HttpOnly,
//! SameSite=Lax cookie; nothing else identifies them. The signing key lives in a file in the
//! data directory (created on first start), so ids survive restarts and are shared by every
//! instance that shares the file.

use std::path::Path;

use axum::http::{HeaderMap, HeaderValue};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::AppError;
use crate::server::respond::cookie_value;

const COOKIE: &str = "pulse_reader";
/// Two years: the cookie is renewed on every write.
const COOKIE_MAX_AGE: u32 = 2 * 365 * 24 * 60 * 60;
const KEY_LEN: usize = 32;

/// A verified reader id (22 characters of URL-safe base64).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReaderId(String);

impl ReaderId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Signs and checks reader cookies.
#[derive(Clone)]
pub struct ReaderKeys {
    key: [u8; KEY_LEN],
}

impl ReaderKeys {
    /// Reads the key file, creating it (readable by the owner only) if it does not exist.
    pub fn load_or_create(path: &Path) -> std::io::Result<ReaderKeys> {
        let key = match std::fs::read(path) {
            Ok(bytes) => bytes.try_into().map_err(|_| {
                std::io::Error::other(format!(
                    "{} must hold exactly {KEY_LEN} bytes",
                    path.display()
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; KEY_LEN];
                getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
                write_private(path, &key)?;
                key
            }
            Err(e) => return Err(e),
        };
        Ok(ReaderKeys { key })
    }

    /// Keys for tests and throwaway instances.
    pub fn ephemeral() -> ReaderKeys {
        let mut key = [0u8; KEY_LEN];
        // An all-zero key would still sign correctly; randomness only adds unguessability.
        let _ = getrandom::fill(&mut key);
        ReaderKeys { key }
    }

    fn mac(&self, id: &str) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        mac.update(id.as_bytes());
        Some(mac)
    }

    fn signature(&self, id: &str) -> String {
        self.mac(id)
            .map(|mac| URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
            .unwrap_or_default()
    }

    /// A token that carries `value` for `purpose` (e.g. an unsubscribe link) and cannot be
    /// forged or moved to another purpose without the key: `value.signature`.
    pub fn sign(&self, purpose: &str, value: &str) -> String {
        format!("{value}.{}", self.signature(&format!("{purpose}:{value}")))
    }

    /// A keyed fingerprint of `value` for `purpose`: the same value gives the same tag, and the
    /// tag reveals nothing of the value (e.g. a client address stored with a report).
    pub fn tag(&self, purpose: &str, value: &str) -> String {
        self.signature(&format!("{purpose}:{value}"))
    }

    /// The value of a token made by [`ReaderKeys::sign`] for `purpose`; `None` if tampered.
    pub fn verify(&self, purpose: &str, token: &str) -> Option<String> {
        let (value, signature) = token.rsplit_once('.')?;
        let given = URL_SAFE_NO_PAD.decode(signature).ok()?;
        // verify_slice compares in constant time.
        self.mac(&format!("{purpose}:{value}"))?
            .verify_slice(&given)
            .ok()?;
        Some(value.to_string())
    }

    /// The reader named by the request's cookie, if it carries a valid one.
    pub fn reader(&self, headers: &HeaderMap) -> Option<ReaderId> {
        let (id, signature) = cookie_value(headers, COOKIE)?.split_once('.')?;
        let given = URL_SAFE_NO_PAD.decode(signature).ok()?;
        // verify_slice compares in constant time.
        self.mac(id)?.verify_slice(&given).ok()?;
        (id.len() == 22).then(|| ReaderId(id.to_string()))
    }

    /// The request's reader, or a new one for a first-time writer.
    pub fn reader_or_mint(&self, headers: &HeaderMap) -> Result<ReaderId, AppError> {
        match self.reader(headers) {
            Some(reader) => Ok(reader),
            None => self.mint(),
        }
    }

    /// A new random reader id.
    pub fn mint(&self) -> Result<ReaderId, AppError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|error| {
            tracing::error!(%error, "no randomness for a reader id");
            AppError::Internal
        })?;
        Ok(ReaderId(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// The `Set-Cookie` value that makes the browser forget its reader id.
    pub fn forget_cookie(&self, secure: bool) -> HeaderValue {
        let secure = if secure { "; Secure" } else { "" };
        let value = format!("{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}");
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The `Set-Cookie` value that gives (or renews) `reader`'s cookie.
    pub fn cookie(&self, reader: &ReaderId, secure: bool) -> HeaderValue {
        let secure = if secure { "; Secure" } else { "" };
        let value = format!(
            "{COOKIE}={}.{}; Path=/; Max-Age={COOKIE_MAX_AGE}; HttpOnly; SameSite=Lax{secure}",
            reader.0,
            self.signature(&reader.0)
        );
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

fn write_private(path: &Path, key: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(key)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    use axum::http::header;

    fn with_cookie(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn signed_tokens_round_trip_only_untampered_and_for_their_purpose() {
        let keys = ReaderKeys::ephemeral();
        let token = keys.sign("unsubscribe", "42");
        assert_eq!(keys.verify("unsubscribe", &token), Some("42".to_string()));
        assert_eq!(keys.verify("confirm", &token), None);
        let (_, signature) = token.split_once('.').expect("dot");
        assert_eq!(keys.verify("unsubscribe", &format!("43.{signature}")), None);
        assert_eq!(keys.verify("unsubscribe", "42"), None);
        assert_eq!(keys.verify("unsubscribe", &format!("{token}x")), None);
        assert_eq!(ReaderKeys::ephemeral().verify("unsubscribe", &token), None);
    }

    #[test]
    fn a_signed_cookie_round_trips_and_a_forged_one_does_not() {
        let keys = ReaderKeys::ephemeral();
        let reader = keys.mint().expect("id");
        let set_cookie = keys.cookie(&reader, false);
        let set_cookie = set_cookie.to_str().expect("ascii");
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
            "{set_cookie}"
        );
        let pair = set_cookie.split(';').next().expect("pair");
        assert_eq!(keys.reader(&with_cookie(pair)), Some(reader.clone()));

        let forged = format!(
            "{COOKIE}=AAAAAAAAAAAAAAAAAAAAAA.{}",
            &pair[COOKIE.len() + 24..]
        );
        assert_eq!(keys.reader(&with_cookie(&forged)), None);
        assert_eq!(
            keys.reader(&with_cookie(&format!("{COOKIE}=garbage"))),
            None
        );
        assert_eq!(
            ReaderKeys::ephemeral().reader(&with_cookie(pair)),
            None,
            "another key"
        );
    }

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("secret.key");
        let first = ReaderKeys::load_or_create(&path).expect("created");
        let second = ReaderKeys::load_or_create(&path).expect("read");
        assert_eq!(first.key, second.key);
        std::fs::write(&path, b"short").expect("write");
        assert!(ReaderKeys::load_or_create(&path).is_err());
    }
}
