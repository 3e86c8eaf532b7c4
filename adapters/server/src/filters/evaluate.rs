//! Which conversations a filter's conditions select: the core's `CompiledConditions` run on
//! every stored snapshot of the site, so the list agrees with `evaluateConditions` by
//! construction (see docs/decisions.md on why this is not translated to SQL yet).

use crate::app::AppState;
use crate::auth::Caller;
use crate::http::ApiResult;
use anytime_core::condition::{CompiledConditions, Conditions};
use anytime_core::model::{
    ContactId, ContactInfo, Context, Conversation, ConversationId, FieldSet, SystemField,
};
use anytime_core::CoreError;
use chrono::Utc;
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

fn needs_contact(conditions: &Conditions) -> bool {
    conditions.list.iter().any(|c| {
        matches!(
            c.field_id.system(),
            Some(SystemField::ContactEmail | SystemField::ContactName)
        )
    })
}

/// The rule context of one conversation in a list: now, UTC, and its contact.
pub fn context(contact: Option<ContactInfo>) -> Context {
    Context {
        now: Some(Utc::now()),
        contact,
        ..Default::default()
    }
}

/// Conditions as given and as compiled (the given form says which lookups they need).
pub type ConditionSet = (Conditions, CompiledConditions);

/// The conversations of `list` that match every set, with contacts looked up only when
/// some condition reads them.
pub async fn select<'a>(
    app: &AppState,
    caller: &Caller,
    sets: &[ConditionSet],
    list: &'a [Conversation],
) -> ApiResult<Vec<&'a Conversation>> {
    let mut contacts: BTreeMap<ContactId, Option<ContactInfo>> = BTreeMap::new();
    if sets.iter().any(|(c, _)| needs_contact(c)) {
        for id in list.iter().filter_map(|c| c.contact_id) {
            if contacts.contains_key(&id) {
                continue;
            }
            let info = app
                .store
                .contacts()
                .get(caller.site_id, id)
                .await
                .ok()
                .map(|c| ContactInfo {
                    name: Some(c.name),
                    email: c.email,
                });
            contacts.insert(id, info);
        }
    }
    Ok(list
        .iter()
        .filter(|c| {
            let contact = c
                .contact_id
                .and_then(|id| contacts.get(&id).cloned().flatten());
            let ctx = context(contact);
            sets.iter().all(|(_, compiled)| compiled.matches(c, &ctx))
        })
        .collect())
}

/// Ids of the site's live (or deleted) conversations matching every set.
pub async fn matching_ids(
    app: &AppState,
    caller: &Caller,
    sets: &[ConditionSet],
    deleted: bool,
) -> ApiResult<Vec<ConversationId>> {
    let all = app
        .store
        .conversations()
        .all(caller.site_id, deleted)
        .await?;
    Ok(select(app, caller, sets, &all)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect())
}

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
