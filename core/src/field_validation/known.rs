//! The agents and departments a value may name. Callers that cannot list them (a rule module
//! handed only agents, say) pass [`Roster::Unchecked`] and well-formed ids are accepted.

use crate::model::{Agent, AgentId, Department, DepartmentId};
use std::collections::BTreeSet;

/// The ids that exist, or "not checked".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roster<T: Ord> {
    Listed(BTreeSet<T>),
    /// Any well-formed id is taken to exist (the caller checks existence itself).
    Unchecked,
}

impl<T: Ord> Roster<T> {
    pub fn listed(ids: impl IntoIterator<Item = T>) -> Self {
        Roster::Listed(ids.into_iter().collect())
    }

    pub fn contains(&self, id: &T) -> bool {
        match self {
            Roster::Listed(ids) => ids.contains(id),
            Roster::Unchecked => true,
        }
    }
}

/// What `operator` and `department` values (and assignee changes) are checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub agents: Roster<AgentId>,
    pub departments: Roster<DepartmentId>,
}

impl Known {
    pub fn new(
        agents: impl IntoIterator<Item = AgentId>,
        departments: impl IntoIterator<Item = DepartmentId>,
    ) -> Self {
        Self {
            agents: Roster::listed(agents),
            departments: Roster::listed(departments),
        }
    }

    /// Built from the model lists. Every listed agent counts, active or not: an inactive
    /// agent may still be named by an old value; callers that want only active agents pass
    /// only those.
    pub fn from_lists(agents: &[Agent], departments: &[Department]) -> Self {
        Self::new(
            agents.iter().map(|a| a.id),
            departments.iter().map(|d| d.id),
        )
    }

    /// Accepts every well-formed agent and department id.
    pub fn unchecked() -> Self {
        Self {
            agents: Roster::Unchecked,
            departments: Roster::Unchecked,
        }
    }
}
