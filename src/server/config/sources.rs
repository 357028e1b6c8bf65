//! The three steps of reading the configuration: the file's keys checked against [`KEYS`], the
//! environment's overlay, each key checked against its kind; then serde into the file's typed
//! sections, and the checks no key table can say.

use std::net::IpAddr;
use std::path::PathBuf;

use serde::Deserialize;
use toml::{Table, Value};

use super::Kind::{Flag, IpList, List, Number, Optional, OptionalNumber, Text};
use super::{
    CommentSettings, Config, ConfigError, DigestSchedule, FollowSettings, KEYS, Key, Limits,
    MailSettings, NewsletterSettings, Secret, SmtpSettings, SourcesSettings, config_error,
};
use crate::model::{Category, Reaction, SiteInfo, validate_slug};

/// The file as serde reads it, after the environment's overlay and [`KEYS`]' checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    site: SiteSection,
    storage: StorageSection,
    limits: Limits,
    comments: CommentSettings,
    mail: MailSection,
    newsletter: NewsletterSettings,
    follow: FollowSettings,
    #[serde(default)]
    sources: SourcesSettings,
    digest: DigestSection,
    #[serde(default)]
    metrics: MetricsSection,
    categories: Vec<Category>,
    reactions: Vec<Reaction>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteSection {
    name: String,
    house_name: String,
    tagline: String,
    base_url: String,
    page_size: u32,
    page_cache_seconds: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StorageSection {
    data_dir: PathBuf,
    database_url: Option<String>,
    content_dir: PathBuf,
    secret_file: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MailSection {
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_tls: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    from: String,
    unsubscribe_mailto: String,
    claim_seconds: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DigestSection {
    weekday: String,
    time: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MetricsSection {
    address: Option<String>,
}

impl File {
    /// The checked table as the file's sections.
    pub(super) fn read(table: Table) -> Result<File, ConfigError> {
        Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| config_error("Leptos.toml", e.message().to_string()))
    }
}

/// Every key of the file must be one of [`KEYS`] (serde would say so too, but not by name).
pub(super) fn reject_unknown_keys(table: &Table) -> Result<(), ConfigError> {
    let known = |full: &str| KEYS.iter().any(|k| k.key == full);
    for (section, value) in table {
        match value {
            Value::Table(inner) if !known(section) => {
                for name in inner.keys() {
                    let full = format!("{section}.{name}");
                    if !known(&full) {
                        return Err(config_error(&full, "unknown setting (check the spelling)"));
                    }
                }
            }
            _ if known(section) => {}
            _ => {
                return Err(config_error(
                    section,
                    "unknown setting (check the spelling)",
                ));
            }
        }
    }
    Ok(())
}

/// The place of `key` in the table (its section created when missing), and its name there.
fn slot<'t>(
    table: &'t mut Table,
    key: &'static str,
) -> Result<(&'t mut Table, &'static str), ConfigError> {
    let Some((section, name)) = key.split_once('.') else {
        return Ok((table, key));
    };
    match table
        .entry(section)
        .or_insert_with(|| Value::Table(Table::new()))
    {
        Value::Table(inner) => Ok((inner, name)),
        _ => Err(config_error(section, "must be a [section]")),
    }
}

/// Writes an environment variable's value over the file's, as the key's kind reads it.
pub(super) fn overlay(table: &mut Table, key: &Key, value: &str) -> Result<(), ConfigError> {
    let value = match key.kind {
        Text(_) | Optional | IpList | Number(..) | OptionalNumber(..) | Flag => {
            Value::String(value.to_string())
        }
        List => Value::Array(
            value
                .split(',')
                .map(|item| env_list_item(key.key, item))
                .collect::<Result<_, _>>()?,
        ),
    };
    let (section, name) = slot(table, key.key)?;
    section.insert(name.to_string(), value);
    Ok(())
}

/// One item of `PULSE_CATEGORIES="slug=Name,…"` or `PULSE_REACTIONS="key=emoji Label,…"`.
fn env_list_item(key: &str, item: &str) -> Result<Value, ConfigError> {
    let (id, rest) = item.split_once('=').unwrap_or((item, ""));
    let mut entry = Table::new();
    if key == "categories" {
        if !item.contains('=') {
            return Err(config_error(
                key,
                format!("`{item}` is not of the form slug=Name"),
            ));
        }
        entry.insert("slug".into(), id.trim().into());
        entry.insert("name".into(), rest.trim().into());
    } else {
        let Some((emoji, label)) = rest.trim().split_once(char::is_whitespace) else {
            return Err(config_error(
                key,
                format!("`{item}` is not of the form key=emoji Label"),
            ));
        };
        entry.insert("key".into(), id.trim().into());
        entry.insert("emoji".into(), emoji.into());
        entry.insert("label".into(), label.trim().into());
    }
    Ok(Value::Table(entry))
}

/// Checks one key against its kind, trimming text and reading numbers written as text.
pub(super) fn check(table: &mut Table, key: &Key) -> Result<(), ConfigError> {
    let (section, name) = slot(table, key.key)?;
    let missing = || {
        config_error(
            key.key,
            format!("is missing (set it in Leptos.toml or {})", key.env),
        )
    };
    let Some(value) = section.get_mut(name) else {
        return match key.kind {
            Optional | IpList | OptionalNumber(..) | Flag => Ok(()),
            List => Err(config_error(
                key.key,
                format!("is missing: add at least one [[{}]] table", key.key),
            )),
            Text(_) | Number(..) => Err(missing()),
        };
    };
    let text = match value {
        Value::Boolean(b) => Some(b.to_string()),
        Value::String(s) => Some(s.trim().to_string()),
        Value::Integer(i) => Some(i.to_string()),
        _ => None,
    };
    match (key.kind, text) {
        (List, _) => {
            let Value::Array(items) = value else {
                return Err(config_error(
                    key.key,
                    format!("must be [[{}]] tables", key.key),
                ));
            };
            for item in items.iter_mut().filter_map(Value::as_table_mut) {
                for (_, field) in item.iter_mut() {
                    let Value::String(s) = field else {
                        return Err(config_error(
                            key.key,
                            "every field of an entry must be a string",
                        ));
                    };
                    *s = s.trim().to_string();
                }
            }
        }
        (_, None) => return Err(config_error(key.key, "must be a string")),
        (Flag, Some(text)) => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => *value = Value::Boolean(true),
            "false" | "0" | "no" | "" => *value = Value::Boolean(false),
            _ => return Err(config_error(key.key, "must be true or false")),
        },
        (Optional, Some(text)) => *value = Value::String(text),
        (IpList, Some(text)) => {
            if let Some(bad) = text
                .split(',')
                .map(str::trim)
                .find(|s| !s.is_empty() && s.parse::<IpAddr>().is_err())
            {
                return Err(config_error(
                    key.key,
                    format!("`{bad}` is not an IP address"),
                ));
            }
            *value = Value::String(text);
        }
        (Text(max), Some(text)) => {
            if text.is_empty() {
                return Err(config_error(key.key, "must not be empty"));
            }
            if text.chars().count() > max {
                return Err(config_error(
                    key.key,
                    format!("must be at most {max} characters"),
                ));
            }
            *value = Value::String(text);
        }
        (Number(min, max) | OptionalNumber(min, max), Some(text)) => match text.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => *value = Value::Integer(n.into()),
            _ => {
                return Err(config_error(
                    key.key,
                    format!("must be a whole number from {min} to {max}"),
                ));
            }
        },
    }
    Ok(())
}

