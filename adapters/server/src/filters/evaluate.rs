//! A list query's conditions: parsed from `conditions[i][…]` and compiled against the
//! site's fields. The store evaluates them in SQL (`anytime_store` `conditions_sql`), agreeing
//! with the core's `evaluateConditions` (a property test there checks it).

use anytime_core::condition::{CompiledConditions, Conditions};
use anytime_core::model::FieldSet;
use anytime_core::CoreError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// At most this many ad-hoc `conditions[i]…` in a list query.
pub const MAX_QUERY_CONDITIONS: usize = 50;

/// Checks `conditions` against the site's fields; errors name `prefix.list[i].…`.
pub fn compile(
    conditions: &Conditions,
    fields: &FieldSet,
    prefix: &str,
) -> Result<CompiledConditions, CoreError> {
    conditions.compile(fields).map_err(|e| e.nested(prefix))
}

/// Conditions as given and as compiled (the given form says which lookups they need).
pub type ConditionSet = (Conditions, CompiledConditions);

/// One `conditions[i][field|matchType|value]` entry of a list query.
#[derive(Debug, Default, Deserialize)]
struct QueryCondition {
    field: Option<String>,
    match_type: Option<String>,
    value: Option<String>,
}

/// Splits the raw query into the `conditions[i][…]` entries (as a `when: all` list) and the
/// remaining pairs, re-encoded for the ordinary query parser.
pub fn split_query(query: &str) -> Result<(Option<Conditions>, String), CoreError> {
    let pairs: Vec<(String, String)> = serde_html_form::from_str(query).map_err(|e| {
        CoreError::invalid_fields(
            "the query string is malformed",
            vec![anytime_core::ErrorDetail::new("query", e.to_string())],
        )
    })?;
    let mut rest = Vec::new();
    let mut entries: BTreeMap<usize, QueryCondition> = BTreeMap::new();
    for (key, value) in pairs {
        let Some(tail) = key.strip_prefix("conditions[") else {
            rest.push((key, value));
            continue;
        };
        let bad = || {
            CoreError::invalid_fields(
                format!("`{key}` is not conditions[i][field|matchType|value]"),
                vec![anytime_core::ErrorDetail::new(
                    key.clone(),
                    "use conditions[i][field|matchType|value]",
                )],
            )
        };
        let (index, part) = tail.split_once("][").ok_or_else(bad)?;
        let part = part.strip_suffix(']').ok_or_else(bad)?;
        let index: usize = index.parse().map_err(|_| bad())?;
        if index >= MAX_QUERY_CONDITIONS {
            return Err(CoreError::invalid_fields(
                "too many conditions",
                vec![anytime_core::ErrorDetail::new(
                    "conditions",
                    format!("at most {MAX_QUERY_CONDITIONS} conditions"),
                )],
            ));
        }
        let entry = entries.entry(index).or_default();
        match part {
            "field" | "fieldId" => entry.field = Some(value),
            "matchType" => entry.match_type = Some(value),
            "value" => entry.value = Some(value),
            _ => return Err(bad()),
        }
    }
    let rest = serde_html_form::to_string(&rest).unwrap_or_default();
    if entries.is_empty() {
        return Ok((None, rest));
    }
    let list: Vec<serde_json::Value> = entries
        .into_values()
        .map(|e| {
            serde_json::json!({
                "fieldId": e.field.unwrap_or_default(),
                "matchType": e.match_type.unwrap_or_default(),
                "value": e.value,
            })
        })
        .collect();
    let conditions: Conditions = serde_json::from_value(serde_json::Value::Array(list.clone()))
        .map_err(|e| {
            CoreError::invalid_fields(
                format!("conditions: {e}"),
                vec![anytime_core::ErrorDetail::new("conditions", e.to_string())],
            )
        })?;
    Ok((Some(conditions), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_conditions_from_the_other_parameters() {
        let (c, rest) = split_query(
            "pageIndex=2&conditions%5B0%5D%5Bfield%5D=status&conditions[0][matchType]=is&conditions[0][value]=new&conditions[1][field]=subject&conditions[1][matchType]=contains&conditions[1][value]=a%20b",
        )
        .unwrap();
        let c = c.unwrap();
        assert_eq!(rest, "pageIndex=2");
        assert_eq!(c.list.len(), 2);
        assert_eq!(c.list[0].field_id.0, "status");
        assert_eq!(
            c.list[1].value.as_ref().and_then(|v| v.as_text()),
            Some("a b")
        );
    }

    #[test]
    fn rejects_malformed_condition_keys() {
        assert!(split_query("conditions[x][field]=a").is_err());
        assert!(split_query("conditions[0][colour]=a").is_err());
        assert!(split_query("conditions[0]=a").is_err());
        assert!(split_query("conditions[999][field]=a").is_err());
        assert!(split_query("conditions[0][matchType]=bogus").is_err());
        assert_eq!(split_query("a=1").unwrap().0, None);
    }
}
