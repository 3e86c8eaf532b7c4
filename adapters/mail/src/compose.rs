//! Outgoing MIME (SPEC §5.9): From the receiving account, the core's threading headers
//! (Message-ID, In-Reply-To, References, `Re: … [#id]` subject), the body wrapped in the
//! site's layout template, text and HTML alternatives, attachments and inline images.
//! Trigger emails are marked `Auto-Submitted: auto-generated` so well-behaved
//! auto-responders do not answer them (RFC 3834), which breaks mail loops at the source.

use crate::error::MailError;
use anytime_core::inbound::LayoutTemplate;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};

/// A sender or recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub name: Option<String>,
    pub address: String,
}

impl Party {
    pub fn new(name: Option<&str>, address: &str) -> Self {
        Self {
            name: name.map(str::to_string).filter(|n| !n.trim().is_empty()),
            address: address.trim().to_string(),
        }
    }

    fn mailbox(&self, field: &str) -> Result<Mailbox, MailError> {
        let address: Address = self
            .address
            .parse()
            .map_err(|e| MailError::invalid(field, format!("{:?}: {e}", self.address)))?;
        Ok(Mailbox::new(self.name.clone(), address))
    }
}

/// An attached file; with a `content_id` it is an inline image the HTML references as
/// `cid:<content_id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingAttachment {
    pub filename: String,
    pub content_type: String,
    pub content_id: Option<String>,
    pub data: Vec<u8>,
}

/// One email to send.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outgoing {
    pub from: Option<Party>,
    pub to: Vec<Party>,
    pub cc: Vec<Party>,
    pub subject: String,
    /// The message's HTML (already sanitized); wrapped in `layout`.
    pub html_body: String,
    pub plain_body: String,
    /// With angle brackets, as [`anytime_core::inbound::ReplyHeaders`] gives them.
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// Trigger emails: `Auto-Submitted: auto-generated`.
    pub auto_submitted: bool,
    pub layout: Option<LayoutTemplate>,
    pub attachments: Vec<OutgoingAttachment>,
}

/// The attachment's type, or `application/octet-stream` when it does not parse.
fn content_type(value: &str) -> ContentType {
    ContentType::parse(value)
        .or_else(|_| ContentType::parse("application/octet-stream"))
        .unwrap_or(ContentType::TEXT_PLAIN)
}

/// Builds the message; `Invalid` names the field when an address does not parse.
pub fn compose(o: &Outgoing) -> Result<Message, MailError> {
    let from = o
        .from
        .as_ref()
        .ok_or_else(|| MailError::invalid("from", "required"))?;
    if o.to.is_empty() && o.cc.is_empty() {
        return Err(MailError::invalid(
            "to",
            "at least one recipient is required",
        ));
    }
    let mut b = Message::builder()
        .from(from.mailbox("from")?)
        .subject(one_line(&o.subject))
        .message_id(o.message_id.clone())
        .date_now();
    for (i, p) in o.to.iter().enumerate() {
        b = b.to(p.mailbox(&format!("to[{i}]"))?);
    }
    for (i, p) in o.cc.iter().enumerate() {
        b = b.cc(p.mailbox(&format!("cc[{i}]"))?);
    }
    if let Some(id) = &o.in_reply_to {
        b = b.in_reply_to(one_line(id));
    }
    if !o.references.is_empty() {
        b = b.references(one_line(&o.references.join(" ")));
    }
    if o.auto_submitted {
        b = b.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".into(),
        ));
    }
    let html = match &o.layout {
        Some(layout) => layout.wrap(&o.html_body),
        None => o.html_body.clone(),
    };
    let (inline, files): (Vec<_>, Vec<_>) =
        o.attachments.iter().partition(|a| a.content_id.is_some());
    let mut html_part = MultiPart::related().singlepart(SinglePart::html(html));
    for a in inline {
        let cid = a.content_id.clone().unwrap_or_default();
        html_part = html_part.singlepart(
            Attachment::new_inline_with_name(cid, a.filename.clone())
                .body(a.data.clone(), content_type(&a.content_type)),
        );
    }
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(o.plain_body.clone()))
        .multipart(html_part);
    let body = if files.is_empty() {
        alternative
    } else {
        let mut mixed = MultiPart::mixed().multipart(alternative);
        for a in files {
            mixed = mixed.singlepart(
                Attachment::new(a.filename.clone())
                    .body(a.data.clone(), content_type(&a.content_type)),
            );
        }
        mixed
    };
    b.multipart(body)
        .map_err(|e| MailError::invalid("message", e.to_string()))
}

