//! Conditions (SPEC §5.1) as the seeds send them: `logicExpression`, a numeric `when`, a
//! condition's `type` and `index`, seed 002's `FieldId`/`ConditionMatchType` numbers, and
//! seed 002's `when`/`logicExpression` on a custom rule itself.

use crate::http::{ApiError, ApiResult};
use crate::rules::body::{self, Shape};
use serde_json::{json, Map, Value};

const CONDITIONS: Shape = Shape {
    wrappers: &[],
    aliases: &[("logicExpression", "logicalExpression")],
    allowed: &["when", "logicalExpression", "list"],
};

const CONDITION: Shape = Shape {
    wrappers: &[],
    aliases: &[("ConditionMatchType", "matchType")],
    // `type` (seed 001: which kind of rule holds it) says nothing the holder does not;
    // `index` orders the list and is then dropped.
    allowed: &["id", "fieldId", "matchType", "value", "type", "index"],
};

/// Seed 002's `when` numbers.
fn when_name(v: Value, field: &str) -> ApiResult<Value> {
    match v {
        Value::Number(n) => match n.as_u64() {
            Some(0) => Ok(json!("any")),
            Some(1) => Ok(json!("all")),
            Some(2) => Ok(json!("logicalExpression")),
            _ => Err(ApiError::invalid(
                field,
                "must be `all`, `any`, `logicalExpression` or 0, 1, 2",
            )),
        },
        other => Ok(other),
    }
}

/// Seed 002's `ConditionMatchType` numbers (9, `Between`, has no SPEC counterpart).
fn match_type_name(v: Value, field: &str) -> ApiResult<Value> {
    const NAMES: [&str; 8] = [
        "is",
        "isNot",
        "isMoreThan",
        "isLessThan",
        "contains",
        "notContains",
        "before",
        "after",
    ];
    match v {
        Value::Number(n) => n
            .as_u64()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| NAMES.get(usize::try_from(i).ok()?))
            .map(|name| json!(name))
            .ok_or_else(|| ApiError::invalid(field, "must be a match type name or 1-8")),
        other => Ok(other),
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// One condition in SPEC names, with its seed `index` (if any) returned beside it.
fn condition(v: Value, prefix: &str) -> ApiResult<(Value, Option<i64>)> {
    let mut map = body::normalize(v, &CONDITION, prefix)?;
    map.remove("type");
    let index = match map.remove("index") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
        Some(_) => {
            return Err(ApiError::invalid(
                join(prefix, "index"),
                "must be an integer",
            ))
        }
    };
    if let Some(m) = map.remove("matchType") {
        map.insert(
            "matchType".into(),
            match_type_name(m, &join(prefix, "matchType"))?,
        );
    }
    // Seed 002 numbers fields and conditions; our ids are strings.
    for key in ["fieldId", "id"] {
        if let Some(Value::Number(n)) = map.get(key) {
            let id = n.to_string();
            map.insert(key.into(), Value::String(id));
        }
    }
    Ok((Value::Object(map), index))
}

/// A condition list in SPEC order: by `index` when any is given (stable), else as sent.
fn list(items: Vec<Value>, prefix: &str) -> ApiResult<Vec<Value>> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        out.push(condition(item, &format!("{prefix}[{i}]"))?);
    }
    if out.iter().any(|(_, index)| index.is_some()) {
        out.sort_by_key(|(_, index)| index.unwrap_or(i64::MAX));
    }
    Ok(out.into_iter().map(|(v, _)| v).collect())
}

/// A `conditions` value (object or bare list) in SPEC names; `prefix` names it in errors.
pub fn conditions(v: Value, prefix: &str) -> ApiResult<Value> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Array(items) => Ok(Value::Array(list(items, prefix)?)),
        Value::Object(_) => {
            let mut map = body::normalize(v, &CONDITIONS, prefix)?;
            if let Some(w) = map.remove("when") {
                map.insert("when".into(), when_name(w, &join(prefix, "when"))?);
            }
            match map.remove("list") {
                Some(Value::Array(items)) => {
                    let items = list(items, &join(prefix, "list"))?;
                    map.insert("list".into(), Value::Array(items));
                }
                Some(other) => {
                    map.insert("list".into(), other);
                }
                None => {}
            }
            Ok(Value::Object(map))
        }
        other => Ok(other),
    }
}