/// `trusted_proxies`: a comma-separated list of IP addresses (may be empty; checked already).
pub(super) fn ip_list<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<IpAddr>, D::Error> {
    let raw = String::deserialize(de)?;
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(serde::de::Error::custom))
        .collect()
}

impl File {
    /// The checks no key table can say, and the configuration Pulse runs with.
    pub(super) fn into_config(self) -> Result<Config, ConfigError> {
        let File {
            site,
            storage,
            comments,
            mail,
            digest,
            ..
        } = self;
        let base_url = site.base_url.trim_end_matches('/').to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://"))
            || base_url.contains(char::is_whitespace)
        {
            return Err(config_error(
                "site.base_url",
                "must be an absolute http:// or https:// URL",
            ));
        }
        let database_url = storage
            .database_url
            .unwrap_or_else(|| format!("sqlite://{}", storage.data_dir.join("pulse.db").display()));
        if !["sqlite:", "postgres://", "postgresql://"]
            .iter()
            .any(|s| database_url.starts_with(s))
        {
            return Err(config_error(
                "storage.database_url",
                "must be a sqlite: or postgres: URL, e.g. sqlite://data/pulse.db or \
                 postgres://pulse@db.internal/pulse",
            ));
        }
        let metrics_addr = match self.metrics.address.filter(|a| !a.is_empty()) {
            None => None,
            Some(addr) => Some(addr.parse().map_err(|_| {
                config_error(
                    "metrics.address",
                    "must be an address and port, e.g. 127.0.0.1:9464 (or empty for none)",
                )
            })?),
        };
        check_list(
            "categories",
            &self.categories,
            |c| (&c.slug, vec![&c.name]),
            usize::MAX,
        )?;
        check_list(
            "reactions",
            &self.reactions,
            |r| (&r.key, vec![&r.emoji, &r.label]),
            12,
        )?;
        Ok(Config {
            site: SiteInfo {
                name: site.name,
                house_name: site.house_name,
                tagline: site.tagline,
                base_url,
                categories: self.categories,
                reactions: self.reactions,
                comment_max_body_chars: comments.max_body_chars,
                comment_max_name_chars: comments.max_name_chars,
                comment_edit_seconds: comments.edit_minutes * 60,
            },
            page_size: site.page_size,
            page_cache_seconds: site.page_cache_seconds,
            secret_file: storage
                .secret_file
                .unwrap_or_else(|| storage.data_dir.join("secret.key")),
            data_dir: storage.data_dir,
            database_url,
            content_dir: storage.content_dir,
            limits: self.limits,
            metrics_addr,
            comments,
            mail: mail.into_settings()?,
            newsletter: self.newsletter,
            follow: self.follow,
            sources: self.sources,
            digest: digest.into_schedule()?,
        })
    }
}

