//! What the adapter is told to do with an inbound message.

use super::blocked::BlockedSender;
use crate::model::ConversationId;
use serde::{Deserialize, Serialize};

/// The decision of SPEC §5.9 plus the auto-reply flag of §5.4, which the adapter passes on to
/// triggers so no contact email answers an automatic message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    #[serde(flatten)]
    pub action: Action,
    pub is_auto_reply: bool,
}

/// One step of §5.9 decided the message; JSON `{"action": "<name>", …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Action {
    /// Already stored (redelivery): acknowledge and drop.
    Duplicate {
        #[serde(rename = "conversationId")]
        conversation_id: ConversationId,
    },
    /// From one of the site's own addresses: drop (loop guard).
    Loop,
    /// A `reject…` rule matched: drop and count.
    Reject { rule: BlockedSender },
    /// A `…asJunk` rule matched: store as a junk email.
    Junk { rule: BlockedSender },
    /// Append as a contact reply (§5.7), reopening the conversation when it is closed; then
    /// triggers of `conversationReplyIsReceived`.
    Append {
        #[serde(rename = "conversationId")]
        conversation_id: ConversationId,
        reopen: bool,
        #[serde(rename = "matchedBy")]
        matched_by: ThreadMatch,
    },
    /// Start a conversation for `sender` (contact found or created by it): bot draw,
    /// routing, allocation, SLA, triggers of `conversationCreated`.
    #[serde(rename_all = "camelCase")]
    NewConversation {
        sender: String,
        /// The conversation this reply was meant for, closed longer than `followUpDays`.
        linked_conversation_id: Option<ConversationId>,
        /// Whether the bot takes the conversation: only when the eval input configures a
        /// bot (see [`super::bot_draw`]).
        #[serde(skip_serializing_if = "Option::is_none", default)]
        bot: Option<bool>,
    },
}

/// How a reply found its conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ThreadMatch {
    InReplyTo,
    References,
    SubjectToken,
}
