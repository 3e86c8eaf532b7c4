//! The inbound ingest service (SPEC §5.9): one arriving message — an email parsed by the mail
//! adapter, or a channel integration's normalized message — decided by the core's
//! [`InboundRules`] and carried out in ONE store transaction: a new conversation through the
//! same pipeline as API creation (routing → allocation → triggers → SLA), a contact reply
//! appended to the threaded conversation (status per §5.7, triggers), a junk email, or a
//! rejected-sender counter. The Message-ID (channels: external id) is recorded in that same
//! transaction, so a redelivery, even a concurrent one, is dropped.
//!
//! Channel-agnostic: the caller describes the receiving account in [`Receiving`]; the email
//! adapter, the raw ingress and channel accounts all call [`ingest`].

use super::{accounts, blocked, settings};
use crate::app::AppState;
use crate::http::ApiResult;
use crate::rules::intake::{self, Prepared, Via};
use anytime_core::conversation::{
    apply_command, Action as Command_, Actor, Command, Create, Env, HistoryEntry, NewMessage,
    Origin, Reply,
};
use anytime_core::inbound::{
    bot_draw, normalize_address, subject_tokens, Action, BotShare, InboundConfig, InboundMessage,
    DEFAULT_FOLLOW_UP_DAYS,
};
use anytime_core::model::{
    Channel, ContactId, ContactInfo, Context, Conversation, ConversationId, FieldValue, MessageId,
    MessageInfo, MessageType, SiteId,
};
use anytime_core::routing::AccountAssignment;
use anytime_store::{
    ConversationChange, InboundTx, JunkEmail, MessageDetails, SenderKey, StoreError, StoreResult,
};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

/// History field marking a conversation the bot draw gave to the bot (SPEC §5.9 step 4).
pub const BOT_FIELD: &str = anytime_store::BOT_HISTORY_FIELD;

/// Longest subject kept (RFC 5322's line limit, as the API allows).
const MAX_SUBJECT: usize = 998;

/// The account or channel a message arrived through.
#[derive(Debug, Clone)]
pub struct Receiving {
    /// The new conversation's channel (`email` for mail, `whatsapp`, …).
    pub channel: Channel,
    /// The receiving account's id (email or channel account), kept in the envelope.
    pub account_id: Option<String>,
    /// The email account's number, shown on junk emails as `emailAccountId`.
    pub account_number: Option<i64>,
    /// The receiving address: the new conversation's `receivedFrom`.
    pub address: Option<String>,
    /// How senders are recognised as contacts.
    pub sender_key: SenderKey,
    /// The message source recorded on the message (`email`, `chat`, …).
    pub source: String,
    /// Used when routing is disabled.
    pub assignment: AccountAssignment,
    /// The account's bot, if any: the bot draw of §5.9 step 4.
    pub bot: Option<BotShare>,
}

impl Receiving {
    /// An email account (or the hosted address when `account` is `None`).
    pub fn email(account: Option<&Value>, hosted_address: Option<String>) -> Self {
        let text = |k: &str| {
            account
                .and_then(|a| a.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let uuid = |k: &str| text(k).and_then(|s| Uuid::parse_str(&s).ok());
        Receiving {
            channel: Channel::Email,
            account_id: text("id"),
            account_number: account
                .and_then(|a| a.get("number"))
                .and_then(Value::as_i64),
            address: text("businessEmail").or(hosted_address),
            sender_key: SenderKey::Email,
            source: "email".into(),
            assignment: AccountAssignment {
                assigned_agent_id: uuid("assignedAgentId"),
                assigned_department_id: uuid("assignedDepartmentId"),
            },
            bot: None,
        }
    }
}

/// The email account with this number (`emailAccountId` of a junk email), else the site's
/// hosted address.
pub async fn email_account_by_number(
    app: &AppState,
    site: SiteId,
    number: Option<i64>,
) -> ApiResult<Receiving> {
    let accounts = accounts::stored(app, site).await?;
    let account = number.and_then(|n| {
        accounts
            .iter()
            .find(|a| a.get("number").and_then(Value::as_i64) == Some(n))
    });
    let hosted = settings::load(app, site)
        .await?
        .own_addresses(&app.config.inbound_domain)
        .into_iter()
        .next();
    Ok(Receiving::email(account, hosted))
}

/// One arriving message and what the core's message does not carry.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub message: InboundMessage,
    /// The sender's display name (email: the From header's phrase when absent).
    pub sender_name: Option<String>,
    /// Attachment descriptions kept in the envelope (and on a junk email).
    pub attachments: Vec<Value>,
    /// The attachments' records, files already written: put on the message when one is
    /// stored.
    pub files: Vec<anytime_store::Attachment>,
    /// A junk email marked "not junk" (SPEC §4.9): the block check is skipped and the junk
    /// email is deleted in the same transaction as the conversation is stored.
    pub restore_junk: Option<i64>,
}

/// What happened to a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Ingested {
    Created {
        conversation: Box<Conversation>,
        message_id: MessageId,
        /// The closed conversation this reply was meant for (closed too long ago).
        linked_conversation_id: Option<ConversationId>,
    },
    Appended {
        conversation: Box<Conversation>,
        message_id: MessageId,
    },
    /// Already stored: acknowledged and dropped. `None` for a redelivered junk email.
    Duplicate {
        conversation_id: Option<ConversationId>,
    },
    /// From one of the site's own addresses (loop guard).
    Loop,
    Junk {
        junk_id: i64,
    },
    /// Dropped by a `reject…` rule; the sender's counter is now `count`.
    Rejected {
        address: String,
        count: i64,
    },
}

