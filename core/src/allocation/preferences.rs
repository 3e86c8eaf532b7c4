//! Per-agent allocation preferences (`agentPreferences[]`, seed 000's
//! `allocationAgentPreferences[]`), and their lookup by agent id.
//!
//! The list keeps its API order (it is what a GET returns); the lookup table is built the first
//! time an allocation asks for an agent and then kept with the settings, so allocating many
//! conversations under the same settings object does one pass over the agents each, with
//! constant-time lookups, and never rebuilds it.

use super::index::IdIndex;
use super::settings::MaxConversations;
use crate::model::AgentId;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ops::Deref;
use std::sync::OnceLock;

fn yes() -> bool {
    true
}

/// One agent's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPreference {
    pub agent_id: AgentId,
    /// Used only while `setMaxNumberForEachAgent` is on.
    #[serde(default)]
    pub max_concurrent_count: MaxConversations,
    #[serde(default = "yes")]
    pub if_accept_allocation: bool,
}

/// The preferences in API order, with a lookup by agent id built on first use. In JSON a plain
/// array. Immutable once made (build a new one to change it), so the table cannot go stale.
#[derive(Debug, Clone, Default)]
pub struct AgentPreferences {
    list: Vec<AgentPreference>,
    index: OnceLock<IdIndex>,
}

impl AgentPreferences {
    pub fn new(list: Vec<AgentPreference>) -> Self {
        Self {
            list,
            index: OnceLock::new(),
        }
    }

    /// The agent's preference; the first one listed if (unvalidated) settings name it twice.
    pub fn get(&self, agent: &AgentId) -> Option<&AgentPreference> {
        let list = &self.list;
        let index = self.index.get_or_init(|| {
            let mut index = IdIndex::with_capacity(list.len());
            for (i, p) in list.iter().enumerate() {
                index.insert_first(p.agent_id, i, |j| &list[j].agent_id);
            }
            index
        });
        index.get(agent, |i| &list[i].agent_id).map(|i| &list[i])
    }

    pub fn into_vec(self) -> Vec<AgentPreference> {
        self.list
    }
}

impl Deref for AgentPreferences {
    type Target = [AgentPreference];
    fn deref(&self) -> &[AgentPreference] {
        &self.list
    }
}

impl From<Vec<AgentPreference>> for AgentPreferences {
    fn from(list: Vec<AgentPreference>) -> Self {
        Self::new(list)
    }
}

impl FromIterator<AgentPreference> for AgentPreferences {
    fn from_iter<I: IntoIterator<Item = AgentPreference>>(iter: I) -> Self {
        Self::new(iter.into_iter().collect())
    }
}

impl PartialEq for AgentPreferences {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list
    }
}

impl Eq for AgentPreferences {}

impl Serialize for AgentPreferences {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.list.serialize(s)
    }
}

impl<'de> Deserialize<'de> for AgentPreferences {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<AgentPreference>::deserialize(d).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn pref(n: u128, max: u32) -> AgentPreference {
        AgentPreference {
            agent_id: AgentId(Uuid::from_u128(n)),
            max_concurrent_count: MaxConversations(max),
            if_accept_allocation: true,
        }
    }

    #[test]
    fn lookup_first_wins_and_order_is_kept() {
        let prefs: AgentPreferences = vec![pref(3, 1), pref(1, 2), pref(3, 9)].into();
        assert_eq!(prefs.get(&AgentId(Uuid::from_u128(3))), Some(&pref(3, 1)));
        assert_eq!(prefs.get(&AgentId(Uuid::from_u128(1))), Some(&pref(1, 2)));
        assert_eq!(prefs.get(&AgentId(Uuid::from_u128(2))), None);
        assert_eq!(prefs.len(), 3);
        let json = serde_json::to_value(&prefs).unwrap();
        assert_eq!(json[0]["agentId"], "00000000-0000-0000-0000-000000000003");
        let back: AgentPreferences = serde_json::from_value(json).unwrap();
        assert_eq!(back, prefs);
        // A clone made after the table was built still answers.
        let copy = prefs.clone();
        assert_eq!(copy.get(&AgentId(Uuid::from_u128(1))), Some(&pref(1, 2)));
        assert_eq!(AgentPreferences::default().get(&AgentId(Uuid::nil())), None);
    }
}
