//! Typed site configuration, read once at start from `Leptos.toml` (or the file named by
//! `PULSE_CONFIG`). Three steps: the file's table, then an overlay of environment variables
//! from the one key table [`KEYS`] (each key's type and bounds said once), then serde into
//! typed sections (`deny_unknown_fields`) and the checks no table can say. Anything unknown,
//! missing or invalid stops start-up with an error that names the key.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use serde::Deserialize;
use toml::Table;

use crate::model::SiteInfo;

/// What a setting must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text of at most this many characters (trimmed); required.
    Text(usize),
    /// Text that may be left out (or empty, where that means "none").
    Optional,
    /// A whole number in this range; required.
    Number(u32, u32),
    /// A whole number in this range, needed only with another setting.
    OptionalNumber(u32, u32),
    /// A comma-separated list of IP addresses (may be empty or left out).
    IpList,
    /// `[[key]]` tables in the file; a comma-separated list in the environment.
    List,
    /// Yes or no: `true`/`false` in the file, `true`/`false`/`1`/`0` in the environment;
    /// left out means no.
    Flag,
}

/// One setting: its key in the file, the environment variable that overrides it, its kind.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub key: &'static str,
    pub env: &'static str,
    pub kind: Kind,
}

const fn key(key: &'static str, env: &'static str, kind: Kind) -> Key {
    Key { key, env, kind }
}

use Kind::{Flag, IpList, List, Number, Optional, OptionalNumber, Text};

/// Every setting. The README's configuration table is this list.
#[rustfmt::skip]
pub const KEYS: &[Key] = &[
    key("site.name", "PULSE_SITE_NAME", Text(60)),
    key("site.house_name", "PULSE_HOUSE_NAME", Text(60)),
    key("site.tagline", "PULSE_TAGLINE", Text(160)),
    key("site.base_url", "PULSE_BASE_URL", Text(200)),
    key("site.page_size", "PULSE_PAGE_SIZE", Number(1, 100)),
    key("site.page_cache_seconds", "PULSE_PAGE_CACHE_SECONDS", Number(0, 300)),
    key("storage.data_dir", "PULSE_DATA_DIR", Text(4096)),
    key("storage.database_url", "DATABASE_URL", Optional),
    key("storage.content_dir", "PULSE_CONTENT_DIR", Text(4096)),
    key("storage.secret_file", "PULSE_SECRET_FILE", Optional),
    key("limits.reactions_per_minute_per_reader", "PULSE_REACTIONS_PER_MINUTE_PER_READER", Number(1, 10_000)),
    key("limits.reactions_per_minute_per_ip", "PULSE_REACTIONS_PER_MINUTE_PER_IP", Number(1, 100_000)),
    key("limits.trusted_proxies", "PULSE_TRUSTED_PROXIES", IpList),
    key("limits.live_max_connections", "PULSE_LIVE_MAX_CONNECTIONS", Number(1, 1_000_000)),
    key("limits.live_stream_seconds", "PULSE_LIVE_STREAM_SECONDS", Number(1, 86_400)),
    key("limits.live_max_connections_per_ip", "PULSE_LIVE_MAX_CONNECTIONS_PER_IP", Number(1, 1_000_000)),
    key("limits.header_read_seconds", "PULSE_HEADER_READ_SECONDS", Number(1, 3_600)),
    key("limits.write_stall_seconds", "PULSE_WRITE_STALL_SECONDS", Number(1, 3_600)),
    key("comments.max_body_chars", "PULSE_COMMENT_MAX_BODY_CHARS", Number(1, 20_000)),
    key("comments.max_name_chars", "PULSE_COMMENT_MAX_NAME_CHARS", Number(1, 200)),
    key("comments.max_depth", "PULSE_COMMENT_MAX_DEPTH", Number(0, 8)),
    key("comments.thread_page_size", "PULSE_COMMENT_THREAD_PAGE_SIZE", Number(1, 500)),
    key("comments.per_minute_per_reader", "PULSE_COMMENTS_PER_MINUTE_PER_READER", Number(1, 1_000)),
    key("comments.per_minute_per_ip", "PULSE_COMMENTS_PER_MINUTE_PER_IP", Number(1, 10_000)),
    key("comments.first_day_limit", "PULSE_COMMENTS_FIRST_DAY_LIMIT", Number(1, 10_000)),
    key("comments.edit_minutes", "PULSE_COMMENT_EDIT_MINUTES", Number(0, 24 * 60)),
    key("comments.duplicate_minutes", "PULSE_COMMENT_DUPLICATE_MINUTES", Number(0, 24 * 60)),
    key("comments.new_reader_max_links", "PULSE_COMMENT_NEW_READER_MAX_LINKS", Number(0, 1_000)),
    key("comments.report_threshold", "PULSE_COMMENT_REPORT_THRESHOLD", Number(1, 1_000)),
    key("mail.smtp_host", "PULSE_SMTP_HOST", Optional),
    key("mail.smtp_port", "PULSE_SMTP_PORT", OptionalNumber(1, 65_535)),
    key("mail.smtp_tls", "PULSE_SMTP_TLS", Optional),
    key("mail.smtp_username", "PULSE_SMTP_USERNAME", Optional),
    key("mail.smtp_password", "PULSE_SMTP_PASSWORD", Optional),
    key("mail.from", "PULSE_MAIL_FROM", Text(320)),
    key("mail.unsubscribe_mailto", "PULSE_MAIL_UNSUBSCRIBE_TO", Text(254)),
    key("mail.claim_seconds", "PULSE_MAIL_CLAIM_SECONDS", Number(2, 86_400)),
    key("newsletter.confirmations_per_day", "PULSE_NEWSLETTER_CONFIRMATIONS_PER_DAY", Number(1, 100)),
    key("newsletter.unconfirmed_purge_hours", "PULSE_NEWSLETTER_PURGE_HOURS", Number(1, 24 * 365)),
    key("newsletter.subscribes_per_minute_per_ip", "PULSE_NEWSLETTER_SUBSCRIBES_PER_MINUTE_PER_IP", Number(1, 10_000)),
    key("newsletter.consent_version", "PULSE_NEWSLETTER_CONSENT_VERSION", Text(64)),
    key("follow.batch_minutes", "PULSE_FOLLOW_BATCH_MINUTES", Number(0, 24 * 60)),
    key("follow.days", "PULSE_FOLLOW_DAYS", Number(1, 365)),
    key("follow.check_seconds", "PULSE_FOLLOW_CHECK_SECONDS", Number(1, 3_600)),
    key("sources.poll_minutes", "PULSE_SOURCES_POLL_MINUTES", OptionalNumber(1, 24 * 60)),
    key("sources.allow_private_addresses", "PULSE_SOURCES_ALLOW_PRIVATE", Flag),
    key("digest.weekday", "PULSE_DIGEST_WEEKDAY", Text(16)),
    key("digest.time", "PULSE_DIGEST_TIME", Text(5)),
    key("metrics.address", "PULSE_METRICS_ADDR", Optional),
    key("categories", "PULSE_CATEGORIES", List),
    key("reactions", "PULSE_REACTIONS", List),
];

