//! What the allocator remembers between calls: the round-robin cursors, who was allocated
//! when, and the loads it has added. It is plain data that round-trips through JSON, so
//! passing each call's returned state to the next call is a fold (SPEC §6).
//!
//! The server keeps the cursors and recency (they are facts about the past) but starts the
//! added loads afresh whenever it reads the agents' loads from the database again, since those
//! loads then already include the conversations it assigned — see
//! [`AllocationState::forget_added_load`].

use super::index::IdIndex;
use crate::model::{AgentId, DepartmentId, Status};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// The set of agents a rule draws from, and so the key of a round-robin cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PoolKey {
    /// Every active agent (the default rule, or a conversation with no department).
    AllAgents,
    /// The members of one department.
    Department(DepartmentId),
}

const ALL_AGENTS: &str = "allAgents";

impl fmt::Display for PoolKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolKey::AllAgents => f.write_str(ALL_AGENTS),
            PoolKey::Department(id) => id.fmt(f),
        }
    }
}

impl Serialize for PoolKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PoolKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == ALL_AGENTS {
            return Ok(PoolKey::AllAgents);
        }
        text.parse::<DepartmentId>()
            .map(PoolKey::Department)
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "`{text}` is neither `{ALL_AGENTS}` nor a department id"
                ))
            })
    }
}

/// Conversation counts by status: a fixed array, as the statuses are a closed set. In JSON a
/// map like an agent's `load` (zero counts left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoadByStatus([u32; 5]);

fn slot(status: Status) -> usize {
    match status {
        Status::New => 0,
        Status::PendingInternal => 1,
        Status::PendingExternal => 2,
        Status::OnHold => 3,
        Status::Closed => 4,
    }
}

impl LoadByStatus {
    pub fn get(&self, status: Status) -> u32 {
        self.0[slot(status)]
    }

    pub fn add(&mut self, status: Status, count: u32) {
        let n = &mut self.0[slot(status)];
        *n = n.saturating_add(count);
    }

    /// The non-zero counts, in status order.
    pub fn iter(&self) -> impl Iterator<Item = (Status, u32)> + '_ {
        Status::ALL
            .iter()
            .map(|&s| (s, self.get(s)))
            .filter(|&(_, n)| n > 0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&n| n == 0)
    }
}

impl Serialize for LoadByStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for LoadByStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<Status, u32>::deserialize(d)?;
        let mut load = LoadByStatus::default();
        for (status, n) in map {
            load.add(status, n);
        }
        Ok(load)
    }
}

/// What the allocator remembers about one agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AgentMemory {
    // Fields in alphabetical order, so JSON prints the same with or without serde_json's
    // `preserve_order`.
    /// The conversations this allocator has given the agent, by their status then.
    pub added_load: LoadByStatus,
    /// The state's `allocationCount` right after this agent's latest allocation (0 = never),
    /// for least-recently-allocated ties.
    pub last_allocated: u64,
}

/// Per-agent memories with constant-time lookup by id. In JSON an object keyed by agent id
/// (in id order, so equal states print equally).
#[derive(Debug, Clone, Default)]
pub struct AgentMemories {
    entries: Vec<(AgentId, AgentMemory)>,
    index: IdIndex,
}

impl AgentMemories {
    pub fn get(&self, agent: &AgentId) -> Option<&AgentMemory> {
        let entries = &self.entries;
        self.index
            .get(agent, |i| &entries[i].0)
            .map(|i| &entries[i].1)
    }

    /// The agent's memory, created empty if it has none.
    pub fn entry(&mut self, agent: AgentId) -> &mut AgentMemory {
        let entries = &self.entries;
        let i = match self.index.get(&agent, |i| &entries[i].0) {
            Some(i) => i,
            None => {
                self.entries.push((agent, AgentMemory::default()));
                let entries = &self.entries;
                let i = entries.len() - 1;
                self.index.insert_first(agent, i, |j| &entries[j].0);
                i
            }
        };
        &mut self.entries[i].1
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every memory, in agent id order.
    pub fn iter(&self) -> impl Iterator<Item = (&AgentId, &AgentMemory)> {
        let mut sorted: Vec<&(AgentId, AgentMemory)> = self.entries.iter().collect();
        sorted.sort_unstable_by_key(|(id, _)| *id);
        sorted.into_iter().map(|(id, m)| (id, m))
    }
}

impl FromIterator<(AgentId, AgentMemory)> for AgentMemories {
    /// A later memory for the same agent replaces an earlier one.
    fn from_iter<I: IntoIterator<Item = (AgentId, AgentMemory)>>(iter: I) -> Self {
        let mut memories = AgentMemories::default();
        for (id, memory) in iter {
            *memories.entry(id) = memory;
        }
        memories
    }
}

impl PartialEq for AgentMemories {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.entries.iter().all(|(id, m)| other.get(id) == Some(m))
    }
}

impl Eq for AgentMemories {}

impl Serialize for AgentMemories {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for AgentMemories {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<AgentId, AgentMemory>::deserialize(d)?
            .into_iter()
            .collect())
    }
}

