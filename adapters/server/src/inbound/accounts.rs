//! Email accounts (SPEC §4.10): one site document `{nextNumber, accounts:[…]}` changed in one
//! transaction, so numbers are never reused and exactly one account is the default while any
//! exist. Passwords are write-only and stored encrypted ([`super::secrets`]). Testing an
//! account makes real IMAP and SMTP connections (`anytime_mail`).

use super::secrets;
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{created, no_content, ApiError, ApiJson, ApiPath, ApiResult};
use crate::rules::body::{self, Shape};
use anytime_store::StoreError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::SecondsFormat;
use serde_json::{json, Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) const EMAIL_ACCOUNTS: &str = "emailAccounts";
pub(super) const MASK: &str = "********";
pub(super) const SECRET_KEYS: &[&str] = &["password", "smtpPassword"];
const TYPES: &[&str] = &["imap", "exchange", "emailForwarding"];

pub(crate) const SHAPE: Shape = Shape {
    wrappers: &["emailAccount"],
    aliases: crate::compat::email_account::ALIASES,
    allowed: &[
        "status",
        "type",
        "businessEmail",
        "displayName",
        "serverInfo",
        "assignedDepartmentId",
        "assignedAgentId",
        "deleteFromServer",
        "enable",
        "password",
        "smtpPassword",
    ],
};

