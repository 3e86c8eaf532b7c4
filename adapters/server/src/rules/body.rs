//! Request bodies of the admin endpoints: seed wrappers unwrapped, seed spellings mapped to
//! ours (keys matched ignoring ASCII case), unknown keys refused with a 400 naming them, and
//! the result decoded into the core's type with the failing field named.

use crate::http::extract::parse_json;
use crate::http::{ApiError, ApiResult};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The keys a body may carry.
pub struct Shape {
    /// A body `{"<wrapper>": {…}}` is unwrapped.
    pub wrappers: &'static [&'static str],
    /// `(seed spelling, our name)`.
    pub aliases: &'static [(&'static str, &'static str)],
    pub allowed: &'static [&'static str],
}

/// The canonical keys of `body` under `shape`, or a 400 naming the first unknown key.
pub fn normalize(body: Value, shape: &Shape, prefix: &str) -> ApiResult<Map<String, Value>> {
    let Value::Object(mut map) = body else {
        return Err(ApiError::invalid(
            if prefix.is_empty() { "body" } else { prefix },
            "must be a JSON object",
        ));
    };
    if map.len() == 1 {
        let key = map.keys().next().cloned().unwrap_or_default();
        if shape.wrappers.iter().any(|w| w.eq_ignore_ascii_case(&key))
            && map.get(&key).is_some_and(Value::is_object)
        {
            if let Some(Value::Object(inner)) = map.remove(&key) {
                map = inner;
            }
        }
    }
    let mut out = Map::new();
    for (key, value) in map {
        let canonical = shape
            .allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(&key))
            .or_else(|| {
                shape
                    .aliases
                    .iter()
                    .find(|(from, _)| from.eq_ignore_ascii_case(&key))
                    .map(|(_, to)| to)
            });
        match canonical {
            // Our own spelling wins over a seed alias sent alongside it.
            Some(name) if !out.contains_key(*name) || key == *name => {
                out.insert((*name).to_string(), value);
            }
            Some(_) => {}
            None => {
                let field = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                return Err(ApiError::invalid(field, format!("unknown field `{key}`")));
            }
        }
    }
    Ok(out)
}

/// Decodes canonical keys into `T`; a failing field is named with `prefix`.
pub fn decode<T: DeserializeOwned>(map: Map<String, Value>) -> ApiResult<T> {
    let bytes = serde_json::to_vec(&Value::Object(map))
        .map_err(|e| ApiError::Internal(format!("re-encoding a body: {e}")))?;
    parse_json(&bytes)
}

