//! Allocation among 10,000 agents (budget: under 200 µs per conversation, SPEC §8).
//!
//! Agents are spread over 4 departments, 90 % online, with loads 0–7. Scenarios: a fresh
//! allocator; an allocator whose state already remembers every agent and settings with a
//! preference for every agent (the worst case for lookups); and a queue run of 100 waiting
//! conversations.

use anytime_core::allocation::{
    allocate, allocate_waiting, AgentPreference, AllocationConversation, AllocationState,
    AllocationStrategy, AllocationTo, AutoAllocationSetting, DefaultAllocationRule,
    DepartmentAllocationRule, MaxConversations,
};
use anytime_core::model::{
    Agent, AgentId, AgentStatus, ConversationId, DepartmentId, Priority, Status,
};
use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use std::collections::BTreeMap;
use uuid::Uuid;

const AGENTS: usize = 10_000;

/// A deterministic pseudo-random sequence (splitmix64), so ids are spread like real UUIDs.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn department(d: u64) -> DepartmentId {
    DepartmentId(Uuid::from_u128(0xd0 + u128::from(d)))
}

fn agents() -> Vec<Agent> {
    (0..AGENTS as u64)
        .map(|i| {
            let r = mix(i);
            let id = AgentId(Uuid::from_u64_pair(r, mix(r)));
            let mut load = BTreeMap::new();
            load.insert(Status::New, (r % 5) as u32);
            load.insert(Status::PendingExternal, ((r >> 8) % 3) as u32);
            Agent {
                id,
                name: format!("agent {i}"),
                email: None,
                // 1 in 50 inactive, 1 in 10 offline.
                is_active: !r.is_multiple_of(50),
                department_ids: vec![department(i % 4), department((i + 1) % 4)],
                status: if r.is_multiple_of(10) {
                    AgentStatus::Offline
                } else {
                    AgentStatus::Online
                },
                load,
            }
        })
        .collect()
}

fn settings(
    strategy: AllocationStrategy,
    agents: &[Agent],
    per_agent: bool,
) -> AutoAllocationSetting {
    AutoAllocationSetting {
        enable: true,
        is_enabled_department: true,
        department_allocation_rule: (0..4)
            .map(|d| DepartmentAllocationRule {
                department_id: department(d),
                allocation_to: AllocationTo::Department,
                allocation_rule: strategy,
                prefer_last_assignee: true,
            })
            .collect(),
        default_allocation_rule: DefaultAllocationRule::default(),
        set_max_number_for_each_agent: per_agent,
        max_number_for_all_agents: MaxConversations(0),
        agent_preferences: if per_agent {
            agents
                .iter()
                .enumerate()
                .map(|(i, a)| AgentPreference {
                    agent_id: a.id,
                    max_concurrent_count: MaxConversations(6 + (i % 4) as u32),
                    if_accept_allocation: !i.is_multiple_of(17),
                })
                .collect()
        } else {
            Default::default()
        },
        exclude_pending_external: true,
        exclude_on_hold: false,
    }
}

/// A state that remembers every agent: a cursor per department, a recency and an added load.
fn busy_state(agents: &[Agent]) -> AllocationState {
    let mut state = AllocationState::default();
    for (i, a) in agents.iter().enumerate() {
        let memory = state.agents.entry(a.id);
        memory.last_allocated = i as u64 + 1;
        memory.added_load.add(Status::New, (i % 2) as u32);
    }
    state.allocation_count = agents.len() as u64;
    state
}

fn conversation() -> AllocationConversation {
    AllocationConversation {
        id: ConversationId(1),
        department_assignee_id: Some(department(1)),
        last_assignee_id: Some(AgentId(Uuid::from_u128(7))),
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    let agents = agents();
    let conversation = conversation();
    for (name, strategy) in [
        ("loadBalancing", AllocationStrategy::LoadBalancing),
        ("roundRobin", AllocationStrategy::RoundRobin),
    ] {
        let s = settings(strategy, &agents, false);
        c.bench_function(&format!("allocate 10k agents {name}, fresh state"), |b| {
            b.iter_batched_ref(
                AllocationState::default,
                |state| allocate(black_box(&s), black_box(&agents), &conversation, state),
                BatchSize::SmallInput,
            )
        });
        let s = settings(strategy, &agents, true);
        let busy = busy_state(&agents);
        c.bench_function(
            &format!("allocate 10k agents {name}, 10k preferences, state for every agent"),
            |b| {
                b.iter_batched_ref(
                    || busy.clone(),
                    |state| allocate(black_box(&s), black_box(&agents), &conversation, state),
                    BatchSize::LargeInput,
                )
            },
        );
    }

    // Worst case for load balancing: every agent has the same load, so none can be passed over
    // early and every one needs both lookups.
    let tied: Vec<Agent> = agents
        .iter()
        .map(|a| Agent {
            load: BTreeMap::from([(Status::New, 1)]),
            ..a.clone()
        })
        .collect();
    let mut tied_state = AllocationState::default();
    for (i, a) in tied.iter().enumerate() {
        let memory = tied_state.agents.entry(a.id);
        memory.last_allocated = i as u64 + 1;
        memory.added_load.add(Status::New, 1);
    }
    tied_state.allocation_count = tied.len() as u64;
    let s = settings(AllocationStrategy::LoadBalancing, &tied, true);
    c.bench_function(
        "allocate 10k agents loadBalancing, all tied, 10k preferences, state for every agent",
        |b| {
            b.iter_batched_ref(
                || tied_state.clone(),
                |state| allocate(black_box(&s), black_box(&tied), &conversation, state),
                BatchSize::LargeInput,
            )
        },
    );
    // The same on settings used for the first time, so the call also builds their preference
    // table (what every `anytime eval` line pays, on top of parsing).
    c.bench_function(
        "allocate 10k agents loadBalancing, all tied, 10k preferences on first use, state for every agent",
        |b| {
            b.iter_batched_ref(
                || (settings(AllocationStrategy::LoadBalancing, &tied, true), tied_state.clone()),
                |(s, state)| allocate(black_box(s), black_box(&tied), &conversation, state),
                BatchSize::LargeInput,
            )
        },
    );

    let s = settings(AllocationStrategy::LoadBalancing, &agents, true);
    let waiting: Vec<AllocationConversation> = (0..100)
        .map(|i| AllocationConversation {
            id: ConversationId(i),
            department_assignee_id: Some(department(i as u64 % 4)),
            priority: Priority::ALL[i as usize % 4],
            ..Default::default()
        })
        .collect();
    c.bench_function("allocateWaiting 100 conversations, 10k agents", |b| {
        b.iter_batched_ref(
            AllocationState::default,
            |state| allocate_waiting(black_box(&s), black_box(&agents), &waiting, state),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
