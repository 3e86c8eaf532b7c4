//! The conversation snapshot the rules look at (SPEC §4.1). Missing keys take defaults and
//! unknown keys are ignored, so the API's conversation object can be passed as it is.

use super::{
    AgentId, Channel, ContactId, ConversationId, DepartmentId, FieldId, FieldValue, Priority,
    RuleId, SenderType, Status, TagId,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One custom field value on a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldValue {
    pub id: FieldId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub value: FieldValue,
}

/// An agent mentioned in a note, unread until that agent reads the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mention {
    pub agent_id: AgentId,
    pub is_read: bool,
    pub message_id: super::MessageId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Conversation {
    pub id: ConversationId,
    pub subject: String,
    pub agent_assignee_id: Option<AgentId>,
    pub department_assignee_id: Option<DepartmentId>,
    pub contact_id: Option<ContactId>,
    pub received_from: Option<String>,
    pub channel: Channel,
    pub priority: Priority,
    pub status: Status,
    pub is_read: bool,
    pub custom_fields: Vec<CustomFieldValue>,
    pub tag_ids: Vec<TagId>,
    pub created_time: Option<DateTime<Utc>>,
    pub last_activity_time: Option<DateTime<Utc>>,
    pub last_status_change_time: Option<DateTime<Utc>>,
    pub last_replied_time: Option<DateTime<Utc>>,
    pub is_deleted: bool,
    pub sla_policy_id: Option<RuleId>,
    pub first_respond_breach_at: Option<DateTime<Utc>>,
    pub next_respond_breach_at: Option<DateTime<Utc>>,
    pub resolve_breach_at: Option<DateTime<Utc>>,
    pub merged_into_id: Option<ConversationId>,
    // Snapshot fields kept by the conversation state machine (SPEC §4.1, §5.7).
    /// Who created the conversation: an agent or contact id (none for system).
    pub created_by_id: Option<Uuid>,
    pub created_by_type: Option<SenderType>,
    pub last_replied_by_id: Option<Uuid>,
    pub last_replied_by_type: Option<SenderType>,
    pub is_read_by_contact: bool,
    pub mentioned_agents: Vec<Mention>,
    /// The last message's plain text, white space collapsed, at most 200 characters.
    pub last_message: Option<String>,
}

impl Conversation {
    /// The value of a custom field, if set.
    pub fn custom_field(&self, id: &FieldId) -> Option<&FieldValue> {
        self.custom_fields
            .iter()
            .find(|c| c.id.0.eq_ignore_ascii_case(&id.0))
            .map(|c| &c.value)
    }

    /// Sets (or with `None` clears) a custom field value.
    pub fn set_custom_field(&mut self, id: &FieldId, value: Option<FieldValue>) {
        self.custom_fields
            .retain(|c| !c.id.0.eq_ignore_ascii_case(&id.0));
        if let Some(value) = value {
            self.custom_fields.push(CustomFieldValue {
                id: id.clone(),
                name: None,
                value,
            });
        }
    }
}