/// `{"enable": bool}` or `{"isEnable": bool}` (SPEC §3).
pub fn enable_flag(body: Value) -> ApiResult<bool> {
    const SHAPE: Shape = Shape {
        wrappers: &[],
        aliases: &[("isEnable", "enable"), ("ifEnable", "enable")],
        allowed: &["enable"],
    };
    let map = normalize(body, &SHAPE, "")?;
    match map.get("enable") {
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(ApiError::invalid("enable", "must be true or false")),
        None => Err(ApiError::invalid("enable", "is required")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// `{"type":"up"|"down"}`.
pub fn direction(body: Value) -> ApiResult<Direction> {
    const SHAPE: Shape = Shape {
        wrappers: &[],
        aliases: &[],
        allowed: &["type"],
    };
    let map = normalize(body, &SHAPE, "")?;
    match map.get("type").and_then(Value::as_str) {
        Some(t) if t.eq_ignore_ascii_case("up") => Ok(Direction::Up),
        Some(t) if t.eq_ignore_ascii_case("down") => Ok(Direction::Down),
        _ => Err(ApiError::invalid("type", "must be `up` or `down`")),
    }
}

fn order_of(v: &Value) -> i64 {
    v.get("orderIndex").and_then(Value::as_i64).unwrap_or(0)
}

fn id_of(v: &Value) -> &str {
    v.get("id").and_then(Value::as_str).unwrap_or("")
}

/// Sorts by `orderIndex` then id and renumbers from 1, so the order is dense and explicit.
pub fn renumber(list: &mut [Value]) {
    list.sort_by(|a, b| {
        order_of(a)
            .cmp(&order_of(b))
            .then_with(|| id_of(a).cmp(id_of(b)))
    });
    for (i, item) in list.iter_mut().enumerate() {
        if let Some(o) = item.as_object_mut() {
            o.insert("orderIndex".into(), Value::from(i as i64 + 1));
        }
    }
}

/// Index of the item with `id`, or 404 naming `what`.
pub fn position(list: &[Value], id: &str, what: &str) -> ApiResult<usize> {
    list.iter()
        .position(|v| id_of(v).eq_ignore_ascii_case(id))
        .ok_or_else(|| ApiError::NotFound(format!("{what} not found")))
}

/// Moves the item one place up or down (no-op at the ends) and renumbers.
pub fn shift(list: &mut [Value], id: &str, dir: Direction, what: &str) -> ApiResult<()> {
    renumber(list);
    let i = position(list, id, what)?;
    let j = match dir {
        Direction::Up => i.checked_sub(1),
        Direction::Down => (i + 1 < list.len()).then_some(i + 1),
    };
    if let Some(j) = j {
        list.swap(i, j);
    }
    for (k, item) in list.iter_mut().enumerate() {
        if let Some(o) = item.as_object_mut() {
            o.insert("orderIndex".into(), Value::from(k as i64 + 1));
        }
    }
    Ok(())
}

/// Places a new item: at its explicit `orderIndex` (later ones move down) or last.
pub fn insert_ordered(list: &mut Vec<Value>, mut item: Value, explicit: Option<i64>) {
    renumber(list);
    let at = explicit
        .and_then(|o| usize::try_from(o.saturating_sub(1)).ok())
        .map_or(list.len(), |i| i.min(list.len()));
    if let Some(o) = item.as_object_mut() {
        o.insert("orderIndex".into(), Value::from(0));
    }
    list.insert(at, item);
    for (k, item) in list.iter_mut().enumerate() {
        if let Some(o) = item.as_object_mut() {
            o.insert("orderIndex".into(), Value::from(k as i64 + 1));
        }
    }
}

/// A stored list document (absent = empty).
pub fn as_list(doc: Option<Value>) -> Vec<Value> {
    match doc {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    }
}

/// Renames `rules[i].x` to `x` in a core error (custom-rule endpoints validate the whole
/// configuration but answer about the one rule).
pub fn strip_prefix(e: anytime_core::CoreError, prefix: &str) -> anytime_core::CoreError {
    use anytime_core::{CoreError, ErrorDetail};
    match e {
        CoreError::Validation { message, details } => {
            let details: Vec<ErrorDetail> = details
                .into_iter()
                .map(|mut d| {
                    if let Some(rest) = d.field.strip_prefix(prefix) {
                        d.field = rest.trim_start_matches('.').to_string();
                    }
                    d
                })
                .collect();
            CoreError::Validation { message, details }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SHAPE: Shape = Shape {
        wrappers: &["thing"],
        aliases: &[("enable", "isEnable")],
        allowed: &["isEnable", "name"],
    };

    #[test]
    fn unwraps_maps_aliases_and_refuses_unknown_keys() {
        let m = normalize(json!({"thing": {"Enable": true, "NAME": "x"}}), &SHAPE, "").unwrap();
        assert_eq!(Value::Object(m), json!({"isEnable": true, "name": "x"}));
        let e = normalize(json!({"nmae": "x"}), &SHAPE, "").unwrap_err();
        assert_eq!(e.body().error.details[0].field, "nmae");
    }

    #[test]
    fn shifting_and_inserting_keep_a_dense_order() {
        let mut l = vec![
            json!({"id": "a", "orderIndex": 5}),
            json!({"id": "b", "orderIndex": 9}),
        ];
        shift(&mut l, "b", Direction::Up, "x").unwrap();
        assert_eq!(l[0]["id"], "b");
        assert_eq!(l[1]["orderIndex"], 2);
        insert_ordered(&mut l, json!({"id": "c"}), Some(1));
        assert_eq!(l[0]["id"], "c");
        assert_eq!(l[2]["orderIndex"], 3);
        shift(&mut l, "c", Direction::Up, "x").unwrap();
        assert_eq!(l[0]["id"], "c");
        assert!(shift(&mut l, "zz", Direction::Up, "x").is_err());
    }
}
