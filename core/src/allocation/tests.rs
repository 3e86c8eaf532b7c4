//! Rule-by-rule tests of [`allocate`] and the SPEC §5.3 invariants as properties.

use super::*;
use crate::model::AgentStatus;
use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

fn id(n: u128) -> AgentId {
    AgentId(Uuid::from_u128(0xa0 + n))
}

fn dep(n: u128) -> DepartmentId {
    DepartmentId(Uuid::from_u128(0xd0 + n))
}

fn agent(n: u128, departments: &[u128]) -> Agent {
    Agent {
        id: id(n),
        name: format!("agent {n}"),
        email: None,
        is_active: true,
        department_ids: departments.iter().map(|&d| dep(d)).collect(),
        status: AgentStatus::Online,
        load: BTreeMap::new(),
    }
}

fn loaded(n: u128, departments: &[u128], new: u32) -> Agent {
    let mut a = agent(n, departments);
    a.load.insert(Status::New, new);
    a
}

fn to_department(d: u128) -> AllocationConversation {
    AllocationConversation {
        department_assignee_id: Some(dep(d)),
        ..Default::default()
    }
}

fn settings(body: serde_json::Value) -> AutoAllocationSetting {
    serde_json::from_value(body).unwrap()
}

fn round_robin_in(d: u128) -> AutoAllocationSetting {
    settings(json!({
        "enable": true, "isEnabledDepartment": true,
        "departmentAllocationRule": [{"departmentId": dep(d), "allocationRule": "roundRobin"}]
    }))
}

fn run(
    s: &AutoAllocationSetting,
    agents: &[Agent],
    conversations: &[AllocationConversation],
    state: &mut AllocationState,
) -> Vec<Option<AgentId>> {
    conversations
        .iter()
        .map(|c| allocate(s, agents, c, state).agent_id())
        .collect()
}

#[test]
fn disabled_leaves_the_conversation_unassigned() {
    let s = settings(json!({"enable": false}));
    let mut state = AllocationState::default();
    let outcome = allocate(&s, &[agent(1, &[])], &to_department(1), &mut state);
    assert_eq!(outcome, Outcome::Disabled);
    assert_eq!(outcome.agent_id(), None);
    assert_eq!(state, AllocationState::default());
}

#[test]
fn an_assigned_conversation_keeps_its_agent() {
    let s = settings(json!({"enable": true}));
    let mut state = AllocationState::default();
    let mut c = to_department(1);
    c.agent_assignee_id = Some(id(7));
    let outcome = allocate(&s, &[agent(1, &[1])], &c, &mut state);
    assert_eq!(outcome, Outcome::AlreadyAssigned(id(7)));
    assert_eq!(outcome.agent_id(), Some(id(7)));
    assert_eq!(state, AllocationState::default());
}

#[test]
fn closed_deleted_or_merged_conversations_are_not_allocated() {
    let s = settings(json!({"enable": true}));
    let agents = [agent(1, &[1])];
    let mut state = AllocationState::default();
    let mut closed = to_department(1);
    closed.status = Status::Closed;
    let mut deleted = to_department(1);
    deleted.is_deleted = true;
    let mut merged = to_department(1);
    merged.merged_into_id = Some(ConversationId(3));
    for c in [closed, deleted, merged] {
        assert_eq!(allocate(&s, &agents, &c, &mut state), Outcome::NotOpen);
    }
    assert_eq!(state, AllocationState::default());
}

#[test]
fn no_candidate_means_waiting() {
    let s = round_robin_in(1);
    let mut offline = agent(1, &[1]);
    offline.status = AgentStatus::Offline;
    let agents = [offline, agent(2, &[2])];
    let mut state = AllocationState::default();
    assert_eq!(
        allocate(&s, &agents, &to_department(1), &mut state),
        Outcome::Waiting
    );
    assert_eq!(
        allocate(&s, &[], &to_department(1), &mut state),
        Outcome::Waiting
    );
    assert_eq!(state, AllocationState::default());
}

