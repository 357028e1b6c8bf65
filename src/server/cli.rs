//! The command line: `pulse` serves the site, `pulse import <dir>` loads content, `pulse digest
//! preview|send` shows or sends the weekly digest now, `pulse user add|password` manages
//! editor accounts.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use leptos::prelude::get_configuration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::model::check_email;
use crate::model::editors::{Role, check_editor_name, check_new_password};
use crate::server::config::{Config, KEYS};
use crate::server::content::import_dir;
use crate::server::digest;
use crate::server::editors::hash_password;
use crate::server::http;
use crate::server::mail::{Mailer, send_due};
use crate::server::newsletter::start_purge;
use crate::server::repo::AddedEditor;
use crate::server::state::{AppState, Mode, open_store, reader_keys};

const USAGE: &str = "\
Pulse — a self-hostable AI-news briefing site

Usage:
  pulse                 start the web server (address from LEPTOS_SITE_ADDR)
  pulse import <dir>    import or update every brief (*.md) under <dir>, all or nothing
  pulse digest preview [--at <time>]
                        print the next weekly digest (text part) without sending anything
  pulse digest send [--at <time>]
                        compose this week's digest now and send it to every confirmed
                        subscriber (once: subscribers who have it already are skipped);
                        --at (RFC 3339, e.g. 2026-11-26T09:00:00Z) composes the issue of
                        that moment's week instead, from the briefs published until then
  pulse user add --email <address> --name <name> [--role editor|admin]
                        create an editor account (admins also manage accounts); the
                        password is asked for, or read from the first line of stdin
  pulse user password --email <address>
                        set a new password for an account (same input) and end all
                        its sessions
  pulse --help          show this help
  pulse --version       show the version

Settings are read from Leptos.toml (or the file named by PULSE_CONFIG); each can be
overridden by an environment variable:";

enum Command {
    Serve,
    Import(PathBuf),
    DigestPreview(Option<OffsetDateTime>),
    DigestSend(Option<OffsetDateTime>),
    UserAdd {
        email: String,
        name: String,
        role: Role,
    },
    UserPassword {
        email: String,
    },
    Help,
    Version,
}

fn parse(args: &[String]) -> Result<Command, String> {
    match args {
        [] => Ok(Command::Serve),
        [flag] if flag == "--help" || flag == "-h" || flag == "help" => Ok(Command::Help),
        [flag] if flag == "--version" || flag == "-V" => Ok(Command::Version),
        [cmd, dir] if cmd == "import" => Ok(Command::Import(PathBuf::from(dir))),
        [cmd, sub, rest @ ..] if cmd == "digest" && (sub == "preview" || sub == "send") => {
            let at = match rest {
                [] => None,
                [flag, at] if flag == "--at" => {
                    Some(OffsetDateTime::parse(at, &Rfc3339).map_err(|_| {
                        format!("--at wants an RFC 3339 time, e.g. 2026-11-26T09:00:00Z, not {at}")
                    })?)
                }
                other => return Err(format!("unknown arguments: {}", other.join(" "))),
            };
            Ok(if sub == "send" {
                Command::DigestSend(at)
            } else {
                Command::DigestPreview(at)
            })
        }
        [cmd, ..] if cmd == "digest" => Err("`pulse digest` needs `preview` or `send`".into()),
        [cmd, sub, rest @ ..] if cmd == "user" && (sub == "add" || sub == "password") => {
            let mut options = std::collections::HashMap::new();
            let mut rest = rest.iter();
            while let Some(flag) = rest.next() {
                let key = match flag.as_str() {
                    "--email" | "--name" | "--role" => flag.trim_start_matches('-'),
                    other => return Err(format!("unknown option {other}")),
                };
                let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
                options.insert(key, value.clone());
            }
            let email = options
                .remove("email")
                .ok_or("`pulse user` needs --email <address>")?;
            if sub == "password" {
                if !options.is_empty() {
                    return Err("`pulse user password` takes only --email".into());
                }
                return Ok(Command::UserPassword { email });
            }
            let name = options
                .remove("name")
                .ok_or("`pulse user add` needs --name <name>")?;
            let role = match options.remove("role") {
                None => Role::Editor,
                Some(role) => Role::parse(&role)
                    .ok_or_else(|| format!("--role is editor or admin, not {role}"))?,
            };
            Ok(Command::UserAdd { email, name, role })
        }
        [cmd, ..] if cmd == "user" => Err("`pulse user` needs `add` or `password`".into()),
        [cmd] if cmd == "import" => {
            Err("`pulse import` needs the directory to import, e.g. `pulse import content`".into())
        }
        other => Err(format!("unknown arguments: {}", other.join(" "))),
    }
}

