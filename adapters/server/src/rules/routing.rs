//! Routing rules (SPEC §4.4): one configuration per site with its custom rules, stored as one
//! document; every change compiles the whole configuration with the core (`Router::compile`,
//! targets checked against the site's agents and departments) before it is saved.

use super::body::{self, Shape};
use super::docs;
use super::site::{fields, people};
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{created, no_content, ApiJson, ApiPath, ApiResult};
use anytime_core::model::{Agent, Department, FieldSet, RuleId};
use anytime_core::routing::{CustomRule, People, Router, RoutingConfig};
use anytime_core::CoreError;
use anytime_store::StoreError;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(crate) const CONFIG: Shape = Shape {
    wrappers: &["routingRule", "routingRules", "routingRuleSetting"],
    aliases: &[
        ("enable", "isEnable"),
        ("simpleRoutePriority", "simpleRouteToPriority"),
        ("matchFailedRouteToObject", "matchFailedToObject"),
        ("matchFailedRouteToId", "matchFailedToId"),
        ("matchFailedRouteToPriority", "matchFailedToPriority"),
        ("customerRouteRules", "rules"),
        ("customRules", "rules"),
    ],
    allowed: &[
        "id",
        "isEnable",
        "type",
        "simpleRouteToObject",
        "simpleRouteToId",
        "simpleRouteToPriority",
        "rules",
        "matchFailedToObject",
        "matchFailedToId",
        "matchFailedToPriority",
    ],
};

pub(crate) const RULE: Shape = Shape {
    wrappers: &["customRule", "customerRule"],
    aliases: &[
        ("routeId", "routeToId"),
        ("index", "orderIndex"),
        ("enable", "isEnable"),
        ("logicExpression", "logicalExpression"),
    ],
    allowed: &[
        "id",
        "orderIndex",
        "isEnable",
        "name",
        "conditions",
        "routeToObject",
        "routeToId",
        "routeToPriority",
        "when",
        "logicalExpression",
    ],
};

/// A custom rule body in canonical keys (no id handling).
fn rule_keys(body: Value, prefix: &str) -> ApiResult<Map<String, Value>> {
    let mut map = body::normalize(body, &RULE, prefix)?;
    crate::compat::conditions::lift_from_rule(&mut map, prefix)?;
    Ok(map)
}

fn config_keys(body: Value) -> ApiResult<Map<String, Value>> {
    let mut map = body::normalize(body, &CONFIG, "")?;
    map.remove("id");
    if let Some(Value::String(t)) = map.get("type") {
        let lower = t.to_ascii_lowercase();
        if [
            "custromrules",
            "customrules",
            "customerrules",
            "cusomterrules",
            "rules",
        ]
        .contains(&lower.as_str())
        {
            map.insert("type".into(), json!("rules"));
        } else if lower == "simple" {
            map.insert("type".into(), json!("simple"));
        }
    }
    if let Some(Value::Array(rules)) = map.remove("rules") {
        let mut out = Vec::with_capacity(rules.len());
        for (i, r) in rules.into_iter().enumerate() {
            let mut r = rule_keys(r, &format!("rules[{i}]"))?;
            if !r.get("id").is_some_and(Value::is_string) {
                r.insert("id".into(), json!(Uuid::new_v4()));
            }
            out.push(Value::Object(r));
        }
        map.insert("rules".into(), Value::Array(out));
    }
    Ok(map)
}

fn stored_config(doc: Option<Value>) -> Result<RoutingConfig, StoreError> {
    match doc {
        Some(v) => serde_json::from_value(v)
            .map_err(|e| StoreError::Unavailable(format!("stored routing is unreadable: {e}"))),
        None => Ok(RoutingConfig::default()),
    }
}

/// Compiles `config` as the API saves it, then returns it as its stored JSON.
fn checked(
    mut config: RoutingConfig,
    fields: &FieldSet,
    agents: &[Agent],
    departments: &[Department],
) -> Result<Value, CoreError> {
    config.rules.sort_by_key(|r| (r.order_index, r.id));
    for (i, r) in config.rules.iter_mut().enumerate() {
        r.order_index = i as i64 + 1;
    }
    Router::compile(
        &config,
        fields,
        Some(People {
            agents,
            departments,
        }),
    )?;
    serde_json::to_value(&config).map_err(|e| CoreError::invalid("body", e.to_string()))
}

