//! Running the triggers of one event (SPEC §5.4): ordered evaluation against the conversation
//! as it stands, `autoUpdate` through the state machine, emails as effects, and cascades of
//! the events those updates raise — each trigger at most once per originating action, at
//! most [`MAX_ROUNDS`] rounds.

use super::compile::CompiledTrigger;
use super::effect::{Effect, Recipient, Suppression};
use super::model::TriggerEvent;
use super::placeholder::Placeholder;
use crate::conversation::{apply_changes, Actor, Env, Event, HistoryEntry, Origin};
use crate::model::{Agent, Context, Conversation, RuleId, Status};
use crate::{CoreError, CoreResult};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A cascade stops after this many rounds of events (SPEC §5.4).
pub const MAX_ROUNDS: u32 = 10;

/// The site facts emails need.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SiteInfo {
    pub name: String,
    /// The agent console's base URL; `{{conversation.link}}` is `<url>/conversations/<id>`.
    pub url: String,
    /// The site's own addresses (accounts and hosted address), for the own-address guard.
    pub addresses: Vec<String>,
}

/// The enabled triggers of a site, ordered by `orderIndex` then id.
#[derive(Debug, Clone, Default)]
pub struct TriggerSet {
    triggers: Vec<CompiledTrigger>,
}

impl TriggerSet {
    pub fn new(mut triggers: Vec<CompiledTrigger>) -> Self {
        triggers.retain(|t| t.trigger.enable);
        triggers.sort_by_key(|t| (t.trigger.order_index, t.trigger.id));
        Self { triggers }
    }

    fn of(&self, event: TriggerEvent) -> impl Iterator<Item = &CompiledTrigger> {
        self.triggers
            .iter()
            .filter(move |t| t.trigger.event == event)
    }
}

/// One event to run triggers for.
#[derive(Debug, Clone, Copy)]
pub struct Occurrence {
    pub event: TriggerEvent,
    /// For `staysAtStatusPeriod`: the trigger whose timer fired (others of that event are
    /// not due). `None` runs every matching stay trigger.
    pub trigger_id: Option<RuleId>,
}

/// The result: the conversation after every trigger's changes, what the adapter must do and
/// persist, and the ids of the triggers that fired, in firing order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerRun {
    pub conversation: Conversation,
    pub effects: Vec<Effect>,
    pub fired: Vec<RuleId>,
    /// Events raised by triggers' changes (for SLA, allocation and reports).
    pub events: Vec<Event>,
    pub history: Vec<HistoryEntry>,
    /// True when the cascade hit the round cap with events left unprocessed.
    pub cascade_stopped: bool,
}

pub struct RunEnv<'a> {
    pub env: &'a Env<'a>,
    pub context: &'a Context,
    pub agents: &'a [Agent],
    pub site: &'a SiteInfo,
}

pub fn run_triggers(
    set: &TriggerSet,
    occurrence: Occurrence,
    conversation: Conversation,
    run: &RunEnv,
) -> CoreResult<TriggerRun> {
    let status_before = conversation.status;
    let mut out = TriggerRun {
        conversation,
        effects: Vec::new(),
        fired: Vec::new(),
        events: Vec::new(),
        history: Vec::new(),
        cascade_stopped: false,
    };
    let mut fired: BTreeSet<RuleId> = BTreeSet::new();
    let mut queue = vec![occurrence];
    let mut round = 0;
    while !queue.is_empty() {
        if round == MAX_ROUNDS {
            out.cascade_stopped = true;
            break;
        }
        round += 1;
        let mut next = Vec::new();
        for occ in std::mem::take(&mut queue) {
            for trigger in set.of(occ.event) {
                if fired.contains(&trigger.id()) || !due(trigger, occ, &out.conversation) {
                    continue;
                }
                if !trigger.conditions.matches(&out.conversation, run.context) {
                    continue;
                }
                fired.insert(trigger.id());
                out.fired.push(trigger.id());
                fire(trigger, run, &mut out, &mut next)?;
            }
        }
        queue = next;
    }

    let status_changed = out.conversation.status != status_before;
    if status_changed
        || matches!(
            occurrence.event,
            TriggerEvent::ConversationCreated | TriggerEvent::StatusIsChanged
        )
    {
        schedule_stays(set, out.conversation.status, run.env.now, &mut out.effects);
    }
    Ok(out)
}

/// Whether a trigger of the occurrence's event is due at all (before its conditions).
fn due(trigger: &CompiledTrigger, occ: Occurrence, conversation: &Conversation) -> bool {
    if occ.event != TriggerEvent::StaysAtStatusPeriod {
        return true;
    }
    occ.trigger_id.is_none_or(|id| id == trigger.id())
        && trigger.trigger.stay_status == Some(conversation.status)
}

