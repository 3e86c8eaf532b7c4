//! What happened, for the modules that react: triggers (the five SPEC §4.6 events), SLA (the
//! timeline of §6), allocation (load changes) and reports (created/closed/reopened,
//! incoming/outgoing).

use crate::model::{
    AgentId, Channel, ConversationId, DepartmentId, FieldId, FieldValue, MessageId, MessageType,
    SenderType, Status, TimelineItem,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// Trigger event `conversationCreated`.
    ConversationCreated {
        time: DateTime<Utc>,
        status: Status,
        channel: Channel,
    },
    /// Every message added (first message, replies, notes, system notes).
    MessageAdded {
        time: DateTime<Utc>,
        message_id: MessageId,
        message_type: MessageType,
        sender_type: SenderType,
    },
    /// Trigger event `conversationReplyIsReceived`: a contact's message on an existing
    /// conversation.
    ConversationReplyIsReceived {
        time: DateTime<Utc>,
        message_id: MessageId,
    },
    /// Trigger event `agentReplied`: an agent's public message on an existing conversation.
    AgentReplied {
        time: DateTime<Utc>,
        message_id: MessageId,
        agent_id: AgentId,
    },
    /// An agent was @mentioned in a note (for notifications).
    AgentMentioned {
        time: DateTime<Utc>,
        message_id: MessageId,
        agent_id: AgentId,
    },
    /// Trigger event `assigneeIsChanged` (agent and/or department).
    AssigneeIsChanged {
        time: DateTime<Utc>,
        old_agent_id: Option<AgentId>,
        new_agent_id: Option<AgentId>,
        old_department_id: Option<DepartmentId>,
        new_department_id: Option<DepartmentId>,
    },
    /// Trigger event `statusIsChanged`.
    StatusIsChanged {
        time: DateTime<Utc>,
        old: Status,
        new: Status,
    },
    /// Any other field changed (system or custom), for SLA policy choice and conditions.
    FieldChanged {
        time: DateTime<Utc>,
        field_id: FieldId,
        old_value: Option<FieldValue>,
        new_value: Option<FieldValue>,
    },
    ConversationClosed {
        time: DateTime<Utc>,
    },
    ConversationReopened {
        time: DateTime<Utc>,
        status: Status,
    },
    ConversationDeleted {
        time: DateTime<Utc>,
    },
    ConversationRestored {
        time: DateTime<Utc>,
    },
    /// On both sides of a merge.
    ConversationMerged {
        time: DateTime<Utc>,
        source_id: ConversationId,
        target_id: ConversationId,
    },
}

impl Event {
    /// The trigger event (SPEC §4.6) this is, if any.
    pub fn trigger_event(&self) -> Option<&'static str> {
        match self {
            Event::ConversationCreated { .. } => Some("conversationCreated"),
            Event::ConversationReplyIsReceived { .. } => Some("conversationReplyIsReceived"),
            Event::AgentReplied { .. } => Some("agentReplied"),
            Event::AssigneeIsChanged { .. } => Some("assigneeIsChanged"),
            Event::StatusIsChanged { .. } => Some("statusIsChanged"),
            _ => None,
        }
    }

    /// The SLA timeline item (SPEC §6) this event contributes. Creation counts as entering
    /// the initial status, so an outbound conversation starts with its clock paused.
    pub fn timeline_item(&self) -> Option<TimelineItem> {
        match self {
            Event::ConversationCreated { time, status, .. } => Some(TimelineItem::StatusChanged {
                time: *time,
                status: *status,
            }),
            Event::MessageAdded {
                time,
                message_type,
                sender_type,
                ..
            } => Some(TimelineItem::Message {
                time: *time,
                message_type: *message_type,
                sender_type: *sender_type,
            }),
            Event::StatusIsChanged { time, new, .. } => Some(TimelineItem::StatusChanged {
                time: *time,
                status: *new,
            }),
            Event::FieldChanged {
                time,
                field_id,
                new_value,
                ..
            } => Some(TimelineItem::FieldChanged {
                time: *time,
                field_id: field_id.clone(),
                value: new_value.clone(),
            }),
            _ => None,
        }
    }
}
