//! What applying a command hands back: the new snapshot and what the adapter must persist
//! (history, messages) or react to (events).

use super::actor::Origin;
use super::event::Event;
use super::history::HistoryEntry;
use super::message::Message;
use crate::model::{Conversation, FieldValue, MessageId};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub conversation: Conversation,
    /// In the order they happened; triggers run on them in this order.
    pub events: Vec<Event>,
    pub history: Vec<HistoryEntry>,
    /// Messages this command added (the first message, a reply, a merge's system note), as
    /// stored: plain text derived, mentions read.
    pub messages: Vec<Message>,
    /// Only for `merge`: the source's outcome and the target's message order.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub merge: Option<MergeResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergeResult {
    pub source: Box<Outcome>,
    /// Every message of the merged target (its own, the source's, the new note) by time,
    /// ties by id.
    pub message_order: Vec<MessageId>,
}

/// Collects events, history and messages while a command runs.
pub(crate) struct Recorder {
    pub origin: Origin,
    pub now: DateTime<Utc>,
    pub events: Vec<Event>,
    pub history: Vec<HistoryEntry>,
    pub messages: Vec<Message>,
}

impl Recorder {
    pub fn new(origin: Origin, now: DateTime<Utc>) -> Self {
        Self {
            origin,
            now,
            events: Vec::new(),
            history: Vec::new(),
            messages: Vec::new(),
        }
    }

    pub fn event(&mut self, event: Event) {
        self.events.push(event);
    }

    pub fn history(
        &mut self,
        field: impl Into<String>,
        old_value: Option<FieldValue>,
        new_value: Option<FieldValue>,
    ) {
        self.history.push(HistoryEntry::new(
            &self.origin,
            self.now,
            field,
            old_value,
            new_value,
        ));
    }

    pub fn finish(self, conversation: Conversation) -> Outcome {
        Outcome {
            conversation,
            events: self.events,
            history: self.history,
            messages: self.messages,
            merge: None,
        }
    }
}
