//! Seed 004's email set-up API (SPEC Appendix A "Seed 004") under `/{siteId}/openapi/v1/`:
//! a translation onto the v3 email settings and email accounts handlers, so every rule
//! (validation, the one-time hosted address, delete-only-when-disabled, password sealing) has
//! one home. Every answer, errors included, goes out in the seed's envelope (see [`envelope`]).
//! External accounts are the site's `imap` email accounts, named by their per-site `number`.

use crate::app::AppState;
use crate::auth::{Admin, Caller, Staff};
use crate::http::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::inbound::{accounts, settings};
use crate::rules::body::{self, Shape};
use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

const MASK: &str = "********";
const CONTENT_MARK: &str = "#{content}";
/// Responses bigger than this are not re-read to be wrapped (none of ours come close).
const ENVELOPE_LIMIT: usize = 1 << 20;

/// Wraps every response of this API: a success's JSON becomes `result.content` (`null` stays
/// `result: null`), an error keeps its status and carries it with its message in `header`.
async fn envelope(res: Response) -> Response {
    let status = res.status();
    let (mut parts, body) = res.into_parts();
    let bytes = to_bytes(body, ENVELOPE_LIMIT).await.unwrap_or_default();
    let inner: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let wrapped = if status.is_success() {
        json!({
            "header": {"resultCode": 200, "resultMessage": "", "isSuccessful": true},
            "result": if inner.is_null() { Value::Null } else { json!({ "content": inner }) },
        })
    } else {
        let error = &inner["error"];
        let mut message = error["message"].as_str().unwrap_or("").to_string();
        if let Some(first) = error["details"].as_array().and_then(|d| d.first()) {
            if let (Some(f), Some(m)) = (first["field"].as_str(), first["message"].as_str()) {
                message = format!("{f}: {m}");
            }
        }
        json!({
            "header": {"resultCode": status.as_u16(), "resultMessage": message, "isSuccessful": false},
            "result": null,
        })
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    let status = if status.is_success() {
        StatusCode::OK
    } else {
        status
    };
    parts.status = status;
    Response::from_parts(parts, Body::from(wrapped.to_string()))
}

/// The `{siteId}` of the path must be the caller's site.
fn same_site(caller: &Caller, site: &str) -> ApiResult<()> {
    if caller.site_id.to_string().eq_ignore_ascii_case(site) {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!("site {site} not found")))
    }
}

/// Reads a handler's JSON answer (they answer `{"<resource>": …}`).
async fn answer(res: Response) -> ApiResult<Value> {
    let bytes = to_bytes(res.into_body(), ENVELOPE_LIMIT)
        .await
        .map_err(|e| ApiError::Internal(format!("reading an answer: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::Internal(format!("an answer: {e}")))
}

fn millis(v: &Value) -> Value {
    v.as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or(Value::Null, |t| json!(t.timestamp_millis()))
}

/// An `imap` email account as seed 004 shows an external account.
fn external_view(a: &Value) -> Value {
    let info = &a["serverInfo"];
    json!({
        "id": a["number"], "name": a["displayName"], "active": a["enable"],
        "host": info["incomingServer"], "port": info["incomingServerPort"], "ssl": info["useSSL"],
        "mail": a["businessEmail"], "password": MASK, "mailDel": a["deleteFromServer"],
        "createdDt": millis(&a["createdTime"]), "updatedDt": millis(&a["updatedTime"]),
    })
}

async fn mail_info(app: &AppState, caller: Caller) -> ApiResult<Value> {
    let Json(s) = settings::get_settings(Staff(caller), State(app.clone())).await?;
    let s = &s["emailSettings"];
    let external: Vec<Value> = accounts::stored(app, caller.site_id)
        .await?
        .iter()
        .filter(|a| a["type"] == "imap")
        .map(external_view)
        .collect();
    Ok(json!({
        "mail": s["inboundAddress"], "displayMail": s["senderAddress"], "name": s["senderName"],
        "template": s["layoutTemplate"], "external": external,
        "updatedDt": millis(&s["updatedTime"]),
    }))
}

/// The mail information. Admins only.
#[utoipa::path(get, path = "/{siteId}/openapi/v1/mail.json", tag = "seed004",
    params(("siteId" = String, Path, description = "The site id (seed 004's serviceId)")),
    responses((status = 200, description = "Envelope; `result.content` = mail info")))]
async fn get_mail(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(site): ApiPath<String>,
) -> ApiResult<Json<Value>> {
    same_site(&caller, &site)?;
    Ok(Json(mail_info(&app, caller).await?))
}

const MAIL: Shape = Shape {
    wrappers: &[],
    aliases: &[],
    allowed: &["name", "displayMail", "template"],
};

/// Sender name (≤ 45), sender address and layout template (must hold `#{content}`). Admins only.
#[utoipa::path(post, path = "/{siteId}/openapi/v1/mail.json", tag = "seed004",
    request_body = Object,
    params(("siteId" = String, Path, description = "The site id (seed 004's serviceId)")),
    responses((status = 200, description = "Envelope; `result: null`")))]