impl Ingested {
    /// The conversation the message is in, if it is in one.
    pub fn conversation_id(&self) -> Option<ConversationId> {
        match self {
            Ingested::Created { conversation, .. } | Ingested::Appended { conversation, .. } => {
                Some(conversation.id)
            }
            Ingested::Duplicate { conversation_id } => *conversation_id,
            _ => None,
        }
    }

    /// A short name for logs and counters.
    pub fn kind(&self) -> &'static str {
        match self {
            Ingested::Created { .. } => "created",
            Ingested::Appended { .. } => "appended",
            Ingested::Duplicate { .. } => "duplicate",
            Ingested::Loop => "loop",
            Ingested::Junk { .. } => "junk",
            Ingested::Rejected { .. } => "rejected",
        }
    }
}

/// The site's part of the inbound configuration: own addresses and blocked senders. The
/// lookups for one message are added inside the transaction.
pub async fn site_config(app: &AppState, site: SiteId) -> ApiResult<InboundConfig> {
    let settings = settings::load(app, site).await?;
    let mut site_addresses = settings.own_addresses(&app.config.inbound_domain);
    for account in accounts::stored(app, site).await? {
        if let Some(address) = account.get("businessEmail").and_then(Value::as_str) {
            site_addresses.push(address.to_string());
        }
    }
    Ok(InboundConfig {
        site_addresses,
        blocked_senders: blocked::read(app, site).await?,
        follow_up_days: DEFAULT_FOLLOW_UP_DAYS,
        ..InboundConfig::default()
    })
}

/// Decides and stores one inbound message (see the module doc).
pub async fn ingest(
    app: &AppState,
    site: SiteId,
    via: &Receiving,
    incoming: Incoming,
) -> ApiResult<Ingested> {
    let prepared = Arc::new(intake::prepare(app, site).await?);
    let config = site_config(app, site).await?;
    let via = via.clone();
    let now = anytime_store::now();
    let new_contact = ContactId(Uuid::new_v4());
    Ok(app
        .store
        .inbound()
        .ingest(site, move |tx| {
            Plan {
                prepared: &prepared,
                via: &via,
                incoming: &incoming,
                now,
                new_contact,
            }
            .run(tx, config)
        })
        .await?)
}

/// One message's ingest inside the transaction.
struct Plan<'a> {
    prepared: &'a Prepared,
    via: &'a Receiving,
    incoming: &'a Incoming,
    now: DateTime<Utc>,
    new_contact: ContactId,
}

