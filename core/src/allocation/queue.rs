//! The waiting queue (SPEC §5.3): conversations that found no candidate wait, and are
//! allocated in order — priority urgent→low, then oldest first, then id — whenever capacity
//! appears. The server calls [`allocate_waiting`] when an agent comes online, a conversation
//! closes or is reassigned, or the settings change.

use super::candidates::{counts_towards_load, resolve_rule};
use super::state::{AllocationState, PoolKey};
use super::{allocate, AllocationConversation, AutoAllocationSetting, Outcome};
use crate::model::{Agent, AgentId, Conversation, ConversationId};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// One conversation given to one agent by a queue run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueAssignment {
    pub agent_id: AgentId,
    pub conversation_id: ConversationId,
}

/// The result of a queue run: the assignments in the order they were made, and the
/// conversations still waiting, in queue order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueRun {
    pub assignments: Vec<QueueAssignment>,
    pub waiting: Vec<ConversationId>,
}

/// The queue order: priority urgent→low, then oldest first (a conversation without a created
/// time after those with one), then id.
pub fn queue_order(a: &AllocationConversation, b: &AllocationConversation) -> Ordering {
    a.priority
        .cmp(&b.priority)
        .then_with(|| match (a.created_time, b.created_time) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.id.cmp(&b.id))
}

/// Allocates the waiting conversations in queue order while capacity allows, recording each
/// allocation in `state`. Conversations that already have an agent, or are closed, deleted or
/// merged, are left out (they no longer wait); an id listed twice counts once. With
/// allocation disabled nothing is assigned and every open unassigned conversation still waits.
pub fn allocate_waiting(
    settings: &AutoAllocationSetting,
    agents: &[Agent],
    conversations: &[AllocationConversation],
    state: &mut AllocationState,
) -> QueueRun {
    let mut queue: Vec<&AllocationConversation> = conversations
        .iter()
        .filter(|c| c.agent_assignee_id.is_none() && c.is_open())
        .collect();
    queue.sort_by(|a, b| queue_order(a, b));
    let mut seen = BTreeSet::new();
    queue.retain(|c| seen.insert(c.id));

    let mut run = QueueRun::default();
    // Loads only grow during a run, so a pool that had no candidate stays without one and the
    // rest of its queue need not scan the agents again.
    let mut exhausted: BTreeSet<PoolKey> = BTreeSet::new();
    for conversation in queue {
        let pool = resolve_rule(settings, conversation.department_assignee_id).pool;
        if exhausted.contains(&pool) {
            run.waiting.push(conversation.id);
            continue;
        }
        match allocate(settings, agents, conversation, state) {
            Outcome::Allocated(agent_id) => run.assignments.push(QueueAssignment {
                conversation_id: conversation.id,
                agent_id,
            }),
            Outcome::Waiting => {
                exhausted.insert(pool);
                run.waiting.push(conversation.id);
            }
            Outcome::Disabled => run.waiting.push(conversation.id),
            Outcome::AlreadyAssigned(_) | Outcome::NotOpen => {}
        }
    }
    run
}

