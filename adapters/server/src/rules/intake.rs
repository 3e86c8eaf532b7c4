//! The pipeline run inside a conversation's write transaction: on creation the core's
//! `intake::admit` (routing → allocation → triggers → SLA) with the agents' loads and the
//! allocator's state read in that same transaction; on every later change the SLA targets
//! recomputed from the stored timeline. Trigger emails go to the outbox, stay timers to the
//! timers table, both in the same commit.

use super::docs;
use super::site::{known, people_of, site_rules};
use crate::app::AppState;
use crate::http::ApiResult;
use anytime_core::allocation::AllocationState;
use anytime_core::conversation::{Action, Env, Event, Outcome};
use anytime_core::field_validation::Known;
use anytime_core::intake::{admit, Arrival, SiteRules};
use anytime_core::model::{Agent, Context, Department, FieldSet, SiteId, TimelineItem};
use anytime_core::routing::{AccountAssignment, People};
use anytime_core::trigger::{run_triggers, Effect, Occurrence, RunEnv, TriggerEvent};
use anytime_store::{
    ConversationChange, Extras, OutboxEmail, StayTimer, StoreError, StoreResult, TxView,
};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What the pipeline needs, loaded before the write transaction starts.
pub struct Prepared {
    pub rules: Arc<SiteRules>,
    pub fields: FieldSet,
    pub known: Known,
    pub(super) agents: Vec<Agent>,
    departments: Vec<Department>,
    caps: EmailCaps,
}

pub async fn prepare(app: &AppState, site: SiteId) -> ApiResult<Prepared> {
    let rules = site_rules(app, site).await?;
    // One read transaction for the four parts (each a reader-pool trip of its own before).
    let parts = app.store.sites().parts(site).await?;
    let fields = FieldSet::new(parts.fields.into_iter().map(|f| f.def));
    let (agents, departments) = people_of(parts.agents, parts.departments);
    let caps = EmailCaps::from_settings(&parts.site.settings);
    Ok(Prepared {
        rules,
        fields,
        known: known(&agents, &departments),
        agents,
        departments,
        caps,
    })
}

pub(super) fn context(now: DateTime<Utc>) -> Context {
    Context {
        now: Some(now),
        ..Context::default()
    }
}

pub(super) fn timeline(events: &[Event]) -> Vec<TimelineItem> {
    events.iter().filter_map(Event::timeline_item).collect()
}

/// The mail-loop caps of SPEC §5.4: trigger emails to one recipient within
/// [`CAP_WINDOW_MINUTES`], per conversation and across the site (site setting
/// `triggerEmailCaps: {perConversation, perSite}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailCaps {
    pub per_conversation: u32,
    pub per_site: u32,
}

pub const CAP_WINDOW_MINUTES: i64 = 10;

impl EmailCaps {
    fn from_settings(settings: &serde_json::Value) -> Self {
        let caps = &settings["triggerEmailCaps"];
        let get = |k: &str, d: u32| {
            caps[k]
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(d)
        };
        EmailCaps {
            per_conversation: get("perConversation", 10),
            per_site: get("perSite", 30),
        }
    }
}

/// Where trigger effects land: the change's extras, and its history for dropped emails.
struct Sink<'a, 'v> {
    view: &'a TxView<'v>,
    caps: EmailCaps,
    conversation: anytime_core::model::ConversationId,
    now: DateTime<Utc>,
    extras: &'a mut Extras,
    history: &'a mut Vec<anytime_core::conversation::HistoryEntry>,
}

