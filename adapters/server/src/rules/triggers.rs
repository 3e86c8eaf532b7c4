//! Triggers (SPEC §4.6): CRUD, enable/disable, sort. Every save compiles the trigger with the
//! core (`compile_trigger`: conditions, `autoUpdate` values, agents, placeholders).

use super::body::{self, Shape};
use super::docs;
use super::lists::{self, edit, item, merged, to_store};
use super::site::{fields, known, people};
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{created, no_content, ApiJson, ApiPath, ApiResult};
use anytime_core::field_validation::Known;
use anytime_core::model::FieldSet;
use anytime_core::trigger::{compile_trigger, Trigger};
use anytime_store::StoreError;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(crate) const SHAPE: Shape = Shape {
    wrappers: &["trigger"],
    aliases: &[
        ("triggerEvent", "event"),
        ("ifEnable", "enable"),
        ("isEnable", "enable"),
        ("orderId", "orderIndex"),
        ("ifSendEmailToContacts", "sendToContacts"),
        (
            "ifShownInTicketCorresdence",
            "showInConversationCorrespondences",
        ),
        ("stayTimeSpan", "stayMinutes"),
        ("htmlBody", "htmlText"),
        ("textBody", "plainText"),
    ],
    allowed: &[
        "id",
        "name",
        "description",
        "enable",
        "event",
        "conditions",
        "stayStatus",
        "stayMinutes",
        "setValue",
        "autoUpdate",
        "sendEmail",
        "sendToContacts",
        "sendToAgents",
        "toAgents",
        "subject",
        "htmlText",
        "plainText",
        "attachment",
        "showInConversationCorrespondences",
        "orderIndex",
        "actions",
    ],
};

/// Seed 002's `actions` list, folded into the flat fields (Appendix A).
fn fold_actions(map: &mut Map<String, Value>) -> ApiResult<()> {
    let Some(actions) = map.remove("actions") else {
        return Ok(());
    };
    let Value::Array(actions) = actions else {
        return Err(crate::http::ApiError::invalid("actions", "must be a list"));
    };
    if map.get("sendToContacts") == Some(&Value::Bool(true)) {
        map.insert("sendEmail".into(), json!(true));
    }
    for (i, a) in actions.into_iter().enumerate() {
        let kind = a
            .get("actionType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let field = |k: &str| a.get(k).cloned();
        match kind.as_str() {
            "setvalue" => {
                let entry = json!({"fieldId": field("fieldId"), "value": field("value")});
                let list = map.entry("autoUpdate").or_insert_with(|| json!([]));
                if let Some(l) = list.as_array_mut() {
                    l.push(entry);
                }
                map.insert("setValue".into(), json!(true));
            }
            "sendemail" | "setemailcontent" => {
                if kind == "sendemail" {
                    map.insert("sendEmail".into(), json!(true));
                }
                for (from, to) in [
                    ("subject", "subject"),
                    ("htmlBody", "htmlText"),
                    ("textBody", "plainText"),
                ] {
                    if let Some(v) = field(from) {
                        map.insert(to.into(), v);
                    }
                }
            }
            "toconversationcontact" => {
                map.insert("sendToContacts".into(), json!(true));
            }
            "toagent" => {
                map.insert("sendToAgents".into(), json!(true));
                map.insert("toAgents".into(), field("agentIds").unwrap_or(json!([])));
            }
            _ => {
                return Err(crate::http::ApiError::invalid(
                    format!("actions[{i}].actionType"),
                    "unknown action type",
                ))
            }
        }
    }
    Ok(())
}

fn keys(req: Value) -> ApiResult<Map<String, Value>> {
    let mut map = body::normalize(req, &SHAPE, "")?;
    crate::compat::conditions::in_body(&mut map, "")?;
    fold_actions(&mut map)?;
    if map.get("sendToContacts") == Some(&Value::Bool(true)) && !map.contains_key("sendEmail") {
        map.insert("sendEmail".into(), json!(true));
    }
    // Attachments on trigger emails come with the mail adapter; the key is accepted.
    map.remove("attachment");
    map.remove("id");
    Ok(map)
}

/// Decodes and compiles a trigger; returns its stored JSON.
fn checked(map: Map<String, Value>, fields: &FieldSet, known: &Known) -> Result<Value, StoreError> {
    let trigger: Trigger = body::decode(map).map_err(to_store)?;
    compile_trigger(&trigger, fields, known)?;
    serde_json::to_value(&trigger).map_err(|e| StoreError::Unavailable(e.to_string()))
}

async fn context(
    app: &AppState,
    site: anytime_core::model::SiteId,
) -> ApiResult<(FieldSet, Known)> {
    let (agents, departments) = people(app, site).await?;
    Ok((fields(app, site).await?, known(&agents, &departments)))
}

/// The triggers in order.
#[utoipa::path(get, path = "/api/v3/anytime/triggers", tag = "triggers",
    responses((status = 200, description = "`{\"triggers\":[…]}`")))]
