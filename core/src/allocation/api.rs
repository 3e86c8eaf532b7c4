//! The argument and result objects of the `allocate` and `allocateWaiting` functions of
//! `anytime eval` and the wasm package (SPEC §6).

use super::{
    allocate, allocate_waiting, AllocationConversation, AllocationState, AutoAllocationSetting,
    QueueAssignment,
};
use crate::model::{Agent, AgentId, ConversationId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllocateArgs {
    pub settings: AutoAllocationSetting,
    #[serde(default)]
    pub agents: Vec<Agent>,
    pub conversation: AllocationConversation,
    /// `{}` (or absent) for a fresh allocator.
    #[serde(default)]
    pub state: AllocationState,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AllocateResult {
    /// The conversation's agent after the call; null while it waits (or when allocation is
    /// off, or it is closed).
    pub agent_id: Option<AgentId>,
    pub state: AllocationState,
}

pub fn allocate_json(args: AllocateArgs) -> AllocateResult {
    let mut state = args.state;
    let outcome = allocate(&args.settings, &args.agents, &args.conversation, &mut state);
    AllocateResult {
        agent_id: outcome.agent_id(),
        state,
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllocateWaitingArgs {
    pub settings: AutoAllocationSetting,
    #[serde(default)]
    pub agents: Vec<Agent>,
    /// The waiting conversations, in any order.
    pub conversations: Vec<AllocationConversation>,
    #[serde(default)]
    pub state: AllocationState,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AllocateWaitingResult {
    /// In the order they were made.
    pub assignments: Vec<QueueAssignment>,
    pub state: AllocationState,
    /// Still waiting, in queue order.
    pub waiting: Vec<ConversationId>,
}

pub fn allocate_waiting_json(args: AllocateWaitingArgs) -> AllocateWaitingResult {
    let mut state = args.state;
    let run = allocate_waiting(
        &args.settings,
        &args.agents,
        &args.conversations,
        &mut state,
    );
    AllocateWaitingResult {
        assignments: run.assignments,
        state,
        waiting: run.waiting,
    }
}
