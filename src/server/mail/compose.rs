//! Composing messages: every message has a plain-text and an HTML part, a Date and a
//! Message-ID; newsletters also carry `List-Unsubscribe` (an https URL and a mailto) and
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058). Anything that reaches a
//! header is stripped of control characters first, so no value can start a header of its own.

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

use crate::error::AppError;
use crate::server::config::MailSettings;
use crate::server::repo::Outgoing;

/// One message to compose.
pub struct Letter<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub text: String,
    pub html: String,
    /// The one-click unsubscribe URL, for newsletters.
    pub unsubscribe_url: Option<&'a str>,
}

/// Text safe for a header: control characters (CR and LF above all) become spaces.
pub fn header_text(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Escapes text for an HTML mail part.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Wraps body HTML in a small, mail-client-safe document.
pub fn html_document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title></head>\
         <body style=\"margin:0;padding:24px;background:#f6f7f9;color:#1c2230;\
         font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;line-height:1.5\">\
         <div style=\"max-width:600px;margin:0 auto;background:#ffffff;border-radius:12px;padding:24px\">{body}</div>\
         </body></html>",
        html_escape(title)
    )
}

/// Composes `letter` into a message ready for the outbox.
pub fn compose(
    settings: &MailSettings,
    letter: Letter<'_>,
    kind: &'static str,
    dedupe_key: String,
) -> Result<Outgoing, AppError> {
    let failed = |what: &str, error: &dyn std::fmt::Display| {
        tracing::error!(kind, %error, "cannot compose mail: {what}");
        AppError::Internal
    };
    let from: Mailbox = settings
        .from
        .parse()
        .map_err(|e| failed("from address", &e))?;
    let to: Mailbox = letter.to.parse().map_err(|e| failed("recipient", &e))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to.clone())
        .subject(header_text(letter.subject))
        .date_now()
        .message_id(None);
    if let Some(url) = letter.unsubscribe_url {
        let unsubscribe_to: Mailbox = settings
            .unsubscribe_mailto
            .parse()
            .map_err(|e| failed("unsubscribe address", &e))?;
        let mailto = format!("mailto:{}?subject=unsubscribe", unsubscribe_to.email);
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{}>, <{}>", header_text(url), header_text(&mailto)),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_string(),
            ));
    }
    let message = builder
        .multipart(MultiPart::alternative_plain_html(letter.text, letter.html))
        .map_err(|e| failed("message", &e))?;
    Ok(Outgoing {
        dedupe_key,
        kind,
        sender: from.email.to_string(),
        recipient: to.email.to_string(),
        message: message.formatted(),
        follow: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_cannot_break_lines() {
        assert_eq!(
            header_text("Hi\r\nBcc: x@y.example"),
            "Hi  Bcc: x@y.example"
        );
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