#[derive(Debug, Clone)]
pub struct Config {
    pub site: SiteInfo,
    pub page_size: u32,
    /// Longest an anonymous page view is served from the render cache (0: no cache).
    pub page_cache_seconds: u32,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub content_dir: PathBuf,
    /// Key that signs readers' anonymous-id cookies; created on first start if missing.
    pub secret_file: PathBuf,
    pub limits: Limits,
    /// Where `/metrics` is served (a port of its own, never the public one); `None`: nowhere.
    pub metrics_addr: Option<SocketAddr>,
    pub comments: CommentSettings,
    pub mail: MailSettings,
    pub newsletter: NewsletterSettings,
    pub follow: FollowSettings,
    pub sources: SourcesSettings,
    pub digest: DigestSchedule,
}

/// When the weekly digest goes out: a weekday and a time of day, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestSchedule {
    pub weekday: time::Weekday,
    pub hour: u8,
    pub minute: u8,
}

/// How mail leaves the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// `None`: no SMTP server; every message is written as an `.eml` file under
    /// `<data_dir>/mail` instead (and logged), so the whole flow works with no mail server.
    pub smtp: Option<SmtpSettings>,
    /// The `From` of every message, e.g. `Pulse <digest@pulse.example>`.
    pub from: String,
    /// Where `List-Unsubscribe`'s mailto points.
    pub unsubscribe_mailto: String,
    /// How long a sender holds the messages it took: a sender that dies mid-batch delays them
    /// by this much, and a batch is sized so that it always finishes well within it.
    pub claim_seconds: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP: only for a relay on the same machine or network.
    None,
    /// Plain connection upgraded with STARTTLS (port 587); refused if the server cannot.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// A value that must never reach a log: its `Debug` shows nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Newsletter sign-up rules.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewsletterSettings {
    /// Confirmation emails one address may be sent per day.
    pub confirmations_per_day: u32,
    /// Addresses never confirmed are deleted after this many hours.
    pub unconfirmed_purge_hours: u32,
    pub subscribes_per_minute_per_ip: u32,
    /// Names the sign-up wording the reader agreed to; stored with their consent.
    pub consent_version: String,
}