#[test]
fn load_balancing_picks_least_load_then_least_recent_then_id() {
    let s = settings(json!({"enable": true}));
    let agents = [loaded(3, &[], 0), loaded(1, &[], 2), loaded(2, &[], 0)];
    let mut state = AllocationState::default();
    let c = AllocationConversation::default();
    // a2 and a3 tie on load 0, neither allocated before: the smaller id.
    assert_eq!(
        allocate(&s, &agents, &c, &mut state),
        Outcome::Allocated(id(2))
    );
    // a3 now has the least load.
    assert_eq!(
        allocate(&s, &agents, &c, &mut state),
        Outcome::Allocated(id(3))
    );
    // Loads a1 2, a2 1, a3 1: a2 and a3 tie, and a2 was allocated longer ago.
    assert_eq!(
        allocate(&s, &agents, &c, &mut state),
        Outcome::Allocated(id(2))
    );
    assert_eq!(
        allocate(&s, &agents, &c, &mut state),
        Outcome::Allocated(id(3))
    );
    // All at 2 now; a1 was never allocated, so it is the least recent.
    assert_eq!(
        allocate(&s, &agents, &c, &mut state),
        Outcome::Allocated(id(1))
    );
    assert_eq!(state.allocation_count, 5);
    assert_eq!(
        state
            .agents
            .get(&id(2))
            .unwrap()
            .added_load
            .get(Status::New),
        2
    );
}

#[test]
fn recency_breaks_ties_between_equal_loads() {
    let s = settings(json!({"enable": true}));
    let agents = [loaded(1, &[], 1), loaded(2, &[], 1)];
    let mut state = AllocationState::default();
    state.agents.entry(id(1)).last_allocated = 4;
    state.agents.entry(id(2)).last_allocated = 9;
    state.allocation_count = 9;
    let outcome = allocate(&s, &agents, &AllocationConversation::default(), &mut state);
    assert_eq!(outcome, Outcome::Allocated(id(1)));
    assert_eq!(state.recency(&id(1)), 10);
}

#[test]
fn round_robin_rotates_by_agent_id_and_wraps() {
    let s = round_robin_in(1);
    // Given out of order, and with a heavy load that round robin ignores.
    let agents = [
        agent(3, &[1]),
        loaded(1, &[1], 9),
        agent(2, &[1]),
        agent(4, &[2]),
    ];
    let mut state = AllocationState::default();
    let got = run(&s, &agents, &vec![to_department(1); 5], &mut state);
    assert_eq!(
        got,
        [
            Some(id(1)),
            Some(id(2)),
            Some(id(3)),
            Some(id(1)),
            Some(id(2))
        ]
    );
    assert_eq!(
        state.round_robin_cursors[&PoolKey::Department(dep(1))],
        id(2)
    );
}

#[test]
fn round_robin_skips_the_ineligible_without_losing_the_turn() {
    let s = round_robin_in(1);
    let mut agents = [agent(1, &[1]), agent(2, &[1]), agent(3, &[1])];
    let mut state = AllocationState::default();
    assert_eq!(
        run(&s, &agents, &[to_department(1)], &mut state),
        [Some(id(1))]
    );
    agents[1].status = AgentStatus::Away;
    // a2 is skipped; a3 takes the turn.
    assert_eq!(
        run(&s, &agents, &[to_department(1)], &mut state),
        [Some(id(3))]
    );
    agents[1].status = AgentStatus::Online;
    // The rotation continues from a3: a1, then a2 gets its place in the cycle back.
    let got = run(&s, &agents, &vec![to_department(1); 3], &mut state);
    assert_eq!(got, [Some(id(1)), Some(id(2)), Some(id(3))]);
}

#[test]
fn round_robin_keeps_a_cursor_per_department() {
    let s = settings(json!({
        "enable": true, "isEnabledDepartment": true,
        "departmentAllocationRule": [
            {"departmentId": dep(1), "allocationRule": "roundRobin"},
            {"departmentId": dep(2), "allocationRule": "roundRobin"}
        ]
    }));
    let agents = [agent(1, &[1, 2]), agent(2, &[1, 2])];
    let mut state = AllocationState::default();
    let got = run(
        &s,
        &agents,
        &[
            to_department(1),
            to_department(2),
            to_department(1),
            to_department(2),
        ],
        &mut state,
    );
    assert_eq!(got, [Some(id(1)), Some(id(1)), Some(id(2)), Some(id(2))]);
}

#[test]
fn round_robin_cursor_survives_the_last_agent_leaving() {
    let s = round_robin_in(1);
    let mut state = AllocationState::default();
    state
        .round_robin_cursors
        .insert(PoolKey::Department(dep(1)), id(2));
    // a2 is gone; the next after it is a3.
    let agents = [agent(1, &[1]), agent(3, &[1])];
    assert_eq!(
        run(&s, &agents, &[to_department(1)], &mut state),
        [Some(id(3))]
    );
}