/// Header text without line breaks (no header injection through a subject or id).
fn one_line(s: &str) -> String {
    s.split(['\r', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use anytime_core::inbound::{reply_headers, ReplyInput};
    use anytime_core::model::{ConversationId, MessageId, SiteId};

    fn outgoing() -> Outgoing {
        let headers = reply_headers(&ReplyInput {
            site_id: SiteId(uuid::Uuid::from_u128(0xab)),
            conversation_id: ConversationId(42),
            message_id: MessageId(7),
            domain: "acme.test".into(),
            subject: "Printer on fire".into(),
            last_contact_message_id: Some("<m1@cust.test>".into()),
            previous_references: vec!["<root@cust.test>".into()],
        })
        .unwrap();
        Outgoing {
            from: Some(Party::new(Some("Acme Support"), "support@acme.test")),
            to: vec![Party::new(Some("Carol Cüstomer"), "carol@cust.test")],
            cc: vec![],
            subject: headers.subject.clone(),
            html_body: "<p>Fixed. <img src=\"cid:logo@acme\"></p>".into(),
            plain_body: "Fixed.".into(),
            message_id: Some(headers.message_id.clone()),
            in_reply_to: headers.in_reply_to.clone(),
            references: headers.references.clone(),
            auto_submitted: false,
            layout: Some(LayoutTemplate::parse("<div class=\"layout\">#{content}</div>").unwrap()),
            attachments: vec![
                OutgoingAttachment {
                    filename: "logo.png".into(),
                    content_type: "image/png".into(),
                    content_id: Some("logo@acme".into()),
                    data: b"\x89PNG\r\n\x1a\n".to_vec(),
                },
                OutgoingAttachment {
                    filename: "invoice.pdf".into(),
                    content_type: "application/pdf".into(),
                    content_id: None,
                    data: b"%PDF-1.4".to_vec(),
                },
            ],
        }
    }

    #[test]
    fn round_trips_through_the_parser_with_threading_headers() {
        let raw = compose(&outgoing()).unwrap().formatted();
        let text = String::from_utf8_lossy(&raw);
        let parsed = parse(&raw).unwrap();
        let m = &parsed.message;
        assert_eq!(m.subject, "Re: Printer on fire [#42]");
        assert_eq!(m.from, "support@acme.test");
        assert_eq!(parsed.sender_name.as_deref(), Some("Acme Support"));
        assert_eq!(m.to, ["carol@cust.test"]);
        let own = m.message_id.clone().unwrap();
        assert!(
            own.starts_with("<anytime.42.7.") && own.ends_with("@acme.test>"),
            "{own}"
        );
        assert_eq!(m.in_reply_to.as_deref(), Some("<m1@cust.test>"));
        assert_eq!(m.references, ["<root@cust.test>", "<m1@cust.test>"]);
        let html = m.html.as_deref().unwrap();
        // The layout wraps the body (its class is dropped by the inbound sanitizer).
        assert!(html.contains("<div><p>Fixed."), "{html}");
        assert!(html.contains("cid:logo@acme"), "{html}");
        assert_eq!(m.text.as_deref().map(str::trim), Some("Fixed."));
        assert!(!m.is_auto_reply(), "{text}");
        assert_eq!(parsed.attachments.len(), 2, "{text}");
        let logo = parsed
            .attachments
            .iter()
            .find(|a| a.content_type == "image/png")
            .unwrap();
        assert!(logo.inline);
        assert_eq!(logo.data, b"\x89PNG\r\n\x1a\n");
        let pdf = parsed
            .attachments
            .iter()
            .find(|a| a.filename == "invoice.pdf")
            .unwrap();
        assert_eq!(pdf.data, b"%PDF-1.4");
    }

    #[test]
    fn trigger_emails_are_marked_auto_submitted() {
        let mut o = outgoing();
        o.auto_submitted = true;
        o.attachments.clear();
        let parsed = parse(&compose(&o).unwrap().formatted()).unwrap();
        assert!(parsed.message.is_auto_reply());
    }

    #[test]
    fn bad_addresses_and_header_injection() {
        let mut o = outgoing();
        o.to = vec![Party::new(None, "not an address")];
        assert!(matches!(compose(&o), Err(MailError::Invalid { field, .. }) if field == "to[0]"));
        let mut o = outgoing();
        o.from = None;
        assert!(compose(&o).is_err());
        let mut o = outgoing();
        o.to.clear();
        assert!(compose(&o).is_err());
        let mut o = outgoing();
        o.subject = "Hi\r\nBcc: victim@x.test".into();
        let raw = compose(&o).unwrap().formatted();
        let parsed = parse(&raw).unwrap();
        assert_eq!(parsed.message.subject, "Hi Bcc: victim@x.test");
        assert!(!String::from_utf8_lossy(&raw).contains("\r\nBcc:"));
    }
}
