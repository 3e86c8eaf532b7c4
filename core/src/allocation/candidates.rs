//! Who may receive a conversation (SPEC §5.3): which rule applies, which agents form its pool,
//! and which of them are candidates now — active, online, accepting, below capacity.

use super::preferences::AgentPreference;
use super::settings::{AllocationStrategy, AllocationTo, AutoAllocationSetting};
use super::state::{AllocationState, LoadByStatus, PoolKey};
use crate::model::{Agent, AgentStatus, DepartmentId, Status};
use std::collections::BTreeMap;

/// The rule that decides one conversation, resolved from the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedRule {
    pub pool: PoolKey,
    pub strategy: AllocationStrategy,
    pub prefer_last_assignee: bool,
}

/// The department's own rule when department rules are on and it has one, else the default
/// rule. A rule drawing from "the department" falls back to every active agent when the
/// conversation has no department.
pub fn resolve_rule(
    settings: &AutoAllocationSetting,
    department: Option<DepartmentId>,
) -> ResolvedRule {
    let (to, strategy, prefer_last_assignee) =
        match department.and_then(|d| settings.department_rule(d)) {
            Some(rule) => (
                rule.allocation_to,
                rule.allocation_rule,
                rule.prefer_last_assignee,
            ),
            None => {
                let rule = &settings.default_allocation_rule;
                (
                    rule.allocation_to,
                    rule.allocation_rule,
                    rule.prefer_last_assignee,
                )
            }
        };
    let pool = match (to, department) {
        (AllocationTo::Department, Some(d)) => PoolKey::Department(d),
        _ => PoolKey::AllAgents,
    };
    ResolvedRule {
        pool,
        strategy,
        prefer_last_assignee,
    }
}

/// Whether a conversation in `status` counts towards its agent's capacity.
pub fn counts_towards_load(settings: &AutoAllocationSetting, status: Status) -> bool {
    match status {
        Status::Closed => false,
        Status::PendingExternal => !settings.exclude_pending_external,
        Status::OnHold => !settings.exclude_on_hold,
        Status::New | Status::PendingInternal => true,
    }
}

/// The counted part of a load-by-status map.
pub fn counted_load(settings: &AutoAllocationSetting, load: &BTreeMap<Status, u32>) -> u64 {
    load.iter()
        .filter(|(status, _)| counts_towards_load(settings, **status))
        .map(|(_, n)| u64::from(*n))
        .sum()
}

/// The counted part of the load this allocator has added.
pub fn counted_added_load(settings: &AutoAllocationSetting, load: &LoadByStatus) -> u64 {
    load.iter()
        .filter(|(status, _)| counts_towards_load(settings, *status))
        .map(|(_, n)| u64::from(n))
        .sum()
}

/// Answers "is this agent a candidate, and with what load?" for one pool.
pub struct Eligibility<'a> {
    settings: &'a AutoAllocationSetting,
    state: &'a AllocationState,
    pool: PoolKey,
}

impl<'a> Eligibility<'a> {
    pub fn new(
        settings: &'a AutoAllocationSetting,
        state: &'a AllocationState,
        pool: PoolKey,
    ) -> Self {
        Self {
            settings,
            state,
            pool,
        }
    }

    pub fn pool(&self) -> PoolKey {
        self.pool
    }

    /// The cheap part of the test, needing no lookups: active, online and in the pool.
    pub fn is_available(&self, agent: &Agent) -> bool {
        agent.is_active
            && agent.status == AgentStatus::Online
            && match self.pool {
                PoolKey::AllAgents => true,
                PoolKey::Department(d) => agent.department_ids.contains(&d),
            }
    }

    /// The counted part of the agent's stored `load`: a lower bound of [`Self::load`] that
    /// needs no lookup, so the allocator can pass over agents who cannot win.
    pub fn stored_load(&self, agent: &Agent) -> u64 {
        counted_load(self.settings, &agent.load)
    }

    /// The agent's load counted against its capacity: its stored load plus what this allocator
    /// has added.
    pub fn load(&self, agent: &Agent) -> u64 {
        self.stored_load(agent)
            .saturating_add(self.remembered(agent).0)
    }

    /// What the state remembers of the agent, in one lookup: the counted load this allocator
    /// has added, and when it last allocated to the agent (0 = never).
    pub fn remembered(&self, agent: &Agent) -> (u64, u64) {
        self.state.agents.get(&agent.id).map_or((0, 0), |m| {
            (
                counted_added_load(self.settings, &m.added_load),
                m.last_allocated,
            )
        })
    }

    /// The agent's limit; `None` is unlimited.
    pub fn capacity(&self, preference: Option<&AgentPreference>) -> Option<u64> {
        let limit = if self.settings.set_max_number_for_each_agent {
            preference.and_then(|p| p.max_concurrent_count.limit())
        } else {
            self.settings.max_number_for_all_agents.limit()
        };
        limit.map(u64::from)
    }

    /// For an available agent with counted `load`: whether it accepts allocations and is below
    /// its capacity.
    pub fn admits(&self, agent: &Agent, load: u64) -> bool {
        let preference = self.settings.agent_preferences.get(&agent.id);
        if preference.is_some_and(|p| !p.if_accept_allocation) {
            return false;
        }
        self.capacity(preference).is_none_or(|cap| load < cap)
    }

    /// `Some(load)` when the agent is a candidate: active, online, in the pool, accepting
    /// allocations and below capacity.
    pub fn candidate_load(&self, agent: &Agent) -> Option<u64> {
        if !self.is_available(agent) {
            return None;
        }
        let load = self.load(agent);
        self.admits(agent, load).then_some(load)
    }
}