async fn post_mail(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(site): ApiPath<String>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    same_site(&caller, &site)?;
    let map = body::normalize(req, &MAIL, "")?;
    let mut update = Map::new();
    if let Some(name) = map.get("name") {
        match name.as_str() {
            Some(n) if n.chars().count() <= 45 => update.insert("senderName".into(), json!(n)),
            _ => {
                return Err(ApiError::invalid(
                    "name",
                    "must be text of at most 45 characters",
                ))
            }
        };
    }
    if let Some(d) = map.get("displayMail") {
        update.insert("senderAddress".into(), d.clone());
    }
    if let Some(t) = map.get("template") {
        match t.as_str() {
            Some(t) if t.contains(CONTENT_MARK) => update.insert("layoutTemplate".into(), json!(t)),
            _ => return Err(ApiError::invalid("template", "must contain #{content}")),
        };
    }
    let _saved = settings::put_settings(Admin(caller), State(app), ApiJson(Value::Object(update)))
        .await
        .map_err(|e| {
            rename_fields(
                e,
                &[
                    ("senderAddress", "displayMail"),
                    ("layoutTemplate", "template"),
                ],
            )
        })?;
    Ok(Json(Value::Null))
}

/// Names the v3 fields of a 400 by their seed 004 names.
fn rename_fields(e: ApiError, names: &[(&str, &str)]) -> ApiError {
    match e {
        ApiError::Core(anytime_core::CoreError::Validation {
            message,
            mut details,
        }) => {
            for d in &mut details {
                if let Some((_, seed)) = names.iter().find(|(ours, _)| d.field == *ours) {
                    d.field = (*seed).to_string();
                }
            }
            ApiError::Core(anytime_core::CoreError::Validation { message, details })
        }
        other => other,
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CreateQuery {
    /// The hosted address's local part.
    mail: String,
}

/// Choose the hosted address (once; any second call → 409). Admins only.
#[utoipa::path(post, path = "/{siteId}/openapi/v1/mail/create.json", tag = "seed004",
    params(("siteId" = String, Path, description = "The site id"), CreateQuery),
    responses((status = 200, description = "Envelope; `result.content` = mail info")))]
async fn create_mail(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(site): ApiPath<String>,
    ApiQuery(q): ApiQuery<CreateQuery>,
) -> ApiResult<Json<Value>> {
    same_site(&caller, &site)?;
    if settings::load(&app, caller.site_id).await?.is_chosen() {
        return Err(ApiError::Conflict(
            "the representative address has already been created".into(),
        ));
    }
    let _saved = settings::put_settings(
        Admin(caller),
        State(app.clone()),
        ApiJson(json!({ "inboundAddress": q.mail })),
    )
    .await
    .map_err(|e| rename_fields(e, &[("inboundAddress", "mail")]))?;
    Ok(Json(mail_info(&app, caller).await?))
}

const EXTERNAL: Shape = Shape {
    wrappers: &[],
    aliases: &[],
    allowed: &[
        "id", "name", "active", "host", "port", "ssl", "mail", "password", "mailDel",
    ],
};