/// Turns trigger effects into queued emails (within the mail-loop caps; an email over a cap
/// is dropped and recorded in the history) and timers.
fn effects(effects: &[Effect], sink: Sink<'_, '_>) -> StoreResult<()> {
    let Sink {
        view,
        caps,
        conversation,
        now,
        extras,
        history,
    } = sink;
    let since = now - chrono::Duration::minutes(CAP_WINDOW_MINUTES);
    let mut timers = Vec::new();
    for effect in effects {
        match effect {
            Effect::SendEmail {
                trigger_id,
                recipients,
                subject,
                html_text,
                plain_text,
                ..
            } => {
                for r in recipients {
                    let recipient = serde_json::to_value(r).unwrap_or_default();
                    let (in_conversation, in_site) =
                        view.recent_trigger_emails(&recipient, conversation, since)?;
                    let queued_now = extras
                        .outbox
                        .iter()
                        .filter(|e| e.trigger_id.is_some() && e.recipient == recipient)
                        .count();
                    let queued_now = u32::try_from(queued_now).unwrap_or(u32::MAX);
                    if in_conversation.saturating_add(queued_now) >= caps.per_conversation
                        || in_site.saturating_add(queued_now) >= caps.per_site
                    {
                        history.push(anytime_core::conversation::HistoryEntry {
                            time: now,
                            actor_type: anytime_core::model::SenderType::System,
                            actor_id: None,
                            field: "triggerEmail".into(),
                            old_value: None,
                            new_value: Some(anytime_core::model::FieldValue::Text(format!(
                                "dropped (mail-loop cap): {recipient}"
                            ))),
                            rule_id: None,
                            trigger_id: Some(*trigger_id),
                        });
                        continue;
                    }
                    extras.outbox.push(OutboxEmail {
                        trigger_id: Some(*trigger_id),
                        recipient,
                        subject: subject.clone(),
                        html_text: html_text.clone(),
                        plain_text: plain_text.clone(),
                        message: None,
                    });
                }
            }
            Effect::ScheduleTimer {
                trigger_id,
                status,
                fire_at,
            } => timers.push(StayTimer {
                trigger_id: *trigger_id,
                status: *status,
                fire_at: *fire_at,
            }),
            Effect::EmailSuppressed { .. } | Effect::UpdateRejected { .. } => {}
        }
    }
    if !timers.is_empty() {
        extras.timers = Some(timers);
    }
    Ok(())
}

/// An agent's public reply in an email conversation is emailed to the contact (SPEC §5.9):
/// queued in the same transaction, delivered by the outbox worker.
fn agent_replies(
    conversation: &anytime_core::model::Conversation,
    events: &[Event],
    messages: &[anytime_core::conversation::Message],
    extras: &mut Extras,
) {
    if conversation.channel != anytime_core::model::Channel::Email {
        return;
    }
    let Some(contact) = conversation.contact_id else {
        return;
    };
    for event in events {
        let Event::AgentReplied { message_id, .. } = event else {
            continue;
        };
        let Some(m) = messages.iter().find(|m| m.id == *message_id) else {
            continue;
        };
        extras.outbox.push(OutboxEmail {
            trigger_id: None,
            recipient: serde_json::json!({"kind": "contact", "contactId": contact}),
            subject: conversation.subject.clone(),
            html_text: m.html_body.clone(),
            plain_text: m.plain_body.clone(),
            message: Some(m.id),
        });
    }
}

/// The site's agents with their loads as of this transaction.
pub(super) fn agents_with_loads(p: &Prepared, view: &TxView<'_>) -> StoreResult<Vec<Agent>> {
    let loads = view.agent_loads()?;
    Ok(p.agents
        .iter()
        .cloned()
        .map(|mut a| {
            a.load = loads.get(&a.id).cloned().unwrap_or_default();
            a
        })
        .collect())
}

/// The allocator's stored state (as stored, and ready to use).
pub(super) fn allocation_state(
    view: &TxView<'_>,
) -> StoreResult<(Option<serde_json::Value>, AllocationState)> {
    let stored = view.document(docs::ALLOCATION_STATE)?;
    let mut state: AllocationState = match &stored {
        Some(v) => serde_json::from_value(v.clone()).unwrap_or_default(),
        None => AllocationState::default(),
    };
    // Loads are read from storage, so they already count every earlier allocation.
    state.forget_added_load();
    Ok((stored, state))
}

/// The state document to write, if it changed.
pub(super) fn changed_state(
    stored: Option<&serde_json::Value>,
    state: &AllocationState,
) -> StoreResult<Option<(String, serde_json::Value)>> {
    let new_state =
        serde_json::to_value(state).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    Ok((stored != Some(&new_state)).then(|| (docs::ALLOCATION_STATE.to_string(), new_state)))
}

impl Prepared {
    /// Whether any active agent is online (the bot draw of SPEC §5.9 uses another share
    /// when nobody is).
    pub fn any_agent_online(&self) -> bool {
        self.agents
            .iter()
            .any(|a| a.is_active && a.status == anytime_core::model::AgentStatus::Online)
    }
}

/// How a new conversation arrived, beyond the command: the receiving account's assignment,
/// the bot draw and the message in play (inbound mail and channels; the API has none).
#[derive(Debug, Clone, Default)]
pub struct Via {
    pub account: AccountAssignment,
    pub to_bot: bool,
    /// Contact and message for triggers (auto-reply suppression, placeholders).
    pub context: Context,
}