/// Checks the keys a create or update may set; `full` when every required key must be there.
pub(super) fn check(map: &Map<String, Value>, full: bool) -> ApiResult<()> {
    fn text<'a>(
        map: &'a Map<String, Value>,
        k: &'static str,
    ) -> Option<Result<&'a str, &'static str>> {
        map.get(k).map(|v| v.as_str().ok_or(k))
    }
    match text(map, "type") {
        Some(Ok(t)) if TYPES.contains(&t) => {}
        Some(_) => {
            return Err(ApiError::invalid(
                "type",
                "must be imap, exchange or emailForwarding",
            ))
        }
        None if full => return Err(ApiError::invalid("type", "required")),
        None => {}
    }
    match text(map, "businessEmail") {
        Some(Ok(e)) if super::settings::is_address(e) => {}
        Some(_) => {
            return Err(ApiError::invalid(
                "businessEmail",
                "must be an email address",
            ))
        }
        None if full => return Err(ApiError::invalid("businessEmail", "required")),
        None => {}
    }
    for k in ["displayName", "password", "smtpPassword"] {
        if let Some(Err(k)) = text(map, k) {
            return Err(ApiError::invalid(k, "must be a string"));
        }
    }
    for k in ["enable", "deleteFromServer"] {
        if map.get(k).is_some_and(|v| !v.is_boolean()) {
            return Err(ApiError::invalid(k, "must be true or false"));
        }
    }
    for k in ["assignedDepartmentId", "assignedAgentId"] {
        if let Some(v) = map.get(k) {
            if !v.is_null() && v.as_str().and_then(|s| Uuid::parse_str(s).ok()).is_none() {
                return Err(ApiError::invalid(k, "must be an id or null"));
            }
        }
    }
    match map.get("serverInfo") {
        Some(info @ Value::Object(_)) => {
            if info.get("incomingEncryptedConnectionType").is_some() {
                super::servers::imap_security(info).map_err(|e| {
                    ApiError::invalid("serverInfo.incomingEncryptedConnectionType", e)
                })?;
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => return Err(ApiError::invalid("serverInfo", "must be an object")),
    }
    Ok(())
}

/// Replaces plain passwords (top level and in `serverInfo`) with their sealed form.
pub(super) fn seal(map: &mut Map<String, Value>, key: &[u8; 32]) -> ApiResult<()> {
    for k in SECRET_KEYS {
        if let Some(Value::String(p)) = map.get(*k) {
            let sealed = secrets::encrypt(key, p)?;
            map.insert((*k).to_string(), json!(sealed));
        }
    }
    if let Some(Value::Object(info)) = map.get_mut("serverInfo") {
        for k in SECRET_KEYS {
            if let Some(Value::String(p)) = info.get(*k) {
                let sealed = secrets::encrypt(key, p)?;
                info.insert((*k).to_string(), json!(sealed));
            }
        }
    }
    Ok(())
}

/// What a response shows: passwords masked, `forwardEmailTo` for forwarding accounts.
pub(super) fn view(account: &Value, hosted: &str) -> Value {
    let mut v = account.clone();
    let mask = |m: &mut Map<String, Value>| {
        for k in SECRET_KEYS {
            if m.contains_key(*k) {
                m.insert((*k).to_string(), json!(MASK));
            }
        }
    };
    if let Some(m) = v.as_object_mut() {
        // The channel-account view's own keys (bot settings) belong to the v4 view.
        m.remove(super::channels::CHANNEL_KEY);
        mask(m);
        if let Some(Value::Object(info)) = m.get_mut("serverInfo") {
            mask(info);
        }
        if m.get("type").and_then(Value::as_str) == Some("emailForwarding") {
            m.insert("forwardEmailTo".into(), json!(hosted));
        }
    }
    v
}

pub(super) struct Doc {
    pub next: i64,
    pub accounts: Vec<Value>,
}

pub(super) fn decode(doc: Option<Value>) -> Doc {
    let next = doc
        .as_ref()
        .and_then(|d| d.get("nextNumber"))
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let accounts = body::as_list(doc.and_then(|mut d| d.get_mut("accounts").map(Value::take)));
    Doc { next, accounts }
}

fn encode(d: &Doc) -> Value {
    json!({ "nextNumber": d.next, "accounts": d.accounts })
}

/// The site's email accounts as stored (passwords sealed): the mail adapter reads them.
pub(crate) async fn stored(
    app: &AppState,
    site: anytime_core::model::SiteId,
) -> ApiResult<Vec<Value>> {
    Ok(decode(app.store.documents().get(site, EMAIL_ACCOUNTS).await?).accounts)
}

fn id_of(v: &Value) -> Option<&str> {
    v.get("id").and_then(Value::as_str)
}

pub(super) fn position(d: &Doc, id: &str) -> Result<usize, StoreError> {
    d.accounts
        .iter()
        .position(|a| id_of(a) == Some(id))
        .ok_or(StoreError::not_found("email account"))
}

pub(super) fn now() -> String {
    anytime_store::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(super) async fn hosted(app: &AppState, site: anytime_core::model::SiteId) -> ApiResult<String> {
    let s = super::settings::load(app, site).await?;
    Ok(format!("{}@{}", s.local_part, app.config.inbound_domain))
}

/// Runs `change` on the site's accounts in one transaction; returns its output.
pub(super) async fn edit<T: Send + 'static>(
    app: &AppState,
    site: anytime_core::model::SiteId,
    change: impl FnOnce(&mut Doc) -> Result<T, StoreError> + Send + 'static,
) -> ApiResult<T> {
    Ok(app
        .store
        .documents()
        .update(site, EMAIL_ACCOUNTS, move |doc| {
            let mut d = decode(doc);
            let out = change(&mut d)?;
            Ok((encode(&d), out))
        })
        .await?)
}

/// The IMAP worker's report (SPEC §4.10 `status`, `lastError`, `lastReceivedTime`); the
/// configuration and `updatedTime` stay as the admin left them. A deleted account is no
/// error: its task is about to stop.
pub(super) async fn report(
    app: &AppState,
    site: anytime_core::model::SiteId,
    id: &str,
    status: Result<(), String>,
    received: bool,
) -> ApiResult<()> {
    let id = id.to_string();
    edit(app, site, move |d| {
        if let Some(a) = d
            .accounts
            .iter_mut()
            .find(|a| id_of(a) == Some(id.as_str()))
        {
            a["status"] = json!(if status.is_ok() {
                "succeeded"
            } else {
                "failed"
            });
            a["lastError"] = status.err().map_or(Value::Null, Value::String);
            if received {
                a["lastReceivedTime"] = json!(now());
            }
        }
        Ok(())
    })
    .await
}

/// The email accounts, by number.
#[utoipa::path(get, path = "/api/v3/anytime/emailAccounts", tag = "emailAccounts",
    responses((status = 200, description = "`{\"emailAccounts\":[…]}`")))]
