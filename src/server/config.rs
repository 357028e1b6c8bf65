//! Typed site configuration, read once at start from `Leptos.toml` (or the file named by
//! `PULSE_CONFIG`), every key overridable by an environment variable. Anything missing or
//! invalid stops start-up with an error that names the key.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use toml::{Table, Value};

use crate::model::{Category, Reaction, SiteInfo, validate_slug};

/// Every setting, with the environment variable that overrides it. The README's configuration
/// table is this list.
pub const KEYS: &[(&str, &str)] = &[
    ("site.name", "PULSE_SITE_NAME"),
    ("site.house_name", "PULSE_HOUSE_NAME"),
    ("site.tagline", "PULSE_TAGLINE"),
    ("site.base_url", "PULSE_BASE_URL"),
    ("site.page_size", "PULSE_PAGE_SIZE"),
    ("site.page_cache_seconds", "PULSE_PAGE_CACHE_SECONDS"),
    ("storage.data_dir", "PULSE_DATA_DIR"),
    ("storage.database_url", "DATABASE_URL"),
    ("storage.content_dir", "PULSE_CONTENT_DIR"),
    ("storage.secret_file", "PULSE_SECRET_FILE"),
    (
        "limits.reactions_per_minute_per_reader",
        "PULSE_REACTIONS_PER_MINUTE_PER_READER",
    ),
    (
        "limits.reactions_per_minute_per_ip",
        "PULSE_REACTIONS_PER_MINUTE_PER_IP",
    ),
    ("limits.trusted_proxies", "PULSE_TRUSTED_PROXIES"),
    ("limits.live_max_connections", "PULSE_LIVE_MAX_CONNECTIONS"),
    ("limits.live_stream_seconds", "PULSE_LIVE_STREAM_SECONDS"),
    (
        "limits.live_max_connections_per_ip",
        "PULSE_LIVE_MAX_CONNECTIONS_PER_IP",
    ),
    ("limits.header_read_seconds", "PULSE_HEADER_READ_SECONDS"),
    ("limits.write_stall_seconds", "PULSE_WRITE_STALL_SECONDS"),
    ("comments.max_body_chars", "PULSE_COMMENT_MAX_BODY_CHARS"),
    ("comments.max_name_chars", "PULSE_COMMENT_MAX_NAME_CHARS"),
    ("comments.max_depth", "PULSE_COMMENT_MAX_DEPTH"),
    (
        "comments.thread_page_size",
        "PULSE_COMMENT_THREAD_PAGE_SIZE",
    ),
    (
        "comments.per_minute_per_reader",
        "PULSE_COMMENTS_PER_MINUTE_PER_READER",
    ),
    (
        "comments.per_minute_per_ip",
        "PULSE_COMMENTS_PER_MINUTE_PER_IP",
    ),
    ("comments.first_day_limit", "PULSE_COMMENTS_FIRST_DAY_LIMIT"),
    ("comments.edit_minutes", "PULSE_COMMENT_EDIT_MINUTES"),
    (
        "comments.duplicate_minutes",
        "PULSE_COMMENT_DUPLICATE_MINUTES",
    ),
    (
        "comments.new_reader_max_links",
        "PULSE_COMMENT_NEW_READER_MAX_LINKS",
    ),
    (
        "comments.report_threshold",
        "PULSE_COMMENT_REPORT_THRESHOLD",
    ),
    ("mail.smtp_host", "PULSE_SMTP_HOST"),
    ("mail.smtp_port", "PULSE_SMTP_PORT"),
    ("mail.smtp_tls", "PULSE_SMTP_TLS"),
    ("mail.smtp_username", "PULSE_SMTP_USERNAME"),
    ("mail.smtp_password", "PULSE_SMTP_PASSWORD"),
    ("mail.from", "PULSE_MAIL_FROM"),
    ("mail.unsubscribe_mailto", "PULSE_MAIL_UNSUBSCRIBE_TO"),
    ("mail.claim_seconds", "PULSE_MAIL_CLAIM_SECONDS"),
    (
        "newsletter.confirmations_per_day",
        "PULSE_NEWSLETTER_CONFIRMATIONS_PER_DAY",
    ),
    (
        "newsletter.unconfirmed_purge_hours",
        "PULSE_NEWSLETTER_PURGE_HOURS",
    ),
    (
        "newsletter.subscribes_per_minute_per_ip",
        "PULSE_NEWSLETTER_SUBSCRIBES_PER_MINUTE_PER_IP",
    ),
    (
        "newsletter.consent_version",
        "PULSE_NEWSLETTER_CONSENT_VERSION",
    ),
    ("digest.weekday", "PULSE_DIGEST_WEEKDAY"),
    ("digest.time", "PULSE_DIGEST_TIME"),
    ("metrics.address", "PULSE_METRICS_ADDR"),
    ("categories", "PULSE_CATEGORIES"),
    ("reactions", "PULSE_REACTIONS"),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsletterSettings {
    /// Confirmation emails one address may be sent per day.
    pub confirmations_per_day: u32,
    /// Addresses never confirmed are deleted after this many hours.
    pub unconfirmed_purge_hours: u32,
    pub subscribes_per_minute_per_ip: u32,
    /// Names the sign-up wording the reader agreed to; stored with their consent.
    pub consent_version: String,
}

/// Comment rules; the length limits are also in [`SiteInfo`] for the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentSettings {
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub reactions_per_minute_per_reader: u32,
    pub reactions_per_minute_per_ip: u32,
    /// Peers whose `X-Forwarded-For` is believed; everyone else's is ignored.
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
        let table: Table = text
            .parse()
            .map_err(|e: toml::de::Error| config_error("Leptos.toml", e.message().to_string()))?;
        reject_unknown_keys(&table)?;
        let source = Source { table, env };

        let name = source.text("site.name", 60)?;
        let house_name = source.text("site.house_name", 60)?;
        let tagline = source.text("site.tagline", 160)?;
        let base_url = source
            .text("site.base_url", 200)?
            .trim_end_matches('/')
            .to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://"))
            || base_url.contains(char::is_whitespace)
        {
            return Err(config_error(
                "site.base_url",
                "must be an absolute http:// or https:// URL",
            ));
        }
        let page_size = source.number("site.page_size", 1, 100)?;
        let page_cache_seconds = source.number("site.page_cache_seconds", 0, 300)?;
        let data_dir = PathBuf::from(source.text("storage.data_dir", 4096)?);
        let database_url = match source.optional("storage.database_url")? {
            Some(url) => url,
            None => format!("sqlite://{}", data_dir.join("pulse.db").display()),
        };
        check_database_url(&database_url)?;
        let content_dir = PathBuf::from(source.text("storage.content_dir", 4096)?);
        let categories = source.categories()?;
        let reactions = source.reactions()?;
        let secret_file = match source.optional("storage.secret_file")? {
            Some(path) => PathBuf::from(path),
            None => data_dir.join("secret.key"),
        };
        let limits = Limits {
            reactions_per_minute_per_reader: source.number(
                "limits.reactions_per_minute_per_reader",
                1,
                10_000,
            )?,
            reactions_per_minute_per_ip: source.number(
                "limits.reactions_per_minute_per_ip",
                1,
                100_000,
            )?,
            trusted_proxies: source.ip_list("limits.trusted_proxies")?,
            live_max_connections: source.number("limits.live_max_connections", 1, 1_000_000)?,
            live_stream_seconds: source.number("limits.live_stream_seconds", 1, 86_400)?,
            live_max_connections_per_ip: source.number(
                "limits.live_max_connections_per_ip",
                1,
                1_000_000,
            )?,
            header_read_seconds: source.number("limits.header_read_seconds", 1, 3_600)?,
            write_stall_seconds: source.number("limits.write_stall_seconds", 1, 3_600)?,
        };

        let comments = CommentSettings {
            max_depth: source.number("comments.max_depth", 0, 8)?,
            per_minute_per_reader: source.number("comments.per_minute_per_reader", 1, 1_000)?,
            per_minute_per_ip: source.number("comments.per_minute_per_ip", 1, 10_000)?,
            first_day_limit: source.number("comments.first_day_limit", 1, 10_000)?,
            edit_minutes: source.number("comments.edit_minutes", 0, 24 * 60)?,
            duplicate_minutes: source.number("comments.duplicate_minutes", 0, 24 * 60)?,
            new_reader_max_links: source.number("comments.new_reader_max_links", 0, 1_000)?,
            report_threshold: source.number("comments.report_threshold", 1, 1_000)?,
            thread_page_size: source.number("comments.thread_page_size", 1, 500)?,
        };
        let mail = source.mail()?;
        let newsletter = NewsletterSettings {
            confirmations_per_day: source.number("newsletter.confirmations_per_day", 1, 100)?,
            unconfirmed_purge_hours: source.number(
                "newsletter.unconfirmed_purge_hours",
                1,
                24 * 365,
            )?,
            subscribes_per_minute_per_ip: source.number(
                "newsletter.subscribes_per_minute_per_ip",
                1,
                10_000,
            )?,
            consent_version: source.text("newsletter.consent_version", 64)?,
        };
        let digest = source.digest_schedule()?;
        let metrics_addr = match source.optional("metrics.address")? {
            Some(addr) if !addr.trim().is_empty() => Some(addr.trim().parse().map_err(|_| {
                config_error(
                    "metrics.address",
                    "must be an address and port, e.g. 127.0.0.1:9464 (or empty for none)",
                )
            })?),
            _ => None,
        };
        let comment_max_body_chars = source.number("comments.max_body_chars", 1, 20_000)?;
        let comment_max_name_chars = source.number("comments.max_name_chars", 1, 200)?;

        Ok(Config {
            site: SiteInfo {
                name,
                house_name,
                tagline,
                base_url,
                categories,
                reactions,
                comment_max_body_chars,
                comment_max_name_chars,
                comment_edit_seconds: comments.edit_minutes * 60,
            },
            comments,
            mail,
            newsletter,
            digest,
            metrics_addr,
            page_size,
            page_cache_seconds,
            data_dir,
            database_url,
            content_dir,
            secret_file,
            limits,
        })
    }
}

