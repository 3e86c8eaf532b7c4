use super::*;
use crate::model::{
    Agent, AgentId, AgentStatus, Context, Conversation, Department, DepartmentId, FieldSet,
    Priority, RuleId,
};
use proptest::prelude::*;

fn conditions(value: serde_json::Value) -> crate::condition::Conditions {
    serde_json::from_value(value).unwrap()
}

use serde_json::json;
use uuid::Uuid;

fn uid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn agent(n: u128, active: bool) -> Agent {
    Agent {
        id: AgentId(uid(n)),
        name: format!("agent {n}"),
        email: None,
        is_active: active,
        department_ids: vec![],
        status: AgentStatus::Online,
        load: Default::default(),
    }
}

fn department(n: u128) -> Department {
    Department {
        id: DepartmentId(uid(n)),
        name: format!("dept {n}"),
    }
}

fn subject_rule(id: u128, order: i64, word: &str, object: RouteObject, to: u128) -> CustomRule {
    CustomRule {
        id: RuleId(uid(id)),
        order_index: order,
        is_enable: true,
        name: format!("rule {id}"),
        conditions: conditions(
            json!({"when": "all", "list": [{"fieldId": "subject", "matchType": "contains", "value": word}]}),
        ),
        route_to_object: object,
        route_to_id: uid(to),
        route_to_priority: None,
    }
}

fn rules_config(rules: Vec<CustomRule>) -> RoutingConfig {
    RoutingConfig {
        is_enable: true,
        kind: RoutingType::Rules,
        rules,
        match_failed_to_object: Some(RouteObject::Department),
        match_failed_to_id: Some(uid(900)),
        match_failed_to_priority: Some(Priority::Low),
        ..Default::default()
    }
}

struct World {
    agents: Vec<Agent>,
    departments: Vec<Department>,
}

impl World {
    fn new() -> Self {
        World {
            agents: vec![agent(1, true), agent(2, false), agent(3, true)],
            departments: vec![department(900), department(901)],
        }
    }

    fn people(&self) -> People<'_> {
        People {
            agents: &self.agents,
            departments: &self.departments,
        }
    }

    fn route(&self, config: &RoutingConfig, subject: &str) -> RouteDecision {
        self.route_with(config, subject, AccountAssignment::default())
    }

    fn route_with(
        &self,
        config: &RoutingConfig,
        subject: &str,
        account: AccountAssignment,
    ) -> RouteDecision {
        let router = Router::compile(config, &FieldSet::default(), Some(self.people())).unwrap();
        let conversation = Conversation {
            subject: subject.to_string(),
            ..Default::default()
        };
        router.route(&conversation, &Context::default(), self.people(), account)
    }
}

fn to(object: RouteObject, n: u128) -> Option<Target> {
    Some(Target { object, id: uid(n) })
}

#[test]
fn disabled_routing_uses_the_receiving_account() {
    let w = World::new();
    let config = RoutingConfig::default();
    let account = AccountAssignment {
        assigned_agent_id: Some(uid(1)),
        assigned_department_id: Some(uid(901)),
    };
    let d = w.route_with(&config, "x", account);
    assert_eq!(
        (d.target, d.via),
        (to(RouteObject::Agent, 1), RouteVia::Account)
    );

    let inactive = AccountAssignment {
        assigned_agent_id: Some(uid(2)),
        ..account
    };
    let d = w.route_with(&config, "x", inactive);
    assert_eq!(d.target, to(RouteObject::Department, 901));

    let d = w.route_with(&config, "x", AccountAssignment::default());
    assert_eq!((d.target, d.via), (None, RouteVia::Unassigned));
}

#[test]
fn simple_routing_goes_to_the_simple_target_with_its_priority() {
    let w = World::new();
    let config = RoutingConfig {
        is_enable: true,
        kind: RoutingType::Simple,
        simple_route_to_object: Some(RouteObject::Agent),
        simple_route_to_id: Some(uid(3)),
        simple_route_to_priority: Some(Priority::High),
        ..Default::default()
    };
    let d = w.route(&config, "x");
    assert_eq!(d.target, to(RouteObject::Agent, 3));
    assert_eq!(d.priority, Some(Priority::High));
    assert_eq!(d.via, RouteVia::Simple);
}

