//! Triggers as the API stores them (SPEC §4.6).

use crate::condition::Conditions;
use crate::model::{AgentId, FieldId, FieldValue, RuleId, Status};
use serde::{Deserialize, Deserializer, Serialize};

/// What a trigger listens to. Seed 002 numbers them 1–6; `slaBreached` is 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TriggerEvent {
    ConversationCreated,
    ConversationReplyIsReceived,
    AgentReplied,
    AssigneeIsChanged,
    StatusIsChanged,
    StaysAtStatusPeriod,
    SlaBreached,
}

impl TriggerEvent {
    pub const ALL: [TriggerEvent; 7] = [
        TriggerEvent::ConversationCreated,
        TriggerEvent::ConversationReplyIsReceived,
        TriggerEvent::AgentReplied,
        TriggerEvent::AssigneeIsChanged,
        TriggerEvent::StatusIsChanged,
        TriggerEvent::StaysAtStatusPeriod,
        TriggerEvent::SlaBreached,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TriggerEvent::ConversationCreated => "conversationCreated",
            TriggerEvent::ConversationReplyIsReceived => "conversationReplyIsReceived",
            TriggerEvent::AgentReplied => "agentReplied",
            TriggerEvent::AssigneeIsChanged => "assigneeIsChanged",
            TriggerEvent::StatusIsChanged => "statusIsChanged",
            TriggerEvent::StaysAtStatusPeriod => "staysAtStatusPeriod",
            TriggerEvent::SlaBreached => "slaBreached",
        }
    }

    /// The seed 002 number (1-based position).
    pub fn number(self) -> u8 {
        Self::ALL
            .iter()
            .position(|e| *e == self)
            .map_or(0, |i| i as u8 + 1)
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(name.trim()))
    }

    pub fn from_number(n: u64) -> Option<Self> {
        n.checked_sub(1)
            .and_then(|i| Self::ALL.get(usize::try_from(i).ok()?).copied())
    }
}

impl<'de> Deserialize<'de> for TriggerEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Name(String),
        }
        let parsed = match Raw::deserialize(d)? {
            Raw::Number(n) => Self::from_number(n),
            Raw::Name(name) => Self::parse(&name),
        };
        parsed.ok_or_else(|| {
            serde::de::Error::custom(
                "unknown trigger event (expected a name such as `conversationCreated` or a number 1-7)",
            )
        })
    }
}

/// One `autoUpdate` entry: a field set to a value (validated like any update, SPEC §5.8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoUpdate {
    pub field_id: FieldId,
    pub value: FieldValue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    pub id: RuleId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "yes")]
    pub enable: bool,
    pub event: TriggerEvent,
    #[serde(default)]
    pub conditions: Conditions,
    /// For `staysAtStatusPeriod`: the status to stay in, and for how long.
    #[serde(default)]
    pub stay_status: Option<Status>,
    #[serde(default)]
    pub stay_minutes: Option<u32>,
    #[serde(default)]
    pub set_value: bool,
    #[serde(default)]
    pub auto_update: Vec<AutoUpdate>,
    #[serde(default)]
    pub send_email: bool,
    #[serde(default)]
    pub send_to_contacts: bool,
    #[serde(default)]
    pub send_to_agents: bool,
    #[serde(default)]
    pub to_agents: Vec<AgentId>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub html_text: String,
    #[serde(default)]
    pub plain_text: String,
    #[serde(default)]
    pub show_in_conversation_correspondences: bool,
    #[serde(default)]
    pub order_index: i64,
}

fn yes() -> bool {
    true
}