impl Plan<'_> {
    fn run(&self, tx: &InboundTx<'_>, mut config: InboundConfig) -> StoreResult<Ingested> {
        let message = &self.incoming.message;
        let own_id = message.own_id();
        match (self.incoming.restore_junk, &own_id) {
            (Some(junk), _) => {
                if !tx.delete_junk(junk)? {
                    return Err(StoreError::not_found("junk email"));
                }
            }
            (None, Some(id)) if tx.is_known_junk(id)? => {
                return Ok(Ingested::Duplicate {
                    conversation_id: None,
                });
            }
            (None, _) => {}
        }
        config.known_messages = tx.known_messages(&message.lookup_ids())?;
        let mut ids: Vec<ConversationId> = config
            .known_messages
            .iter()
            .map(|k| k.conversation_id)
            .collect();
        ids.extend(subject_tokens(&message.subject));
        config.conversations = tx.thread_candidates(&ids, &self.via.sender_key)?;
        let rules = config.compile()?;
        let decision = if self.incoming.restore_junk.is_some() {
            rules.decide_not_junk(message, self.now)
        } else {
            rules.decide(message, self.now)
        };
        match decision.action {
            Action::Duplicate { conversation_id } => Ok(Ingested::Duplicate {
                conversation_id: Some(conversation_id),
            }),
            Action::Loop => Ok(Ingested::Loop),
            Action::Reject { .. } => {
                let address = normalize_address(&message.from);
                let count = tx.count_rejection(&address, self.now)?;
                Ok(Ingested::Rejected { address, count })
            }
            Action::Junk { .. } => Ok(Ingested::Junk {
                junk_id: tx.insert_junk(&self.junk(), own_id.as_deref())?,
            }),
            Action::Append {
                conversation_id, ..
            } => self.append(tx, conversation_id, own_id.as_deref()),
            Action::NewConversation {
                sender,
                linked_conversation_id,
                ..
            } => self.create(tx, &sender, linked_conversation_id, own_id.as_deref()),
        }
    }

    fn sender_name(&self) -> String {
        self.incoming
            .sender_name
            .clone()
            .unwrap_or_else(|| display_name(&self.incoming.message.from))
    }

    fn html(&self) -> Option<String> {
        self.incoming
            .message
            .html
            .as_deref()
            .map(crate::html::sanitize)
    }

    /// The new message: HTML sanitized; plain text as sent, else derived from the HTML.
    fn new_message(&self, id: MessageId) -> NewMessage {
        let message = &self.incoming.message;
        let html = self.html();
        let html_body = html
            .clone()
            .or_else(|| message.text.as_deref().map(text_html));
        NewMessage {
            id,
            message_type: Some(MessageType::Email),
            html_body,
            plain_body: message.text.clone(),
            time: Some(self.now),
        }
    }

    /// Contact and message for triggers: auto-replies get no email back (SPEC §5.4).
    fn context(&self, sender: &str) -> Context {
        let message = &self.incoming.message;
        Context {
            now: Some(self.now),
            contact: Some(ContactInfo {
                name: Some(self.sender_name()).filter(|n| !n.is_empty()),
                email: (self.via.sender_key == SenderKey::Email).then(|| sender.to_string()),
            }),
            message: Some(MessageInfo {
                plain_body: message
                    .text
                    .clone()
                    .or_else(|| {
                        self.html()
                            .map(|h| anytime_core::conversation::to_plain_text(&h))
                    })
                    .unwrap_or_default(),
                from: Some(normalize_address(&message.from)),
                is_auto_reply: message.is_auto_reply(),
            }),
            ..Context::default()
        }
    }

    fn envelope(&self) -> Value {
        let m = &self.incoming.message;
        json!({
            "source": self.via.source,
            "channel": self.via.channel.as_str(),
            "accountId": self.via.account_id,
            "from": m.from,
            "to": m.to,
            "cc": m.cc,
            "subject": m.subject,
            "messageId": m.own_id(),
            "inReplyTo": m.in_reply_to,
            "references": m.references,
            "date": m.date,
            "isAutoReply": m.is_auto_reply(),
            "attachments": self.incoming.attachments,
        })
    }

    /// What the messages API shows besides the bodies (SPEC §4.1).
    fn details(&self) -> MessageDetails {
        let m = &self.incoming.message;
        let list = |a: &[String]| (!a.is_empty()).then(|| a.join(", "));
        MessageDetails {
            source: Some(self.via.source.clone()),
            subject: Some(clip(&m.subject)).filter(|s| !s.is_empty()),
            from: Some(m.from.clone()).filter(|f| !f.is_empty()),
            to: list(&m.to),
            cc: list(&m.cc),
            quote: None,
        }
    }

    fn junk(&self) -> JunkEmail {
        let m = &self.incoming.message;
        let html = self.html().unwrap_or_default();
        JunkEmail {
            id: 0,
            subject: clip(&m.subject),
            time: self.now,
            name: self.sender_name(),
            from: normalize_address(&m.from),
            to: m.to.join(", "),
            cc: m.cc.join(", "),
            plain_body: m
                .text
                .clone()
                .unwrap_or_else(|| anytime_core::conversation::to_plain_text(&html)),
            html_body: html,
            email_account_id: self.via.account_number,
            is_read: false,
            attachments: Value::Array(self.incoming.attachments.clone()),
        }
    }

    fn contact(&self, tx: &InboundTx<'_>, sender: &str) -> StoreResult<ContactId> {
        tx.contact_for(
            &self.via.sender_key,
            sender,
            &self.sender_name(),
            self.new_contact,
        )
    }

    fn append(
        &self,
        tx: &InboundTx<'_>,
        id: ConversationId,
        own_id: Option<&str>,
    ) -> StoreResult<Ingested> {
        let sender = normalize_address(&self.incoming.message.from);
        let contact = self.contact(tx, &sender)?;
        let p = self.prepared;
        let now = self.now;
        let change = tx.change_conversation(id, |conversation, _messages, ids, view| {
            let before = conversation.clone();
            let env = Env {
                now,
                fields: &p.fields,
                known: &p.known,
            };
            let reply = Command_::Reply(Reply {
                message: self.new_message(ids.message),
                status: None,
            });
            let outcome = apply_command(
                conversation,
                Command::new(reply, Actor::Contact(contact)),
                &env,
            )?;
            intake::after_change_in(p, view, &before, outcome, now, self.context(&sender))
        })?;
        let message_id = self.remember(tx, &change, own_id)?;
        Ok(Ingested::Appended {
            conversation: Box::new(change.conversation),
            message_id,
        })
    }

    fn create(
        &self,
        tx: &InboundTx<'_>,
        sender: &str,
        linked: Option<ConversationId>,
        own_id: Option<&str>,
    ) -> StoreResult<Ingested> {
        let contact = self.contact(tx, sender)?;
        let p = self.prepared;
        let now = self.now;
        let site = tx.site();
        let change = tx.create_conversation(|ids, view| {
            let env = Env {
                now,
                fields: &p.fields,
                known: &p.known,
            };
            let create = Command_::Create(Box::new(Create {
                subject: clip(self.incoming.message.subject.trim()),
                channel: self.via.channel,
                contact_id: Some(contact),
                received_from: self.via.address.clone(),
                agent_assignee_id: None,
                department_assignee_id: None,
                priority: None,
                status: None,
                custom_fields: Vec::new(),
                tag_ids: Vec::new(),
                message: self.new_message(ids.message),
            }));
            let conversation = Conversation {
                id: ids.conversation,
                ..Default::default()
            };
            let mut created = apply_command(
                conversation,
                Command::new(create, Actor::Contact(contact)),
                &env,
            )?;
            if let Some(old) = linked {
                created.history.push(HistoryEntry::new(
                    &Origin::of(Actor::Contact(contact)),
                    now,
                    "linkedConversationId",
                    None,
                    Some(FieldValue::Text(old.to_string())),
                ));
            }
            let to_bot = self.via.bot.is_some_and(|share| {
                bot_draw(
                    &site,
                    ids.conversation,
                    share.percentage,
                    share.offline_percentage,
                    p.any_agent_online(),
                )
            });
            if to_bot {
                // Kept in the history: the allocation queue leaves the bot's conversations alone.
                created.history.push(HistoryEntry::new(
                    &Origin::of(Actor::System),
                    now,
                    BOT_FIELD,
                    None,
                    Some(FieldValue::Text("true".into())),
                ));
            }
            let via = Via {
                account: self.via.assignment,
                to_bot,
                context: self.context(sender),
            };
            intake::admit_via(p, view, created, false, now, via)
        })?;
        let message_id = self.remember(tx, &change, own_id)?;
        Ok(Ingested::Created {
            conversation: Box::new(change.conversation),
            message_id,
            linked_conversation_id: linked,
        })
    }

    /// Records the inbound message's Message-ID and envelope on the message just stored.
    fn remember(
        &self,
        tx: &InboundTx<'_>,
        change: &ConversationChange,
        own_id: Option<&str>,
    ) -> StoreResult<MessageId> {
        let message = change
            .messages
            .iter()
            .find(|m| m.sender_type == anytime_core::model::SenderType::Contact)
            .or(change.messages.first())
            .map(|m| m.id)
            .ok_or_else(|| StoreError::Unavailable("the change stored no message".into()))?;
        tx.remember_message(message, own_id, &self.envelope())?;
        tx.attach(
            change.conversation.id,
            message,
            &self.details(),
            &self.incoming.files,
        )?;
        Ok(message)
    }
}