#[test]
fn default_rule_draws_from_all_active_agents() {
    // Department rules on, but department 2 has none: the default rule (all agents) decides.
    let s = settings(json!({
        "enable": true, "isEnabledDepartment": true,
        "departmentAllocationRule": [{"departmentId": dep(1)}]
    }));
    let mut inactive = agent(1, &[2]);
    inactive.is_active = false;
    let agents = [inactive, loaded(2, &[2], 3), agent(3, &[1])];
    let mut state = AllocationState::default();
    assert_eq!(
        run(&s, &agents, &[to_department(2)], &mut state),
        [Some(id(3))]
    );
    // No department at all: the default rule too.
    assert_eq!(
        run(
            &s,
            &agents,
            &[AllocationConversation::default()],
            &mut state
        ),
        [Some(id(3))]
    );
}

#[test]
fn department_rules_are_ignored_while_is_enabled_department_is_off() {
    let mut s = settings(json!({
        "enable": true,
        "departmentAllocationRule": [{"departmentId": dep(1), "allocationRule": "roundRobin"}]
    }));
    let agents = [agent(1, &[1]), agent(2, &[2])];
    let mut state = AllocationState::default();
    // Default rule: load balancing over all agents.
    let got = run(&s, &agents, &vec![to_department(1); 2], &mut state);
    assert_eq!(got, [Some(id(1)), Some(id(2))]);
    s.is_enabled_department = true;
    let mut state = AllocationState::default();
    let got = run(&s, &agents, &vec![to_department(1); 2], &mut state);
    assert_eq!(got, [Some(id(1)), Some(id(1))]);
}

#[test]
fn prefer_last_assignee_when_a_candidate() {
    let s = settings(json!({
        "enable": true, "isEnabledDepartment": true,
        "departmentAllocationRule": [{"departmentId": dep(1), "allocationRule": "roundRobin",
            "preferLastAssignee": true}],
        "maxNumberForAllAgents": 1
    }));
    let agents = [agent(1, &[1]), agent(2, &[1]), agent(3, &[1])];
    let mut state = AllocationState::default();
    let mut c = to_department(1);
    c.last_assignee_id = Some(id(3));
    assert_eq!(run(&s, &agents, &[c.clone()], &mut state), [Some(id(3))]);
    // Outside the rotation: the cursor did not move, so a1 is next in turn.
    assert!(state.round_robin_cursors.is_empty());
    // a3 is now full: not a candidate, so the rotation decides.
    assert_eq!(run(&s, &agents, &[c], &mut state), [Some(id(1))]);
    assert_eq!(
        state.round_robin_cursors[&PoolKey::Department(dep(1))],
        id(1)
    );
}

#[test]
fn last_assignee_is_ignored_without_prefer_last_assignee() {
    let s = settings(json!({"enable": true}));
    let agents = [agent(1, &[]), agent(2, &[])];
    let mut state = AllocationState::default();
    let c = AllocationConversation {
        last_assignee_id: Some(id(2)),
        ..Default::default()
    };
    assert_eq!(run(&s, &agents, &[c], &mut state), [Some(id(1))]);
}

#[test]
fn last_assignee_outside_the_pool_is_not_preferred() {
    let s = settings(json!({
        "enable": true, "isEnabledDepartment": true,
        "departmentAllocationRule": [{"departmentId": dep(1), "preferLastAssignee": true}]
    }));
    let agents = [agent(1, &[1]), agent(2, &[2])];
    let mut state = AllocationState::default();
    let mut c = to_department(1);
    c.last_assignee_id = Some(id(2));
    assert_eq!(run(&s, &agents, &[c], &mut state), [Some(id(1))]);
}

#[test]
fn capacity_for_all_agents_counts_added_load() {
    let s = settings(json!({"enable": true, "maxNumberForAllAgents": 2}));
    let agents = [loaded(1, &[], 1), agent(2, &[])];
    let mut state = AllocationState::default();
    let got = run(
        &s,
        &agents,
        &vec![AllocationConversation::default(); 4],
        &mut state,
    );
    assert_eq!(got, [Some(id(2)), Some(id(1)), Some(id(2)), None]);
}