/// An external account request, checked field by field (400 before the IMAP check's 422).
struct External {
    id: Option<i64>,
    name: String,
    active: Option<bool>,
    host: String,
    port: u16,
    ssl: bool,
    mail: String,
    /// `None`: keep (or use) the stored one.
    password: Option<String>,
    mail_del: bool,
}

fn external(req: Value) -> ApiResult<External> {
    let map = body::normalize(req, &EXTERNAL, "")?;
    let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::trim);
    let flag = |k: &'static str| -> ApiResult<bool> {
        map.get(k)
            .and_then(Value::as_bool)
            .ok_or_else(|| ApiError::invalid(k, "must be true or false"))
    };
    let name = match text("name") {
        Some(n) if (1..=20).contains(&n.chars().count()) => n.to_string(),
        _ => return Err(ApiError::invalid("name", "must be 1-20 characters")),
    };
    let host = match text("host") {
        Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) => h.to_string(),
        _ => return Err(ApiError::invalid("host", "must be a mail server name")),
    };
    let port = map
        .get("port")
        .and_then(Value::as_u64)
        .and_then(|p| u16::try_from(p).ok())
        .filter(|p| *p > 0)
        .ok_or_else(|| ApiError::invalid("port", "must be a port number (1-65535)"))?;
    let ssl = flag("ssl")?;
    let mail = match text("mail") {
        Some(m) if settings::is_address(m) => m.to_string(),
        _ => return Err(ApiError::invalid("mail", "must be an email address")),
    };
    let password = match map.get("password") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) if p == MASK => None,
        Some(Value::String(p)) if !p.is_empty() => Some(p.clone()),
        Some(_) => {
            return Err(ApiError::invalid(
                "password",
                "must be the account's password",
            ))
        }
    };
    let mail_del = flag("mailDel")?;
    let id = match map.get("id") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| ApiError::invalid("id", "must be an external account id"))?,
        ),
    };
    let active = match map.get("active") {
        None | Some(Value::Null) => None,
        Some(_) => Some(flag("active")?),
    };
    Ok(External {
        id,
        name,
        active,
        host,
        port,
        ssl,
        mail,
        password,
        mail_del,
    })
}

/// The real IMAP check (the mail adapter's login + SELECT INBOX, 10 s timeout): Ok, or the
/// server's words. The IMAP user name is the account's `mail`.
async fn imap_check(app: &AppState, account: &External, password: &str) -> Result<(), String> {
    anytime_mail::imap::test_login(&anytime_mail::imap::ImapLogin {
        host: account.host.clone(),
        port: account.port,
        // `ssl: false` means STARTTLS, as seed 001's `useSSL` (inbound::servers::imap_security).
        security: if account.ssl {
            anytime_mail::Security::Tls
        } else {
            anytime_mail::Security::StartTls
        },
        user: account.mail.clone(),
        password: password.to_string(),
        accept_invalid_certs: app.config.mail_insecure_tls,
        timeout: crate::inbound::servers::TIMEOUT,
    })
    .await
    .map_err(|words| format!("IMAP: {words}"))
}

fn check_failed(words: String) -> ApiError {
    ApiError::CheckFailed(words)
}

/// The stored account with seed 004 id `number` (an `imap` account of the caller's site).
async fn by_number(app: &AppState, caller: Caller, number: i64) -> ApiResult<Value> {
    accounts::stored(app, caller.site_id)
        .await?
        .into_iter()
        .find(|a| a["type"] == "imap" && a["number"].as_i64() == Some(number))
        .ok_or_else(|| ApiError::NotFound(format!("external account {number} not found")))
}

fn uuid_of(a: &Value) -> ApiResult<Uuid> {
    a["id"]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| ApiError::Internal("a stored email account without an id".into()))
}