/// Following a brief or one's replies by mail.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowSettings {
    /// At most one mail of new comments per follow in this many minutes (corrections go at
    /// once).
    pub batch_minutes: u32,
    /// A follow ends by itself this many days after its last new comment or correction.
    pub days: u32,
    /// How often the worker looks for something to mail.
    pub check_seconds: u32,
}

/// The desk's sources inbox: how often feeds are fetched, and where from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesSettings {
    /// Each source is fetched this often (failing ones back off from there).
    #[serde(default = "default_poll_minutes")]
    pub poll_minutes: u32,
    /// Whether a source may point at loopback, private or link-local addresses (tests serve
    /// their feeds from 127.0.0.1; a public server never should).
    #[serde(default)]
    pub allow_private_addresses: bool,
}

impl Default for SourcesSettings {
    fn default() -> SourcesSettings {
        SourcesSettings {
            poll_minutes: default_poll_minutes(),
            allow_private_addresses: false,
        }
    }
}

fn default_poll_minutes() -> u32 {
    15
}

/// Comment rules; the length limits are also in [`SiteInfo`] for the form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentSettings {
    /// Longest comment body, in characters.
    pub max_body_chars: u32,
    /// Longest display name, in characters.
    pub max_name_chars: u32,
    /// Replies deeper than this attach at this depth (0 = no replies to replies).
    pub max_depth: u32,
    pub per_minute_per_reader: u32,
    pub per_minute_per_ip: u32,
    /// Most comments a reader may post in the 24 hours after their first one.
    pub first_day_limit: u32,
    /// How long a reader may edit or delete their comment.
    pub edit_minutes: u32,
    /// The same reader posting the same text again within this many minutes is refused.
    pub duplicate_minutes: u32,
    /// A comment from a reader in their first day with more links than this is held.
    pub new_reader_max_links: u32,
    /// Reports from this many readers hide a comment until a moderator reviews it.
    pub report_threshold: u32,
    /// Most comments one page of a thread shows ("Older comments" brings the rest).
    pub thread_page_size: u32,
}

/// Abuse limits for anonymous writes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub reactions_per_minute_per_reader: u32,
    pub reactions_per_minute_per_ip: u32,
    /// Peers whose `X-Forwarded-For` is believed; everyone else's is ignored.
    #[serde(default, deserialize_with = "sources::ip_list")]
    pub trusted_proxies: Vec<IpAddr>,
    /// Open live streams one server accepts; beyond it readers are asked to retry later.
    pub live_max_connections: u32,
    /// How long one live stream lasts before the browser is asked to reconnect (it resumes by
    /// id, so nothing is lost); keeps proxies' idle timeouts and load balancing happy.
    pub live_stream_seconds: u32,
    /// Open live streams one client address (an IPv6 /64) may hold on one server.
    pub live_max_connections_per_ip: u32,
    /// How long a client has to send a request's head (and an idle keep-alive connection
    /// stays open).
    pub header_read_seconds: u32,
    /// How long a connection's writes may make no progress before it is closed.
    pub write_stall_seconds: u32,
}

/// A setting that is missing or wrong; `key` is what the operator has to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error in `{key}`: {reason}")]
pub struct ConfigError {
    pub key: String,
    pub reason: String,
}

fn config_error(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.to_string(),
        reason: reason.into(),
    }
}

impl Config {
    /// Reads the file named by `PULSE_CONFIG` (default `Leptos.toml`) and the process environment.
    pub fn load() -> Result<Config, ConfigError> {
        let path = std::env::var("PULSE_CONFIG").unwrap_or_else(|_| "Leptos.toml".to_string());
        let text = std::fs::read_to_string(&path)
            .map_err(|e| config_error("PULSE_CONFIG", format!("cannot read {path}: {e}")))?;
        Config::from_sources(&text, |key| std::env::var(key).ok())
    }

    /// Builds the configuration from the file's text and an environment lookup.
    pub fn from_sources(
        text: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut table: Table = text
            .parse()
            .map_err(|e: toml::de::Error| config_error("Leptos.toml", e.message().to_string()))?;
        sources::reject_unknown_keys(&table)?;
        for key in KEYS {
            if let Some(value) = env(key.env) {
                sources::overlay(&mut table, key, &value)?;
            }
            sources::check(&mut table, key)?;
        }
        sources::File::read(table)?.into_config()
    }
}

mod sources;

#[cfg(test)]
mod tests;
