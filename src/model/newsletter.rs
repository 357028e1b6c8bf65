//! The newsletter sign-up: the one answer it gives, where a confirmation link stands, the
//! email address check, and the mailbox an address delivers to.

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::stored_words;

/// Where an address stands on the list: the `status` column of its subscriber row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubscriberStatus {
    /// Signed up, not confirmed yet.
    Pending,
    /// Gets the digest.
    Confirmed,
    /// Left; the row keeps the consent record.
    Unsubscribed,
}

stored_words!(SubscriberStatus, "subscriber status", {
    Pending => "pending",
    Confirmed => "confirmed",
    Unsubscribed => "unsubscribed",
});

/// The mailbox an address delivers to, for counting mail sent to it: lowercased, with a
/// `+tag` on the local part removed (`Ada+news@Example.com` → `ada@example.com`).
pub fn mailbox_key(email: &str) -> String {
    let lower = email.trim().to_lowercase();
    match lower.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split_once('+').map_or(local, |(base, _)| base);
            format!("{local}@{domain}")
        }
        None => lower,
    }
}

/// The answer to every newsletter sign-up, whatever the address's state: it must not tell
/// anyone whether an address is subscribed.
pub const SUBSCRIBE_ANSWER: &str = "Thanks! If this address isn't subscribed yet, we've sent it a link to confirm. Check your inbox.";

/// Where a newsletter confirmation link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Confirmation {
    /// Not used yet: the page offers the confirm button.
    Valid,
    /// Just confirmed.
    Confirmed,
    Expired,
    Used,
    Unknown,
}

/// Longest email address accepted (RFC 5321's limit on a forward path).
pub const MAX_EMAIL_LEN: usize = 254;

/// Checks an email address for the newsletter: one `@`, a dot-atom local part of at most 64
/// characters, a domain of letter/digit/hyphen labels with a dot, nothing that could end a
/// header line or smuggle a second address. Returns it trimmed.
pub fn check_email(raw: &str) -> Result<&str, AppError> {
    let bad = || {
        AppError::invalid(
            "email",
            "Please enter an email address like name@example.com.",
        )
    };
    let email = raw.trim();
    if email.is_empty() || email.len() > MAX_EMAIL_LEN || !email.is_ascii() {
        return Err(bad());
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(bad());
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(atext));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    if local_ok && domain_ok {
        Ok(email)
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_tags_and_case_reach_one_mailbox() {
        assert_eq!(mailbox_key("Ada+News@Example.COM"), "ada@example.com");
        assert_eq!(mailbox_key("ada+1+2@example.com"), "ada@example.com");
        assert_eq!(mailbox_key("ada@example.com"), "ada@example.com");
        assert_ne!(
            mailbox_key("ada@example.com"),
            mailbox_key("ada@example.org")
        );
    }

    #[test]
    fn emails() {
        for good in [
            "ada@example.com",
            "a.b+news@mail.example.org",
            "x_y-z@a-b.io",
        ] {
            assert_eq!(check_email(&format!(" {good} ")), Ok(good), "{good}");
        }
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a b@example.com",
            "a@example.com\r\nBcc: x@y.com",
            "a@example.com\nx",
            "\"quoted\"@example.com",
            "a..b@example.com",
            ".a@example.com",
            "a@-b.com",
            "a@b.c0m",
            "Ada <ada@example.com>",
            "a@example.com,b@example.com",
            "ünï@example.com",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(check_email(&format!("{}@example.com", "a".repeat(65))).is_err());
    }
}