/// Translates `map["conditions"]` in place (a body's own key, already canonical).
pub fn in_body(map: &mut Map<String, Value>, prefix: &str) -> ApiResult<()> {
    if let Some(v) = map.remove("conditions") {
        map.insert(
            "conditions".into(),
            conditions(v, &join(prefix, "conditions"))?,
        );
    }
    Ok(())
}

/// Seed 002 puts `when` and `logicExpression` on the custom rule itself: they are lifted into
/// its `conditions` (after the rule's keys are canonical), then the whole is translated.
pub fn lift_from_rule(rule: &mut Map<String, Value>, prefix: &str) -> ApiResult<()> {
    let when = rule.remove("when");
    let expression = rule.remove("logicalExpression");
    if when.is_some() || expression.is_some() {
        let mut conditions = match rule.remove("conditions") {
            Some(Value::Array(list)) => json!({ "list": list }),
            Some(Value::Object(o)) => Value::Object(o),
            _ => json!({ "list": [] }),
        };
        if let Some(o) = conditions.as_object_mut() {
            if let Some(w) = when {
                o.insert("when".into(), w);
            }
            if let Some(e) = expression {
                o.insert("logicalExpression".into(), e);
            }
        }
        rule.insert("conditions".into(), conditions);
    }
    in_body(rule, prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_002_numbers_and_index_become_spec_conditions() {
        let v = conditions(
            json!({"when": 2, "logicExpression": "1 OR 2", "list": [
                {"id": 7, "FieldId": 12, "ConditionMatchType": 5, "value": "b", "index": 2},
                {"type": "routingRule", "fieldId": "subject", "matchType": "is", "value": "a", "index": 1}
            ]}),
            "conditions",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"when": "logicalExpression", "logicalExpression": "1 OR 2", "list": [
                {"fieldId": "subject", "matchType": "is", "value": "a"},
                {"id": "7", "fieldId": "12", "matchType": "contains", "value": "b"}
            ]})
        );
    }

    #[test]
    fn every_match_type_number_and_bad_values_are_named() {
        let names: Vec<Value> = (1..=8)
            .map(|n| match_type_name(json!(n), "m").unwrap())
            .collect();
        assert_eq!(
            names,
            json!([
                "is",
                "isNot",
                "isMoreThan",
                "isLessThan",
                "contains",
                "notContains",
                "before",
                "after"
            ])
            .as_array()
            .unwrap()
            .clone()
        );
        let e = conditions(
            json!([{"fieldId": "x", "ConditionMatchType": 9}]),
            "conditions",
        )
        .unwrap_err();
        assert_eq!(e.body().error.details[0].field, "conditions[0].matchType");
        let e = conditions(json!({"when": 3}), "c").unwrap_err();
        assert_eq!(e.body().error.details[0].field, "c.when");
        let e = conditions(json!({"list": [{"fieldId": "x", "colour": 1}]}), "c").unwrap_err();
        assert_eq!(e.body().error.details[0].field, "c.list[0].colour");
        let e = conditions(json!({"wehn": "all"}), "c").unwrap_err();
        assert_eq!(e.body().error.details[0].field, "c.wehn");
    }

    #[test]
    fn rule_level_when_is_lifted_and_spec_bodies_pass_unchanged() {
        let mut rule = Map::new();
        rule.insert("when".into(), json!(0));
        rule.insert(
            "conditions".into(),
            json!([{"fieldId": "subject", "matchType": "is", "value": "a"}]),
        );
        lift_from_rule(&mut rule, "").unwrap();
        assert_eq!(rule["conditions"]["when"], "any");
        assert_eq!(rule["conditions"]["list"][0]["fieldId"], "subject");
        let spec = json!({"when": "all", "list": [{"fieldId": "subject", "matchType": "is", "value": "a"}]});
        assert_eq!(conditions(spec.clone(), "c").unwrap(), spec);
    }
}
