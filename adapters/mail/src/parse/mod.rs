//! Raw RFC 5322 / MIME → the core's [`InboundMessage`], plus what the core does not carry:
//! the sender's display name and the attachments (inline images included). HTML is
//! sanitized here, so nothing downstream ever sees a script from a stranger's mail.

use crate::error::MailError;
use crate::html::sanitize;
use anytime_core::inbound::{Headers, InboundMessage};
use chrono::{DateTime, Utc};
use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

/// Header fields kept on the inbound message: those the rules read (auto-reply detection)
/// and a few useful when looking into a delivery. Others are dropped to keep it small.
const KEPT_HEADERS: &[&str] = &[
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "Precedence",
    "List-Id",
    "Return-Path",
    "Reply-To",
    "X-Mailer",
];

/// A parsed email.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedMail {
    /// `from` is the bare address; `html` is sanitized.
    pub message: InboundMessage,
    /// The From header's display name, if it has one.
    pub sender_name: Option<String>,
    pub attachments: Vec<MailAttachment>,
}

/// One attachment or inline part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAttachment {
    pub filename: String,
    /// `type/subtype`, lowercase.
    pub content_type: String,
    /// The Content-ID without angle brackets (inline images are referenced by it).
    pub content_id: Option<String>,
    /// Shown in the body (`Content-Disposition: inline`, or referenced as `cid:`).
    pub inline: bool,
    pub data: Vec<u8>,
}

/// The identity of a mail without a Message-ID: a digest of its bytes, so that the same
/// mail delivered twice (an MTA retry, an IMAP re-read after a crash) is still recognised.
fn digest_id(raw: &[u8]) -> String {
    let digest = Sha256::digest(raw);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("<sha256-{hex}@anytime.invalid>")
}

/// Parses a raw message. Anything that parses as a message is accepted (missing headers
/// become empty values); only input without a single header is refused.
pub fn parse(raw: &[u8]) -> Result<ParsedMail, MailError> {
    let message = MessageParser::default()
        .parse(raw)
        .filter(|m| !m.headers().is_empty())
        .ok_or_else(|| MailError::invalid("message", "not an RFC 5322 message"))?;
    let (from, sender_name) = match message.from().and_then(Address::first) {
        Some(addr) => (
            addr.address().unwrap_or_default().trim().to_string(),
            addr.name()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
        ),
        None => (String::new(), None),
    };
    let raw_html = html_body(&message);
    let attachments = attachments(&message, raw_html.as_deref());
    let inbound = InboundMessage {
        message_id: message.message_id().map(|id| format!("<{id}>")),
        external_message_id: message.message_id().is_none().then(|| digest_id(raw)),
        from,
        to: addresses(message.to()),
        cc: addresses(message.cc()),
        subject: message.subject().unwrap_or_default().trim().to_string(),
        in_reply_to: ids(message.in_reply_to()).into_iter().next(),
        references: ids(message.references()),
        headers: headers(&message),
        date: message
            .date()
            .and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0)),
        text: text_body(&message),
        html: raw_html.as_deref().map(sanitize),
    };
    Ok(ParsedMail {
        message: inbound,
        sender_name,
        attachments,
    })
}

fn addresses(address: Option<&Address<'_>>) -> Vec<String> {
    address
        .map(|a| {
            a.iter()
                .filter_map(|addr| addr.address())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Message-IDs of In-Reply-To or References, in header order, with angle brackets.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let list: Vec<&str> = match value {
        HeaderValue::Text(t) => vec![t.as_ref()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.as_ref()).collect(),
        _ => Vec::new(),
    };
    list.into_iter()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| format!("<{}>", id.trim_start_matches('<').trim_end_matches('>')))
        .collect()
}

fn headers(message: &Message<'_>) -> Headers {
    Headers::new(
        message
            .headers_raw()
            .filter(|(name, _)| KEPT_HEADERS.iter().any(|k| k.eq_ignore_ascii_case(name)))
            .map(|(name, value)| (name.to_string(), unfold(value))),
    )
}

/// A raw header value on one line, trimmed.
fn unfold(value: &str) -> String {
    value
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The HTML parts of the body (only real `text/html`; a text-only mail has none).
fn html_body(message: &Message<'_>) -> Option<String> {
    let parts: Vec<&str> = message
        .html_bodies()
        .filter_map(|p| match &p.body {
            PartType::Html(h) => Some(h.as_ref()),
            _ => None,
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// The plain text parts; derived from the HTML when the mail has no text part.
fn text_body(message: &Message<'_>) -> Option<String> {
    let parts: Vec<String> = (0..message.text_body_count())
        .filter_map(|i| message.body_text(i))
        .map(|t| t.into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

fn attachments(message: &Message<'_>, html: Option<&str>) -> Vec<MailAttachment> {
    message
        .attachments()
        .enumerate()
        .map(|(i, part)| {
            let content_type = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase();
            let content_id = part
                .content_id()
                .map(|id| {
                    id.trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string()
                })
                .filter(|id| !id.is_empty());
            let referenced = content_id
                .as_deref()
                .is_some_and(|id| html.is_some_and(|h| h.contains(&format!("cid:{id}"))));
            let inline = referenced
                || part
                    .content_disposition()
                    .is_some_and(|d| d.ctype().eq_ignore_ascii_case("inline"));
            let data = match &part.body {
                PartType::Message(m) => m.raw_message().to_vec(),
                _ => part.contents().to_vec(),
            };
            let filename = part
                .attachment_name()
                .map(safe_filename)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| default_name(i, &content_type));
            MailAttachment {
                filename,
                content_type,
                content_id,
                inline,
                data,
            }
        })
        .collect()
}

/// A file name without directories or control characters (it becomes a download name).
fn safe_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .trim_matches('.')
        .chars()
        .take(200)
        .collect()
}

fn default_name(i: usize, content_type: &str) -> String {
    let ext = match content_type {
        "message/rfc822" => "eml",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "application/pdf" => "pdf",
        "text/plain" => "txt",
        _ => "bin",
    };
    format!("attachment-{}.{ext}", i + 1)
}

impl ParsedMail {
    /// Points `cid:` image sources at the stored attachments: `url_of` gets each inline
    /// attachment with a Content-ID and returns its URL (HTML-escaped here).
    pub fn link_inline_images(&mut self, url_of: impl Fn(&MailAttachment) -> Option<String>) {
        let Some(html) = self.message.html.as_mut() else {
            return;
        };
        for a in &self.attachments {
            let (Some(cid), Some(url)) = (a.content_id.as_deref(), url_of(a)) else {
                continue;
            };
            let escaped = url
                .replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;");
            *html = html.replace(&format!("cid:{cid}"), &escaped);
        }
    }
}

#[cfg(test)]
mod tests;
