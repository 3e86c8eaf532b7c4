//! OpenAPI schemas of the conversation and message views (SPEC §4.1). The handlers build
//! these views as JSON from the core's snapshot plus per-caller keys and includes; these
//! types only describe them, and `tests/openapi_schemas.rs` validates real responses against
//! the published document so the description cannot drift from what is served.
#![allow(dead_code)]

use crate::attachments::AttachmentView;
use chrono::{DateTime, Utc};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub enum ConversationStatus {
    New,
    PendingInternal,
    PendingExternal,
    OnHold,
    Closed,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub enum ConversationPriority {
    Urgent,
    High,
    Normal,
    Low,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub enum ConversationChannel {
    Email,
    Portal,
    Api,
    Facebook,
    Twitter,
    Wechat,
    Whatsapp,
}

/// Who did something: an agent, a contact, or the system (rules, triggers).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub enum ActorKind {
    Agent,
    Contact,
    System,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub enum MessageKind {
    Note,
    Email,
    Reply,
}

/// A custom field value: a string, or for checkbox lists a list of strings.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct CustomFieldValueView {
    pub id: String,
    pub name: Option<String>,
    /// A string, or a list of strings.
    pub value: Value,
}

#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct MentionView {
    pub agent_id: Uuid,
    pub is_read: bool,
    pub message_id: i64,
}

/// A custom field value in a request: `{id, value}`, validated against the site's fields.
#[derive(ToSchema)]
pub struct FieldValueInput {
    pub id: String,
    /// A string (numbers and booleans are read as text), or a list of strings.
    pub value: Value,
}

/// A conversation (SPEC §4.1). Includes (`agentAssignee`, `departmentAssignee`, `contact`,
/// `createdBy`, `lastRepliedBy`, `messages`) appear only when asked for.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct ConversationView {
    pub id: i64,
    pub subject: String,
    pub agent_assignee_id: Option<Uuid>,
    pub department_assignee_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub received_from: Option<String>,
    pub channel: ConversationChannel,
    pub priority: ConversationPriority,
    pub status: ConversationStatus,
    pub is_read: bool,
    pub is_read_by_contact: bool,
    pub custom_fields: Vec<CustomFieldValueView>,
    pub tag_ids: Vec<Uuid>,
    pub created_time: Option<DateTime<Utc>>,
    pub last_activity_time: Option<DateTime<Utc>>,
    pub last_status_change_time: Option<DateTime<Utc>>,
    pub last_replied_time: Option<DateTime<Utc>>,
    pub created_by_id: Option<Uuid>,
    pub created_by_type: Option<ActorKind>,
    pub last_replied_by_id: Option<Uuid>,
    pub last_replied_by_type: Option<ActorKind>,
    pub is_deleted: bool,
    pub sla_policy_id: Option<Uuid>,
    pub first_respond_breach_at: Option<DateTime<Utc>>,
    pub next_respond_breach_at: Option<DateTime<Utc>>,
    pub resolve_breach_at: Option<DateTime<Utc>>,
    pub merged_into_id: Option<i64>,
    pub mentioned_agents: Vec<MentionView>,
    pub last_message: Option<String>,
    /// Whether the caller has a draft of it.
    pub has_draft: bool,
    pub is_editable: bool,
    pub agent_assignee: Option<Value>,
    pub department_assignee: Option<Value>,
    pub contact: Option<Value>,
    pub created_by: Option<Value>,
    pub last_replied_by: Option<Value>,
    pub messages: Option<Vec<MessageView>>,
}

/// A message (SPEC §4.1); `sender` only with `include=sender`.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct MessageView {
    pub id: i64,
    pub conversation_id: i64,
    #[schema(rename = "type")]
    pub message_type: MessageKind,
    pub sender_type: ActorKind,
    pub sender_id: Option<Uuid>,
    pub time: DateTime<Utc>,
    pub html_body: String,
    pub plain_body: String,
    pub mentioned_agent_ids: Vec<Uuid>,
    /// `agentConsole|helpDesk|webForm|API|chat|offlineMessage|email|portal|trigger`.
    pub source: Option<String>,
    pub subject: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cc: Option<String>,
    pub quote: Option<String>,
    pub attachments: Vec<AttachmentView>,
    pub sender: Option<Value>,
}

/// One recorded change (SPEC §5.7).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct HistoryEntryView {
    pub time: DateTime<Utc>,
    pub actor_type: ActorKind,
    pub actor_id: Option<Uuid>,
    pub field: String,
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
    pub rule_id: Option<Uuid>,
    pub trigger_id: Option<Uuid>,
}