/// The allocator's memory. `{}` is a fresh allocator.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AllocationState {
    // Fields in alphabetical order, so JSON prints the same with or without serde_json's
    // `preserve_order`.
    /// Per agent, when it was last allocated and the load this allocator has added; an agent
    /// missing here was never allocated and so is the least recent of all.
    pub agents: AgentMemories,
    /// How many allocations this allocator has made; the clock of `lastAllocated`.
    pub allocation_count: u64,
    /// Per pool, the agent who got that pool's latest round-robin turn.
    pub round_robin_cursors: BTreeMap<PoolKey, AgentId>,
}

impl AllocationState {
    /// When `agent` was last allocated (0 = never), for least-recently-allocated ties.
    pub fn recency(&self, agent: &AgentId) -> u64 {
        self.agents.get(agent).map_or(0, |m| m.last_allocated)
    }

    /// Records one allocation of a conversation in `status` to `agent`.
    pub(crate) fn record(&mut self, agent: AgentId, status: Status) {
        self.allocation_count = self.allocation_count.saturating_add(1);
        let count = self.allocation_count;
        let memory = self.agents.entry(agent);
        memory.last_allocated = count;
        memory.added_load.add(status, 1);
    }

    /// Call when the agents' `load` is read again from storage and so already counts every
    /// conversation this state added; keeps the cursors and recency.
    pub fn forget_added_load(&mut self) {
        for (_, memory) in &mut self.agents.entries {
            memory.added_load = LoadByStatus::default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use uuid::Uuid;

    fn agent(n: u128) -> AgentId {
        AgentId(Uuid::from_u128(0xa0 + n))
    }

    #[test]
    fn empty_object_is_a_fresh_state() {
        let s: AllocationState = serde_json::from_value(json!({})).unwrap();
        assert_eq!(s, AllocationState::default());
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            json!({"roundRobinCursors": {}, "allocationCount": 0, "agents": {}})
        );
    }

    #[test]
    fn records_and_round_trips() {
        let (a, b) = (agent(2), agent(1));
        let d = DepartmentId(Uuid::from_u128(0xd1));
        let mut s = AllocationState::default();
        s.round_robin_cursors.insert(PoolKey::Department(d), a);
        s.round_robin_cursors.insert(PoolKey::AllAgents, a);
        s.record(a, Status::New);
        s.record(b, Status::New);
        s.record(a, Status::New);
        s.record(a, Status::OnHold);
        assert_eq!(s.recency(&a), 4);
        assert_eq!(s.recency(&b), 2);
        assert_eq!(s.recency(&agent(9)), 0);
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(
            v,
            json!({
                "roundRobinCursors": {
                    "allAgents": "00000000-0000-0000-0000-0000000000a2",
                    "00000000-0000-0000-0000-0000000000d1": "00000000-0000-0000-0000-0000000000a2"
                },
                "allocationCount": 4,
                "agents": {
                    "00000000-0000-0000-0000-0000000000a1": {"lastAllocated": 2, "addedLoad": {"new": 1}},
                    "00000000-0000-0000-0000-0000000000a2": {"lastAllocated": 4, "addedLoad": {"new": 2, "onHold": 1}}
                }
            })
        );
        // Printed in id order even though a2 was remembered first.
        let text = serde_json::to_string(&s).unwrap();
        assert!(
            text.find("a1\"").unwrap() < text.find("a2\":{").unwrap(),
            "{text}"
        );
        let back: AllocationState = serde_json::from_value(v).unwrap();
        assert_eq!(back, s);
        s.forget_added_load();
        assert!(s.agents.get(&a).unwrap().added_load.is_empty());
        assert_eq!(s.recency(&a), 4);
        assert_ne!(back, s);
    }

    #[test]
    fn equality_ignores_insertion_order() {
        let x: AgentMemories = [
            (agent(1), AgentMemory::default()),
            (agent(2), AgentMemory::default()),
        ]
        .into_iter()
        .collect();
        let y: AgentMemories = [
            (agent(2), AgentMemory::default()),
            (agent(1), AgentMemory::default()),
        ]
        .into_iter()
        .collect();
        assert_eq!(x, y);
        let z: AgentMemories = [(agent(1), AgentMemory::default())].into_iter().collect();
        assert_ne!(x, z);
    }

    #[test]
    fn load_by_status_json() {
        let l: LoadByStatus =
            serde_json::from_value(json!({"pendingExternal": 2, "new": 0})).unwrap();
        assert_eq!(l.get(Status::PendingExternal), 2);
        assert_eq!(
            serde_json::to_value(l).unwrap(),
            json!({"pendingExternal": 2})
        );
        assert!(serde_json::from_value::<LoadByStatus>(json!({"open": 1})).is_err());
        assert!(serde_json::from_value::<LoadByStatus>(json!({"new": -1})).is_err());
    }

    #[test]
    fn bad_pool_key_is_an_error() {
        let err = serde_json::from_value::<AllocationState>(json!({
            "roundRobinCursors": {"sales": "00000000-0000-0000-0000-0000000000a1"}
        }))
        .unwrap_err();
        assert!(err.to_string().contains("neither"), "{err}");
    }
}