/// A list's entries: one to `max` of them, each id a slug, its texts not empty, no id twice.
fn check_list<T>(
    key: &str,
    items: &[T],
    parts: impl Fn(&T) -> (&String, Vec<&String>),
    max: usize,
) -> Result<(), ConfigError> {
    if items.is_empty() || items.len() > max {
        return Err(config_error(
            key,
            format!("must list at least one entry, at most {max}"),
        ));
    }
    for (i, item) in items.iter().enumerate() {
        let (id, texts) = parts(item);
        if validate_slug(id).is_err() {
            return Err(config_error(
                key,
                format!("`{id}` is not a valid id (lowercase words joined by hyphens)"),
            ));
        }
        if texts.iter().any(|t| t.is_empty()) {
            return Err(config_error(
                key,
                format!("`{id}` needs every field filled in"),
            ));
        }
        if items[..i].iter().any(|other| parts(other).0 == id) {
            return Err(config_error(key, format!("`{id}` is listed twice")));
        }
    }
    Ok(())
}

impl MailSection {
    /// The mail settings; SMTP only when a host is set (then its port and TLS mode are needed).
    fn into_settings(self) -> Result<MailSettings, ConfigError> {
        for (key, value) in [
            ("mail.from", &self.from),
            ("mail.unsubscribe_mailto", &self.unsubscribe_mailto),
        ] {
            if value.parse::<lettre::message::Mailbox>().is_err() {
                return Err(config_error(
                    key,
                    "must be a mail address, e.g. Pulse <digest@pulse.example>",
                ));
            }
        }
        let present = |v: Option<String>| v.filter(|v| !v.is_empty());
        let smtp = match present(self.smtp_host) {
            None => None,
            Some(host) => Some(SmtpSettings {
                host,
                port: self.smtp_port.ok_or_else(|| {
                    config_error(
                        "mail.smtp_port",
                        "is missing (set it in Leptos.toml or PULSE_SMTP_PORT)",
                    )
                })?,
                tls: self
                    .smtp_tls
                    .and_then(|tls| Value::String(tls).try_into().ok())
                    .ok_or_else(|| {
                        config_error("mail.smtp_tls", "must be none, starttls or tls")
                    })?,
                username: present(self.smtp_username),
                password: present(self.smtp_password).map(Secret),
            }),
        };
        Ok(MailSettings {
            smtp,
            from: self.from,
            unsubscribe_mailto: self.unsubscribe_mailto,
            claim_seconds: self.claim_seconds,
        })
    }
}

impl DigestSection {
    /// `weekday` (e.g. thursday) and `time` (HH:MM, UTC).
    fn into_schedule(self) -> Result<DigestSchedule, ConfigError> {
        use time::Weekday::*;
        let days = [
            Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
        ];
        let weekday = days
            .into_iter()
            .find(|day| day.to_string().eq_ignore_ascii_case(&self.weekday))
            .ok_or_else(|| {
                config_error("digest.weekday", "must be a day of the week, e.g. thursday")
            })?;
        let parsed = self
            .time
            .split_once(':')
            .and_then(|(h, m)| Some((h.parse::<u8>().ok()?, m.parse::<u8>().ok()?)))
            .filter(|(h, m)| *h < 24 && *m < 60 && self.time.len() == 5);
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
}