/// Whether a change may have freed capacity, so the queue should run after it: allocation is
/// on, and the conversation stopped counting towards its agent's load (closed, deleted, moved
/// to a status the settings exclude) or left that agent. A reply that moves a conversation
/// between two counted statuses frees nothing, and skips the queue's write transaction.
pub fn frees_capacity(
    settings: &AutoAllocationSetting,
    before: &Conversation,
    after: &Conversation,
) -> bool {
    let counted = |c: &Conversation| {
        c.agent_assignee_id.is_some() && !c.is_deleted && counts_towards_load(settings, c.status)
    };
    settings.enable
        && counted(before)
        && (!counted(after) || after.agent_assignee_id != before.agent_assignee_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AgentStatus, DepartmentId, Priority, Status};
    use chrono::{TimeZone, Utc};
    use std::collections::BTreeMap;
    use uuid::Uuid;

    fn id(n: u128) -> AgentId {
        AgentId(Uuid::from_u128(0xa0 + n))
    }

    fn dep(n: u128) -> DepartmentId {
        DepartmentId(Uuid::from_u128(0xd0 + n))
    }

    fn agent(n: u128, departments: &[DepartmentId]) -> Agent {
        Agent {
            id: id(n),
            name: String::new(),
            email: None,
            is_active: true,
            department_ids: departments.to_vec(),
            status: AgentStatus::Online,
            load: BTreeMap::new(),
        }
    }

    fn waiting(n: i64, d: u128, priority: Priority, minute: u32) -> AllocationConversation {
        AllocationConversation {
            id: ConversationId(n),
            department_assignee_id: Some(dep(d)),
            priority,
            created_time: Some(Utc.with_ymd_and_hms(2024, 1, 1, 9, minute, 0).unwrap()),
            ..Default::default()
        }
    }

    fn settings(max: u32) -> AutoAllocationSetting {
        serde_json::from_value(serde_json::json!({
            "enable": true,
            "defaultAllocationRule": {"allocationTo": "department"},
            "maxNumberForAllAgents": max
        }))
        .unwrap()
    }

    #[test]
    fn priority_then_age_then_id_while_capacity_allows() {
        let agents = [agent(1, &[dep(1)])];
        let queue = [
            waiting(1, 1, Priority::Low, 0),
            waiting(2, 1, Priority::Normal, 5),
            waiting(3, 1, Priority::Urgent, 9),
            waiting(4, 1, Priority::Normal, 1),
            waiting(5, 1, Priority::Normal, 1),
        ];
        let mut state = AllocationState::default();
        let run = allocate_waiting(&settings(3), &agents, &queue, &mut state);
        let given: Vec<i64> = run
            .assignments
            .iter()
            .map(|a| a.conversation_id.0)
            .collect();
        assert_eq!(given, [3, 4, 5]);
        let left: Vec<i64> = run.waiting.iter().map(|c| c.0).collect();
        assert_eq!(left, [2, 1]);
        assert_eq!(state.allocation_count, 3);
    }

    #[test]
    fn each_department_drains_from_its_own_members() {
        let agents = [agent(1, &[dep(1)]), agent(2, &[dep(2)])];
        let queue = [
            waiting(1, 1, Priority::Normal, 0),
            waiting(2, 1, Priority::Normal, 1),
            waiting(3, 2, Priority::Normal, 2),
            waiting(4, 3, Priority::Urgent, 3),
        ];
        let mut state = AllocationState::default();
        let run = allocate_waiting(&settings(1), &agents, &queue, &mut state);
        assert_eq!(
            run.assignments,
            [
                QueueAssignment {
                    conversation_id: ConversationId(1),
                    agent_id: id(1)
                },
                QueueAssignment {
                    conversation_id: ConversationId(3),
                    agent_id: id(2)
                },
            ]
        );
        assert_eq!(run.waiting, [ConversationId(4), ConversationId(2)]);
    }

    #[test]
    fn skips_assigned_closed_and_duplicates() {
        let agents = [agent(1, &[dep(1)])];
        let mut assigned = waiting(1, 1, Priority::Urgent, 0);
        assigned.agent_assignee_id = Some(id(9));
        let mut closed = waiting(2, 1, Priority::Urgent, 0);
        closed.status = Status::Closed;
        let twice = waiting(3, 1, Priority::Normal, 0);
        let queue = [assigned, closed, twice.clone(), twice];
        let mut state = AllocationState::default();
        let run = allocate_waiting(&settings(0), &agents, &queue, &mut state);
        assert_eq!(run.assignments.len(), 1);
        assert_eq!(run.assignments[0].conversation_id, ConversationId(3));
        assert!(run.waiting.is_empty());
    }

    #[test]
    fn disabled_assigns_nothing() {
        let agents = [agent(1, &[dep(1)])];
        let mut s = settings(0);
        s.enable = false;
        let queue = [
            waiting(1, 1, Priority::Normal, 0),
            waiting(2, 1, Priority::High, 0),
        ];
        let mut state = AllocationState::default();
        let run = allocate_waiting(&s, &agents, &queue, &mut state);
        assert!(run.assignments.is_empty());
        assert_eq!(run.waiting, [ConversationId(2), ConversationId(1)]);
        assert_eq!(state, AllocationState::default());
    }

    #[test]
    fn missing_created_time_goes_last_within_its_priority() {
        let mut undated = waiting(1, 1, Priority::Normal, 0);
        undated.created_time = None;
        let dated = waiting(2, 1, Priority::Normal, 30);
        assert_eq!(queue_order(&undated, &dated), Ordering::Greater);
        assert_eq!(queue_order(&dated, &undated), Ordering::Less);
        let urgent_undated = AllocationConversation {
            priority: Priority::Urgent,
            ..undated.clone()
        };
        assert_eq!(queue_order(&urgent_undated, &dated), Ordering::Less);
    }
}

#[cfg(test)]
mod frees_tests {
    use super::*;
    use crate::model::Status;
    use uuid::Uuid;

    fn assigned(agent: u128, status: Status) -> Conversation {
        Conversation {
            agent_assignee_id: Some(AgentId(Uuid::from_u128(agent))),
            status,
            ..Conversation::default()
        }
    }

    #[test]
    fn only_a_change_that_frees_a_counted_slot_runs_the_queue() {
        let on = AutoAllocationSetting {
            enable: true,
            ..AutoAllocationSetting::default()
        };
        let new = assigned(1, Status::New);
        // Between two counted statuses: nothing freed (a reply's usual new → pendingExternal).
        assert!(!frees_capacity(
            &on,
            &new,
            &assigned(1, Status::PendingExternal)
        ));
        assert!(!frees_capacity(&on, &new, &new));
        // Closed, deleted, reassigned, unassigned: freed.
        assert!(frees_capacity(&on, &new, &assigned(1, Status::Closed)));
        let deleted = Conversation {
            is_deleted: true,
            ..new.clone()
        };
        assert!(frees_capacity(&on, &new, &deleted));
        assert!(frees_capacity(&on, &new, &assigned(2, Status::New)));
        let unassigned = Conversation {
            agent_assignee_id: None,
            ..new.clone()
        };
        assert!(frees_capacity(&on, &new, &unassigned));
        // A status the settings exclude from the load frees the slot.
        let excluding = AutoAllocationSetting {
            exclude_pending_external: true,
            exclude_on_hold: true,
            ..on.clone()
        };
        assert!(frees_capacity(
            &excluding,
            &new,
            &assigned(1, Status::PendingExternal)
        ));
        assert!(frees_capacity(
            &excluding,
            &new,
            &assigned(1, Status::OnHold)
        ));
        // Leaving a status that never counted frees nothing; a waiting one has no slot.
        let held = assigned(1, Status::OnHold);
        assert!(!frees_capacity(
            &excluding,
            &held,
            &assigned(1, Status::Closed)
        ));
        assert!(!frees_capacity(
            &on,
            &unassigned,
            &assigned(1, Status::Closed)
        ));
        // Allocation off: the queue never runs.
        let off = AutoAllocationSetting::default();
        assert!(!frees_capacity(&off, &new, &assigned(1, Status::Closed)));
    }
}
