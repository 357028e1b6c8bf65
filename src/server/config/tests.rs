//! The configuration's own tests: a whole file, the environment's overlay, and errors that
//! name the key.
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

[follow]
batch_minutes = 60
days = 30
check_seconds = 60

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

#[test]
fn every_optional_key_reaches_its_setting() {
    let env = |key: &str| {
        let value = match key {
            "DATABASE_URL" => "postgres://localhost/pulse",
            "PULSE_SECRET_FILE" => "/run/pulse/secret.key",
            "PULSE_TRUSTED_PROXIES" => "10.0.0.1",
            "PULSE_SMTP_HOST" => "smtp.pulse.test",
            "PULSE_SMTP_PORT" => "465",
            "PULSE_SMTP_TLS" => "tls",
            "PULSE_SMTP_USERNAME" => "pulse",
            "PULSE_SMTP_PASSWORD" => "hunter2",
            "PULSE_METRICS_ADDR" => "127.0.0.1:9464",
            _ => return None,
        };
        Some(value.to_string())
    };
    let config = Config::from_sources(FILE, env).expect("valid config");
    assert_eq!(config.database_url, "postgres://localhost/pulse");
    assert_eq!(config.secret_file, PathBuf::from("/run/pulse/secret.key"));
    assert_eq!(config.limits.trusted_proxies.len(), 1);
    let smtp = config.mail.smtp.expect("smtp settings");
    assert_eq!((smtp.host.as_str(), smtp.port), ("smtp.pulse.test", 465));
    assert_eq!(smtp.tls, SmtpTls::Tls);
    assert_eq!(smtp.username.as_deref(), Some("pulse"));
    assert_eq!(smtp.password, Some(Secret("hunter2".to_string())));
    assert_eq!(config.metrics_addr, "127.0.0.1:9464".parse().ok());
}

#[test]
fn every_key_has_its_own_variable() {
    for (i, key) in KEYS.iter().enumerate() {
        assert!(
            key.env.starts_with("PULSE_") || key.env == "DATABASE_URL",
            "{}",
            key.env
        );
        assert!(
            KEYS[..i]
                .iter()
                .all(|k| k.env != key.env && k.key != key.key),
            "{} is listed twice",
            key.key
        );
    }
}
