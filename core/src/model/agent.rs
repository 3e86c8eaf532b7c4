//! What the rules need to know about agents and departments.

use super::{AgentId, AgentStatus, DepartmentId, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub id: AgentId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(default)]
    pub department_ids: Vec<DepartmentId>,
    #[serde(default)]
    pub status: AgentStatus,
    /// Open (assigned, not closed, not deleted) conversation counts by status.
    #[serde(default)]
    pub load: BTreeMap<Status, u32>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Department {
    pub id: DepartmentId,
    #[serde(default)]
    pub name: String,
}

/// A contact's name and address, for `contactName`/`contactEmail` conditions and placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ContactInfo {
    pub name: Option<String>,
    pub email: Option<String>,
}