#[test]
fn first_matching_rule_by_order_index_decides() {
    let w = World::new();
    let mut late = subject_rule(11, 5, "refund", RouteObject::Agent, 1);
    late.route_to_priority = Some(Priority::Urgent);
    let early = subject_rule(12, 1, "refund", RouteObject::Agent, 3);
    let mut disabled = subject_rule(13, 0, "refund", RouteObject::Department, 901);
    disabled.is_enable = false;
    let config = rules_config(vec![late, early, disabled]);
    let d = w.route(&config, "Please REFUND me");
    assert_eq!(d.target, to(RouteObject::Agent, 3));
    assert_eq!(d.rule_id, Some(RuleId(uid(12))));
    assert_eq!(d.priority, None);
    assert_eq!(d.via, RouteVia::Rule);
}

#[test]
fn no_match_goes_to_match_failed_with_its_priority() {
    let w = World::new();
    let config = rules_config(vec![subject_rule(11, 0, "refund", RouteObject::Agent, 1)]);
    let d = w.route(&config, "hello");
    assert_eq!(d.target, to(RouteObject::Department, 900));
    assert_eq!(d.priority, Some(Priority::Low));
    assert_eq!((d.rule_id, d.via), (None, RouteVia::MatchFailed));
}

#[test]
fn inactive_agent_falls_back_to_match_failed_then_to_nobody() {
    let mut w = World::new();
    let mut rule = subject_rule(11, 0, "refund", RouteObject::Agent, 2);
    rule.route_to_priority = Some(Priority::Urgent);
    let config = rules_config(vec![rule]);
    let d = w.route(&config, "refund");
    assert_eq!(d.target, to(RouteObject::Department, 900));
    assert_eq!(d.rule_id, Some(RuleId(uid(11))));
    assert_eq!(d.priority, Some(Priority::Urgent));
    assert_eq!(d.via, RouteVia::MatchFailed);

    // The match-failed department is deleted after the configuration was saved.
    let router = Router::compile(&config, &FieldSet::default(), Some(w.people())).unwrap();
    w.departments.clear();
    let conversation = Conversation {
        subject: "refund".into(),
        ..Default::default()
    };
    let d = router.route(
        &conversation,
        &Context::default(),
        w.people(),
        AccountAssignment::default(),
    );
    assert_eq!((d.target, d.via), (None, RouteVia::Unassigned));
    assert_eq!(d.rule_id, Some(RuleId(uid(11))));
}

#[test]
fn saving_names_every_bad_part() {
    let w = World::new();
    let mut bad_condition = subject_rule(11, 0, "x", RouteObject::Agent, 1);
    bad_condition.conditions = conditions(
        json!({"when": "all", "list": [{"fieldId": "subject", "matchType": "isMoreThan", "value": "3"}]}),
    );
    let missing_agent = subject_rule(12, 1, "x", RouteObject::Agent, 77);
    let mut config = rules_config(vec![bad_condition, missing_agent]);
    config.match_failed_to_id = None;
    let err = Router::compile(&config, &FieldSet::default(), Some(w.people())).unwrap_err();
    let fields: Vec<String> = err.details().iter().map(|d| d.field.clone()).collect();
    assert!(
        fields.iter().any(|f| f.starts_with("rules[0].")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"rules[1].routeToId".to_string()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"matchFailedToId".to_string()),
        "{fields:?}"
    );
}

proptest! {
    /// Reordering the rules that do not match changes nothing.
    #[test]
    fn only_the_first_matching_rule_matters(
        words in prop::collection::vec(prop::sample::select(vec!["alpha", "beta", "gamma", "delta"]), 1..12),
        targets in prop::collection::vec(prop::sample::select(vec![1u128, 3, 900, 901]), 12),
        orders in prop::collection::vec(0i64..50, 12),
        shuffle_seed in any::<u64>(),
        subject in prop::sample::select(vec!["alpha news", "gamma ray", "nothing", "beta delta"]),
    ) {
        let w = World::new();
        let rules: Vec<CustomRule> = words.iter().enumerate().map(|(i, word)| {
            let to = targets[i];
            let object = if to < 900 { RouteObject::Agent } else { RouteObject::Department };
            subject_rule(100 + i as u128, orders[i], word, object, to)
        }).collect();
        let before = w.route(&rules_config(rules.clone()), subject);

        // Permute the order indices among the rules that do not match.
        let non_matching: Vec<usize> = (0..rules.len()).filter(|&i| !subject.contains(words[i])).collect();
        let mut slots: Vec<i64> = non_matching.iter().map(|&i| rules[i].order_index).collect();
        let mut seed = shuffle_seed;
        for k in (1..slots.len()).rev() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            slots.swap(k, (seed >> 33) as usize % (k + 1));
        }
        let mut shuffled = rules;
        for (slot, &i) in slots.into_iter().zip(&non_matching) {
            shuffled[i].order_index = slot;
        }
        let after = w.route(&rules_config(shuffled), subject);
        prop_assert_eq!(before, after);
    }
}