fn view(config: &RoutingConfig) -> Value {
    let mut v = serde_json::to_value(config).unwrap_or_else(|_| json!({}));
    if let Some(o) = v.as_object_mut() {
        o.insert("id".into(), json!(1));
    }
    v
}

/// Loads what every change compiles against, then applies `change` to the stored
/// configuration in one transaction; returns the saved configuration and `change`'s output.
async fn edit<T: Send + 'static>(
    app: &AppState,
    site: anytime_core::model::SiteId,
    change: impl FnOnce(&mut RoutingConfig) -> Result<T, StoreError> + Send + 'static,
) -> ApiResult<(RoutingConfig, T)> {
    let fields = fields(app, site).await?;
    let (agents, departments) = people(app, site).await?;
    let out = app
        .store
        .documents()
        .update(site, docs::ROUTING, move |doc| {
            let mut config = stored_config(doc)?;
            let out = change(&mut config)?;
            let value = checked(config, &fields, &agents, &departments)?;
            let saved = stored_config(Some(value.clone()))?;
            Ok((value, (saved, out)))
        })
        .await?;
    app.rules.invalidate(site);
    Ok(out)
}

/// The routing configuration.
#[utoipa::path(get, path = "/api/v3/anytime/routingRules", tag = "routingRules",
    responses((status = 200, description = "`{\"routingRule\":{…}}`")))]
async fn get_config(Staff(caller): Staff, State(app): State<AppState>) -> ApiResult<Json<Value>> {
    let doc = app
        .store
        .documents()
        .get(caller.site_id, docs::ROUTING)
        .await?;
    let config = stored_config(doc)?;
    Ok(Json(json!({ "routingRule": view(&config) })))
}

async fn update_config(
    app: &AppState,
    site: anytime_core::model::SiteId,
    req: Value,
) -> ApiResult<Json<Value>> {
    let keys = config_keys(req)?;
    let (config, ()) = edit(app, site, move |config| {
        let mut current =
            serde_json::to_value(&*config).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        if let Some(o) = current.as_object_mut() {
            o.extend(keys);
        }
        *config = super::body::decode(current.as_object().cloned().unwrap_or_default())
            .map_err(api_to_store)?;
        Ok(())
    })
    .await?;
    Ok(Json(json!({ "routingRule": view(&config) })))
}

/// Carries a 400 from decoding out through the store closure.
pub(super) fn api_to_store(e: crate::http::ApiError) -> StoreError {
    match e {
        crate::http::ApiError::Core(c) => StoreError::Core(c),
        crate::http::ApiError::NotFound(_) => StoreError::not_found("item"),
        other => StoreError::invalid("body", other.to_string()),
    }
}

/// Update the routing configuration (keys not sent keep their values; `rules` replaces the
/// custom rules). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/routingRules", tag = "routingRules",
    request_body = Object,
    responses((status = 200, description = "`{\"routingRule\":{…}}`")))]
async fn put_config(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    update_config(&app, caller.site_id, req).await
}

/// Seed spelling of the update: the `{id}` is ignored (one configuration per site).
#[utoipa::path(put, path = "/api/v3/anytime/routingRules/{id}", tag = "routingRules",
    request_body = Object, params(("id" = String, Path, description = "Ignored")),
    responses((status = 200, description = "`{\"routingRule\":{…}}`")))]
async fn put_config_by_id(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(_id): ApiPath<String>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    update_config(&app, caller.site_id, req).await
}

async fn set_enabled(
    app: &AppState,
    site: anytime_core::model::SiteId,
    req: Value,
) -> ApiResult<Response> {
    let enable = body::enable_flag(req)?;
    edit(app, site, move |config| {
        config.is_enable = enable;
        Ok(())
    })
    .await?;
    Ok(no_content())
}