fn fire(
    trigger: &CompiledTrigger,
    run: &RunEnv,
    out: &mut TriggerRun,
    next: &mut Vec<Occurrence>,
) -> CoreResult<()> {
    if trigger.trigger.set_value || !trigger.changes.is_empty() {
        let origin = Origin {
            actor: Actor::System,
            rule_id: None,
            trigger_id: Some(trigger.id()),
        };
        // The state machine may refuse (closing with required fields empty): the trigger's
        // update is then dropped and reported, and the run goes on.
        let outcome = match apply_changes(
            out.conversation.clone(),
            trigger.changes.clone(),
            origin,
            run.env,
        ) {
            Ok(outcome) => outcome,
            Err(error @ CoreError::Validation { .. }) => {
                out.effects.push(Effect::UpdateRejected {
                    trigger_id: trigger.id(),
                    details: error.details().to_vec(),
                });
                email_if_any(trigger, run, out);
                return Ok(());
            }
            Err(other) => return Err(other),
        };
        out.conversation = outcome.conversation;
        for event in &outcome.events {
            if let Some(event) = event.trigger_event().and_then(TriggerEvent::parse) {
                next.push(Occurrence {
                    event,
                    trigger_id: None,
                });
            }
        }
        out.events.extend(outcome.events);
        out.history.extend(outcome.history);
    }
    email_if_any(trigger, run, out);
    Ok(())
}

fn email_if_any(trigger: &CompiledTrigger, run: &RunEnv, out: &mut TriggerRun) {
    if trigger.trigger.send_email {
        email(trigger, run, out);
    }
}

fn email(trigger: &CompiledTrigger, run: &RunEnv, out: &mut TriggerRun) {
    let t = &trigger.trigger;
    let mut recipients = Vec::new();
    if t.send_to_contacts {
        match suppression(run) {
            Some(reason) => out.effects.push(Effect::EmailSuppressed {
                trigger_id: t.id,
                reason,
            }),
            None => recipients.push(Recipient::Contact {
                contact_id: out.conversation.contact_id,
                email: run.context.contact.as_ref().and_then(|c| c.email.clone()),
            }),
        }
    }
    if t.send_to_agents {
        for id in &t.to_agents {
            let email = run
                .agents
                .iter()
                .find(|a| a.id == *id)
                .and_then(|a| a.email.clone());
            recipients.push(Recipient::Agent {
                agent_id: *id,
                email,
            });
        }
    }
    if recipients.is_empty() {
        return;
    }
    let values = |p: Placeholder| placeholder_value(p, &out.conversation, run);
    out.effects.push(Effect::SendEmail {
        trigger_id: t.id,
        recipients,
        subject: trigger.subject.render(&values, false),
        html_text: trigger.html_text.render(&values, true),
        plain_text: trigger.plain_text.render(&values, false),
        show_in_conversation_correspondences: t.show_in_conversation_correspondences,
    });
}

/// Contacts are never emailed about auto-replies or about mail from the site itself.
fn suppression(run: &RunEnv) -> Option<Suppression> {
    let message = run.context.message.as_ref()?;
    if message.is_auto_reply {
        return Some(Suppression::AutoReply);
    }
    let from = message.from.as_deref()?.trim();
    run.site
        .addresses
        .iter()
        .any(|own| own.trim().eq_ignore_ascii_case(from))
        .then_some(Suppression::OwnAddress)
}

fn placeholder_value(p: Placeholder, conversation: &Conversation, run: &RunEnv) -> String {
    let contact = run.context.contact.as_ref();
    match p {
        Placeholder::ConversationId => conversation.id.to_string(),
        Placeholder::ConversationSubject => conversation.subject.clone(),
        Placeholder::ConversationStatus => conversation.status.to_string(),
        Placeholder::ConversationPriority => conversation.priority.to_string(),
        Placeholder::ConversationLink => format!(
            "{}/conversations/{}",
            run.site.url.trim_end_matches('/'),
            conversation.id
        ),
        Placeholder::ContactName => contact.and_then(|c| c.name.clone()).unwrap_or_default(),
        Placeholder::ContactEmail => contact.and_then(|c| c.email.clone()).unwrap_or_default(),
        Placeholder::AgentName => conversation
            .agent_assignee_id
            .and_then(|id| run.agents.iter().find(|a| a.id == id))
            .map(|a| a.name.clone())
            .unwrap_or_default(),
        Placeholder::MessagePlainBody => run
            .context
            .message
            .as_ref()
            .map(|m| m.plain_body.clone())
            .unwrap_or_default(),
        Placeholder::SiteName => run.site.name.clone(),
    }
}

/// One timer per stay trigger waiting for `status`.
fn schedule_stays(set: &TriggerSet, status: Status, now: DateTime<Utc>, effects: &mut Vec<Effect>) {
    for trigger in set.of(TriggerEvent::StaysAtStatusPeriod) {
        let t = &trigger.trigger;
        let (Some(stay), Some(minutes)) = (t.stay_status, t.stay_minutes) else {
            continue;
        };
        if stay == status {
            if let Some(fire_at) = now.checked_add_signed(Duration::minutes(i64::from(minutes))) {
                effects.push(Effect::ScheduleTimer {
                    trigger_id: t.id,
                    status,
                    fire_at,
                });
            }
        }
    }
}