pub(crate) async fn list(
    Staff(caller): Staff,
    State(app): State<AppState>,
) -> ApiResult<Json<Value>> {
    let d = decode(
        app.store
            .documents()
            .get(caller.site_id, EMAIL_ACCOUNTS)
            .await?,
    );
    let hosted = hosted(&app, caller.site_id).await?;
    let list: Vec<Value> = d.accounts.iter().map(|a| view(a, &hosted)).collect();
    Ok(Json(json!({ "emailAccounts": list })))
}

/// An email account.
#[utoipa::path(get, path = "/api/v3/anytime/emailAccounts/{id}", tag = "emailAccounts",
    params(("id" = Uuid, Path, description = "Email account id")),
    responses((status = 200, description = "`{\"emailAccount\":{…}}`")))]
async fn get_one(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Value>> {
    let d = decode(
        app.store
            .documents()
            .get(caller.site_id, EMAIL_ACCOUNTS)
            .await?,
    );
    let i = position(&d, &id.to_string())?;
    let hosted = hosted(&app, caller.site_id).await?;
    Ok(Json(
        json!({ "emailAccount": view(&d.accounts[i], &hosted) }),
    ))
}

/// Add an email account (enabled unless `enable: false`; the first is the default). Admins only.
#[utoipa::path(post, path = "/api/v3/anytime/emailAccounts", tag = "emailAccounts",
    request_body = Object,
    responses((status = 201, description = "`{\"emailAccount\":{…}}`")))]
pub(crate) async fn create(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let mut map = body::normalize(req, &SHAPE, "")?;
    crate::compat::email_account::values(&mut map)?;
    check(&map, true)?;
    seal(&mut map, &secrets::key(&app.config.data_dir)?)?;
    let hosted = hosted(&app, caller.site_id).await?;
    let id = Uuid::new_v4().to_string();
    let account = edit(&app, caller.site_id, move |d| Ok(add(d, id, map))).await?;
    Ok(created(json!({ "emailAccount": view(&account, &hosted) })))
}

/// Appends a new account numbered next (the first one is the default) with `map`'s keys over
/// the defaults; returns it.
pub(super) fn add(d: &mut Doc, id: String, map: Map<String, Value>) -> Value {
    let stamp = now();
    let mut a = json!({
        "id": id, "number": d.next, "displayName": "", "serverInfo": {},
        "assignedDepartmentId": null, "assignedAgentId": null, "status": "unknown",
        "lastError": null, "lastReceivedTime": null, "enable": true,
        "isDefault": d.accounts.is_empty(), "deleteFromServer": false,
        "createdTime": stamp, "updatedTime": stamp,
    });
    if let Some(m) = a.as_object_mut() {
        m.extend(map);
    }
    d.next += 1;
    d.accounts.push(a.clone());
    a
}

/// Update an email account (keys not sent keep their values; a password not sent, or sent
/// as `"********"`, is kept). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/emailAccounts/{id}", tag = "emailAccounts",
    request_body = Object, params(("id" = Uuid, Path, description = "Email account id")),
    responses((status = 200, description = "`{\"emailAccount\":{…}}`")))]
pub(crate) async fn update(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let mut map = body::normalize(req, &SHAPE, "")?;
    crate::compat::email_account::values(&mut map)?;
    check(&map, false)?;
    unmask(&mut map);
    seal(&mut map, &secrets::key(&app.config.data_dir)?)?;
    let hosted = hosted(&app, caller.site_id).await?;
    let account = edit(&app, caller.site_id, move |d| {
        let i = position(d, &id.to_string())?;
        Ok(apply_update(&mut d.accounts[i], map))
    })
    .await?;
    Ok(Json(json!({ "emailAccount": view(&account, &hosted) })))
}

/// Drops passwords sent back as `"********"` (they keep the stored ones).
pub(super) fn unmask(map: &mut Map<String, Value>) {
    let unmasked = |m: &mut Map<String, Value>| {
        m.retain(|k, v| !(SECRET_KEYS.contains(&k.as_str()) && v == MASK))
    };
    unmasked(map);
    if let Some(Value::Object(info)) = map.get_mut("serverInfo") {
        unmasked(info);
    }
}