/// The password to check with: the one sent, else the stored one of `id`.
async fn password_for(app: &AppState, caller: Caller, x: &External) -> ApiResult<String> {
    if let Some(p) = &x.password {
        return Ok(p.clone());
    }
    let Some(id) = x.id else {
        return Err(ApiError::invalid("password", "is required"));
    };
    let stored = by_number(app, caller, id).await?;
    let sealed = stored["password"]
        .as_str()
        .ok_or_else(|| ApiError::invalid("password", "is required"))?;
    let key = crate::inbound::secrets::key(&app.config.data_dir)?;
    crate::inbound::secrets::decrypt(&key, sealed)
        .ok_or_else(|| ApiError::Internal("a stored password cannot be read".into()))
}

/// The v3 body for `x`.
fn v3_body(x: &External) -> Value {
    let mut b = json!({
        "type": "imap", "businessEmail": x.mail, "displayName": x.name,
        "serverInfo": {"userName": x.mail, "incomingServer": x.host,
                       "incomingServerPort": x.port, "useSSL": x.ssl},
        "deleteFromServer": x.mail_del,
    });
    if let Some(p) = &x.password {
        b["password"] = json!(p);
    }
    if let Some(a) = x.active {
        b["enable"] = json!(a);
    }
    b
}

/// Check an external account's settings against its IMAP server. Admins only.
#[utoipa::path(post, path = "/{siteId}/openapi/v1/mail/external/verify.json", tag = "seed004",
    request_body = Object, params(("siteId" = String, Path, description = "The site id")),
    responses((status = 200, description = "Envelope; `\"SUCCESS\"`; 422 when the check fails")))]
async fn verify(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(site): ApiPath<String>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    same_site(&caller, &site)?;
    let x = external(req)?;
    let password = password_for(&app, caller, &x).await?;
    imap_check(&app, &x, &password)
        .await
        .map_err(check_failed)?;
    Ok(Json(json!("SUCCESS")))
}

/// Register an external account after a successful IMAP check. Admins only.
#[utoipa::path(post, path = "/{siteId}/openapi/v1/mail/external.json", tag = "seed004",
    request_body = Object, params(("siteId" = String, Path, description = "The site id")),
    responses((status = 200, description = "Envelope; `result.content` = external account")))]
async fn register(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(site): ApiPath<String>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    same_site(&caller, &site)?;
    let mut x = external(req)?;
    x.id = None;
    let password = x
        .password
        .clone()
        .ok_or_else(|| ApiError::invalid("password", "is required"))?;
    imap_check(&app, &x, &password)
        .await
        .map_err(check_failed)?;
    let res = accounts::create(Admin(caller), State(app), ApiJson(v3_body(&x))).await?;
    Ok(Json(external_view(&answer(res).await?["emailAccount"])))
}

/// `{id}.json` → the number.
fn number(file: &str) -> ApiResult<i64> {
    file.strip_suffix(".json")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ApiError::NotFound(format!("no external account `{file}`")))
}

/// Modify an external account after a successful IMAP check. Admins only.
#[utoipa::path(put, path = "/{siteId}/openapi/v1/mail/external/{file}", tag = "seed004",
    request_body = Object,
    params(("siteId" = String, Path, description = "The site id"),
           ("file" = String, Path, description = "`{id}.json`")),
    responses((status = 200, description = "Envelope; `result.content` = external account")))]
async fn modify(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath((site, file)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    same_site(&caller, &site)?;
    let n = number(&file)?;
    let mut x = external(req)?;
    x.id = Some(n);
    let stored = by_number(&app, caller, n).await?;
    let password = password_for(&app, caller, &x).await?;
    imap_check(&app, &x, &password)
        .await
        .map_err(check_failed)?;
    let Json(v) = accounts::update(
        Admin(caller),
        State(app),
        ApiPath(uuid_of(&stored)?),
        ApiJson(v3_body(&x)),
    )
    .await?;
    Ok(Json(external_view(&v["emailAccount"])))
}

/// Delete a disabled external account (an enabled one → 409). Admins only.
#[utoipa::path(delete, path = "/{siteId}/openapi/v1/mail/external/{file}", tag = "seed004",
    params(("siteId" = String, Path, description = "The site id"),
           ("file" = String, Path, description = "`{id}.json`")),
    responses((status = 200, description = "Envelope; `\"SUCCESS\"`")))]
