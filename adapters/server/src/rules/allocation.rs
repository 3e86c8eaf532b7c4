//! Auto allocation settings (SPEC §4.5), checked by the core
//! (`AutoAllocationSetting::validate`: every agent and department must exist, once).

use super::body::{self, Shape};
use super::docs;
use super::site::people;
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{no_content, ApiError, ApiJson, ApiResult};
use anytime_core::allocation::AutoAllocationSetting;
use anytime_core::model::SiteId;
use anytime_store::StoreError;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) const SHAPE: Shape = Shape {
    wrappers: &["autoAllocationSetting", "autoAllocation"],
    aliases: &[
        ("allocationRuleSettings", "departmentAllocationRule"),
        ("allocationAgentPreferences", "agentPreferences"),
        ("maxNumberForAll", "maxNumberForAllAgents"),
        ("isEnable", "enable"),
    ],
    allowed: &[
        "enable",
        "isEnabledDepartment",
        "departmentAllocationRule",
        "defaultAllocationRule",
        "setMaxNumberForEachAgent",
        "maxNumberForAllAgents",
        "agentPreferences",
        "excludePendingExternal",
        "excludeOnHold",
        "departmentFilters",
    ],
};

fn stored(doc: Option<Value>) -> Result<AutoAllocationSetting, StoreError> {
    match doc {
        Some(v) => serde_json::from_value(v)
            .map_err(|e| StoreError::Unavailable(format!("stored auto allocation: {e}"))),
        None => Ok(AutoAllocationSetting::default()),
    }
}

/// Applies `change` to the stored settings, validates them with the core, saves.
async fn edit(
    app: &AppState,
    site: SiteId,
    change: impl FnOnce(Value) -> Result<AutoAllocationSetting, StoreError> + Send + 'static,
) -> ApiResult<AutoAllocationSetting> {
    let (agents, departments) = people(app, site).await?;
    let agent_ids: BTreeSet<_> = agents.iter().map(|a| a.id).collect();
    let department_ids: BTreeSet<_> = departments.iter().map(|d| d.id).collect();
    let saved = app
        .store
        .documents()
        .update(site, docs::ALLOCATION, move |doc| {
            let current = serde_json::to_value(stored(doc)?)
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            let next = change(current)?;
            next.validate(&agent_ids, &department_ids)?;
            let value =
                serde_json::to_value(&next).map_err(|e| StoreError::Unavailable(e.to_string()))?;
            Ok((value, next))
        })
        .await?;
    app.rules.invalidate(site);
    super::queue::run_logged(app, site).await;
    Ok(saved)
}

/// The auto allocation settings.
#[utoipa::path(get, path = "/api/v3/anytime/autoAllocation", tag = "autoAllocation",
    responses((status = 200, description = "`{\"autoAllocationSetting\":{…}}`")))]
async fn get(Staff(caller): Staff, State(app): State<AppState>) -> ApiResult<Json<Value>> {
    let doc = app
        .store
        .documents()
        .get(caller.site_id, docs::ALLOCATION)
        .await?;
    Ok(Json(json!({ "autoAllocationSetting": stored(doc)? })))
}

/// Update the settings (keys not sent keep their values). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/autoAllocation", tag = "autoAllocation",
    request_body = Object,
    responses((status = 200, description = "`{\"autoAllocationSetting\":{…}}`")))]
async fn put(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let mut keys = body::normalize(req, &SHAPE, "")?;
    let filters = match keys.remove("departmentFilters") {
        Some(v) => Some(super::department_filters::check(&app, caller.site_id, v).await?),
        None => None,
    };
    let saved = edit(&app, caller.site_id, move |current| {
        let mut map = current.as_object().cloned().unwrap_or_default();
        map.extend(keys);
        body::decode(map).map_err(super::lists::to_store)
    })
    .await?;
    if let Some(filters) = filters {
        super::department_filters::apply(&app, caller.site_id, filters).await?;
        app.rules.invalidate(caller.site_id);
        super::queue::run_logged(&app, caller.site_id).await;
    }
    Ok(Json(json!({ "autoAllocationSetting": saved })))
}

/// Turn auto allocation on or off (`enable` or `isEnable`). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/autoAllocation/enable", tag = "autoAllocation",
    request_body = Object, responses((status = 204, description = "Done")))]
async fn enable(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let flag = body::enable_flag(req)?;
    edit(&app, caller.site_id, move |current| {
        let mut s: AutoAllocationSetting =
            serde_json::from_value(current).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        s.enable = flag;
        Ok(s)
    })
    .await
    .map_err(|e: ApiError| e)?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get, put))
        .routes(routes!(enable))
}
