//! History entries (SPEC §4.1 `GET /conversations/{id}/history`, §5.7 "every change is kept").

use super::actor::Origin;
use crate::model::{FieldValue, RuleId, SenderType};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub time: DateTime<Utc>,
    pub actor_type: SenderType,
    pub actor_id: Option<Uuid>,
    /// A field id (`status`, `agentAssignee`, a custom field id …) or one of `conversation`,
    /// `contactId`, `isDeleted`, `mergedIntoId`, `mergedFromId`.
    pub field: String,
    pub old_value: Option<FieldValue>,
    pub new_value: Option<FieldValue>,
    pub rule_id: Option<RuleId>,
    pub trigger_id: Option<RuleId>,
}

impl HistoryEntry {
    pub fn new(
        origin: &Origin,
        time: DateTime<Utc>,
        field: impl Into<String>,
        old_value: Option<FieldValue>,
        new_value: Option<FieldValue>,
    ) -> Self {
        Self {
            time,
            actor_type: origin.actor.sender_type(),
            actor_id: origin.actor.id(),
            field: field.into(),
            old_value,
            new_value,
            rule_id: origin.rule_id,
            trigger_id: origin.trigger_id,
        }
    }
}

/// A history value from anything printable (ids, statuses, booleans).
pub fn text(value: impl ToString) -> Option<FieldValue> {
    Some(FieldValue::Text(value.to_string()))
}

pub fn opt_text<T: ToString>(value: Option<T>) -> Option<FieldValue> {
    value.map(|v| FieldValue::Text(v.to_string()))
}