#[test]
fn per_agent_capacity_and_acceptance() {
    let s = settings(json!({
        "enable": true, "setMaxNumberForEachAgent": true, "maxNumberForAllAgents": 1,
        "agentPreferences": [
            {"agentId": id(1), "maxConcurrentCount": 2},
            {"agentId": id(2), "maxConcurrentCount": 9, "ifAcceptAllocation": false}
        ]
    }));
    let agents = [agent(1, &[]), agent(2, &[])];
    let mut state = AllocationState::default();
    let got = run(
        &s,
        &agents,
        &vec![AllocationConversation::default(); 3],
        &mut state,
    );
    assert_eq!(got, [Some(id(1)), Some(id(1)), None]);
}

#[test]
fn excluded_statuses_do_not_fill_capacity() {
    let mut a = agent(1, &[]);
    a.load.insert(Status::PendingExternal, 3);
    a.load.insert(Status::OnHold, 2);
    let agents = [a];
    let mut s = settings(json!({"enable": true, "maxNumberForAllAgents": 3}));
    let mut state = AllocationState::default();
    assert_eq!(
        run(
            &s,
            &agents,
            &[AllocationConversation::default()],
            &mut state
        ),
        [None]
    );
    s.exclude_pending_external = true;
    assert_eq!(
        run(
            &s,
            &agents,
            &[AllocationConversation::default()],
            &mut state
        ),
        [Some(id(1))]
    );
    s.exclude_on_hold = true;
    // 1 added (new) + 0 counted: two more fit, the third does not.
    let got = run(
        &s,
        &agents,
        &vec![AllocationConversation::default(); 3],
        &mut state,
    );
    assert_eq!(got, [Some(id(1)), Some(id(1)), None]);
    // A conversation allocated while on hold is added under onHold, which is not counted.
    let on_hold = AllocationConversation {
        status: Status::OnHold,
        ..Default::default()
    };
    assert_eq!(
        run(&s, &agents, &[on_hold], &mut state),
        [None],
        "full: 3 new counted"
    );
}

#[test]
fn from_conversation_copies_what_allocation_reads() {
    let c = Conversation {
        id: ConversationId(5),
        department_assignee_id: Some(dep(1)),
        priority: Priority::High,
        status: Status::PendingInternal,
        ..Default::default()
    };
    let a = AllocationConversation::from_conversation(&c, Some(id(1)));
    assert_eq!(a.id, ConversationId(5));
    assert_eq!(a.department_assignee_id, Some(dep(1)));
    assert_eq!(a.priority, Priority::High);
    assert_eq!(a.status, Status::PendingInternal);
    assert_eq!(a.last_assignee_id, Some(id(1)));
}

#[test]
fn eval_fold_threads_the_state() {
    let input = json!({
        "settings": {"enable": true, "defaultAllocationRule": {"allocationRule": "roundRobin"}},
        "agents": [
            {"id": id(2), "status": "online"},
            {"id": id(1), "status": "online"}
        ],
        "conversation": {"id": 1, "subject": "ignored", "channel": "email"},
        "state": {}
    });
    let mut input = input;
    let mut got = Vec::new();
    for _ in 0..3 {
        let out = crate::eval::call("allocate", input.clone()).unwrap();
        got.push(out["agentId"].clone());
        input["state"] = out["state"].clone();
    }
    assert_eq!(got, [json!(id(1)), json!(id(2)), json!(id(1))]);
    assert_eq!(input["state"]["allocationCount"], 3);
    assert_eq!(
        input["state"]["agents"][id(1).to_string()]["lastAllocated"],
        3
    );
    assert_eq!(
        input["state"]["roundRobinCursors"]["allAgents"],
        json!(id(1))
    );
}

#[test]
fn eval_errors_name_the_field() {
    let err = crate::eval::call(
        "allocate",
        json!({"settings": {"maxNumberForAllAgents": -2}, "agents": [], "conversation": {}}),
    )
    .unwrap_err();
    assert_eq!(err.details()[0].field, "settings.maxNumberForAllAgents");
    let err = crate::eval::call("allocate", json!({"settings": {}, "agents": []})).unwrap_err();
    assert!(err.to_string().contains("conversation"), "{err}");
}

#[test]
fn eval_allocate_waiting() {
    let out = crate::eval::call(
        "allocateWaiting",
        json!({
            "settings": {"enable": true, "maxNumberForAllAgents": 1},
            "agents": [{"id": id(1), "status": "online"}],
            "conversations": [
                {"id": 1, "priority": "low", "createdTime": "2024-01-01T09:00:00Z"},
                {"id": 2, "priority": "high", "createdTime": "2024-01-01T10:00:00Z"}
            ]
        }),
    )
    .unwrap();
    assert_eq!(
        out["assignments"],
        json!([{"conversationId": 2, "agentId": id(1)}])
    );
    assert_eq!(out["waiting"], json!([1]));
}