/// Runs the new-conversation pipeline on the `create` command's outcome.
pub fn admit_created(
    p: &Prepared,
    view: &TxView<'_>,
    created: Outcome,
    explicit_assignee: bool,
    now: DateTime<Utc>,
) -> StoreResult<ConversationChange> {
    admit_via(p, view, created, explicit_assignee, now, Via::default())
}

/// [`admit_created`] for a conversation that arrived through an account or channel.
pub fn admit_via(
    p: &Prepared,
    view: &TxView<'_>,
    created: Outcome,
    explicit_assignee: bool,
    now: DateTime<Utc>,
    via: Via,
) -> StoreResult<ConversationChange> {
    let agents = agents_with_loads(p, view)?;
    let last_assignee_id = match created.conversation.contact_id {
        Some(contact) => view.last_assignee(contact, created.conversation.id)?,
        None => None,
    };
    let (stored_state, state) = allocation_state(view)?;
    let messages = created.messages.clone();
    let env = Env {
        now,
        fields: &p.fields,
        known: &p.known,
    };
    let ctx = Context {
        now: Some(now),
        ..via.context
    };
    let arrival = Arrival {
        env: &env,
        people: People {
            agents: &agents,
            departments: &p.departments,
        },
        context: &ctx,
        account: via.account,
        to_bot: via.to_bot,
        last_assignee_id,
        explicit_assignee,
    };
    let mut admission = admit(created, &p.rules, &arrival, state)?;
    let mut extras = Extras {
        timeline: timeline(&admission.events),
        ..Extras::default()
    };
    agent_replies(
        &admission.conversation,
        &admission.events,
        &messages,
        &mut extras,
    );
    effects(
        &admission.effects,
        Sink {
            view,
            caps: p.caps,
            conversation: admission.conversation.id,
            now,
            extras: &mut extras,
            history: &mut admission.history,
        },
    )?;
    extras.documents.extend(changed_state(
        stored_state.as_ref(),
        &admission.allocation_state,
    )?);
    Ok(ConversationChange {
        conversation: admission.conversation,
        messages,
        history: admission.history,
        extras,
    })
}

/// Whether a create action names its assignee (routing is then skipped, SPEC §5.2).
pub fn names_assignee(action: &Action) -> bool {
    matches!(action, Action::Create(c)
        if c.agent_assignee_id.is_some() || c.department_assignee_id.is_some())
}

