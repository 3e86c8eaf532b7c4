//! Auto allocation (SPEC §4.5, §5.3): giving a conversation that routing left with a
//! department (or with no one) to one agent, and draining the waiting queue when capacity
//! appears.
//!
//! Everything here is a pure function of the settings, the agents (with their current loads),
//! the conversation and an [`AllocationState`] that the caller keeps between calls. The state
//! holds the round-robin cursors, who was allocated when, and the loads added since the agents'
//! loads were read, so a run of calls threading the state through is a fold.
//!
//! ```
//! use anytime_core::allocation::{allocate, AllocationConversation, AllocationState, AutoAllocationSetting, Outcome};
//! use anytime_core::model::{Agent, AgentId, AgentStatus};
//! let settings: AutoAllocationSetting = serde_json::from_str(r#"{"enable": true}"#).unwrap();
//! let agent: Agent = serde_json::from_str(
//!     r#"{"id": "00000000-0000-0000-0000-0000000000a1", "status": "online"}"#).unwrap();
//! let mut state = AllocationState::default();
//! let outcome = allocate(&settings, &[agent.clone()], &AllocationConversation::default(), &mut state);
//! assert_eq!(outcome, Outcome::Allocated(agent.id));
//! assert_eq!(state.allocation_count, 1);
//! ```

pub mod api;
mod candidates;
mod index;
mod preferences;
mod queue;
mod settings;
mod state;
mod strategy;

pub use candidates::{
    counted_added_load, counted_load, counts_towards_load, resolve_rule, Eligibility, ResolvedRule,
};
pub use preferences::{AgentPreference, AgentPreferences};
pub use queue::{allocate_waiting, frees_capacity, queue_order, QueueAssignment, QueueRun};
pub use settings::{
    AllocationStrategy, AllocationTo, AutoAllocationSetting, DefaultAllocationRule,
    DepartmentAllocationRule, MaxConversations,
};
pub use state::{AgentMemories, AgentMemory, AllocationState, LoadByStatus, PoolKey};
pub use strategy::{LeastLoaded, LoadRank, NextInTurn};

use crate::model::{Agent, AgentId, Conversation, ConversationId, DepartmentId, Priority, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What allocation needs to know about a conversation. Keys of the API's conversation object
/// that are not listed here are ignored, so the whole object can be passed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AllocationConversation {
    pub id: ConversationId,
    pub agent_assignee_id: Option<AgentId>,
    pub department_assignee_id: Option<DepartmentId>,
    /// The status the conversation has when allocated; it is the status its agent's added load
    /// is counted under.
    pub status: Status,
    pub priority: Priority,
    pub created_time: Option<DateTime<Utc>>,
    pub is_deleted: bool,
    pub merged_into_id: Option<ConversationId>,
    /// The agent of the same contact's most recent earlier conversation, for
    /// `preferLastAssignee`. Not a field of the stored conversation: the caller looks it up
    /// (the server from the contact's history) and passes it along.
    pub last_assignee_id: Option<AgentId>,
}

impl AllocationConversation {
    /// The allocation view of a stored conversation, with the contact's last assignee.
    pub fn from_conversation(
        conversation: &Conversation,
        last_assignee_id: Option<AgentId>,
    ) -> Self {
        Self {
            id: conversation.id,
            agent_assignee_id: conversation.agent_assignee_id,
            department_assignee_id: conversation.department_assignee_id,
            status: conversation.status,
            priority: conversation.priority,
            created_time: conversation.created_time,
            is_deleted: conversation.is_deleted,
            merged_into_id: conversation.merged_into_id,
            last_assignee_id,
        }
    }

    /// Closed, deleted and merged conversations are never allocated.
    pub fn is_open(&self) -> bool {
        self.status != Status::Closed && !self.is_deleted && self.merged_into_id.is_none()
    }
}

/// What [`allocate`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Given to this agent; the state records it.
    Allocated(AgentId),
    /// Allocation applies but no agent is a candidate now: the conversation waits in its
    /// department's queue ([`allocate_waiting`]).
    Waiting,
    /// The conversation already has an agent; nothing changes.
    AlreadyAssigned(AgentId),
    /// The conversation is closed, deleted or merged; nothing changes.
    NotOpen,
    /// Auto allocation is off; the conversation stays unassigned.
    Disabled,
}