// ---- properties -------------------------------------------------------------------------

/// An agent as the properties vary it.
#[derive(Debug, Clone)]
struct AgentSpec {
    active: bool,
    status: AgentStatus,
    departments: Vec<u128>,
    load: BTreeMap<Status, u32>,
    accepts: bool,
    max: u32,
}

fn agent_spec() -> impl Strategy<Value = AgentSpec> {
    (
        prop::bool::weighted(0.85),
        prop::sample::select(vec![
            AgentStatus::Online,
            AgentStatus::Online,
            AgentStatus::Online,
            AgentStatus::Away,
            AgentStatus::Offline,
        ]),
        prop::collection::vec(1u128..4, 0..3),
        prop::collection::btree_map(prop::sample::select(Status::ALL.to_vec()), 0u32..4, 0..4),
        prop::bool::weighted(0.85),
        0u32..5,
    )
        .prop_map(
            |(active, status, departments, load, accepts, max)| AgentSpec {
                active,
                status,
                departments,
                load,
                accepts,
                max,
            },
        )
}

fn build(specs: &[AgentSpec]) -> Vec<Agent> {
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| Agent {
            id: id(i as u128),
            name: String::new(),
            email: None,
            is_active: s.active,
            department_ids: s.departments.iter().map(|&d| dep(d)).collect(),
            status: s.status,
            load: s.load.clone(),
        })
        .collect()
}

fn settings_for(
    specs: &[AgentSpec],
    per_agent: bool,
    all_max: u32,
    round_robin: bool,
    flags: (bool, bool, bool),
) -> AutoAllocationSetting {
    let strategy = if round_robin {
        AllocationStrategy::RoundRobin
    } else {
        AllocationStrategy::LoadBalancing
    };
    AutoAllocationSetting {
        enable: true,
        is_enabled_department: flags.0,
        department_allocation_rule: (1..4)
            .map(|d| DepartmentAllocationRule {
                department_id: dep(d),
                allocation_to: AllocationTo::Department,
                allocation_rule: strategy,
                prefer_last_assignee: true,
            })
            .collect(),
        default_allocation_rule: DefaultAllocationRule {
            allocation_rule: strategy,
            prefer_last_assignee: true,
            ..Default::default()
        },
        set_max_number_for_each_agent: per_agent,
        max_number_for_all_agents: MaxConversations(all_max),
        agent_preferences: specs
            .iter()
            .enumerate()
            .map(|(i, s)| AgentPreference {
                agent_id: id(i as u128),
                max_concurrent_count: MaxConversations(s.max),
                if_accept_allocation: s.accepts,
            })
            .collect(),
        exclude_pending_external: flags.1,
        exclude_on_hold: flags.2,
    }
}

fn arrival() -> impl Strategy<Value = AllocationConversation> {
    (
        prop::option::of(1u128..4),
        prop::sample::select(vec![
            Status::New,
            Status::PendingInternal,
            Status::PendingExternal,
            Status::OnHold,
        ]),
        prop::option::of(0u128..12),
    )
        .prop_map(|(d, status, last)| AllocationConversation {
            department_assignee_id: d.map(dep),
            status,
            last_assignee_id: last.map(id),
            ..Default::default()
        })
}

