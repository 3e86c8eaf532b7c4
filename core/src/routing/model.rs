//! The routing configuration as the API stores it (SPEC §4.4).

use crate::condition::Conditions;
use crate::model::{Priority, RuleId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RoutingType {
    #[default]
    Simple,
    Rules,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RouteObject {
    Agent,
    Department,
}

/// Where a conversation goes: an agent or a department, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub object: RouteObject,
    pub id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomRule {
    pub id: RuleId,
    #[serde(default)]
    pub order_index: i64,
    #[serde(default = "yes")]
    pub is_enable: bool,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub conditions: Conditions,
    pub route_to_object: RouteObject,
    pub route_to_id: Uuid,
    #[serde(default)]
    pub route_to_priority: Option<Priority>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RoutingConfig {
    pub is_enable: bool,
    #[serde(rename = "type")]
    pub kind: RoutingType,
    pub simple_route_to_object: Option<RouteObject>,
    pub simple_route_to_id: Option<Uuid>,
    pub simple_route_to_priority: Option<Priority>,
    pub rules: Vec<CustomRule>,
    pub match_failed_to_object: Option<RouteObject>,
    pub match_failed_to_id: Option<Uuid>,
    pub match_failed_to_priority: Option<Priority>,
}

/// The receiving email or channel account's assignment, used when routing is disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccountAssignment {
    pub assigned_agent_id: Option<Uuid>,
    pub assigned_department_id: Option<Uuid>,
}

/// How the decision was reached (shown in the conversation's history).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RouteVia {
    /// Routing disabled: the receiving account's assignment.
    Account,
    Simple,
    Rule,
    MatchFailed,
    /// The chosen agent or department was missing or inactive; nobody is assigned.
    Unassigned,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteDecision {
    /// `None`: unassigned (allocation may still pick an agent).
    pub target: Option<Target>,
    /// The priority to set, if the deciding rule sets one.
    pub priority: Option<Priority>,
    /// The custom rule whose conditions matched.
    pub rule_id: Option<RuleId>,
    pub via: RouteVia,
}
