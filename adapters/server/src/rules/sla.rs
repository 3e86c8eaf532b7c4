//! SLA policies (SPEC §4.7): CRUD, enable, sort. Every save is checked by the core
//! (`SlaRules::compile`: targets and conditions).

use super::body::{self, Shape};
use super::docs;
use super::lists::{self, edit, item, merged, to_store};
use super::site::fields;
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{created, no_content, ApiJson, ApiPath, ApiResult};
use anytime_core::model::FieldSet;
use anytime_core::sla::{SlaPolicy, SlaRules};
use anytime_store::StoreError;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(crate) const SHAPE: Shape = Shape {
    wrappers: &["slaPolicy"],
    aliases: &[("isEnable", "enable"), ("index", "orderIndex")],
    allowed: &[
        "id",
        "name",
        "enable",
        "firstRespondWithin",
        "nextRespondWithin",
        "resolveRespondWithin",
        "operationalHour",
        "conditions",
        "orderIndex",
    ],
};

fn keys(req: Value) -> ApiResult<Map<String, Value>> {
    let mut map = body::normalize(req, &SHAPE, "")?;
    map.remove("id");
    crate::compat::conditions::in_body(&mut map, "")?;
    crate::compat::sla::operational_hour(&mut map);
    Ok(map)
}

fn checked(map: Map<String, Value>, fields: &FieldSet) -> Result<Value, StoreError> {
    let policy: SlaPolicy = body::decode(map).map_err(to_store)?;
    SlaRules::compile(std::slice::from_ref(&policy), fields, None)
        .map_err(|e| StoreError::Core(body::strip_prefix(e, "policies[0]")))?;
    serde_json::to_value(&policy).map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// The SLA policies in order.
#[utoipa::path(get, path = "/api/v3/anytime/slaPolicies", tag = "slaPolicies",
    responses((status = 200, description = "`{\"slaPolicies\":[…]}`")))]
async fn list(Staff(caller): Staff, State(app): State<AppState>) -> ApiResult<Json<Value>> {
    let list = lists::read(&app, caller.site_id, docs::SLA).await?;
    Ok(Json(json!({ "slaPolicies": list })))
}

/// Create an SLA policy (`name` defaults to "SLA policy N"). Admins only.
#[utoipa::path(post, path = "/api/v3/anytime/slaPolicies", tag = "slaPolicies",
    request_body = Object,
    responses((status = 201, description = "`{\"slaPolicy\":{…}}`")))]
async fn create(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let mut map = keys(req)?;
    let id = Uuid::new_v4();
    map.insert("id".into(), json!(id));
    let explicit = map.get("orderIndex").and_then(Value::as_i64);
    let fields = fields(&app, caller.site_id).await?;
    let (list, ()) = edit(&app, caller.site_id, docs::SLA, move |list| {
        let unnamed = map
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(|n| n.trim().is_empty());
        if unnamed {
            map.insert(
                "name".into(),
                json!(format!("SLA policy {}", list.len() + 1)),
            );
        }
        let value = checked(map, &fields)?;
        body::insert_ordered(list, value, explicit);
        Ok(())
    })
    .await?;
    Ok(created(
        json!({ "slaPolicy": item(&list, &id.to_string(), "SLA policy")? }),
    ))
}

/// An SLA policy.
#[utoipa::path(get, path = "/api/v3/anytime/slaPolicies/{id}", tag = "slaPolicies",
    params(("id" = Uuid, Path, description = "SLA policy id")),
    responses((status = 200, description = "`{\"slaPolicy\":{…}}`")))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Value>> {
    let list = lists::read(&app, caller.site_id, docs::SLA).await?;
    Ok(Json(
        json!({ "slaPolicy": item(&list, &id.to_string(), "SLA policy")? }),
    ))
}

/// Update an SLA policy (keys not sent keep their values). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/slaPolicies/{id}", tag = "slaPolicies",
    request_body = Object, params(("id" = Uuid, Path, description = "SLA policy id")),
    responses((status = 200, description = "`{\"slaPolicy\":{…}}`")))]
async fn update(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let map = keys(req)?;
    let fields = fields(&app, caller.site_id).await?;
    let key = id.to_string();
    let (list, ()) = edit(&app, caller.site_id, docs::SLA, move |list| {
        let i = body::position(list, &key, "SLA policy").map_err(to_store)?;
        list[i] = checked(merged(&list[i], map), &fields)?;
        Ok(())
    })
    .await?;
    Ok(Json(
        json!({ "slaPolicy": item(&list, &id.to_string(), "SLA policy")? }),
    ))
}

/// Delete an SLA policy. Admins only.
#[utoipa::path(delete, path = "/api/v3/anytime/slaPolicies/{id}", tag = "slaPolicies",
    params(("id" = Uuid, Path, description = "SLA policy id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    lists::remove(
        &app,
        caller.site_id,
        docs::SLA,
        id.to_string(),
        "SLA policy",
    )
    .await?;
    Ok(no_content())
}

/// Enable or disable an SLA policy. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/slaPolicies/{id}/enable", tag = "slaPolicies",
    request_body = Object, params(("id" = Uuid, Path, description = "SLA policy id")),
    responses((status = 204, description = "Done")))]
async fn enable(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let flag = body::enable_flag(req)?;
    lists::set_enable(
        &app,
        caller.site_id,
        docs::SLA,
        id.to_string(),
        flag,
        "SLA policy",
    )
    .await?;
    Ok(no_content())
}

/// Move an SLA policy one place `up` or `down`. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/slaPolicies/{id}/sort", tag = "slaPolicies",
    request_body = Object, params(("id" = Uuid, Path, description = "SLA policy id")),
    responses((status = 204, description = "Done")))]
async fn sort(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let dir = body::direction(req)?;
    lists::shift(
        &app,
        caller.site_id,
        docs::SLA,
        id.to_string(),
        dir,
        "SLA policy",
    )
    .await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(enable))
        .routes(routes!(sort))
}
