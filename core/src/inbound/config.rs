//! What `processInbound` is told about the site: its own addresses, blocked senders, the
//! follow-up window, and the adapter's lookups for this message. Compiled once into
//! [`InboundRules`], which decides.

use super::address::normalize_address;
use super::blocked::{BlockIndex, BlockedSender};
use super::message::normalize_message_id;
use crate::model::{ConversationId, Status};
use crate::CoreError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// SPEC §5.9's default: a reply more than 30 days after closing starts a new conversation.
pub const DEFAULT_FOLLOW_UP_DAYS: u32 = 30;

fn default_follow_up_days() -> u32 {
    DEFAULT_FOLLOW_UP_DAYS
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundConfig {
    /// The site's own addresses: every email account's address and the hosted inbound address
    /// (the loop guard drops mail from them).
    #[serde(default)]
    pub site_addresses: Vec<String>,
    #[serde(default)]
    pub blocked_senders: Vec<BlockedSender>,
    /// Days after closing during which a reply reopens the conversation; 0 = always reopen.
    #[serde(default = "default_follow_up_days")]
    pub follow_up_days: u32,
    /// The stored messages whose Message-ID is the inbound message's own id, its In-Reply-To
    /// or one of its References ([`super::InboundMessage::lookup_ids`]).
    #[serde(default)]
    pub known_messages: Vec<KnownMessage>,
    /// The conversations threading may choose: those of `knownMessages` and those named by
    /// the subject's `[#id]` tokens ([`super::subject_tokens`]). A known message whose
    /// conversation is not listed (deleted, say) is not threaded to.
    #[serde(default)]
    pub conversations: Vec<ThreadCandidate>,
    /// The receiving channel account's bot, if it has one. [`InboundRules::decide`] does not
    /// use it; `processInbound` draws with it ([`super::bot_draw`]) for a new conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chatbot: Option<BotShare>,
}

/// The bot's share of new conversations, in percent, with agents online and without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BotShare {
    pub percentage: u8,
    pub offline_percentage: u8,
}

impl Default for InboundConfig {
    fn default() -> Self {
        Self {
            site_addresses: Vec::new(),
            blocked_senders: Vec::new(),
            follow_up_days: DEFAULT_FOLLOW_UP_DAYS,
            known_messages: Vec::new(),
            conversations: Vec::new(),
            chatbot: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownMessage {
    pub message_id: String,
    pub conversation_id: ConversationId,
}

/// A conversation a reply may thread into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadCandidate {
    pub id: ConversationId,
    /// The conversation's contact (address, or the channel sender id).
    pub contact_email: String,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub closed_time: Option<DateTime<Utc>>,
}

/// [`InboundConfig`] indexed for [`InboundRules::decide`]: every comparison is a map lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundRules {
    pub(super) site_addresses: BTreeSet<String>,
    pub(super) blocks: BlockIndex,
    pub(super) follow_up_days: u32,
    pub(super) known_messages: BTreeMap<String, ConversationId>,
    pub(super) conversations: BTreeMap<ConversationId, ThreadCandidate>,
}

impl InboundConfig {
    /// Validates the blocked senders (each bad one named `blockedSenders[i].email`) and
    /// builds the indexes. The first entry wins where a message id or conversation id is
    /// listed twice.
    pub fn compile(&self) -> Result<InboundRules, CoreError> {
        let blocks = BlockIndex::build(&self.blocked_senders)?;
        let site_addresses = self
            .site_addresses
            .iter()
            .map(|a| normalize_address(a))
            .filter(|a| !a.is_empty())
            .collect();
        let mut known_messages = BTreeMap::new();
        for known in &self.known_messages {
            let id = normalize_message_id(&known.message_id);
            if !id.is_empty() {
                known_messages.entry(id).or_insert(known.conversation_id);
            }
        }
        let mut conversations = BTreeMap::new();
        for candidate in &self.conversations {
            conversations
                .entry(candidate.id)
                .or_insert_with(|| ThreadCandidate {
                    contact_email: normalize_address(&candidate.contact_email),
                    ..candidate.clone()
                });
        }
        Ok(InboundRules {
            site_addresses,
            blocks,
            follow_up_days: self.follow_up_days,
            known_messages,
            conversations,
        })
    }
}