/// Sets `map`'s keys on the stored account; a new `serverInfo` keeps the stored passwords it
/// does not carry. Returns the updated account.
pub(super) fn apply_update(a: &mut Value, mut map: Map<String, Value>) -> Value {
    if let Some(m) = a.as_object_mut() {
        if let (Some(Value::Object(new)), Some(Value::Object(old))) =
            (map.get_mut("serverInfo"), m.get("serverInfo"))
        {
            for k in SECRET_KEYS {
                if !new.contains_key(*k) {
                    if let Some(p) = old.get(*k) {
                        new.insert((*k).to_string(), p.clone());
                    }
                }
            }
        }
        m.extend(map);
        m.insert("updatedTime".into(), json!(now()));
    }
    a.clone()
}

/// Enable or disable an account (`{"enable": bool}`). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/emailAccounts/{id}/enable", tag = "emailAccounts",
    request_body = Object, params(("id" = Uuid, Path, description = "Email account id")),
    responses((status = 200, description = "`{\"emailAccount\":{…}}`")))]
pub(crate) async fn enable(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let on = body::enable_flag(req)?;
    let hosted = hosted(&app, caller.site_id).await?;
    let account = edit(&app, caller.site_id, move |d| {
        let i = position(d, &id.to_string())?;
        let a = &mut d.accounts[i];
        a["enable"] = json!(on);
        a["updatedTime"] = json!(now());
        Ok(a.clone())
    })
    .await?;
    Ok(Json(json!({ "emailAccount": view(&account, &hosted) })))
}

/// Make an account the default (the others stop being). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/emailAccounts/{id}/default", tag = "emailAccounts",
    params(("id" = Uuid, Path, description = "Email account id")),
    responses((status = 200, description = "`{\"emailAccount\":{…}}`")))]
async fn make_default(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Value>> {
    let hosted = hosted(&app, caller.site_id).await?;
    let account = edit(&app, caller.site_id, move |d| {
        let i = position(d, &id.to_string())?;
        for (j, a) in d.accounts.iter_mut().enumerate() {
            a["isDefault"] = json!(i == j);
        }
        Ok(d.accounts[i].clone())
    })
    .await?;
    Ok(Json(json!({ "emailAccount": view(&account, &hosted) })))
}

/// Delete a disabled account (an enabled one → 409); deleting the default makes the oldest
/// remaining account the default. Admins only.
#[utoipa::path(delete, path = "/api/v3/anytime/emailAccounts/{id}", tag = "emailAccounts",
    params(("id" = Uuid, Path, description = "Email account id")),
    responses((status = 204, description = "Deleted")))]
pub(crate) async fn delete(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    edit(&app, caller.site_id, move |d| remove(d, &id.to_string())).await?;
    Ok(no_content())
}

/// Removes a disabled account (an enabled one → 409), promoting the oldest remaining
/// account when the default goes.
pub(super) fn remove(d: &mut Doc, id: &str) -> Result<(), StoreError> {
    let i = position(d, id)?;
    if d.accounts[i].get("enable").and_then(Value::as_bool) != Some(false) {
        return Err(StoreError::conflict(
            "disable the email account before deleting it",
        ));
    }
    let removed = d.accounts.remove(i);
    if removed.get("isDefault").and_then(Value::as_bool) == Some(true) {
        let oldest = d
            .accounts
            .iter_mut()
            .min_by_key(|a| a.get("number").and_then(Value::as_i64).unwrap_or(i64::MAX));
        if let Some(a) = oldest {
            a["isDefault"] = json!(true);
        }
    }
    Ok(())
}

