//! The `autoAllocationSetting` object of SPEC §4.5, as the API reads and writes it.
//!
//! Only SPEC names are read: the seeds' spellings are mapped at the HTTP edge
//! (`adapters/server/src/rules/allocation.rs`). Unknown keys are ignored
//! here (eval inputs may carry whole API objects); the HTTP edge rejects them itself.
//! Counts cannot be negative once parsed: [`MaxConversations`] refuses them with a message
//! naming the field, so the allocator never has to decide what `-1` means.

use super::preferences::AgentPreferences;
use crate::model::{AgentId, DepartmentId};
use crate::{CoreError, CoreResult, ErrorDetail};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeSet;

/// How a pool's candidates are ranked (SPEC §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AllocationStrategy {
    /// Least load first; ties go to the least recently allocated agent, then the smallest id.
    #[default]
    LoadBalancing,
    /// The next candidate (by agent id, wrapping) after the pool's last allocated agent.
    RoundRobin,
}

/// Which agents a rule draws from. The seeds only say "allocated object"; see
/// `docs/decisions.md`. A department rule defaults to its department's members and the
/// default rule to every active agent, as SPEC §5.3 puts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AllocationTo {
    /// Members of the conversation's department (every active agent when it has none).
    Department,
    /// Every active agent, whatever their departments.
    AllAgents,
}

/// A per-conversation limit: 0 (or absent, or null) means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct MaxConversations(pub u32);

impl MaxConversations {
    /// The limit, or `None` when unlimited.
    pub fn limit(self) -> Option<u32> {
        (self.0 > 0).then_some(self.0)
    }
}

impl<'de> Deserialize<'de> for MaxConversations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Option::<serde_json::Number>::deserialize(d)?;
        let Some(number) = value else {
            return Ok(Self(0));
        };
        match number.as_i64() {
            Some(n) if n < 0 => Err(serde::de::Error::custom(format!(
                "must be 0 or more (0 means unlimited), got {n}"
            ))),
            Some(n) => u32::try_from(n).map(Self).map_err(|_| {
                serde::de::Error::custom(format!("must be at most {}, got {n}", u32::MAX))
            }),
            None if number.as_u64().is_some() => Err(serde::de::Error::custom(format!(
                "must be at most {}, got {number}",
                u32::MAX
            ))),
            None => Err(serde::de::Error::custom(format!(
                "must be a whole number, got {number}"
            ))),
        }
    }
}

/// One department's rule (`departmentAllocationRule[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentAllocationRule {
    pub department_id: DepartmentId,
    #[serde(default = "department_members")]
    pub allocation_to: AllocationTo,
    #[serde(default)]
    pub allocation_rule: AllocationStrategy,
    #[serde(default)]
    pub prefer_last_assignee: bool,
}

/// The rule for conversations with no department, or whose department has no rule of its own
/// (or all of them, while `isEnabledDepartment` is off). Seed 001 types it as an
/// `allocationRule`; a `departmentId` sent with it means nothing and is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefaultAllocationRule {
    #[serde(default = "all_agents")]
    pub allocation_to: AllocationTo,
    #[serde(default)]
    pub allocation_rule: AllocationStrategy,
    #[serde(default)]
    pub prefer_last_assignee: bool,
}

impl Default for DefaultAllocationRule {
    fn default() -> Self {
        Self {
            allocation_to: AllocationTo::AllAgents,
            allocation_rule: AllocationStrategy::LoadBalancing,
            prefer_last_assignee: false,
        }
    }
}

fn department_members() -> AllocationTo {
    AllocationTo::Department
}

fn all_agents() -> AllocationTo {
    AllocationTo::AllAgents
}

