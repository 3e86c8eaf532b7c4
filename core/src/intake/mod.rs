//! The new-conversation pipeline of SPEC §5.9 step 4, for every way a conversation arrives
//! (API, portal, channel, email): bot draw, routing (§5.2), allocation (§5.3), triggers
//! (`conversationCreated`, §5.4) and SLA (§5.6), applied to the snapshot the `create`
//! command produced. Each step's changes go through the state machine, so history names the
//! routing rule or trigger that made them; the adapter persists the result in one
//! transaction and executes the effects.
//!
//! SLA is computed last: it reads the conversation as routing, allocation and triggers left
//! it (policy conditions may use fields they set), which is what computing it "after
//! allocation" and recomputing it "whenever a field used by any policy changes" amounts to.

mod api;

pub use api::{admit_json, AdmitArgs};

use crate::allocation::{
    allocate, AllocationConversation, AllocationState, AutoAllocationSetting, Outcome as Allocation,
};
use crate::conversation::{apply_changes, Actor, Env, Event, HistoryEntry, Origin, Outcome};
use crate::field_validation::FieldChange;
use crate::model::{AgentId, Context, Conversation, DepartmentId, RuleId, TimelineItem};
use crate::routing::{AccountAssignment, People, RouteDecision, RouteObject, Router};
use crate::sla::{SlaOutcome, SlaRules};
use crate::trigger::{
    run_triggers, Effect, Occurrence, RunEnv, SiteInfo, TriggerEvent, TriggerSet,
};
use crate::CoreResult;
use serde::Serialize;

/// A site's rules, compiled once and kept by the server until an administrator changes them.
#[derive(Debug)]
pub struct SiteRules {
    pub router: Router,
    pub allocation: AutoAllocationSetting,
    pub sla: SlaRules,
    pub triggers: TriggerSet,
    pub site: SiteInfo,
}

/// What the caller knows about this arrival besides the rules.
pub struct Arrival<'a> {
    pub env: &'a Env<'a>,
    pub people: People<'a>,
    pub context: &'a Context,
    /// The receiving email/channel account's assignment (routing disabled).
    pub account: AccountAssignment,
    /// The bot took the conversation (SPEC §5.9 bot draw): no routing or allocation.
    pub to_bot: bool,
    /// The agent of the contact's previous conversation (`preferLastAssignee`).
    pub last_assignee_id: Option<AgentId>,
    /// True when the creator named an assignee: routing is skipped (SPEC §5.2).
    pub explicit_assignee: bool,
}

/// The pipeline's result; `events`, `history` and `timeline` include the creation's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Admission {
    pub conversation: Conversation,
    pub route: Option<RouteDecision>,
    /// `Some(agent)` when allocation gave one; `waiting` when it applies but nobody is free.
    pub allocated_agent_id: Option<AgentId>,
    pub waiting: bool,
    pub allocation_state: AllocationState,
    pub fired: Vec<RuleId>,
    pub effects: Vec<Effect>,
    pub sla_policy_id: Option<RuleId>,
    pub breaches: Vec<crate::sla::Breach>,
    pub events: Vec<Event>,
    pub history: Vec<HistoryEntry>,
}

/// Runs the pipeline on a freshly created conversation (`created` is the outcome of the
/// `create` command).
pub fn admit(
    created: Outcome,
    rules: &SiteRules,
    arrival: &Arrival,
    mut allocation_state: AllocationState,
) -> CoreResult<Admission> {
    let mut conversation = created.conversation;
    let mut events = created.events;
    let mut history = created.history;

    let mut route = None;
    if !arrival.to_bot && !arrival.explicit_assignee {
        let decision = rules.router.route(
            &conversation,
            arrival.context,
            arrival.people,
            arrival.account,
        );
        let changes = route_changes(&decision);
        if !changes.is_empty() {
            let origin = Origin {
                actor: Actor::System,
                rule_id: decision.rule_id,
                trigger_id: None,
            };
            let outcome = apply_changes(conversation, changes, origin, arrival.env)?;
            conversation = outcome.conversation;
            events.extend(outcome.events);
            history.extend(outcome.history);
        }
        route = Some(decision);
    }

    let mut allocated_agent_id = None;
    let mut waiting = false;
    if !arrival.to_bot {
        let candidate =
            AllocationConversation::from_conversation(&conversation, arrival.last_assignee_id);
        match allocate(
            &rules.allocation,
            arrival.people.agents,
            &candidate,
            &mut allocation_state,
        ) {
            Allocation::Allocated(agent) => {
                let origin = Origin::of(Actor::System);
                let outcome = apply_changes(
                    conversation,
                    vec![FieldChange::AgentAssignee(Some(agent))],
                    origin,
                    arrival.env,
                )?;
                conversation = outcome.conversation;
                events.extend(outcome.events);
                history.extend(outcome.history);
                allocated_agent_id = Some(agent);
            }
            Allocation::Waiting => waiting = true,
            Allocation::AlreadyAssigned(_) | Allocation::NotOpen | Allocation::Disabled => {}
        }
    }

    let run_env = RunEnv {
        env: arrival.env,
        context: arrival.context,
        agents: arrival.people.agents,
        site: &rules.site,
    };
    let run = run_triggers(
        &rules.triggers,
        Occurrence {
            event: TriggerEvent::ConversationCreated,
            trigger_id: None,
        },
        conversation,
        &run_env,
    )?;
    conversation = run.conversation;
    events.extend(run.events);
    history.extend(run.history);

    let timeline: Vec<TimelineItem> = events.iter().filter_map(Event::timeline_item).collect();
    let SlaOutcome { policy_id, targets } =
        rules
            .sla
            .compute(&conversation, arrival.context, &timeline, arrival.env.now)?;
    conversation.sla_policy_id = policy_id;
    conversation.first_respond_breach_at = targets.first_respond_breach_at;
    conversation.next_respond_breach_at = targets.next_respond_breach_at;
    conversation.resolve_breach_at = targets.resolve_breach_at;

    Ok(Admission {
        conversation,
        route,
        allocated_agent_id,
        waiting,
        allocation_state,
        fired: run.fired,
        effects: run.effects,
        sla_policy_id: policy_id,
        breaches: targets.breaches,
        events,
        history,
    })
}

/// The field changes a routing decision makes: the target and the priority.
fn route_changes(decision: &RouteDecision) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    if let Some(target) = decision.target {
        changes.push(match target.object {
            RouteObject::Agent => FieldChange::AgentAssignee(Some(AgentId(target.id))),
            RouteObject::Department => {
                FieldChange::DepartmentAssignee(Some(DepartmentId(target.id)))
            }
        });
    }
    if let Some(priority) = decision.priority {
        changes.push(FieldChange::Priority(priority));
    }
    changes
}