/// 422 with the failing side(s) named in `details[].field` (`incoming`, `outgoing`, `type`).
fn unprocessable(message: &str, details: Vec<(&str, String)>) -> Response {
    let details: Vec<Value> = details
        .into_iter()
        .map(|(field, message)| json!({"field": field, "message": message}))
        .collect();
    let body =
        json!({"error": {"code": "connectionFailed", "message": message, "details": details}});
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// A real IMAP login + SELECT INBOX and SMTP connect + EHLO (+TLS, +AUTH), at once, each
/// within the servers' timeout (SPEC §4.10).
async fn run_test(app: &AppState, account: Value) -> ApiResult<Response> {
    if account["type"].as_str() == Some("exchange") {
        return Ok(unprocessable(
            "Exchange mailboxes are connected over IMAP and SMTP: enable IMAP/SMTP for the \
             mailbox in Exchange and add it as an imap account",
            vec![(
                "type",
                "exchange accounts cannot be tested or polled; use imap".into(),
            )],
        ));
    }
    let key = secrets::key(&app.config.data_dir)?;
    let insecure = app.config.mail_insecure_tls;
    let forwarding = account["type"].as_str() == Some("emailForwarding");
    let incoming = async {
        if forwarding {
            return Ok("notApplicable");
        }
        let login = super::servers::imap(&account, &key, insecure)?;
        anytime_mail::imap::test_login(&login).await.map(|()| "ok")
    };
    let outgoing = async {
        let s = super::servers::smtp(&account, &key, app.config.smtp_relay.as_deref(), insecure)?;
        anytime_mail::smtp::test_connection(&s).await.map(|()| "ok")
    };
    let (incoming, outgoing) = tokio::join!(incoming, outgoing);
    let mut failed = Vec::new();
    if let Err(e) = &incoming {
        failed.push(("incoming", format!("IMAP: {e}")));
    }
    if let Err(e) = &outgoing {
        failed.push(("outgoing", format!("SMTP: {e}")));
    }
    match (incoming, outgoing) {
        (Ok(i), Ok(o)) => Ok(Json(json!({"incoming": i, "outgoing": o})).into_response()),
        _ => {
            let sides: Vec<&str> = failed.iter().map(|(f, _)| *f).collect();
            let message = format!("the {} connection failed", sides.join(" and "));
            Ok(unprocessable(&message, failed))
        }
    }
}

/// Test a saved account's IMAP and SMTP settings; a body's fields override them for this
/// test. 200 `{"incoming":"ok","outgoing":"ok"}` or 422 naming the failing side.
#[utoipa::path(put, path = "/api/v3/anytime/emailAccounts/{id}/test", tag = "emailAccounts",
    request_body = Object, params(("id" = Uuid, Path, description = "Email account id")),
    responses((status = 200, description = "`{\"incoming\":\"ok\",\"outgoing\":\"ok\"}`"),
        (status = 422, description = "A side failed: `details[].field` is `incoming` or `outgoing`")))]
async fn test_saved(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    raw: axum::body::Bytes,
) -> ApiResult<Response> {
    let body = if raw.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(
            serde_json::from_slice::<Value>(&raw)
                .map_err(|e| ApiError::invalid("body", format!("not JSON: {e}")))?,
        )
    };
    let d = decode(
        app.store
            .documents()
            .get(caller.site_id, EMAIL_ACCOUNTS)
            .await?,
    );
    let i = position(&d, &id.to_string())?;
    let mut account = d.accounts[i].clone();
    if let Some(req) = body {
        let mut map = body::normalize(req, &SHAPE, "")?;
        check(&map, false)?;
        seal(&mut map, &secrets::key(&app.config.data_dir)?)?;
        if let (Some(a), Some(Value::Object(info))) =
            (account.as_object_mut(), map.remove("serverInfo"))
        {
            let merged = a.entry("serverInfo").or_insert_with(|| json!({}));
            if let Some(m) = merged.as_object_mut() {
                m.extend(info);
            }
        }
        if let Some(a) = account.as_object_mut() {
            a.extend(map);
        }
    }
    run_test(&app, account).await
}

/// Test unsaved account settings (the create body); 200 or 422 as the saved test.
#[utoipa::path(post, path = "/api/v3/anytime/emailAccounts/test", tag = "emailAccounts",
    request_body = Object,
    responses((status = 200, description = "`{\"incoming\":\"ok\",\"outgoing\":\"ok\"}`"),
        (status = 422, description = "A side failed: `details[].field` is `incoming` or `outgoing`")))]
async fn test_unsaved(
    Admin(_caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let mut map = body::normalize(req, &SHAPE, "")?;
    check(&map, true)?;
    seal(&mut map, &secrets::key(&app.config.data_dir)?)?;
    run_test(&app, Value::Object(map)).await
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(enable))
        .routes(routes!(make_default))
        .routes(routes!(test_saved))
        .routes(routes!(test_unsaved))
}
