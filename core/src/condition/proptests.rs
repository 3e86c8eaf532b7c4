//! Properties: `all`/`any` mean the same as their logical expressions, and results do not
//! depend on how the list is combined.

use super::*;
use crate::model::{Channel, Conversation, Priority, Status};
use proptest::prelude::*;

fn condition() -> impl Strategy<Value = Condition> {
    let status = prop::sample::select(Status::ALL).prop_map(|s| ("status", s.as_str()));
    let priority = prop::sample::select(Priority::ALL).prop_map(|p| ("priority", p.as_str()));
    let channel = prop::sample::select(Channel::ALL).prop_map(|c| ("channel", c.as_str()));
    let subject = prop::sample::select(&["a", "B", "ab", "x"][..]).prop_map(|s| ("subject", s));
    (
        prop_oneof![status, priority, channel, subject],
        any::<bool>(),
    )
        .prop_map(|((field, value), negative)| {
            let text = field == "subject";
            let match_type = match (text, negative) {
                (true, false) => MatchType::Contains,
                (true, true) => MatchType::NotContains,
                (false, false) => MatchType::Is,
                (false, true) => MatchType::IsNot,
            };
            Condition {
                id: None,
                field_id: FieldId::new(field),
                match_type,
                value: Some(FieldValue::Text(value.to_string())),
            }
        })
}

fn conversation() -> impl Strategy<Value = Conversation> {
    (
        prop::sample::select(Status::ALL),
        prop::sample::select(Priority::ALL),
        prop::sample::select(Channel::ALL),
        "[abAB]{0,3}",
    )
        .prop_map(|(status, priority, channel, subject)| Conversation {
            status,
            priority,
            channel,
            subject,
            ..Default::default()
        })
}

fn run(
    when: When,
    expression: Option<String>,
    list: &[Condition],
    conv: &Conversation,
) -> (bool, Vec<bool>) {
    let conditions = Conditions {
        when,
        logical_expression: expression,
        list: list.to_vec(),
    };
    conditions
        .compile(&FieldSet::default())
        .expect("generated conditions are valid")
        .evaluate(conv, &Context::default())
}

proptest! {
    #[test]
    fn all_and_any_equal_their_expressions(
        list in prop::collection::vec(condition(), 1..8),
        conv in conversation(),
    ) {
        let numbers: Vec<String> = (1..=list.len()).map(|n| n.to_string()).collect();
        let all = run(When::All, None, &list, &conv);
        let any = run(When::Any, None, &list, &conv);
        let and = run(When::LogicalExpression, Some(numbers.join(" and ")), &list, &conv);
        let or = run(When::LogicalExpression, Some(numbers.join(" OR ")), &list, &conv);
        prop_assert_eq!(&all, &and);
        prop_assert_eq!(&any, &or);
        prop_assert_eq!(&all.1, &any.1);
        prop_assert_eq!(all.0, all.1.iter().all(|r| *r));
        prop_assert_eq!(any.0, any.1.iter().any(|r| *r));
    }

    #[test]
    fn negative_match_types_negate(cond in condition(), conv in conversation()) {
        let mut flipped = cond.clone();
        flipped.match_type = match cond.match_type {
            MatchType::Contains => MatchType::NotContains,
            MatchType::NotContains => MatchType::Contains,
            MatchType::Is => MatchType::IsNot,
            _ => MatchType::Is,
        };
        let a = run(When::All, None, &[cond], &conv).0;
        let b = run(When::All, None, &[flipped], &conv).0;
        prop_assert_ne!(a, b);
    }
}
