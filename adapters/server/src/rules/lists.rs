//! Ordered lists stored as one site document (triggers, SLA policies, holidays): read, change
//! and validate, write — in one transaction — then drop the site's compiled rules.

use crate::app::AppState;
use crate::http::{ApiError, ApiResult};
use anytime_core::model::SiteId;
use anytime_store::StoreError;
use serde_json::Value;

/// Applies `change` to the list document `name`; returns the saved list and `change`'s output.
pub async fn edit<T: Send + 'static>(
    app: &AppState,
    site: SiteId,
    name: &'static str,
    change: impl FnOnce(&mut Vec<Value>) -> Result<T, StoreError> + Send + 'static,
) -> ApiResult<(Vec<Value>, T)> {
    let out = app
        .store
        .documents()
        .update(site, name, move |doc| {
            let mut list = super::body::as_list(doc);
            let out = change(&mut list)?;
            Ok((Value::Array(list.clone()), (list, out)))
        })
        .await?;
    app.rules.invalidate(site);
    Ok(out)
}

/// The list document `name`, sorted by `orderIndex` then id.
pub async fn read(app: &AppState, site: SiteId, name: &'static str) -> ApiResult<Vec<Value>> {
    let mut list = super::body::as_list(app.store.documents().get(site, name).await?);
    list.sort_by(|a, b| {
        let key = |v: &Value| {
            (
                v.get("orderIndex").and_then(Value::as_i64).unwrap_or(0),
                v.get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(list)
}

/// The item with `id`, or 404 naming `what`.
pub fn item(list: &[Value], id: &str, what: &str) -> ApiResult<Value> {
    let i = super::body::position(list, id, what)?;
    Ok(list[i].clone())
}

/// Carries an API error out through a store closure.
pub fn to_store(e: ApiError) -> StoreError {
    super::routing::api_to_store(e)
}

/// Merges `keys` over `current` (a partial update).
pub fn merged(
    current: &Value,
    keys: serde_json::Map<String, Value>,
) -> serde_json::Map<String, Value> {
    let mut base = current.as_object().cloned().unwrap_or_default();
    base.extend(keys);
    base
}

/// Deletes the item `id` (404 naming `what`) and renumbers the rest.
pub async fn remove(
    app: &AppState,
    site: SiteId,
    name: &'static str,
    id: String,
    what: &'static str,
) -> ApiResult<()> {
    edit(app, site, name, move |list| {
        let i = super::body::position(list, &id, what).map_err(to_store)?;
        list.remove(i);
        super::body::renumber(list);
        Ok(())
    })
    .await
    .map(|_| ())
}

/// Sets the item's `enable` flag.
pub async fn set_enable(
    app: &AppState,
    site: SiteId,
    name: &'static str,
    id: String,
    flag: bool,
    what: &'static str,
) -> ApiResult<()> {
    edit(app, site, name, move |list| {
        let i = super::body::position(list, &id, what).map_err(to_store)?;
        if let Some(o) = list[i].as_object_mut() {
            o.insert("enable".into(), Value::Bool(flag));
        }
        Ok(())
    })
    .await
    .map(|_| ())
}

/// Moves the item one place up or down.
pub async fn shift(
    app: &AppState,
    site: SiteId,
    name: &'static str,
    id: String,
    dir: super::body::Direction,
    what: &'static str,
) -> ApiResult<()> {
    edit(app, site, name, move |list| {
        super::body::shift(list, &id, dir, what).map_err(to_store)
    })
    .await
    .map(|_| ())
}