#[cfg(test)]
mod tests {
    use super::super::settings::{
        DefaultAllocationRule, DepartmentAllocationRule, MaxConversations,
    };
    use super::*;
    use crate::model::AgentId;
    use uuid::Uuid;

    fn id(n: u128) -> AgentId {
        AgentId(Uuid::from_u128(0xa0 + n))
    }

    fn dep(n: u128) -> DepartmentId {
        DepartmentId(Uuid::from_u128(0xd0 + n))
    }

    fn agent(n: u128) -> Agent {
        Agent {
            id: id(n),
            name: String::new(),
            email: None,
            is_active: true,
            department_ids: vec![dep(1)],
            status: AgentStatus::Online,
            load: BTreeMap::new(),
        }
    }

    fn rule(d: DepartmentId, to: AllocationTo) -> DepartmentAllocationRule {
        DepartmentAllocationRule {
            department_id: d,
            allocation_to: to,
            allocation_rule: AllocationStrategy::RoundRobin,
            prefer_last_assignee: true,
        }
    }

    #[test]
    fn rule_resolution() {
        let mut s = AutoAllocationSetting {
            enable: true,
            department_allocation_rule: vec![
                rule(dep(1), AllocationTo::Department),
                rule(dep(2), AllocationTo::AllAgents),
            ],
            ..Default::default()
        };
        // Department rules off: everything follows the default rule (all agents).
        let r = resolve_rule(&s, Some(dep(1)));
        assert_eq!(r.pool, PoolKey::AllAgents);
        assert_eq!(r.strategy, AllocationStrategy::LoadBalancing);
        s.is_enabled_department = true;
        let r = resolve_rule(&s, Some(dep(1)));
        assert_eq!(r.pool, PoolKey::Department(dep(1)));
        assert_eq!(r.strategy, AllocationStrategy::RoundRobin);
        assert!(r.prefer_last_assignee);
        assert_eq!(resolve_rule(&s, Some(dep(2))).pool, PoolKey::AllAgents);
        assert_eq!(resolve_rule(&s, Some(dep(3))).pool, PoolKey::AllAgents);
        assert_eq!(resolve_rule(&s, None).pool, PoolKey::AllAgents);
        s.default_allocation_rule = DefaultAllocationRule {
            allocation_to: AllocationTo::Department,
            ..Default::default()
        };
        assert_eq!(
            resolve_rule(&s, Some(dep(3))).pool,
            PoolKey::Department(dep(3))
        );
        assert_eq!(resolve_rule(&s, None).pool, PoolKey::AllAgents);
    }

    #[test]
    fn load_excludes_what_the_settings_exclude() {
        let mut s = AutoAllocationSetting::default();
        let load = BTreeMap::from([
            (Status::New, 1),
            (Status::PendingInternal, 2),
            (Status::PendingExternal, 4),
            (Status::OnHold, 8),
            (Status::Closed, 16),
        ]);
        assert_eq!(counted_load(&s, &load), 15);
        s.exclude_pending_external = true;
        assert_eq!(counted_load(&s, &load), 11);
        s.exclude_on_hold = true;
        assert_eq!(counted_load(&s, &load), 3);
    }

    #[test]
    fn candidates_are_active_online_members_accepting_and_below_capacity() {
        let mut s = AutoAllocationSetting {
            max_number_for_all_agents: MaxConversations(2),
            ..Default::default()
        };
        s.agent_preferences = vec![AgentPreference {
            agent_id: id(5),
            max_concurrent_count: MaxConversations(0),
            if_accept_allocation: false,
        }]
        .into();
        let mut state = AllocationState::default();
        let e = Eligibility::new(&s, &state, PoolKey::Department(dep(1)));
        assert_eq!(e.candidate_load(&agent(1)), Some(0));
        let mut inactive = agent(2);
        inactive.is_active = false;
        assert_eq!(e.candidate_load(&inactive), None);
        let mut away = agent(3);
        away.status = AgentStatus::Away;
        assert_eq!(e.candidate_load(&away), None);
        let mut elsewhere = agent(4);
        elsewhere.department_ids = vec![dep(2)];
        assert_eq!(e.candidate_load(&elsewhere), None);
        assert_eq!(e.candidate_load(&agent(5)), None);
        let mut busy = agent(6);
        busy.load.insert(Status::New, 1);
        assert_eq!(e.candidate_load(&busy), Some(1));
        state.record(id(6), Status::PendingInternal);
        let e = Eligibility::new(&s, &state, PoolKey::Department(dep(1)));
        assert_eq!(
            e.candidate_load(&busy),
            None,
            "1 stored + 1 added = capacity 2"
        );
        let everyone = Eligibility::new(&s, &state, PoolKey::AllAgents);
        assert_eq!(everyone.candidate_load(&elsewhere), Some(0));
    }

    #[test]
    fn per_agent_capacity() {
        let s = AutoAllocationSetting {
            set_max_number_for_each_agent: true,
            max_number_for_all_agents: MaxConversations(1),
            agent_preferences: vec![AgentPreference {
                agent_id: id(1),
                max_concurrent_count: MaxConversations(3),
                if_accept_allocation: true,
            }]
            .into(),
            ..Default::default()
        };
        let state = AllocationState::default();
        let e = Eligibility::new(&s, &state, PoolKey::AllAgents);
        let mut a = agent(1);
        a.load.insert(Status::New, 2);
        assert_eq!(e.candidate_load(&a), Some(2));
        a.load.insert(Status::New, 3);
        assert_eq!(e.candidate_load(&a), None);
        // No preference while per-agent limits are on: unlimited, not the all-agents number.
        let mut b = agent(2);
        b.load.insert(Status::New, 100);
        assert_eq!(e.candidate_load(&b), Some(100));
    }
}