fn check_database_url(url: &str) -> Result<(), ConfigError> {
    const KEY: &str = "storage.database_url";
    let known = ["sqlite:", "postgres://", "postgresql://"];
    if known.iter().any(|scheme| url.starts_with(scheme)) {
        Ok(())
    } else {
        Err(config_error(
            KEY,
            "must be a sqlite: or postgres: URL, e.g. sqlite://data/pulse.db or \
             postgres://pulse@db.internal/pulse",
        ))
    }
}

/// A mail address setting must parse as one (`Name <a@b.example>` or `a@b.example`).
fn check_mailbox(key: &str, value: &str) -> Result<(), ConfigError> {
    value
        .parse::<lettre::message::Mailbox>()
        .map(|_| ())
        .map_err(|_| {
            config_error(
                key,
                "must be a mail address, e.g. Pulse <digest@pulse.example>",
            )
        })
}

fn reject_unknown_keys(table: &Table) -> Result<(), ConfigError> {
    for (section, value) in table {
        match (section.as_str(), value) {
            ("categories" | "reactions", _) => {}
            (
                section @ ("site" | "storage" | "limits" | "comments" | "mail" | "newsletter"
                | "digest" | "metrics"),
                Value::Table(inner),
            ) => {
                for key in inner.keys() {
                    let full = format!("{section}.{key}");
                    if !KEYS.iter().any(|(k, _)| *k == full) {
                        return Err(config_error(&full, "unknown setting (check the spelling)"));
                    }
                }
            }
            (other, _) => return Err(config_error(other, "unknown setting (check the spelling)")),
        }
    }
    Ok(())
}