impl Outcome {
    /// The conversation's agent after the call: the new one, the one it already had, or
    /// `None` (the `agentId` of SPEC §6).
    pub fn agent_id(self) -> Option<AgentId> {
        match self {
            Outcome::Allocated(a) | Outcome::AlreadyAssigned(a) => Some(a),
            Outcome::Waiting | Outcome::NotOpen | Outcome::Disabled => None,
        }
    }
}

/// Allocates one conversation (SPEC §5.3), recording the allocation in `state`. Runs in one
/// pass over `agents` with constant-time lookups (the preference table is built on the
/// settings' first use and kept with them); the result does not depend on the agents' order.
pub fn allocate(
    settings: &AutoAllocationSetting,
    agents: &[Agent],
    conversation: &AllocationConversation,
    state: &mut AllocationState,
) -> Outcome {
    if let Some(agent) = conversation.agent_assignee_id {
        return Outcome::AlreadyAssigned(agent);
    }
    if !conversation.is_open() {
        return Outcome::NotOpen;
    }
    if !settings.enable {
        return Outcome::Disabled;
    }
    let rule = resolve_rule(settings, conversation.department_assignee_id);
    match choose(settings, agents, rule, conversation.last_assignee_id, state) {
        Some(choice) => {
            if choice.takes_turn {
                state.round_robin_cursors.insert(rule.pool, choice.agent);
            }
            state.record(choice.agent, conversation.status);
            Outcome::Allocated(choice.agent)
        }
        None => Outcome::Waiting,
    }
}

fn choose(
    settings: &AutoAllocationSetting,
    agents: &[Agent],
    rule: ResolvedRule,
    last_assignee: Option<AgentId>,
    state: &AllocationState,
) -> Option<Choice> {
    let eligibility = Eligibility::new(settings, state, rule.pool);
    let wanted = if rule.prefer_last_assignee {
        last_assignee
    } else {
        None
    };
    let mut least = LeastLoaded::default();
    let mut turn = NextInTurn::new(state.round_robin_cursors.get(&rule.pool).copied());
    // One pass. The cheap tests (active, online, member) come first; the lookups of the
    // remembered load and of the preference are made only for agents who could still win
    // (or who are the wanted last assignee).
    for agent in agents {
        if !eligibility.is_available(agent) {
            continue;
        }
        let is_wanted = wanted == Some(agent.id);
        match rule.strategy {
            AllocationStrategy::LoadBalancing => {
                let stored = eligibility.stored_load(agent);
                if !least.could_win(stored) && !is_wanted {
                    continue;
                }
                let (added, last_allocated) = eligibility.remembered(agent);
                let load = stored.saturating_add(added);
                let could_win = least.could_win(load);
                if !(could_win || is_wanted) || !eligibility.admits(agent, load) {
                    continue;
                }
                if is_wanted {
                    return Some(Choice::outside_rotation(agent.id));
                }
                least.offer(LoadRank {
                    load,
                    last_allocated,
                    agent: agent.id,
                });
            }
            AllocationStrategy::RoundRobin => {
                let could_win = turn.could_win(agent.id);
                if !(could_win || is_wanted) || eligibility.candidate_load(agent).is_none() {
                    continue;
                }
                if is_wanted {
                    return Some(Choice::outside_rotation(agent.id));
                }
                turn.offer(agent.id);
            }
        }
    }
    let (winner, takes_turn) = match rule.strategy {
        AllocationStrategy::LoadBalancing => (least.winner(), false),
        AllocationStrategy::RoundRobin => (turn.winner(), true),
    };
    winner.map(|agent| Choice { agent, takes_turn })
}

struct Choice {
    agent: AgentId,
    /// Whether the pick moves the pool's round-robin cursor (a last-assignee pick does not:
    /// it is outside the rotation).
    takes_turn: bool,
}

impl Choice {
    fn outside_rotation(agent: AgentId) -> Self {
        Self {
            agent,
            takes_turn: false,
        }
    }
}

#[cfg(test)]
mod tests;