async fn list(Staff(caller): Staff, State(app): State<AppState>) -> ApiResult<Json<Value>> {
    let list = lists::read(&app, caller.site_id, docs::TRIGGERS).await?;
    Ok(Json(json!({ "triggers": list })))
}

/// Create a trigger (appended, or at an explicit `orderIndex`). Admins only.
#[utoipa::path(post, path = "/api/v3/anytime/triggers", tag = "triggers", request_body = Object,
    responses((status = 201, description = "`{\"trigger\":{…}}`")))]
async fn create(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let mut map = keys(req)?;
    let id = Uuid::new_v4();
    map.insert("id".into(), json!(id));
    let explicit = map.get("orderIndex").and_then(Value::as_i64);
    let (fields, known) = context(&app, caller.site_id).await?;
    let (list, ()) = edit(&app, caller.site_id, docs::TRIGGERS, move |list| {
        let value = checked(map, &fields, &known)?;
        body::insert_ordered(list, value, explicit);
        Ok(())
    })
    .await?;
    Ok(created(
        json!({ "trigger": item(&list, &id.to_string(), "trigger")? }),
    ))
}

/// A trigger.
#[utoipa::path(get, path = "/api/v3/anytime/triggers/{id}", tag = "triggers",
    params(("id" = Uuid, Path, description = "Trigger id")),
    responses((status = 200, description = "`{\"trigger\":{…}}`")))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Value>> {
    let list = lists::read(&app, caller.site_id, docs::TRIGGERS).await?;
    Ok(Json(
        json!({ "trigger": item(&list, &id.to_string(), "trigger")? }),
    ))
}

/// Update a trigger (keys not sent keep their values). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/triggers/{id}", tag = "triggers", request_body = Object,
    params(("id" = Uuid, Path, description = "Trigger id")),
    responses((status = 200, description = "`{\"trigger\":{…}}`")))]
async fn update(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let map = keys(req)?;
    let (fields, known) = context(&app, caller.site_id).await?;
    let key = id.to_string();
    let (list, ()) = edit(&app, caller.site_id, docs::TRIGGERS, move |list| {
        let i = body::position(list, &key, "trigger").map_err(to_store)?;
        list[i] = checked(merged(&list[i], map), &fields, &known)?;
        Ok(())
    })
    .await?;
    Ok(Json(
        json!({ "trigger": item(&list, &id.to_string(), "trigger")? }),
    ))
}

/// Delete a trigger. Admins only.
#[utoipa::path(delete, path = "/api/v3/anytime/triggers/{id}", tag = "triggers",
    params(("id" = Uuid, Path, description = "Trigger id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    lists::remove(
        &app,
        caller.site_id,
        docs::TRIGGERS,
        id.to_string(),
        "trigger",
    )
    .await?;
    Ok(no_content())
}

/// Enable or disable a trigger (`enable` or `isEnable`). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/triggers/{id}/enable", tag = "triggers",
    request_body = Object, params(("id" = Uuid, Path, description = "Trigger id")),
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
        docs::TRIGGERS,
        id.to_string(),
        flag,
        "trigger",
    )
    .await?;
    Ok(no_content())
}

/// Move a trigger one place `up` or `down`. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/triggers/{id}/sort", tag = "triggers",
    request_body = Object, params(("id" = Uuid, Path, description = "Trigger id")),
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
        docs::TRIGGERS,
        id.to_string(),
        dir,
        "trigger",
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