proptest! {
    /// Every allocation goes to an active, online, accepting member of the pool that was below
    /// capacity, and so no agent is ever pushed above its capacity.
    #[test]
    fn never_above_capacity_nor_to_an_ineligible_agent(
        specs in prop::collection::vec(agent_spec(), 0..12),
        per_agent in any::<bool>(),
        all_max in 0u32..6,
        round_robin in any::<bool>(),
        flags in any::<(bool, bool, bool)>(),
        arrivals in prop::collection::vec(arrival(), 0..30),
    ) {
        let agents = build(&specs);
        let s = settings_for(&specs, per_agent, all_max, round_robin, flags);
        let mut state = AllocationState::default();
        for c in &arrivals {
            let before = state.clone();
            let outcome = allocate(&s, &agents, c, &mut state);
            let Outcome::Allocated(chosen) = outcome else {
                prop_assert_eq!(outcome, Outcome::Waiting);
                prop_assert_eq!(&state, &before);
                continue;
            };
            let i = agents.iter().position(|a| a.id == chosen).unwrap();
            let (a, spec) = (&agents[i], &specs[i]);
            prop_assert!(a.is_active && a.status == AgentStatus::Online && spec.accepts);
            let pool = resolve_rule(&s, c.department_assignee_id).pool;
            if let PoolKey::Department(d) = pool {
                prop_assert!(a.department_ids.contains(&d));
            }
            let cap = if per_agent { spec.max } else { all_max };
            let load_before = counted_load(&s, &a.load) + added(&s, &before, &chosen);
            let load_after = counted_load(&s, &a.load) + added(&s, &state, &chosen);
            if cap > 0 {
                prop_assert!(load_before < u64::from(cap));
                prop_assert!(load_after <= u64::from(cap));
            }
        }
        // And at the end no agent that started within capacity is above it.
        for (i, a) in agents.iter().enumerate() {
            let cap = u64::from(if per_agent { specs[i].max } else { all_max });
            let start = counted_load(&s, &a.load);
            let end = start + added(&s, &state, &a.id);
            if cap > 0 && start <= cap {
                prop_assert!(end <= cap, "agent {} ends at {} of {}", i, end, cap);
            }
        }
    }

    /// Round robin spreads n·k conversations per department over k always-free agents exactly
    /// n each per department, whatever the order the conversations arrive in and the agents
    /// are listed in.
    #[test]
    fn round_robin_is_exactly_fair(
        k in 1usize..7,
        per_department in prop::collection::vec(0usize..4, 1..4),
        seed in any::<u64>(),
        agent_order in any::<u64>(),
    ) {
        let departments: Vec<u128> = (1..=per_department.len() as u128).collect();
        let mut agents: Vec<Agent> = (0..k as u128).map(|i| agent(i, &departments)).collect();
        shuffle(&mut agents, agent_order);
        let mut arrivals: Vec<AllocationConversation> = per_department
            .iter()
            .zip(&departments)
            .flat_map(|(&n, &d)| std::iter::repeat_n(to_department(d), n * k))
            .collect();
        shuffle(&mut arrivals, seed);
        let s = settings(json!({
            "enable": true, "isEnabledDepartment": true,
            "departmentAllocationRule": departments.iter().map(|&d| json!({
                "departmentId": dep(d), "allocationRule": "roundRobin"})).collect::<Vec<_>>()
        }));
        let mut state = AllocationState::default();
        let mut counts: BTreeMap<(DepartmentId, AgentId), usize> = BTreeMap::new();
        for c in &arrivals {
            let got = allocate(&s, &agents, c, &mut state).agent_id();
            prop_assert!(got.is_some());
            if let (Some(d), Some(a)) = (c.department_assignee_id, got) {
                *counts.entry((d, a)).or_default() += 1;
            }
        }
        for (&n, &d) in per_department.iter().zip(&departments) {
            for a in &agents {
                prop_assert_eq!(counts.get(&(dep(d), a.id)).copied().unwrap_or(0), n);
            }
        }
    }

    /// Load balancing always picks a candidate of least load, and the pick does not depend on
    /// the order the agents are listed in (the ranking is a total order).
    #[test]
    fn load_balancing_picks_a_least_loaded_candidate(
        specs in prop::collection::vec(agent_spec(), 1..12),
        per_agent in any::<bool>(),
        all_max in 0u32..6,
        flags in any::<(bool, bool, bool)>(),
        arrivals in prop::collection::vec(arrival(), 1..20),
        order in any::<u64>(),
    ) {
        let agents = build(&specs);
        let mut shuffled = agents.clone();
        shuffle(&mut shuffled, order);
        let mut s = settings_for(&specs, per_agent, all_max, false, flags);
        s.default_allocation_rule.prefer_last_assignee = false;
        for r in &mut s.department_allocation_rule {
            r.prefer_last_assignee = false;
        }
        let mut state = AllocationState::default();
        let mut other = AllocationState::default();
        for c in &arrivals {
            let pool = resolve_rule(&s, c.department_assignee_id).pool;
            let least = {
                let e = Eligibility::new(&s, &state, pool);
                agents.iter().filter_map(|a| e.candidate_load(a)).min()
            };
            let outcome = allocate(&s, &agents, c, &mut state);
            prop_assert_eq!(outcome, allocate(&s, &shuffled, c, &mut other));
            match (outcome, least) {
                (Outcome::Allocated(chosen), Some(least)) => {
                    let a = agents.iter().find(|a| a.id == chosen).unwrap();
                    // This allocation's own added load is not part of the load it was chosen with.
                    let now = Eligibility::new(&s, &state, pool).load(a);
                    let own = u64::from(counts_towards_load(&s, c.status));
                    prop_assert_eq!(now - own, least);
                }
                (Outcome::Waiting, None) => {}
                other => prop_assert!(false, "outcome and candidates disagree: {:?}", other),
            }
        }
        prop_assert_eq!(state, other);
    }

    /// The pruned single pass decides exactly like the definition: collect every candidate,
    /// prefer the last assignee, else sort and take the least rank or the next id in turn.
    #[test]
    fn single_pass_matches_the_definition(
        specs in prop::collection::vec(agent_spec(), 0..12),
        per_agent in any::<bool>(),
        all_max in 0u32..6,
        round_robin in any::<bool>(),
        flags in any::<(bool, bool, bool)>(),
        arrivals in prop::collection::vec(arrival(), 0..30),
        order in any::<u64>(),
    ) {
        let mut agents = build(&specs);
        shuffle(&mut agents, order);
        let s = settings_for(&specs, per_agent, all_max, round_robin, flags);
        let mut state = AllocationState::default();
        let mut model = AllocationState::default();
        for c in &arrivals {
            let got = allocate(&s, &agents, c, &mut state);
            let want = by_definition(&s, &agents, c, &mut model);
            prop_assert_eq!(got, want);
            prop_assert_eq!(&state, &model);
        }
    }

    /// The state round-trips through JSON, so a fold through `eval` gives the same answers.
    #[test]
    fn state_round_trips_through_json(
        specs in prop::collection::vec(agent_spec(), 1..8),
        round_robin in any::<bool>(),
        arrivals in prop::collection::vec(arrival(), 1..12),
    ) {
        let agents = build(&specs);
        let s = settings_for(&specs, false, 0, round_robin, (true, false, false));
        let mut state = AllocationState::default();
        for c in &arrivals {
            let text = serde_json::to_string(&state).unwrap();
            let mut back: AllocationState = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&back, &state);
            let a = allocate(&s, &agents, c, &mut state);
            let b = allocate(&s, &agents, c, &mut back);
            prop_assert_eq!(a, b);
            prop_assert_eq!(&back, &state);
        }
    }
}

