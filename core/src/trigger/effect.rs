//! What a trigger run asks the adapter to do: send emails, schedule stay timers.

use crate::model::{AgentId, ContactId, RuleId, Status};
use crate::ErrorDetail;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Recipient {
    /// Addressed by id; `email` when the caller passed `context.contact`.
    Contact {
        contact_id: Option<ContactId>,
        email: Option<String>,
    },
    Agent {
        agent_id: AgentId,
        email: Option<String>,
    },
}

/// Why the contact was left out of a trigger email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Suppression {
    /// The triggering message was an auto-reply (mail-loop guard).
    AutoReply,
    /// The triggering message came from one of the site's own addresses.
    OwnAddress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Effect {
    /// Queue one email per recipient (the adapter applies the mail-loop caps).
    SendEmail {
        trigger_id: RuleId,
        recipients: Vec<Recipient>,
        subject: String,
        html_text: String,
        plain_text: String,
        show_in_conversation_correspondences: bool,
    },
    /// The contact was not emailed, and why (recorded in the history).
    EmailSuppressed {
        trigger_id: RuleId,
        reason: Suppression,
    },
    /// The state machine refused the trigger's `autoUpdate` (e.g. closing with required
    /// fields empty); nothing of it was applied.
    UpdateRejected {
        trigger_id: RuleId,
        details: Vec<ErrorDetail>,
    },
    /// Fire `staysAtStatusPeriod` for this trigger at `fire_at` if the conversation is still
    /// in `status`. The adapter replaces the conversation's pending stay timers with these
    /// whenever a run returns any, or when its status changes.
    ScheduleTimer {
        trigger_id: RuleId,
        status: Status,
        fire_at: DateTime<Utc>,
    },
}