/// The phrase of `Name <address>` (quotes removed), else empty.
pub fn display_name(from: &str) -> String {
    match from.rsplit_once('<') {
        Some((name, _)) => name.trim().trim_matches('"').trim().to_string(),
        None => String::new(),
    }
}

/// Plain text as HTML (escaped, line breaks kept), for a message without an HTML part.
fn text_html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<p>{}</p>",
        escaped.replace("\r\n", "\n").replace('\n', "<br>")
    )
}

fn clip(subject: &str) -> String {
    subject.chars().take(MAX_SUBJECT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_come_from_the_phrase() {
        assert_eq!(display_name("\"Eve Example\" <eve@x.test>"), "Eve Example");
        assert_eq!(display_name("Bob <bob@x.test>"), "Bob");
        assert_eq!(display_name("bob@x.test"), "");
        assert_eq!(display_name("<bob@x.test>"), "");
    }

    #[test]
    fn text_becomes_escaped_html() {
        assert_eq!(text_html("a<b>\r\nc & d"), "<p>a&lt;b&gt;<br>c &amp; d</p>");
    }

    #[test]
    fn subjects_are_clipped_by_characters() {
        let long: String = "é".repeat(MAX_SUBJECT + 5);
        assert_eq!(clip(&long).chars().count(), MAX_SUBJECT);
    }
}
