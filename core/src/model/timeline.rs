//! What the SLA clock looks at (SPEC §6 `computeSla.timeline`): messages by type and sender,
//! status changes and field changes, in time order. The conversation state machine derives
//! these from its events ([`crate::conversation::Event::timeline_item`]).

use super::{FieldId, FieldValue, MessageType, SenderType, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum TimelineItem {
    Message {
        time: DateTime<Utc>,
        message_type: MessageType,
        sender_type: SenderType,
    },
    StatusChanged {
        time: DateTime<Utc>,
        status: Status,
    },
    FieldChanged {
        time: DateTime<Utc>,
        field_id: FieldId,
        /// `null` when the field was cleared.
        #[serde(default)]
        value: Option<FieldValue>,
    },
}

impl TimelineItem {
    pub fn time(&self) -> DateTime<Utc> {
        match self {
            TimelineItem::Message { time, .. }
            | TimelineItem::StatusChanged { time, .. }
            | TimelineItem::FieldChanged { time, .. } => *time,
        }
    }
}