struct Source<E> {
    table: Table,
    env: E,
}

impl<E: Fn(&str) -> Option<String>> Source<E> {
    fn env_name(key: &str) -> &'static str {
        KEYS.iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, env)| env)
    }

    /// The environment's value if set, else the file's; `None` if neither has the key.
    fn optional(&self, key: &str) -> Result<Option<String>, ConfigError> {
        if let Some(value) = (self.env)(Self::env_name(key)) {
            return Ok(Some(value));
        }
        let (section, name) = key.split_once('.').unwrap_or(("", key));
        match self.table.get(section).and_then(|s| s.get(name)) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Integer(i)) => Ok(Some(i.to_string())),
            Some(_) => Err(config_error(key, "must be a string")),
        }
    }

    fn text(&self, key: &str, max_len: usize) -> Result<String, ConfigError> {
        let value = self.optional(key)?.ok_or_else(|| {
            config_error(
                key,
                format!(
                    "is missing (set it in Leptos.toml or {})",
                    Self::env_name(key)
                ),
            )
        })?;
        let value = value.trim().to_string();
        if value.is_empty() {
            return Err(config_error(key, "must not be empty"));
        }
        if value.chars().count() > max_len {
            return Err(config_error(
                key,
                format!("must be at most {max_len} characters"),
            ));
        }
        Ok(value)
    }

    /// The digest schedule: `digest.weekday` (e.g. thursday) and `digest.time` (HH:MM, UTC).
    fn digest_schedule(&self) -> Result<DigestSchedule, ConfigError> {
        use time::Weekday;
        let weekday = match self.text("digest.weekday", 16)?.to_lowercase().as_str() {
            "monday" => Weekday::Monday,
            "tuesday" => Weekday::Tuesday,
            "wednesday" => Weekday::Wednesday,
            "thursday" => Weekday::Thursday,
            "friday" => Weekday::Friday,
            "saturday" => Weekday::Saturday,
            "sunday" => Weekday::Sunday,
            _ => {
                return Err(config_error(
                    "digest.weekday",
                    "must be a day of the week, e.g. thursday",
                ));
            }
        };
        let time = self.text("digest.time", 5)?;
        let parsed = time
            .split_once(':')
            .and_then(|(h, m)| Some((h.parse::<u8>().ok()?, m.parse::<u8>().ok()?)))
            .filter(|(h, m)| *h < 24 && *m < 60 && time.len() == 5);
        let Some((hour, minute)) = parsed else {
            return Err(config_error(
                "digest.time",
                "must be a time of day in UTC, e.g. 09:00",
            ));
        };
        Ok(DigestSchedule {
            weekday,
            hour,
            minute,
        })
    }

    /// The mail settings; SMTP only when a host is set.
    fn mail(&self) -> Result<MailSettings, ConfigError> {
        let from = self.text("mail.from", 320)?;
        check_mailbox("mail.from", &from)?;
        let unsubscribe_mailto = self.text("mail.unsubscribe_mailto", 254)?;
        check_mailbox("mail.unsubscribe_mailto", &unsubscribe_mailto)?;
        let claim_seconds = self.number("mail.claim_seconds", 2, 86_400)?;
        let present = |key: &str| -> Result<Option<String>, ConfigError> {
            Ok(self
                .optional(key)?
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty()))
        };
        let Some(host) = present("mail.smtp_host")? else {
            return Ok(MailSettings {
                smtp: None,
                from,
                unsubscribe_mailto,
                claim_seconds,
            });
        };
        let port = u16::try_from(self.number("mail.smtp_port", 1, 65_535)?).unwrap_or(587);
        let tls = match self.text("mail.smtp_tls", 16)?.as_str() {
            "none" => SmtpTls::None,
            "starttls" => SmtpTls::StartTls,
            "tls" => SmtpTls::Tls,
            _ => {
                return Err(config_error(
                    "mail.smtp_tls",
                    "must be none, starttls or tls",
                ));
            }
        };
        Ok(MailSettings {
            smtp: Some(SmtpSettings {
                host,
                port,
                tls,
                username: present("mail.smtp_username")?,
                password: present("mail.smtp_password")?.map(Secret),
            }),
            from,
            unsubscribe_mailto,
            claim_seconds,
        })
    }

    fn number(&self, key: &str, min: u32, max: u32) -> Result<u32, ConfigError> {
        let raw = self.text(key, 20)?;
        match raw.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(config_error(
                key,
                format!("must be a whole number from {min} to {max}"),
            )),
        }
    }

    /// A list setting: `[[key]]` tables in the file, or — replacing them all — a
    /// comma-separated environment variable. `from_env` parses one item of the variable;
    /// `from_table` builds one item from a string-field getter.
    fn table_list<T>(
        &self,
        key: &str,
        from_env: impl Fn(&str) -> Result<T, ConfigError>,
        from_table: impl Fn(&dyn Fn(&str) -> Result<String, ConfigError>) -> Result<T, ConfigError>,
    ) -> Result<Vec<T>, ConfigError> {
        if let Some(raw) = (self.env)(Self::env_name(key)) {
            return raw.split(',').map(&from_env).collect();
        }
        let Some(Value::Array(items)) = self.table.get(key) else {
            return Err(config_error(
                key,
                format!("is missing: add at least one [[{key}]] table"),
            ));
        };
        items
            .iter()
            .map(|item| {
                let field = |name: &str| {
                    item.get(name)
                        .and_then(Value::as_str)
                        .map(|s| s.trim().to_string())
                        .ok_or_else(|| {
                            config_error(key, format!("every entry needs a `{name}` string"))
                        })
                };
                from_table(&field)
            })
            .collect()
    }

    /// A comma-separated list of IP addresses (may be empty).
    fn ip_list(&self, key: &str) -> Result<Vec<IpAddr>, ConfigError> {
        let raw = self.optional(key)?.unwrap_or_default();
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_err(|_| config_error(key, format!("`{s}` is not an IP address")))
            })
            .collect()
    }

    /// `[[reactions]]` tables (`key`, `emoji`, `label`), or
    /// `PULSE_REACTIONS="hot=🔥 Hot,useful=👍 Useful"`.
    fn reactions(&self) -> Result<Vec<Reaction>, ConfigError> {
        const KEY: &str = "reactions";
        let reactions = self.table_list(
            KEY,
            |item| {
                let bad =
                    || config_error(KEY, format!("`{item}` is not of the form key=emoji Label"));
                let (key, rest) = item.split_once('=').ok_or_else(bad)?;
                let (emoji, label) = rest
                    .trim()
                    .split_once(char::is_whitespace)
                    .ok_or_else(bad)?;
                Ok(Reaction {
                    key: key.trim().into(),
                    emoji: emoji.into(),
                    label: label.trim().into(),
                })
            },
            |field| {
                Ok(Reaction {
                    key: field("key")?,
                    emoji: field("emoji")?,
                    label: field("label")?,
                })
            },
        )?;
        if reactions.is_empty() || reactions.len() > 12 {
            return Err(config_error(KEY, "must list between 1 and 12 reactions"));
        }
        for (i, r) in reactions.iter().enumerate() {
            if validate_slug(&r.key).is_err() {
                return Err(config_error(
                    KEY,
                    format!(
                        "`{}` is not a valid key (lowercase words joined by hyphens)",
                        r.key
                    ),
                ));
            }
            if r.emoji.is_empty() || r.label.is_empty() {
                return Err(config_error(
                    KEY,
                    format!("reaction `{}` needs an emoji and a label", r.key),
                ));
            }
            if reactions[..i].iter().any(|other| other.key == r.key) {
                return Err(config_error(
                    KEY,
                    format!("reaction `{}` is listed twice", r.key),
                ));
            }
        }
        Ok(reactions)
    }

    /// `[[categories]]` tables in the file, or `PULSE_CATEGORIES="slug=Name,slug=Name"`.
    fn categories(&self) -> Result<Vec<Category>, ConfigError> {
        const KEY: &str = "categories";
        let categories = self.table_list(
            KEY,
            |pair| {
                let (slug, name) = pair.split_once('=').ok_or_else(|| {
                    config_error(KEY, format!("`{pair}` is not of the form slug=Name"))
                })?;
                Ok(Category {
                    slug: slug.trim().to_string(),
                    name: name.trim().to_string(),
                })
            },
            |field| {
                Ok(Category {
                    slug: field("slug")?,
                    name: field("name")?,
                })
            },
        )?;
        if categories.is_empty() {
            return Err(config_error(KEY, "must list at least one category"));
        }
        for (i, c) in categories.iter().enumerate() {
            if validate_slug(&c.slug).is_err() {
                return Err(config_error(
                    KEY,
                    format!(
                        "`{}` is not a valid slug (lowercase words joined by hyphens)",
                        c.slug
                    ),
                ));
            }
            if c.name.is_empty() {
                return Err(config_error(
                    KEY,
                    format!("category `{}` has an empty name", c.slug),
                ));
            }
            if categories[..i].iter().any(|other| other.slug == c.slug) {
                return Err(config_error(
                    KEY,
                    format!("category `{}` is listed twice", c.slug),
                ));
            }
        }
        Ok(categories)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[site]
name = "Pulse"
house_name = "Pulse"
tagline = "AI news, briefly."
base_url = "http://localhost:3000/"
page_size = 10
page_cache_seconds = 5

[storage]
data_dir = "data"
content_dir = "content"

[limits]
reactions_per_minute_per_reader = 30
reactions_per_minute_per_ip = 120
trusted_proxies = "127.0.0.1, ::1"
live_max_connections = 100
live_stream_seconds = 600
live_max_connections_per_ip = 10
header_read_seconds = 15
write_stall_seconds = 30

[comments]
max_body_chars = 5000
max_name_chars = 60
max_depth = 3
per_minute_per_reader = 2
per_minute_per_ip = 10
first_day_limit = 10
edit_minutes = 15
duplicate_minutes = 10
new_reader_max_links = 2
report_threshold = 3
thread_page_size = 50

[mail]
smtp_host = ""
smtp_port = 587
smtp_tls = "starttls"
from = "Pulse <digest@pulse.test>"
unsubscribe_mailto = "unsubscribe@pulse.test"
claim_seconds = 600

[newsletter]
confirmations_per_day = 3
unconfirmed_purge_hours = 168
subscribes_per_minute_per_ip = 5
consent_version = "2026-11"

[digest]
weekday = "thursday"
time = "09:00"

[[categories]]
slug = "ai-news"
name = "AI News"

[[reactions]]
key = "hot"
emoji = "🔥"
label = "Hot"
"#;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn reads_the_file() {
        let config = Config::from_sources(FILE, no_env).expect("valid config");
        assert_eq!(config.site.base_url, "http://localhost:3000");
        assert_eq!(config.page_size, 10);
        assert_eq!(config.database_url, "sqlite://data/pulse.db");
        assert_eq!(config.site.categories[0].name, "AI News");
        assert_eq!(config.site.reactions[0].label, "Hot");
        assert_eq!(config.limits.trusted_proxies.len(), 2);
        assert_eq!(config.secret_file, PathBuf::from("data/secret.key"));
    }

    #[test]
    fn environment_overrides_the_file() {
        let env = |key: &str| match key {
            "PULSE_HOUSE_NAME" => Some("Signal".to_string()),
            "PULSE_PAGE_SIZE" => Some("5".to_string()),
            "PULSE_CATEGORIES" => Some("tools=Tools, policy=Policy".to_string()),
            "PULSE_REACTIONS" => Some("hot=🔥 Hot,meh=😐 Not sure".to_string()),
            _ => None,
        };
        let config = Config::from_sources(FILE, env).expect("valid config");
        assert_eq!(config.site.house_name, "Signal");
        assert_eq!(config.page_size, 5);
        assert_eq!(config.site.categories.len(), 2);
        assert_eq!(config.site.categories[1].slug, "policy");
        assert_eq!(config.site.reactions[1].label, "Not sure");
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            (
                FILE.replace("page_size = 10", "page_size = 0"),
                "site.page_size",
            ),
            (FILE.replacen("name = \"Pulse\"\n", "", 1), "site.name"),
            (
                FILE.replace(
                    "base_url = \"http://localhost:3000/\"",
                    "base_url = \"localhost\"",
                ),
                "site.base_url",
            ),
            (FILE.replace("tagline", "tagleine"), "site.tagleine"),
            (
                FILE.replace("slug = \"ai-news\"", "slug = \"AI News\""),
                "categories",
            ),
            (FILE.replace("key = \"hot\"", "key = \"\""), "reactions"),
            (
                FILE.replace("\"127.0.0.1, ::1\"", "\"localhost\""),
                "limits.trusted_proxies",
            ),
        ];
        for (text, key) in cases {
            let err = Config::from_sources(&text, no_env).expect_err(key);
            assert_eq!(err.key, key, "{err}");
        }
        let mysql = |k: &str| (k == "DATABASE_URL").then(|| "mysql://localhost/pulse".to_string());
        assert_eq!(
            Config::from_sources(FILE, mysql).expect_err("mysql").key,
            "storage.database_url"
        );
        let pg = |k: &str| (k == "DATABASE_URL").then(|| "postgres://localhost/pulse".to_string());
        assert_eq!(
            Config::from_sources(FILE, pg).expect("pg").database_url,
            "postgres://localhost/pulse"
        );
    }
}