async fn remove(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath((site, file)): ApiPath<(String, String)>,
) -> ApiResult<Json<Value>> {
    same_site(&caller, &site)?;
    let stored = by_number(&app, caller, number(&file)?).await?;
    accounts::delete(Admin(caller), State(app), ApiPath(uuid_of(&stored)?)).await?;
    Ok(Json(json!("SUCCESS")))
}

/// `enable.json` or `disable.json`. Admins only.
#[utoipa::path(put, path = "/{siteId}/openapi/v1/mail/external/{id}/{action}", tag = "seed004",
    params(("siteId" = String, Path, description = "The site id"),
           ("id" = i64, Path, description = "External account id"),
           ("action" = String, Path, description = "`enable.json` or `disable.json`")),
    responses((status = 200, description = "Envelope; `result.content` = external account")))]
async fn switch(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath((site, id, action)): ApiPath<(String, String, String)>,
) -> ApiResult<Json<Value>> {
    same_site(&caller, &site)?;
    let on = match action.to_ascii_lowercase().as_str() {
        "enable.json" => true,
        "disable.json" => false,
        _ => return Err(ApiError::NotFound(format!("no action `{action}`"))),
    };
    let n: i64 = id
        .parse()
        .map_err(|_| ApiError::NotFound(format!("no external account `{id}`")))?;
    let stored = by_number(&app, caller, n).await?;
    let Json(v) = accounts::enable(
        Admin(caller),
        State(app),
        ApiPath(uuid_of(&stored)?),
        ApiJson(json!({ "enable": on })),
    )
    .await?;
    Ok(Json(external_view(&v["emailAccount"])))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_mail, post_mail))
        .routes(routes!(create_mail))
        .routes(routes!(verify))
        .routes(routes!(register))
        .routes(routes!(modify, remove))
        .routes(routes!(switch))
        .layer(axum::middleware::map_response(envelope))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> Value {
        json!({"name": "octest1", "host": "imap.example.com", "port": 993, "ssl": true,
               "mail": "octest1@example.com", "password": "pw", "mailDel": false})
    }

    fn field(e: ApiError) -> String {
        e.body().error.details[0].field.clone()
    }

    #[test]
    fn external_accounts_are_checked_field_by_field() {
        let x = external(account()).unwrap();
        assert_eq!(
            (x.port, x.password.as_deref(), x.id),
            (993, Some("pw"), None)
        );
        for (key, bad) in [
            ("name", json!("")),
            ("name", json!("x".repeat(21))),
            ("host", json!("a b")),
            ("port", json!(0)),
            ("port", json!(70000)),
            ("ssl", json!("yes")),
            ("mail", json!("nobody")),
            ("mailDel", Value::Null),
            ("id", json!("seven")),
        ] {
            let mut a = account();
            a[key] = bad;
            assert_eq!(field(external(a).err().unwrap()), key);
        }
        let mut a = account();
        a["password"] = json!(MASK);
        assert_eq!(
            external(a).unwrap().password,
            None,
            "the mask keeps the stored one"
        );
        let mut a = account();
        a["colour"] = json!(1);
        assert_eq!(field(external(a).err().unwrap()), "colour");
    }

    #[test]
    fn ids_in_file_names_and_the_view_of_an_account() {
        assert_eq!(number("21.json").unwrap(), 21);
        assert!(number("21").is_err() && number("x.json").is_err());
        let v = external_view(&json!({
            "number": 3, "displayName": "n", "enable": false, "businessEmail": "a@example.com",
            "serverInfo": {"incomingServer": "h", "incomingServerPort": 143, "useSSL": false},
            "password": "sealed", "deleteFromServer": true,
            "createdTime": "2020-08-14T01:53:18.000Z", "updatedTime": null}));
        assert_eq!(
            v,
            json!({"id": 3, "name": "n", "active": false, "host": "h", "port": 143, "ssl": false,
                   "mail": "a@example.com", "password": "********", "mailDel": true,
                   "createdDt": 1_597_369_998_000i64, "updatedDt": null})
        );
    }
}