/// SPEC §5.3 read literally, with sorting and no shortcuts: the oracle for the single pass.
fn by_definition(
    s: &AutoAllocationSetting,
    agents: &[Agent],
    c: &AllocationConversation,
    state: &mut AllocationState,
) -> Outcome {
    let rule = resolve_rule(s, c.department_assignee_id);
    let mut candidates: Vec<LoadRank> = {
        let e = Eligibility::new(s, state, rule.pool);
        agents
            .iter()
            .filter_map(|a| {
                e.candidate_load(a).map(|load| LoadRank {
                    load,
                    last_allocated: state.recency(&a.id),
                    agent: a.id,
                })
            })
            .collect()
    };
    if candidates.is_empty() {
        return Outcome::Waiting;
    }
    let last = c
        .last_assignee_id
        .filter(|l| rule.prefer_last_assignee && candidates.iter().any(|r| r.agent == *l));
    let chosen = if let Some(last) = last {
        last
    } else if rule.strategy == AllocationStrategy::RoundRobin {
        candidates.sort_by_key(|r| r.agent);
        let cursor = state.round_robin_cursors.get(&rule.pool).copied();
        let next = candidates
            .iter()
            .find(|r| cursor.is_some_and(|cur| r.agent > cur))
            .unwrap_or(&candidates[0])
            .agent;
        state.round_robin_cursors.insert(rule.pool, next);
        next
    } else {
        candidates.sort();
        candidates[0].agent
    };
    state.record(chosen, c.status);
    Outcome::Allocated(chosen)
}

fn added(s: &AutoAllocationSetting, state: &AllocationState, agent: &AgentId) -> u64 {
    state
        .agents
        .get(agent)
        .map_or(0, |m| counted_added_load(s, &m.added_load))
}

/// A deterministic Fisher–Yates shuffle driven by a seed (splitmix64), so proptest can shrink
/// the seed.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut x = seed;
    for i in (1..items.len()).rev() {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let j = (z % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}