/// Turn routing on or off (`enable` or `isEnable`). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/routingRules/enable", tag = "routingRules",
    request_body = Object, responses((status = 204, description = "Done")))]
async fn enable(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    set_enabled(&app, caller.site_id, req).await
}

/// Seed 002 spelling of the enable endpoint (`{id}` ignored).
#[utoipa::path(put, path = "/api/v3/anytime/routingRules/{id}/enable", tag = "routingRules",
    request_body = Object, params(("id" = String, Path, description = "Ignored")),
    responses((status = 204, description = "Done")))]
async fn enable_by_id(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(_id): ApiPath<String>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    set_enabled(&app, caller.site_id, req).await
}

fn find(config: &RoutingConfig, id: Uuid) -> Result<usize, StoreError> {
    config
        .rules
        .iter()
        .position(|r| r.id.0 == id)
        .ok_or(StoreError::not_found("custom rule"))
}

fn rule_view(rule: &CustomRule) -> Value {
    serde_json::to_value(rule).unwrap_or_else(|_| json!({}))
}

/// The custom rules in order.
#[utoipa::path(get, path = "/api/v3/anytime/routingRules/customRules", tag = "routingRules",
    responses((status = 200, description = "`{\"customRules\":[…]}`")))]
async fn list_rules(Staff(caller): Staff, State(app): State<AppState>) -> ApiResult<Json<Value>> {
    let doc = app
        .store
        .documents()
        .get(caller.site_id, docs::ROUTING)
        .await?;
    let mut config = stored_config(doc)?;
    config.rules.sort_by_key(|r| (r.order_index, r.id));
    Ok(Json(
        json!({ "customRules": config.rules.iter().map(rule_view).collect::<Vec<_>>() }),
    ))
}

/// Create a custom rule (appended, or placed at an explicit `orderIndex`). Admins only.
#[utoipa::path(post, path = "/api/v3/anytime/routingRules/customRules", tag = "routingRules",
    request_body = Object,
    responses((status = 201, description = "`{\"customRule\":{…}}`")))]
async fn create_rule(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let mut keys = rule_keys(req, "")?;
    let id = Uuid::new_v4();
    keys.insert("id".into(), json!(id));
    let explicit = keys.get("orderIndex").and_then(Value::as_i64);
    keys.insert("orderIndex".into(), json!(0));
    let rule: CustomRule = body::decode(keys)?;
    let (config, ()) = edit(&app, caller.site_id, move |config| {
        let mut list: Vec<Value> = config.rules.iter().map(rule_view).collect();
        body::insert_ordered(&mut list, rule_view(&rule), explicit);
        config.rules = serde_json::from_value(Value::Array(list))
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(())
    })
    .await
    .map_err(|e| match e {
        crate::http::ApiError::Core(c) => crate::http::ApiError::Core(strip_any_rule(c)),
        other => other,
    })?;
    let rule = config.rules.iter().find(|r| r.id.0 == id);
    Ok(created(json!({ "customRule": rule.map(rule_view) })))
}

/// Drops a leading `rules[i].` from error fields (the one rule being saved).
fn strip_any_rule(e: CoreError) -> CoreError {
    use anytime_core::ErrorDetail;
    match e {
        CoreError::Validation { message, details } => CoreError::Validation {
            message,
            details: details
                .into_iter()
                .map(|mut d: ErrorDetail| {
                    if d.field.starts_with("rules[") {
                        if let Some(dot) = d.field.find("].") {
                            d.field = d.field[dot + 2..].to_string();
                        }
                    }
                    d
                })
                .collect(),
        },
        other => other,
    }
}

/// A custom rule.
#[utoipa::path(get, path = "/api/v3/anytime/routingRules/customRules/{id}", tag = "routingRules",
    params(("id" = Uuid, Path, description = "Custom rule id")),
    responses((status = 200, description = "`{\"customRule\":{…}}`")))]
