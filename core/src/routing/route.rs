//! Routing decisions (SPEC §5.2).

use super::model::{
    AccountAssignment, RouteDecision, RouteObject, RouteVia, RoutingConfig, RoutingType, Target,
};
use crate::condition::CompiledConditions;
use crate::model::{Agent, Context, Conversation, Department, FieldSet, Priority, RuleId};
use crate::{CoreError, CoreResult, ErrorDetail};
use uuid::Uuid;

#[derive(Debug, Clone)]
struct CompiledRule {
    id: RuleId,
    conditions: CompiledConditions,
    target: Target,
    priority: Option<Priority>,
}

/// A routing configuration checked and prepared once: enabled rules in `orderIndex` order
/// (ties by id) with their conditions compiled.
#[derive(Debug, Clone)]
pub struct Router {
    enabled: bool,
    kind: RoutingType,
    simple: Option<(Target, Option<Priority>)>,
    rules: Vec<CompiledRule>,
    match_failed: Option<(Target, Option<Priority>)>,
}

/// The agents and departments that exist, for target checks.
#[derive(Debug, Clone, Copy)]
pub struct People<'a> {
    pub agents: &'a [Agent],
    pub departments: &'a [Department],
}

impl People<'_> {
    /// A usable target: an active agent, or an existing department.
    fn usable(&self, target: Target) -> bool {
        match target.object {
            RouteObject::Agent => self
                .agents
                .iter()
                .any(|a| a.id.0 == target.id && a.is_active),
            RouteObject::Department => self.departments.iter().any(|d| d.id.0 == target.id),
        }
    }

    fn exists(&self, target: Target) -> bool {
        match target.object {
            RouteObject::Agent => self.agents.iter().any(|a| a.id.0 == target.id),
            RouteObject::Department => self.departments.iter().any(|d| d.id.0 == target.id),
        }
    }
}

fn target(
    object: Option<RouteObject>,
    id: Option<Uuid>,
    field: &str,
    details: &mut Vec<ErrorDetail>,
) -> Option<Target> {
    match (object, id) {
        (Some(object), Some(id)) => Some(Target { object, id }),
        (None, None) => None,
        (Some(_), None) => {
            details.push(ErrorDetail::new(
                format!("{field}Id"),
                "is required with the object",
            ));
            None
        }
        (None, Some(_)) => {
            details.push(ErrorDetail::new(
                format!("{field}Object"),
                "is required with the id",
            ));
            None
        }
    }
}

impl Router {
    /// Validates the configuration as the API saves it. With `people`, every target must
    /// exist (an agent target may be inactive at save time: it falls back when routing).
    pub fn compile(
        config: &RoutingConfig,
        fields: &FieldSet,
        people: Option<People>,
    ) -> CoreResult<Self> {
        let mut details = Vec::new();
        let simple = target(
            config.simple_route_to_object,
            config.simple_route_to_id,
            "simpleRouteTo",
            &mut details,
        );
        let match_failed = target(
            config.match_failed_to_object,
            config.match_failed_to_id,
            "matchFailedTo",
            &mut details,
        );
        if config.is_enable && config.kind == RoutingType::Simple && simple.is_none() {
            details.push(ErrorDetail::new(
                "simpleRouteToObject",
                "simple routing needs a target",
            ));
        }
        let mut checks: Vec<(String, Target)> = Vec::new();
        checks.extend(simple.map(|t| ("simpleRouteToId".to_string(), t)));
        checks.extend(match_failed.map(|t| ("matchFailedToId".to_string(), t)));

        let mut rules = Vec::new();
        for (i, rule) in config.rules.iter().enumerate() {
            let rule_target = Target {
                object: rule.route_to_object,
                id: rule.route_to_id,
            };
            checks.push((format!("rules[{i}].routeToId"), rule_target));
            match rule.conditions.compile(fields) {
                Ok(conditions) => {
                    if rule.is_enable {
                        rules.push((
                            (rule.order_index, rule.id),
                            CompiledRule {
                                id: rule.id,
                                conditions,
                                target: rule_target,
                                priority: rule.route_to_priority,
                            },
                        ));
                    }
                }
                Err(e) => details.extend(
                    e.nested(&format!("rules[{i}].conditions"))
                        .details()
                        .iter()
                        .cloned(),
                ),
            }
        }
        if let Some(people) = people {
            for (field, t) in checks {
                if !people.exists(t) {
                    let what = match t.object {
                        RouteObject::Agent => "agent",
                        RouteObject::Department => "department",
                    };
                    details.push(ErrorDetail::new(
                        field,
                        format!("no {what} with id {}", t.id),
                    ));
                }
            }
        }
        if !details.is_empty() {
            return Err(CoreError::invalid_fields(
                "invalid routing configuration",
                details,
            ));
        }
        rules.sort_by_key(|(key, _)| *key);
        Ok(Router {
            enabled: config.is_enable,
            kind: config.kind,
            simple: simple.map(|t| (t, config.simple_route_to_priority)),
            rules: rules.into_iter().map(|(_, r)| r).collect(),
            match_failed: match_failed.map(|t| (t, config.match_failed_to_priority)),
        })
    }

    /// Routes a new conversation that has no explicit assignee.
    pub fn route(
        &self,
        conversation: &Conversation,
        context: &Context,
        people: People,
        account: AccountAssignment,
    ) -> RouteDecision {
        if !self.enabled {
            let agent = account.assigned_agent_id.map(|id| Target {
                object: RouteObject::Agent,
                id,
            });
            let department = account.assigned_department_id.map(|id| Target {
                object: RouteObject::Department,
                id,
            });
            let target = agent
                .into_iter()
                .chain(department)
                .find(|t| people.usable(*t));
            return RouteDecision {
                via: if target.is_some() {
                    RouteVia::Account
                } else {
                    RouteVia::Unassigned
                },
                target,
                priority: None,
                rule_id: None,
            };
        }
        let (chosen, via, rule_id) = match self.kind {
            RoutingType::Simple => (self.simple, RouteVia::Simple, None),
            RoutingType::Rules => match self
                .rules
                .iter()
                .find(|r| r.conditions.matches(conversation, context))
            {
                Some(rule) => (
                    Some((rule.target, rule.priority)),
                    RouteVia::Rule,
                    Some(rule.id),
                ),
                None => (self.match_failed, RouteVia::MatchFailed, None),
            },
        };
        let priority = chosen.and_then(|(_, p)| p);
        // A missing or inactive target falls back to the match-failed target, then to nobody;
        // the deciding rule and its priority still stand.
        let fallback = self
            .match_failed
            .filter(|_| via != RouteVia::MatchFailed)
            .map(|(t, _)| (t, RouteVia::MatchFailed));
        let target = chosen
            .map(|(t, _)| (t, via))
            .into_iter()
            .chain(fallback)
            .find(|(t, _)| people.usable(*t));
        match target {
            Some((target, via)) => RouteDecision {
                target: Some(target),
                priority,
                rule_id,
                via,
            },
            None => RouteDecision {
                target: None,
                priority,
                rule_id,
                via: RouteVia::Unassigned,
            },
        }
    }
}
