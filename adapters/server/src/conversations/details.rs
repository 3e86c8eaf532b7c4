//! A message's source, subject, addresses and attachments (SPEC §4.1, §4.14): checked at the
//! edge (400 per field), stored by the store next to the message in the same transaction, and
//! merged into every message the API shows.

use crate::app::AppState;
use crate::attachments::AttachmentView;
use crate::http::validate::is_email;
use crate::http::Checks;
use anytime_core::conversation::Message;
use anytime_core::model::{AgentId, ContactId, ConversationId, MessageId, SiteId};
use anytime_store::{MessageDetails, NewMessageDetails};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// Message sources of SPEC §4.1, as the API spells them.
pub const SOURCES: &[&str] = &[
    "agentConsole",
    "helpDesk",
    "webForm",
    "API",
    "chat",
    "offlineMessage",
    "email",
    "portal",
    "trigger",
];
const MAX_SUBJECT: usize = 998;
const MAX_QUOTE: usize = 512 * 1024;
const MAX_ADDRESSES: usize = 50;
const MAX_ATTACHMENTS: usize = 50;

/// An upload to attach: `{guid}`, or the whole object `POST /attachments` answered (its
/// other keys are ignored).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AttachmentRef {
    pub guid: Uuid,
}

/// The optional message fields a request may carry, gathered from the request body.
#[derive(Debug, Default)]
pub struct MessageExtras {
    pub source: Option<String>,
    pub subject: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cc: Option<String>,
    pub quote: Option<String>,
    pub attachments: Vec<AttachmentRef>,
}

fn addresses(c: &mut Checks, field: &str, list: &str) -> String {
    let parts: Vec<&str> = list
        .split([',', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    if parts.len() > MAX_ADDRESSES {
        c.add(field, format!("at most {MAX_ADDRESSES} addresses"));
    }
    for (i, a) in parts.iter().enumerate() {
        if !is_email(a) {
            c.add(
                field,
                format!("address {} (`{a}`) is not an email address", i + 1),
            );
        }
    }
    parts.join(", ")
}

impl MessageExtras {
    /// Checks every field (400s named `{prefix}source` …) and returns what to store.
    pub fn checked(self, c: &mut Checks, prefix: &str) -> CheckedExtras {
        let field = |name: &str| format!("{prefix}{name}");
        let source = self.source.as_deref().and_then(|s| {
            let found = SOURCES.iter().find(|k| k.eq_ignore_ascii_case(s.trim()));
            if found.is_none() {
                c.add(field("source"), format!("one of {}", SOURCES.join(", ")));
            }
            found.map(|k| k.to_string())
        });
        let subject = self
            .subject
            .as_deref()
            .map(|s| c.text(&field("subject"), s.trim(), MAX_SUBJECT));
        let from = self.from.as_deref().map(|f| c.email(&field("from"), f));
        let to = self.to.as_deref().map(|t| addresses(c, &field("to"), t));
        let cc = self.cc.as_deref().map(|t| addresses(c, &field("cc"), t));
        if self.quote.as_deref().is_some_and(|q| q.len() > MAX_QUOTE) {
            c.add(field("quote"), format!("at most {MAX_QUOTE} bytes"));
        }
        let quote = self.quote.map(|q| crate::html::sanitize(&q));
        if self.attachments.len() > MAX_ATTACHMENTS {
            c.add(field("attachments"), format!("at most {MAX_ATTACHMENTS}"));
        }
        let mut attachments: Vec<Uuid> = Vec::with_capacity(self.attachments.len());
        for (i, a) in self.attachments.iter().enumerate() {
            if attachments.contains(&a.guid) {
                c.add(format!("{prefix}attachments[{i}]"), "listed twice");
            }
            attachments.push(a.guid);
        }
        CheckedExtras {
            details: MessageDetails {
                source,
                subject,
                from,
                to,
                cc,
                quote,
            },
            attachments,
            contact: None,
        }
    }
}

/// Extras that passed their checks, waiting for the new message's id.
#[derive(Debug, Clone, Default)]
pub struct CheckedExtras {
    pub(super) details: MessageDetails,
    pub(super) attachments: Vec<Uuid>,
    /// The contact a portal credential acts for: its uploads must be for this contact.
    contact: Option<ContactId>,
}

impl CheckedExtras {
    /// The same extras written by a portal credential acting for `contact`.
    pub fn for_contact(self, contact: ContactId) -> Self {
        Self {
            contact: Some(contact),
            ..self
        }
    }

    /// The details of message `id`, whose uploads must be `uploader`'s (and, for a portal
    /// credential, made for the contact it acts for).
    pub fn for_message(self, id: MessageId, uploader: AgentId) -> NewMessageDetails {
        NewMessageDetails {
            message_id: id,
            details: self.details,
            attachments: self.attachments,
            uploader,
            uploader_contact: self.contact,
        }
    }
}

/// The details and attachments of one conversation's messages, to merge into their views.
#[derive(Debug, Default)]
pub struct Lookup {
    details: BTreeMap<MessageId, MessageDetails>,
    attachments: BTreeMap<MessageId, Vec<AttachmentView>>,
}

impl Lookup {
    /// Loads what conversation `id` holds; a read failure shows no extras rather than
    /// failing the whole view.
    pub async fn load(app: &AppState, site: SiteId, id: ConversationId) -> Lookup {
        let (details, attachments) = app
            .store
            .conversations()
            .message_extras(site, id)
            .await
            .unwrap_or_default();
        Lookup::of(details, attachments)
    }

    /// From what the store read.
    pub fn of(
        details: BTreeMap<MessageId, MessageDetails>,
        stored: Vec<anytime_store::Attachment>,
    ) -> Lookup {
        let mut attachments: BTreeMap<MessageId, Vec<AttachmentView>> = BTreeMap::new();
        for a in stored {
            if let Some(m) = a.message_id {
                attachments
                    .entry(m)
                    .or_default()
                    .push(AttachmentView::from(a));
            }
        }
        Lookup {
            details,
            attachments,
        }
    }

    /// Adds `source, subject, from, to, cc, quote, attachments` to a message's JSON.
    pub fn apply(&self, view: &mut Value, id: MessageId) {
        let Value::Object(map) = view else { return };
        let d = self.details.get(&id).cloned().unwrap_or_default();
        for (key, value) in [
            ("source", d.source),
            ("subject", d.subject),
            ("from", d.from),
            ("to", d.to),
            ("cc", d.cc),
            ("quote", d.quote),
        ] {
            map.insert(key.into(), value.map_or(Value::Null, Value::String));
        }
        map.insert("attachments".into(), self.attachments_of(id));
    }

    /// The attachments of message `id`, as the API shows them.
    pub fn attachments_of(&self, id: MessageId) -> Value {
        let attachments = self.attachments.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        serde_json::to_value(attachments).unwrap_or(Value::Array(vec![]))
    }

    /// Views of `messages` with their extras.
    pub fn views(&self, messages: &[Message]) -> Vec<Value> {
        messages
            .iter()
            .map(|m| {
                let mut v = serde_json::to_value(m).unwrap_or(Value::Null);
                self.apply(&mut v, m.id);
                v
            })
            .collect()
    }
}
