//! Commands, as the API and `applyCommand` give them: `{"type": "...", "actor": {...},
//! "ruleId"?, "triggerId"?, ...the command's own keys}`.

use super::actor::{Actor, Origin};
use super::message::{Message, NewMessage};
use crate::field_validation::ValueEntry;
use crate::model::{
    AgentId, Channel, ContactId, Conversation, DepartmentId, MessageId, Priority, RuleId, Status,
    TagId,
};
use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Command {
    #[serde(flatten)]
    pub action: Action,
    /// Who acts; the sender of the command's message. Default: system.
    #[serde(default)]
    pub actor: Actor,
    #[serde(default)]
    pub rule_id: Option<RuleId>,
    #[serde(default)]
    pub trigger_id: Option<RuleId>,
}

impl Command {
    pub fn new(action: Action, actor: Actor) -> Self {
        Self {
            action,
            actor,
            rule_id: None,
            trigger_id: None,
        }
    }

    pub fn origin(&self) -> Origin {
        Origin {
            actor: self.actor,
            rule_id: self.rule_id,
            trigger_id: self.trigger_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Action {
    /// A new conversation with its first message (`POST /conversations`).
    Create(Box<Create>),
    /// A message of any type (`POST /conversations/{id}/messages`).
    Reply(Reply),
    /// A note (`type` defaults to, and must be, `note`).
    Note(Reply),
    /// `PUT /conversations/{id}`: only the keys given change.
    Update(Box<Update>),
    /// Status `closed`; every required custom field must be filled.
    Close,
    /// Leaves `closed` for `status` (default `pendingInternal`).
    Reopen(Reopen),
    /// Agent/system: `isRead`, and the agent's mentions read; contact: `isReadByContact`.
    Read,
    Unread,
    /// Soft delete; everything is kept.
    Delete,
    Restore,
    /// Merge `source` into this conversation (the target).
    Merge(Box<Merge>),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Create {
    #[serde(default)]
    pub subject: String,
    pub channel: Channel,
    /// Defaults to the actor when a contact creates the conversation.
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    #[serde(default)]
    pub received_from: Option<String>,
    #[serde(default)]
    pub agent_assignee_id: Option<AgentId>,
    #[serde(default)]
    pub department_assignee_id: Option<DepartmentId>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Absent: `new`, or `pendingExternal` when the first message is an agent's email/reply.
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub custom_fields: Vec<ValueEntry>,
    #[serde(default)]
    pub tag_ids: Vec<TagId>,
    pub message: NewMessage,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    pub message: NewMessage,
    /// An explicit status overrides the automatic one (SPEC §5.7).
    #[serde(default)]
    pub status: Option<Status>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Update {
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    /// `null` unassigns; absent leaves it.
    #[serde(default, deserialize_with = "present")]
    pub agent_assignee_id: Option<Option<AgentId>>,
    #[serde(default, deserialize_with = "present")]
    pub department_assignee_id: Option<Option<DepartmentId>>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub is_read: Option<bool>,
    #[serde(default)]
    pub tag_ids: Option<Vec<TagId>>,
    /// Values as in `validateFields`; empty or `null` clears.
    #[serde(default)]
    pub custom_fields: Vec<ValueEntry>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Reopen {
    #[serde(default)]
    pub status: Option<Status>,
}

/// Merge input: the source conversation and both sides' messages (for ordering), and ids
/// for the two system notes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Merge {
    pub source: Conversation,
    #[serde(default)]
    pub target_messages: Vec<Message>,
    #[serde(default)]
    pub source_messages: Vec<Message>,
    pub target_note_id: MessageId,
    pub source_note_id: MessageId,
}

/// Tells a present `null` (`Some(None)`) from an absent key (`None`, via `default`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
