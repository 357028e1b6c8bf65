//! Outgoing mail: composing messages (`compose`), and the one worker per server that sends what
//! the `mail_outbox` table holds. Requests only ever queue; this worker delivers, through SMTP
//! when one is configured, otherwise by writing each message as an `.eml` file under
//! `<data_dir>/mail`. Logs name the message id and kind, never an address.

pub mod compose;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use time::OffsetDateTime;
use tokio::sync::Notify;

use crate::server::config::{MailSettings, SmtpTls};
use crate::server::repo::{OutboxMail, Store};

/// Most messages claimed at a time.
const MAX_BATCH: u32 = 5;
/// The longest one delivery may take, the whole SMTP conversation included (lettre's own
/// timeout covers only connecting), unless a short claim asks for less.
const MAX_DELIVERY_TIME: Duration = Duration::from_secs(60);
/// How often the queue is looked at even without a wake-up (retries come due on their own).
const POLL: Duration = Duration::from_secs(15);
/// Failed attempts before a message is left for an operator (about two days of retries).
const MAX_ATTEMPTS: i64 = 40;

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Where mail goes, and how much a sender takes on at once.
pub struct Mailer {
    transport: Transport,
    /// How long claimed messages stay claimed.
    claim: Duration,
    /// Each delivery is cut off after this…
    delivery_timeout: Duration,
    /// … and a batch is this many messages, so a batch always ends within half its claim:
    /// no claim runs out while its sender is still working through it.
    batch: u32,
}

impl Mailer {
    fn with_claim(transport: Transport, claim_seconds: u32) -> Mailer {
        let claim = Duration::from_secs(u64::from(claim_seconds));
        let delivery_timeout = MAX_DELIVERY_TIME.min(claim / 2);
        let fits = (claim.as_secs_f64() / 2.0 / delivery_timeout.as_secs_f64()).floor();
        let batch = (fits as u32).clamp(1, MAX_BATCH);
        Mailer {
            transport,
            claim,
            delivery_timeout,
            batch,
        }
    }
}

impl Mailer {
    pub fn new(settings: &MailSettings, data_dir: &std::path::Path) -> Result<Mailer, String> {
        let Some(smtp) = &settings.smtp else {
            let dir = data_dir.join("mail");
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            return Ok(Mailer::with_claim(
                Transport::Files(dir),
                settings.claim_seconds,
            ));
        };
        let builder = match smtp.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                .map_err(|e| format!("SMTP settings: {e}"))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                .map_err(|e| format!("SMTP settings: {e}"))?,
        };
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.0.clone()));
        }
        Ok(Mailer::with_claim(
            Transport::Smtp(builder.build()),
            settings.claim_seconds,
        ))
    }

    async fn deliver(&self, mail: &OutboxMail) -> Result<(), String> {
        match &self.transport {
            Transport::Smtp(smtp) => {
                let from: Address = mail.sender.parse().map_err(|e| format!("sender: {e}"))?;
                let to: Address = mail
                    .recipient
                    .parse()
                    .map_err(|e| format!("recipient: {e}"))?;
                let envelope =
                    Envelope::new(Some(from), vec![to]).map_err(|e| format!("envelope: {e}"))?;
                smtp.send_raw(&envelope, &mail.message)
                    .await
                    .map(|_| ())
                    .map_err(|e| smtp_error(&e))
            }
            Transport::Files(dir) => {
                let path = dir.join(format!("{:08}-{}.eml", mail.id, mail.kind));
                tokio::fs::write(&path, &mail.message)
                    .await
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                tracing::info!(id = mail.id, kind = %mail.kind, path = %path.display(),
                    "no SMTP server configured: message written to a file");
                Ok(())
            }
        }
    }
}

/// Wakes the outbox worker when mail was queued.
#[derive(Clone, Default)]
pub struct MailQueue {
    wake: Arc<Notify>,
}

impl MailQueue {
    /// Starts the worker that sends queued mail for as long as the process runs.
    pub fn start(store: Store, mailer: Mailer) -> MailQueue {
        let queue = MailQueue::default();
        let wake = queue.wake.clone();
        tokio::spawn(async move {
            loop {
                send_due(&store, &mailer).await;
                // Either new mail was queued, or it is time to look for due retries.
                let _ = tokio::time::timeout(POLL, wake.notified()).await;
            }
        });
        queue
    }

    /// Tells the worker that mail is waiting.
    pub fn queued(&self) {
        self.wake.notify_one();
    }
}

/// Sends everything due, batch by batch, until nothing due is left.
pub async fn send_due(store: &Store, mailer: &Mailer) {
    loop {
        let claim = time::Duration::try_from(mailer.claim).unwrap_or(time::Duration::minutes(10));
        let due = match store.claim_due_mail(mailer.batch, claim).await {
            Ok(due) => due,
            Err(_) => return, // logged by the store; the next pass retries
        };
        if due.is_empty() {
            return;
        }
        for mail in due {
            let delivered = tokio::time::timeout(mailer.delivery_timeout, mailer.deliver(&mail))
                .await
                .unwrap_or_else(|_| Err("timed out".to_string()));
            match delivered {
                Ok(()) => {
                    if store.mail_sent(mail.id).await.is_ok() {
                        tracing::info!(id = mail.id, kind = %mail.kind, "mail sent");
                    }
                }
                Err(error) => {
                    let attempts = mail.attempts + 1;
                    let retry_at = if attempts >= MAX_ATTEMPTS {
                        tracing::error!(id = mail.id, kind = %mail.kind, %error, attempts,
                            "mail failed for good; left in the outbox");
                        OffsetDateTime::now_utc() + time::Duration::days(365 * 100)
                    } else {
                        tracing::warn!(id = mail.id, kind = %mail.kind, %error, attempts,
                            "mail failed; will retry");
                        OffsetDateTime::now_utc() + backoff(attempts)
                    };
                    let _ = store.mail_failed(mail.id, &error, retry_at).await;
                }
            }
        }
    }
}

/// An SMTP failure as it may be logged and stored: the reply code and its class, never the
/// server's text (which usually repeats the recipient's address).
fn smtp_error(error: &lettre::transport::smtp::Error) -> String {
    match error.status() {
        Some(code) if error.is_permanent() => format!("permanent SMTP error {code}"),
        Some(code) => format!("transient SMTP error {code}"),
        None if error.is_timeout() => "SMTP timeout".to_string(),
        None => "SMTP connection or protocol error".to_string(),
    }
}

/// 30 s, 1 min, 2 min, … doubling up to an hour.
fn backoff(attempts: i64) -> time::Duration {
    let exponent = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    time::Duration::seconds((30_i64 << exponent).min(3_600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_always_ends_within_half_its_claim() {
        for (claim, batch, timeout) in [(600, 5, 60), (240, 2, 60), (60, 1, 30), (2, 1, 1)] {
            let mailer = Mailer::with_claim(Transport::Files(PathBuf::new()), claim);
            assert_eq!(
                (mailer.batch, mailer.delivery_timeout.as_secs()),
                (batch, timeout),
                "claim {claim}"
            );
            assert!(
                mailer.delivery_timeout * mailer.batch <= mailer.claim / 2 + Duration::from_secs(1)
            );
        }
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(backoff(1).whole_seconds(), 30);
        assert_eq!(backoff(2).whole_seconds(), 60);
        assert_eq!(backoff(7).whole_seconds(), 1_920);
        assert_eq!(backoff(8).whole_seconds(), 3_600);
        assert_eq!(backoff(40).whole_seconds(), 3_600);
    }
}
