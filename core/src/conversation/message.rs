//! Messages as the state machine sees them. The server stores the rest (source, addresses,
//! attachments, delivery state); ids and times come in with the command.

use super::actor::Actor;
use super::html;
use crate::model::{AgentId, ConversationId, MessageId, MessageType, SenderType};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `lastMessage` is at most this many characters (SPEC §5.7).
pub const LAST_MESSAGE_LENGTH: usize = 200;

/// A message in a conversation (SPEC §4.1, the fields the core needs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: MessageId,
    #[serde(default)]
    pub conversation_id: ConversationId,
    #[serde(rename = "type")]
    pub message_type: MessageType,
    pub sender_type: SenderType,
    #[serde(default)]
    pub sender_id: Option<Uuid>,
    pub time: DateTime<Utc>,
    #[serde(default)]
    pub html_body: String,
    #[serde(default)]
    pub plain_body: String,
    #[serde(default)]
    pub mentioned_agent_ids: Vec<AgentId>,
}

impl Message {
    /// Public messages (email/reply) from an agent or contact set `lastReplied…`; system
    /// messages (trigger emails, merge notes) do not count as replies.
    pub fn is_reply(&self) -> bool {
        self.message_type.is_public() && self.sender_type != SenderType::System
    }
}

/// A new message as a command carries it; the sender is the command's actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    pub id: MessageId,
    /// Required except in `note` commands, where it defaults to `note`.
    #[serde(rename = "type", default)]
    pub message_type: Option<MessageType>,
    #[serde(default)]
    pub html_body: Option<String>,
    /// Derived from `htmlBody` (tags stripped) when absent.
    #[serde(default)]
    pub plain_body: Option<String>,
    /// Defaults to the context's `now`.
    #[serde(default)]
    pub time: Option<DateTime<Utc>>,
}

impl NewMessage {
    /// The stored message: plain text derived when absent, mentions read from notes.
    pub fn build(
        self,
        message_type: MessageType,
        conversation_id: ConversationId,
        sender: Actor,
        now: DateTime<Utc>,
    ) -> Message {
        let html_body = self.html_body.unwrap_or_default();
        let plain_body = self
            .plain_body
            .unwrap_or_else(|| html::to_plain_text(&html_body));
        let mentioned_agent_ids = if message_type == MessageType::Note {
            html::mentioned_agents(&html_body)
        } else {
            Vec::new()
        };
        Message {
            id: self.id,
            conversation_id,
            message_type,
            sender_type: sender.sender_type(),
            sender_id: sender.id(),
            time: self.time.unwrap_or(now),
            html_body,
            plain_body,
            mentioned_agent_ids,
        }
    }
}

/// The `lastMessage` preview of a message.
pub fn preview(message: &Message) -> String {
    html::preview(&message.plain_body, LAST_MESSAGE_LENGTH)
}
