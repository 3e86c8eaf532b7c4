//! The conversation state machine (SPEC §5.7): commands in, the new snapshot plus events,
//! history and messages out.
//!
//! * Status rules: an agent's public reply without a status → `pendingExternal`; a note
//!   changes no status; a contact reply moves `pendingExternal`/`onHold`/`closed` to
//!   `pendingInternal` (a `new` conversation stays `new`); a new conversation starts `new`,
//!   or `pendingExternal` when its first message is an agent's email/reply. Closing requires
//!   every required custom field to be filled.
//! * Snapshot upkeep: `lastActivityTime` on every message and change, `lastReplied…` on
//!   public agent/contact messages, `isRead` cleared by contact messages and mentions,
//!   `lastMessage` the last message's text (≤ 200 characters).
//! * Ids (conversation, messages, notes) and `now` come in; nothing is generated here.
//!
//! ```
//! use anytime_core::conversation::{apply_command, Command, Env};
//! use anytime_core::field_validation::Known;
//! use anytime_core::model::{Conversation, ConversationId, FieldSet, Status};
//!
//! let command: Command = serde_json::from_value(serde_json::json!({
//!     "type": "create", "channel": "email", "subject": "Printer on fire",
//!     "actor": {"type": "contact", "id": "5f0c6f5e-0000-4000-8000-000000000001"},
//!     "message": {"id": 1, "type": "email", "plainBody": "Help"}
//! })).unwrap();
//! let (fields, known) = (FieldSet::default(), Known::unchecked());
//! let env = Env { now: "2024-05-01T10:00:00Z".parse().unwrap(), fields: &fields, known: &known };
//! let conversation = Conversation { id: ConversationId(7), ..Default::default() };
//! let outcome = apply_command(conversation, command, &env).unwrap();
//! assert_eq!(outcome.conversation.status, Status::New);
//! assert_eq!(outcome.events[0].trigger_event(), Some("conversationCreated"));
//! ```

mod actor;
mod apply;
mod command;
mod effects;
mod event;
mod history;
mod html;
mod merge;
mod message;
mod outcome;

pub use actor::{Actor, Origin};
pub use apply::apply_command;
pub use command::{Action, Command, Create, Merge, Reopen, Reply, Update};
pub use event::Event;
pub use history::HistoryEntry;
pub use html::{mentioned_agents, to_plain_text};
pub use merge::{plan_merge, MergePlan};
pub use message::{Message, NewMessage, LAST_MESSAGE_LENGTH};
pub use outcome::{MergeResult, Outcome};

use crate::field_validation::{FieldChange, HasId, Known};
use crate::model::{AgentId, Conversation, DepartmentId, FieldDef, FieldSet};
use crate::CoreResult;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// What a command is applied with: the instant, the site's field definitions (for custom
/// values and required fields) and the agents/departments that exist.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    pub now: DateTime<Utc>,
    pub fields: &'a FieldSet,
    pub known: &'a Known,
}

/// Applies already validated field changes (a trigger's `autoUpdate` after
/// [`crate::field_validation::validate_values`]) as `origin`, with the same history, events
/// and status rules as an update.
pub fn apply_changes(
    conversation: Conversation,
    changes: Vec<FieldChange>,
    origin: Origin,
    env: &Env,
) -> CoreResult<Outcome> {
    let mut rec = outcome::Recorder::new(origin, env.now);
    let mut conv = conversation;
    effects::change_fields(&mut conv, changes, &mut rec, env)?;
    Ok(rec.finish(conv))
}

/// `applyCommand.context`: `now` (required), `fields`, and optionally `agents` and
/// `departments` (objects with an `id`); when a list is absent its ids are not checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandContext {
    pub now: DateTime<Utc>,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub agents: Option<Vec<HasId<AgentId>>>,
    #[serde(default)]
    pub departments: Option<Vec<HasId<DepartmentId>>>,
}

/// The arguments of `applyCommand` (SPEC §6).
#[derive(Debug, Clone, Deserialize)]
pub struct ApplyCommandInput {
    pub conversation: Conversation,
    pub command: Command,
    pub context: CommandContext,
}

/// `applyCommand`: the outcome as JSON-ready data.
pub fn apply_command_input(input: ApplyCommandInput) -> CoreResult<Outcome> {
    let context = input.context;
    let fields = FieldSet::new(context.fields);
    let mut known = Known::unchecked();
    if let Some(agents) = context.agents {
        known.agents = crate::field_validation::Roster::listed(agents.into_iter().map(|a| a.id));
    }
    if let Some(departments) = context.departments {
        known.departments =
            crate::field_validation::Roster::listed(departments.into_iter().map(|d| d.id));
    }
    let env = Env {
        now: context.now,
        fields: &fields,
        known: &known,
    };
    apply_command(input.conversation, input.command, &env)
}

#[cfg(test)]
mod tests;
