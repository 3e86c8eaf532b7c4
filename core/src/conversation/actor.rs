//! Who does something to a conversation, and on whose behalf (a routing rule or trigger).

use crate::model::{AgentId, ContactId, RuleId, SenderType};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The author of a command (and of its message): `{"type":"agent","id":…}`,
/// `{"type":"contact","id":…}` or `{"type":"system"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "type", content = "id", rename_all = "camelCase")]
pub enum Actor {
    Agent(AgentId),
    Contact(ContactId),
    #[default]
    System,
}

impl Actor {
    pub fn sender_type(self) -> SenderType {
        match self {
            Actor::Agent(_) => SenderType::Agent,
            Actor::Contact(_) => SenderType::Contact,
            Actor::System => SenderType::System,
        }
    }

    pub fn id(self) -> Option<Uuid> {
        match self {
            Actor::Agent(id) => Some(id.0),
            Actor::Contact(id) => Some(id.0),
            Actor::System => None,
        }
    }
}

/// The actor plus the rule or trigger that acted through it; recorded on every history entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    pub actor: Actor,
    pub rule_id: Option<RuleId>,
    pub trigger_id: Option<RuleId>,
}

impl Origin {
    pub fn of(actor: Actor) -> Self {
        Self {
            actor,
            rule_id: None,
            trigger_id: None,
        }
    }
}