/// After a later change: runs the triggers of every trigger event the command raised (in
/// order, each run seeing the previous run's result), extends the timeline and recomputes
/// the SLA targets. A status change (by the command or a trigger) replaces the
/// conversation's pending stay timers with those scheduled for the new status.
pub fn after_change(
    p: &Prepared,
    view: &TxView<'_>,
    before: &anytime_core::model::Conversation,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> StoreResult<ConversationChange> {
    after_change_in(p, view, before, outcome, now, context(now))
}

/// [`after_change`] with the contact and message in play (an inbound reply).
pub fn after_change_in(
    p: &Prepared,
    view: &TxView<'_>,
    before: &anytime_core::model::Conversation,
    outcome: Outcome,
    now: DateTime<Utc>,
    ctx: Context,
) -> StoreResult<ConversationChange> {
    let env = Env {
        now,
        fields: &p.fields,
        known: &p.known,
    };
    let run_env = RunEnv {
        env: &env,
        context: &ctx,
        agents: &p.agents,
        site: &p.rules.site,
    };
    let mut conversation = outcome.conversation;
    let mut history = outcome.history;
    let mut events = outcome.events.clone();
    let mut run_effects = Vec::new();
    for event in &outcome.events {
        let Some(trigger_event) = event.trigger_event().and_then(TriggerEvent::parse) else {
            continue;
        };
        let run = run_triggers(
            &p.rules.triggers,
            Occurrence {
                event: trigger_event,
                trigger_id: None,
            },
            conversation,
            &run_env,
        )?;
        conversation = run.conversation;
        events.extend(run.events);
        history.extend(run.history);
        run_effects.extend(run.effects);
    }
    finish(
        p,
        view,
        before,
        conversation,
        history,
        &events,
        outcome.messages,
        &run_effects,
        now,
    )
}

/// Persists a change: timeline, SLA recompute (firing `slaBreached` for breaches not yet
/// recorded), trigger effects, stay timers on a status change.
#[allow(clippy::too_many_arguments)]
fn finish(
    p: &Prepared,
    view: &TxView<'_>,
    before: &anytime_core::model::Conversation,
    conversation: anytime_core::model::Conversation,
    mut history: Vec<anytime_core::conversation::HistoryEntry>,
    events: &[Event],
    messages: Vec<anytime_core::conversation::Message>,
    run_effects: &[Effect],
    now: DateTime<Utc>,
) -> StoreResult<ConversationChange> {
    let mut added = timeline(events);
    let mut all = view.timeline(conversation.id)?;
    all.extend(added.iter().cloned());
    let mut run_effects = run_effects.to_vec();
    let fired = super::breaches::fire_new(p, view, conversation, &all, now)?;
    let mut conversation = fired.conversation;
    history.extend(fired.history);
    run_effects.extend(fired.effects);
    let more = timeline(&fired.events);
    all.extend(more.iter().cloned());
    added.extend(more);
    let sla = p
        .rules
        .sla
        .compute(&conversation, &context(now), &all, now)?;
    conversation.sla_policy_id = sla.policy_id;
    conversation.first_respond_breach_at = sla.targets.first_respond_breach_at;
    conversation.next_respond_breach_at = sla.targets.next_respond_breach_at;
    conversation.resolve_breach_at = sla.targets.resolve_breach_at;
    let mut extras = Extras {
        timeline: added,
        breaches: fired.breaches,
        ..Extras::default()
    };
    agent_replies(&conversation, events, &messages, &mut extras);
    effects(
        &run_effects,
        Sink {
            view,
            caps: p.caps,
            conversation: conversation.id,
            now,
            extras: &mut extras,
            history: &mut history,
        },
    )?;
    extras.timers = (conversation.status != before.status).then(|| {
        stay_timers_for(
            extras.timers.take().unwrap_or_default(),
            conversation.status,
        )
    });
    Ok(ConversationChange {
        conversation,
        messages,
        history,
        extras,
    })
}

/// Keeps the timers waiting for `status`, one per trigger (the latest scheduled wins), since
/// several runs in one change may each schedule the stays of the status they saw.
fn stay_timers_for(timers: Vec<StayTimer>, status: anytime_core::model::Status) -> Vec<StayTimer> {
    let mut kept: Vec<StayTimer> = Vec::new();
    for t in timers.into_iter().filter(|t| t.status == status) {
        kept.retain(|k| k.trigger_id != t.trigger_id);
        kept.push(t);
    }
    kept
}

/// A stay timer fired: runs that trigger's `staysAtStatusPeriod` if the conversation is
/// still in the timer's status (otherwise the change is empty and only the timer goes).
pub fn after_stay(
    p: &Prepared,
    view: &TxView<'_>,
    conversation: anytime_core::model::Conversation,
    trigger_id: anytime_core::model::RuleId,
    status: anytime_core::model::Status,
    now: DateTime<Utc>,
) -> StoreResult<ConversationChange> {
    if conversation.status != status || conversation.is_deleted {
        return Ok(ConversationChange {
            conversation,
            messages: Vec::new(),
            history: Vec::new(),
            extras: Extras::default(),
        });
    }
    let env = Env {
        now,
        fields: &p.fields,
        known: &p.known,
    };
    let ctx = context(now);
    let run_env = RunEnv {
        env: &env,
        context: &ctx,
        agents: &p.agents,
        site: &p.rules.site,
    };
    let before = conversation.clone();
    let run = run_triggers(
        &p.rules.triggers,
        Occurrence {
            event: TriggerEvent::StaysAtStatusPeriod,
            trigger_id: Some(trigger_id),
        },
        conversation,
        &run_env,
    )?;
    finish(
        p,
        view,
        &before,
        run.conversation,
        run.history,
        &run.events,
        Vec::new(),
        &run.effects,
        now,
    )
}

/// A due SLA instant came: recomputes the targets, which fires `slaBreached` for each breach
/// not recorded yet (nothing else changes).
pub fn after_due(
    p: &Prepared,
    view: &TxView<'_>,
    conversation: anytime_core::model::Conversation,
    now: DateTime<Utc>,
) -> StoreResult<ConversationChange> {
    let before = conversation.clone();
    finish(
        p,
        view,
        &before,
        conversation,
        Vec::new(),
        &[],
        Vec::new(),
        &[],
        now,
    )
}