fn usage() -> String {
    let keys: Vec<String> = KEYS
        .iter()
        .map(|k| format!("  {:<20} {}", k.env, k.key))
        .collect();
    format!("{USAGE}\n{}\n", keys.join("\n"))
}

pub fn main(args: Vec<String>) -> ExitCode {
    let command = match parse(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("pulse: {message}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("pulse {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Command::Serve
        | Command::Import(_)
        | Command::DigestPreview(_)
        | Command::DigestSend(_)
        | Command::UserAdd { .. }
        | Command::UserPassword { .. } => {}
    }
    init_logging();
    let config = match Config::load() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("pulse: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("pulse: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match command {
            Command::Import(dir) => import(config, dir).await,
            Command::DigestPreview(at) => digest_preview(config, at).await,
            Command::DigestSend(at) => digest_send(config, at).await,
            Command::UserAdd { email, name, role } => user_add(config, email, name, role).await,
            Command::UserPassword { email } => user_password(config, email).await,
            _ => serve(config).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pulse: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if std::env::var("PULSE_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn import(config: Config, dir: PathBuf) -> Result<(), String> {
    let store = open_store(&config).await?;
    let report = import_dir(&store, &dir, &config.site)
        .await
        .map_err(|e| e.to_string())?;
    println!("imported {}: {report}", dir.display());
    Ok(())
}

/// The application's state for the command line (nothing in the background), and the mailer
/// a command sends with.
async fn cli_state(config: Config) -> Result<(AppState, Mailer), String> {
    let mailer = Mailer::new(&config.mail, &config.data_dir)?;
    let readers = reader_keys(&config)?;
    // Nothing is rendered from the command line; the settings only fill the state.
    let leptos = get_configuration(None)
        .map(|c| c.leptos_options)
        .unwrap_or_else(|_| {
            leptos::prelude::LeptosOptions::builder()
                .output_name("pulse")
                .build()
        });
    let state = AppState::build(Arc::new(config), leptos, readers, Mode::Command).await?;
    Ok((state, mailer))
}

async fn digest_preview(config: Config, at: Option<OffsetDateTime>) -> Result<(), String> {
    let (state, _) = cli_state(config).await?;
    let now = at.unwrap_or_else(OffsetDateTime::now_utc);
    match digest::preview(&state, now)
        .await
        .map_err(|e| e.to_string())?
    {
        None => println!("No briefs since the last digest: the next one would be empty."),
        Some(issue) => {
            let (text, _) = digest::render(&state, &issue, "(each subscriber's unsubscribe link)");
            print!("{text}");
        }
    }
    Ok(())
}

async fn digest_send(config: Config, at: Option<OffsetDateTime>) -> Result<(), String> {
    let real_now = OffsetDateTime::now_utc();
    if at.is_some_and(|at| at > real_now + time::Duration::minutes(1)) {
        // An issue ending in the future would swallow every brief published until then.
        return Err("--at must not be in the future".to_string());
    }
    let (state, mailer) = cli_state(config).await?;
    let now = at.unwrap_or(real_now);
    let issue = digest::send_digest(&state, now)
        .await
        .map_err(|e| e.to_string())?;
    let Some(issue) = issue else {
        println!("No briefs since the last digest: nothing sent.");
        return Ok(());
    };
    // Deliver here and now; a running server would pick the queue up too, and claims keep the
    // two from sending the same message.
    send_due(&state.store, &mailer).await;
    let waiting = state
        .store
        .mail_queue_depth()
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Digest {} sent; {waiting} message(s) still queued for retry.",
        issue.slug
    );
    Ok(())
}

/// The new password: asked for twice on a terminal, else the first line of stdin.
fn read_new_password(email: &str) -> Result<String, String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Again: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the two passwords differ".to_string());
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    check_new_password(&password, email).map_err(|e| e.to_string())?;
    Ok(password)
}

fn account_email(email: &str) -> Result<String, String> {
    check_email(email)
        .map(str::to_ascii_lowercase)
        .map_err(|e| e.to_string())
}

async fn user_add(config: Config, email: String, name: String, role: Role) -> Result<(), String> {
    let email = account_email(&email)?;
    let name = check_editor_name(&name)
        .map_err(|e| e.to_string())?
        .to_string();
    let password = read_new_password(&email)?;
    let store = open_store(&config).await?;
    let hash = hash_password(password).await.map_err(|e| e.to_string())?;
    match store
        .add_editor(&email, &name, role, &hash)
        .await
        .map_err(|e| e.to_string())?
    {
        AddedEditor::Added(editor) => {
            println!(
                "Added {} ({}) as {}; sign in at /desk/login.",
                editor.name,
                editor.email,
                role.as_str()
            );
            Ok(())
        }
        AddedEditor::EmailTaken => Err(format!(
            "there is already an account for {email}; `pulse user password` changes its password"
        )),
    }
}

async fn user_password(config: Config, email: String) -> Result<(), String> {
    let email = account_email(&email)?;
    let password = read_new_password(&email)?;
    let store = open_store(&config).await?;
    let hash = hash_password(password).await.map_err(|e| e.to_string())?;
    if store
        .set_editor_password(&email, &hash, None)
        .await
        .map_err(|e| e.to_string())?
    {
        println!("Password changed for {email}; its sessions have ended.");
        Ok(())
    } else {
        Err(format!("there is no account for {email}"))
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let leptos = get_configuration(None)
        .map_err(|e| format!("Leptos settings: {e}"))?
        .leptos_options;
    if config.mail.smtp.is_none() {
        tracing::info!(dir = %config.data_dir.join("mail").display(),
            "no SMTP server configured: outgoing mail is written to files");
    }
    let readers = reader_keys(&config)?;
    let state = AppState::build(Arc::new(config), leptos, readers, Mode::Serve).await?;
    let (store, config) = (&state.store, &state.config);
    let empty = store
        .count_briefs()
        .await
        .map_err(|_| "cannot read the database".to_string())?
        == 0;
    if empty && config.content_dir.is_dir() {
        let report = import_dir(store, &config.content_dir, &config.site)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(dir = %config.content_dir.display(), %report, "first start: imported content");
    }
    start_purge(store.clone(), config.newsletter.unconfirmed_purge_hours);
    digest::start_schedule(state.clone());
    crate::server::follow::start(state.clone());
    crate::server::insight::start(state.clone());
    crate::server::sources::start(state.clone());
    crate::server::drafts::start_schedule(state.clone());
    let served = http::serve(state.clone()).await;
    crate::server::insight::flush_at_exit(&state).await;
    served.map_err(|e| format!("server error: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn user_commands_parse_and_explain_their_mistakes() {
        match parse(&args("user add --email a@b.co --name Ada --role admin")) {
            Ok(Command::UserAdd { email, name, role }) => {
                assert_eq!(
                    (email.as_str(), name.as_str(), role),
                    ("a@b.co", "Ada", Role::Admin)
                );
            }
            _ => panic!("user add did not parse"),
        }
        assert!(matches!(
            parse(&args("user add --name Ada --email a@b.co")),
            Ok(Command::UserAdd {
                role: Role::Editor,
                ..
            })
        ));
        assert!(matches!(
            parse(&args("user password --email a@b.co")),
            Ok(Command::UserPassword { .. })
        ));
        for (line, complaint) in [
            ("user add --email a@b.co", "--name"),
            ("user add --name Ada", "--email"),
            (
                "user add --email a@b.co --name Ada --role root",
                "editor or admin",
            ),
            ("user add --email", "needs a value"),
            (
                "user add --email a@b.co --name Ada --admin",
                "unknown option",
            ),
            ("user password --email a@b.co --name Ada", "only --email"),
            ("user", "`add` or `password`"),
            ("user remove", "`add` or `password`"),
        ] {
            match parse(&args(line)) {
                Err(message) => assert!(message.contains(complaint), "{line}: {message}"),
                Ok(_) => panic!("{line} parsed"),
            }
        }
    }
}