/// The site's auto allocation settings. `Default` is a new site's: disabled, load balancing
/// over all agents, no limits.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoAllocationSetting {
    #[serde(default)]
    pub enable: bool,
    /// Whether `departmentAllocationRule` applies; off, every conversation follows
    /// `defaultAllocationRule`.
    #[serde(default)]
    pub is_enabled_department: bool,
    #[serde(default)]
    pub department_allocation_rule: Vec<DepartmentAllocationRule>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub default_allocation_rule: DefaultAllocationRule,
    #[serde(default)]
    pub set_max_number_for_each_agent: bool,
    #[serde(default)]
    pub max_number_for_all_agents: MaxConversations,
    #[serde(default)]
    pub agent_preferences: AgentPreferences,
    #[serde(default)]
    pub exclude_pending_external: bool,
    #[serde(default)]
    pub exclude_on_hold: bool,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl AutoAllocationSetting {
    /// The save-time checks that need the site's agents and departments: every id must exist,
    /// and no department or agent may be configured twice. Lists every fault at once.
    pub fn validate(
        &self,
        agents: &BTreeSet<AgentId>,
        departments: &BTreeSet<DepartmentId>,
    ) -> CoreResult<()> {
        let mut details = Vec::new();
        let mut seen_departments = BTreeSet::new();
        for (i, rule) in self.department_allocation_rule.iter().enumerate() {
            let field = format!("departmentAllocationRule[{i}].departmentId");
            if !departments.contains(&rule.department_id) {
                details.push(ErrorDetail::new(
                    field,
                    format!("unknown department `{}`", rule.department_id),
                ));
            } else if !seen_departments.insert(rule.department_id) {
                details.push(ErrorDetail::new(
                    field,
                    format!("department `{}` already has a rule", rule.department_id),
                ));
            }
        }
        let mut seen_agents = BTreeSet::new();
        for (i, preference) in self.agent_preferences.iter().enumerate() {
            let field = format!("agentPreferences[{i}].agentId");
            if !agents.contains(&preference.agent_id) {
                details.push(ErrorDetail::new(
                    field,
                    format!("unknown agent `{}`", preference.agent_id),
                ));
            } else if !seen_agents.insert(preference.agent_id) {
                details.push(ErrorDetail::new(
                    field,
                    format!("agent `{}` already has a preference", preference.agent_id),
                ));
            }
        }
        if details.is_empty() {
            Ok(())
        } else {
            let message = if details.len() == 1 {
                format!("{}: {}", details[0].field, details[0].message)
            } else {
                format!("{} auto allocation settings are invalid", details.len())
            };
            Err(CoreError::invalid_fields(message, details))
        }
    }

    /// The rule of a department, if department rules are on and it has one (the first wins if
    /// unsaved settings name it twice).
    pub fn department_rule(&self, department: DepartmentId) -> Option<&DepartmentAllocationRule> {
        if !self.is_enabled_department {
            return None;
        }
        self.department_allocation_rule
            .iter()
            .find(|r| r.department_id == department)
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

    fn department(n: u128) -> DepartmentId {
        DepartmentId(Uuid::from_u128(0xd0 + n))
    }

    #[test]
    fn empty_object_is_a_new_sites_settings() {
        let s: AutoAllocationSetting = serde_json::from_value(json!({})).unwrap();
        assert_eq!(s, AutoAllocationSetting::default());
        assert!(!s.enable);
        assert_eq!(
            s.default_allocation_rule.allocation_to,
            AllocationTo::AllAgents
        );
        assert_eq!(s.max_number_for_all_agents.limit(), None);
    }

    #[test]
    fn seed_spellings_are_not_read_here() {
        // The HTTP edge maps them; the core sees SPEC names only.
        let s: AutoAllocationSetting =
            serde_json::from_value(json!({"maxNumberForAll": 4})).unwrap();
        assert_eq!(s.max_number_for_all_agents, MaxConversations(0));
    }

    #[test]
    fn serializes_with_spec_names_and_round_trips() {
        let s = AutoAllocationSetting {
            enable: true,
            department_allocation_rule: vec![DepartmentAllocationRule {
                department_id: department(1),
                allocation_to: AllocationTo::Department,
                allocation_rule: AllocationStrategy::RoundRobin,
                prefer_last_assignee: false,
            }],
            ..Default::default()
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(
            v["departmentAllocationRule"][0]["allocationRule"],
            "roundRobin"
        );
        assert_eq!(v["defaultAllocationRule"]["allocationTo"], "allAgents");
        assert_eq!(v["maxNumberForAllAgents"], 0);
        let back: AutoAllocationSetting = serde_json::from_value(v).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn rule_defaults_depend_on_where_the_rule_is() {
        let s: AutoAllocationSetting = serde_json::from_value(json!({
            "departmentAllocationRule": [{"departmentId": department(1)}],
            "defaultAllocationRule": {"allocationRule": "roundRobin", "departmentId": null}
        }))
        .unwrap();
        assert_eq!(
            s.department_allocation_rule[0].allocation_to,
            AllocationTo::Department
        );
        assert_eq!(
            s.default_allocation_rule.allocation_to,
            AllocationTo::AllAgents
        );
        assert_eq!(
            s.default_allocation_rule.allocation_rule,
            AllocationStrategy::RoundRobin
        );
        let null_default: AutoAllocationSetting =
            serde_json::from_value(json!({"defaultAllocationRule": null})).unwrap();
        assert_eq!(null_default, AutoAllocationSetting::default());
    }

    #[test]
    fn counts_must_be_whole_and_not_negative() {
        for (body, needle) in [
            (json!({"maxNumberForAllAgents": -1}), "0 or more"),
            (json!({"maxNumberForAllAgents": 1.5}), "whole number"),
            (
                json!({"maxNumberForAllAgents": 5_000_000_000u64}),
                "at most",
            ),
            (
                json!({"agentPreferences": [{"agentId": agent(1), "maxConcurrentCount": -3}]}),
                "0 or more",
            ),
        ] {
            let err = serde_json::from_value::<AutoAllocationSetting>(body).unwrap_err();
            assert!(err.to_string().contains(needle), "{err}");
        }
        let null: AutoAllocationSetting =
            serde_json::from_value(json!({"maxNumberForAllAgents": null})).unwrap();
        assert_eq!(null.max_number_for_all_agents, MaxConversations(0));
    }

    #[test]
    fn unknown_strategy_is_rejected() {
        assert!(serde_json::from_value::<AutoAllocationSetting>(json!({
            "departmentAllocationRule": [{"departmentId": department(1), "allocationRule": "random"}]
        }))
        .is_err());
    }

    #[test]
    fn validate_names_every_bad_field() {
        let s: AutoAllocationSetting = serde_json::from_value(json!({
            "departmentAllocationRule": [
                {"departmentId": department(1)},
                {"departmentId": department(9)},
                {"departmentId": department(1)}
            ],
            "agentPreferences": [
                {"agentId": agent(1)},
                {"agentId": agent(1)},
                {"agentId": agent(7)}
            ]
        }))
        .unwrap();
        let agents = BTreeSet::from([agent(1), agent(2)]);
        let departments = BTreeSet::from([department(1)]);
        let err = s.validate(&agents, &departments).unwrap_err();
        let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "departmentAllocationRule[1].departmentId",
                "departmentAllocationRule[2].departmentId",
                "agentPreferences[1].agentId",
                "agentPreferences[2].agentId",
            ]
        );
        assert_eq!(err.code(), "validationFailed");
    }

    #[test]
    fn validate_accepts_known_ids() {
        let s: AutoAllocationSetting = serde_json::from_value(json!({
            "departmentAllocationRule": [{"departmentId": department(1)}],
            "agentPreferences": [{"agentId": agent(1)}, {"agentId": agent(2)}]
        }))
        .unwrap();
        let agents = BTreeSet::from([agent(1), agent(2)]);
        let departments = BTreeSet::from([department(1)]);
        assert_eq!(s.validate(&agents, &departments), Ok(()));
        let err = s
            .validate(&BTreeSet::from([agent(1)]), &departments)
            .unwrap_err();
        assert_eq!(err.details().len(), 1);
        assert!(err.to_string().starts_with("agentPreferences[1].agentId"));
    }

    #[test]
    fn department_rules_apply_only_when_enabled() {
        let mut s = AutoAllocationSetting {
            department_allocation_rule: vec![DepartmentAllocationRule {
                department_id: department(1),
                allocation_to: AllocationTo::Department,
                allocation_rule: AllocationStrategy::RoundRobin,
                prefer_last_assignee: false,
            }],
            ..Default::default()
        };
        assert!(s.department_rule(department(1)).is_none());
        s.is_enabled_department = true;
        assert!(s.department_rule(department(1)).is_some());
        assert!(s.department_rule(department(2)).is_none());
    }
}