async fn get_rule(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Value>> {
    let doc = app
        .store
        .documents()
        .get(caller.site_id, docs::ROUTING)
        .await?;
    let config = stored_config(doc)?;
    let i = find(&config, id)?;
    Ok(Json(json!({ "customRule": rule_view(&config.rules[i]) })))
}

/// Update a custom rule (keys not sent keep their values). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/routingRules/customRules/{id}", tag = "routingRules",
    request_body = Object, params(("id" = Uuid, Path, description = "Custom rule id")),
    responses((status = 200, description = "`{\"customRule\":{…}}`")))]
async fn update_rule(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let mut keys = rule_keys(req, "")?;
    keys.remove("id");
    let (config, ()) = edit(&app, caller.site_id, move |config| {
        let i = find(config, id)?;
        let mut current = rule_view(&config.rules[i]);
        if let Some(o) = current.as_object_mut() {
            o.extend(keys);
        }
        config.rules[i] =
            body::decode(current.as_object().cloned().unwrap_or_default()).map_err(api_to_store)?;
        Ok(())
    })
    .await
    .map_err(|e| match e {
        crate::http::ApiError::Core(c) => crate::http::ApiError::Core(strip_any_rule(c)),
        other => other,
    })?;
    let i = find(&config, id)?;
    Ok(Json(json!({ "customRule": rule_view(&config.rules[i]) })))
}

/// Delete a custom rule. Admins only.
#[utoipa::path(delete, path = "/api/v3/anytime/routingRules/customRules/{id}", tag = "routingRules",
    params(("id" = Uuid, Path, description = "Custom rule id")),
    responses((status = 204, description = "Deleted")))]
async fn delete_rule(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    edit(&app, caller.site_id, move |config| {
        let i = find(config, id)?;
        config.rules.remove(i);
        Ok(())
    })
    .await?;
    Ok(no_content())
}

/// Enable or disable a custom rule. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/routingRules/customRules/{id}/enable", tag = "routingRules",
    request_body = Object, params(("id" = Uuid, Path, description = "Custom rule id")),
    responses((status = 204, description = "Done")))]
async fn enable_rule(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let enable = body::enable_flag(req)?;
    edit(&app, caller.site_id, move |config| {
        let i = find(config, id)?;
        config.rules[i].is_enable = enable;
        Ok(())
    })
    .await?;
    Ok(no_content())
}

/// Copy a custom rule (the copy is appended, named "… (copy)"). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/routingRules/customRules/{id}/copy", tag = "routingRules",
    params(("id" = Uuid, Path, description = "Custom rule id")),
    responses((status = 201, description = "`{\"customRule\":{…}}`")))]
async fn copy_rule(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let new_id = Uuid::new_v4();
    let (config, ()) = edit(&app, caller.site_id, move |config| {
        let i = find(config, id)?;
        let mut copy = config.rules[i].clone();
        copy.id = RuleId(new_id);
        copy.name = format!("{} (copy)", copy.name);
        copy.order_index = config
            .rules
            .iter()
            .map(|r| r.order_index)
            .max()
            .unwrap_or(0)
            + 1;
        config.rules.push(copy);
        Ok(())
    })
    .await?;
    let i = find(&config, new_id)?;
    Ok(created(
        json!({ "customRule": rule_view(&config.rules[i]) }),
    ))
}

/// Move a custom rule one place `up` or `down`. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/routingRules/customRules/{id}/sort", tag = "routingRules",
    request_body = Object, params(("id" = Uuid, Path, description = "Custom rule id")),
    responses((status = 204, description = "Done")))]
async fn sort_rule(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let dir = body::direction(req)?;
    edit(&app, caller.site_id, move |config| {
        find(config, id)?;
        let mut list: Vec<Value> = config.rules.iter().map(rule_view).collect();
        body::shift(&mut list, &id.to_string(), dir, "custom rule").map_err(api_to_store)?;
        config.rules = serde_json::from_value(Value::Array(list))
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(())
    })
    .await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_config, put_config))
        .routes(routes!(put_config_by_id))
        .routes(routes!(enable))
        .routes(routes!(enable_by_id))
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(get_rule, update_rule, delete_rule))
        .routes(routes!(enable_rule))
        .routes(routes!(copy_rule))
        .routes(routes!(sort_rule))
}
