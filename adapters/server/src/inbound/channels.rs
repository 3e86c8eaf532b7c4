//! Channel accounts (SPEC §4.11, seed 003): `/api/v4/ticketing/channelAccounts`, bare JSON,
//! 201 on create, 204 on delete, `:enableBot`/`:disableBot` (the route table turns the
//! `{id}:verb` spelling into `{id}/verb`, since the router cannot match inside a segment).
//!
//! An `Email` channel account IS an email account: one record in the email accounts document,
//! two views. Its bot settings live under the record's [`CHANNEL_KEY`], which the v3 view
//! leaves out. Accounts of the other apps are one site document of their own. The integration
//! accounts list (seed 002) is a third view of the enabled ones.

use super::accounts::{self, Doc, EMAIL_ACCOUNTS};
use super::secrets;
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{created, no_content, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::rules::body::{self, Shape};
use anytime_core::model::{Channel, SiteId};
use anytime_store::StoreError;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Key of an email account record holding its channel-account-only settings.
pub const CHANNEL_KEY: &str = "channel";
const CHANNEL_ACCOUNTS: &str = "channelAccounts";
const EMAIL_APP: &str = "Email";
/// Channel apps an account may belong to: seed 003's, each one of the conversation
/// channels of SPEC §4.1 (an app without a channel could not receive messages).
const APPS: &[(&str, Channel)] = &[
    ("Email", Channel::Email),
    ("Facebook", Channel::Facebook),
    ("Twitter", Channel::Twitter),
    ("WeChat", Channel::Wechat),
    ("WhatsApp", Channel::Whatsapp),
];

/// The conversation channel of an app (`None` for an unknown app).
pub fn channel_of(app: &str) -> Option<Channel> {
    APPS.iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(app))
        .map(|(_, c)| *c)
}

const SHAPE: Shape = Shape {
    wrappers: &["channelAccount"],
    aliases: &[],
    allowed: &[
        "id",
        "appId",
        "originalAccountId",
        "name",
        "isEnabled",
        "avatarUrl",
        "screenName",
        "isBotEnabled",
        "chatbotId",
        "percentageToBotWhenOnline",
        "percentageToBotWhenOffline",
        "isDefault",
        "channelIdentity",
        "accountExtInfo",
        "filter",
        "createdTime",
        "emailAccountInfo",
    ],
};

/// A checked create/update body.
struct Input {
    app: &'static str,
    original_account_id: String,
    is_enabled: bool,
    is_default: bool,
    /// name, screenName, avatarUrl, isBotEnabled, chatbotId, percentages.
    channel: Map<String, Value>,
    /// channelIdentity, accountExtInfo, filter (kept, never shown; identity sealed).
    extra: Map<String, Value>,
    email_info: Option<Map<String, Value>>,
}

fn required<'a>(map: &'a Map<String, Value>, key: &'static str) -> ApiResult<&'a Value> {
    map.get(key)
        .filter(|v| !v.is_null())
        .ok_or_else(|| ApiError::invalid(key, "required"))
}

fn text(map: &Map<String, Value>, key: &'static str, max: usize) -> ApiResult<String> {
    let s = required(map, key)?
        .as_str()
        .ok_or_else(|| ApiError::invalid(key, "must be a string"))?;
    if s.trim().is_empty() || s.chars().count() > max {
        return Err(ApiError::invalid(
            key,
            format!("must be 1 to {max} characters"),
        ));
    }
    Ok(s.to_string())
}

fn flag(map: &Map<String, Value>, key: &'static str) -> ApiResult<bool> {
    required(map, key)?
        .as_bool()
        .ok_or_else(|| ApiError::invalid(key, "must be true or false"))
}

fn percentage(map: &Map<String, Value>, key: &'static str) -> ApiResult<u8> {
    required(map, key)?
        .as_u64()
        .filter(|p| *p <= 100)
        .and_then(|p| u8::try_from(p).ok())
        .ok_or_else(|| ApiError::invalid(key, "must be an integer from 0 to 100"))
}

fn optional_text(map: &Map<String, Value>, key: &'static str) -> ApiResult<Value> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(Value::Null),
        Some(Value::String(s)) => Ok(json!(s)),
        Some(_) => Err(ApiError::invalid(key, "must be a string")),
    }
}

fn check(map: Map<String, Value>) -> ApiResult<Input> {
    let app_text = text(&map, "appId", 64)?;
    let app = APPS
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(&app_text))
        .map(|(a, _)| *a)
        .ok_or_else(|| {
            let names: Vec<&str> = APPS.iter().map(|(a, _)| *a).collect();
            ApiError::invalid("appId", format!("must be one of {}", names.join(", ")))
        })?;
    let original_account_id = text(&map, "originalAccountId", 255)?;
    let name = text(&map, "name", 128)?;
    let screen_name = text(&map, "screenName", 128)?;
    let is_enabled = flag(&map, "isEnabled")?;
    let is_bot_enabled = flag(&map, "isBotEnabled")?;
    let is_default = flag(&map, "isDefault")?;
    let online = percentage(&map, "percentageToBotWhenOnline")?;
    let offline = percentage(&map, "percentageToBotWhenOffline")?;
    let chatbot = match map.get("chatbotId") {
        None | Some(Value::Null) => Value::Null,
        Some(v) => v
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .map(|u| json!(u))
            .ok_or_else(|| ApiError::invalid("chatbotId", "must be a GUID or null"))?,
    };
    let avatar = optional_text(&map, "avatarUrl")?;
    let mut extra = Map::new();
    for key in ["channelIdentity", "accountExtInfo", "filter"] {
        extra.insert(key.into(), optional_text(&map, key)?);
    }
    optional_text(&map, "createdTime")?;
    let email_info = if app == EMAIL_APP {
        crate::compat::email_account::channel_info(map.get("emailAccountInfo"))?
    } else {
        None
    };
    let mut channel = Map::new();
    channel.insert("name".into(), json!(name));
    channel.insert("screenName".into(), json!(screen_name));
    channel.insert("avatarUrl".into(), avatar);
    channel.insert("isBotEnabled".into(), json!(is_bot_enabled));
    channel.insert("chatbotId".into(), chatbot);
    channel.insert("percentageToBotWhenOnline".into(), json!(online));
    channel.insert("percentageToBotWhenOffline".into(), json!(offline));
    Ok(Input {
        app,
        original_account_id,
        is_enabled,
        is_default,
        channel,
        extra,
        email_info,
    })
}

fn get_or<'a>(v: &'a Value, key: &str, default: &'a Value) -> &'a Value {
    v.get(key).filter(|x| !x.is_null()).unwrap_or(default)
}

/// The v4 view of an email account record.
fn email_view(record: &Value, hosted: &str) -> Value {
    let v3 = accounts::view(record, hosted);
    let empty = json!({});
    let ch = record.get(CHANNEL_KEY).unwrap_or(&empty);
    let email = get_or(record, "businessEmail", &Value::Null).clone();
    let display = record
        .get("displayName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map_or_else(|| email.clone(), |s| json!(s));
    json!({
        "appId": EMAIL_APP,
        "originalAccountId": email,
        "name": get_or(ch, "name", &display),
        "id": record.get("id"),
        "isEnabled": get_or(record, "enable", &json!(true)),
        "avatarUrl": get_or(ch, "avatarUrl", &Value::Null),
        // The email account's display name is the account's screen name: one record.
        "screenName": display,
        "isBotEnabled": get_or(ch, "isBotEnabled", &json!(false)),
        "chatbotId": get_or(ch, "chatbotId", &Value::Null),
        "percentageToBotWhenOnline": get_or(ch, "percentageToBotWhenOnline", &json!(0)),
        "percentageToBotWhenOffline": get_or(ch, "percentageToBotWhenOffline", &json!(0)),
        "isDefault": get_or(record, "isDefault", &json!(false)),
        "createdTime": record.get("createdTime"),
        "emailAccountInfo": {
            "type": v3.get("type"),
            "businessEmail": v3.get("businessEmail"),
            "displayName": v3.get("displayName"),
            "serverInfo": v3.get("serverInfo"),
        },
    })
}

/// The v4 view of another app's account (identity and extension data are never shown).
fn other_view(record: &Value) -> Value {
    let mut out = Map::new();
    for key in [
        "appId",
        "originalAccountId",
        "name",
        "id",
        "isEnabled",
        "avatarUrl",
        "screenName",
        "isBotEnabled",
        "chatbotId",
        "percentageToBotWhenOnline",
        "percentageToBotWhenOffline",
        "isDefault",
        "createdTime",
    ] {
        out.insert(key.into(), record.get(key).cloned().unwrap_or(Value::Null));
    }
    Value::Object(out)
}

/// The bot settings seed 003 defines, all stored on the account: `include=chatbot` shows
/// them as the account's chatbot. Seed 003 defines no chatbot object of its own (only the
/// `chatbotId` GUID), and the bots themselves live outside this server, so the object is the
/// id plus this account's routing to it (`null` when no bot is linked).
const CHATBOT_KEYS: &[&str] = &[
    "isBotEnabled",
    "percentageToBotWhenOnline",
    "percentageToBotWhenOffline",
];

fn with_includes(mut v: Value, chatbot: bool) -> Value {
    if chatbot {
        let bot = v.get("chatbotId").filter(|id| !id.is_null()).map(|id| {
            let mut bot = Map::new();
            bot.insert("id".into(), id.clone());
            for key in CHATBOT_KEYS {
                bot.insert((*key).into(), v.get(*key).cloned().unwrap_or(Value::Null));
            }
            Value::Object(bot)
        });
        v["chatbot"] = bot.unwrap_or(Value::Null);
    }
    v
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IncludeQuery {
    /// Only `chatbot`.
    include: Option<String>,
}

impl IncludeQuery {
    fn chatbot(&self) -> ApiResult<bool> {
        let mut chatbot = false;
        for name in self.include.iter().flat_map(|s| s.split(',')) {
            match name.trim() {
                "" => {}
                n if n.eq_ignore_ascii_case("chatbot") => chatbot = true,
                n => {
                    return Err(ApiError::invalid(
                        "include",
                        format!("{n:?} cannot be included here (only chatbot)"),
                    ))
                }
            }
        }
        Ok(chatbot)
    }
}

/// Every channel account of the site, stored form: email account records (by number), then
/// the other apps' (by creation).
pub struct Stored {
    pub emails: Vec<Value>,
    pub others: Vec<Value>,
}

pub async fn stored(app: &AppState, site: SiteId) -> ApiResult<Stored> {
    let docs = app
        .store
        .documents()
        .get_many(site, &[EMAIL_ACCOUNTS, CHANNEL_ACCOUNTS])
        .await?;
    let mut it = docs.into_iter();
    let emails = accounts::decode(it.next().flatten()).accounts;
    let others = body::as_list(
        it.next()
            .flatten()
            .and_then(|mut d| d.get_mut("accounts").map(Value::take)),
    );
    Ok(Stored { emails, others })
}

/// One account in its v4 view, or 404.
pub async fn find(app: &AppState, site: SiteId, id: Uuid) -> ApiResult<Value> {
    let all = stored(app, site).await?;
    let id = id.to_string();
    let is = |v: &&Value| v.get("id").and_then(Value::as_str) == Some(id.as_str());
    if let Some(e) = all.emails.iter().find(is) {
        let hosted = accounts::hosted(app, site).await?;
        return Ok(email_view(e, &hosted));
    }
    all.others
        .iter()
        .find(is)
        .map(other_view)
        .ok_or_else(|| ApiError::NotFound("channel account not found".into()))
}

/// Runs `change` on the other apps' accounts in one transaction.
async fn edit_others<T: Send + 'static>(
    app: &AppState,
    site: SiteId,
    change: impl FnOnce(&mut Vec<Value>) -> Result<T, StoreError> + Send + 'static,
) -> ApiResult<T> {
    Ok(app
        .store
        .documents()
        .update(site, CHANNEL_ACCOUNTS, move |doc| {
            let mut list =
                body::as_list(doc.and_then(|mut d| d.get_mut("accounts").map(Value::take)));
            let out = change(&mut list)?;
            Ok((json!({ "accounts": list }), out))
        })
        .await?)
}

fn not_found() -> StoreError {
    StoreError::not_found("channel account")
}

fn index_of(list: &[Value], id: &str) -> Option<usize> {
    list.iter()
        .position(|a| a.get("id").and_then(Value::as_str) == Some(id))
}

/// The email account keys an `Email` channel account body sets.
fn email_keys(input: &Input, create: bool) -> ApiResult<Map<String, Value>> {
    let mut map = input.email_info.clone().unwrap_or_default();
    if !map.contains_key("businessEmail") {
        map.insert("businessEmail".into(), json!(input.original_account_id));
    }
    if !map.contains_key("displayName") {
        if let Some(s) = input.channel.get("screenName") {
            map.insert("displayName".into(), s.clone());
        }
    }
    if create && !map.contains_key("type") {
        map.insert("type".into(), json!("emailForwarding"));
    }
    map.insert("enable".into(), json!(input.is_enabled));
    accounts::check(&map, create).map_err(|e| match e {
        ApiError::Core(core) => ApiError::Core(core.nested("emailAccountInfo")),
        other => other,
    })?;
    accounts::unmask(&mut map);
    Ok(map)
}

fn sealed_extra(app: &AppState, mut extra: Map<String, Value>) -> ApiResult<Map<String, Value>> {
    if let Some(Value::String(identity)) = extra.get("channelIdentity") {
        let sealed = secrets::encrypt(&secrets::key(&app.config.data_dir)?, identity)?;
        extra.insert("channelIdentity".into(), json!(sealed));
    }
    Ok(extra)
}

fn make_default(d: &mut Doc, id: &str) {
    for a in d.accounts.iter_mut() {
        let is = a.get("id").and_then(Value::as_str) == Some(id);
        a["isDefault"] = json!(is);
    }
}

/// List the channel accounts.
#[utoipa::path(get, path = "/api/v4/ticketing/channelAccounts", tag = "channelAccounts",
    params(IncludeQuery),
    responses((status = 200, description = "A bare array of channel accounts")))]
async fn list(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<IncludeQuery>,
) -> ApiResult<Json<Value>> {
    let chatbot = q.chatbot()?;
    let all = stored(&app, caller.site_id).await?;
    let hosted = accounts::hosted(&app, caller.site_id).await?;
    let mut out: Vec<Value> = all
        .emails
        .iter()
        .map(|e| with_includes(email_view(e, &hosted), chatbot))
        .collect();
    out.extend(
        all.others
            .iter()
            .map(|o| with_includes(other_view(o), chatbot)),
    );
    Ok(Json(Value::Array(out)))
}

/// A channel account.
#[utoipa::path(get, path = "/api/v4/ticketing/channelAccounts/{id}", tag = "channelAccounts",
    params(("id" = Uuid, Path, description = "Channel account id"), IncludeQuery),
    responses((status = 200, description = "The bare channel account")))]
async fn get_one(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<IncludeQuery>,
) -> ApiResult<Json<Value>> {
    let chatbot = q.chatbot()?;
    Ok(Json(with_includes(
        find(&app, caller.site_id, id).await?,
        chatbot,
    )))
}

/// Create a channel account (an `Email` one is a new email account). Admins only.
#[utoipa::path(post, path = "/api/v4/ticketing/channelAccounts", tag = "channelAccounts",
    request_body = Object,
    responses((status = 201, description = "The bare channel account")))]
async fn create(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let input = check(body::normalize(req, &SHAPE, "")?)?;
    let id = Uuid::new_v4();
    let extra = sealed_extra(&app, input.extra.clone())?;
    if input.app == EMAIL_APP {
        let mut map = email_keys(&input, true)?;
        accounts::seal(&mut map, &secrets::key(&app.config.data_dir)?)?;
        let mut channel = input.channel.clone();
        channel.extend(extra);
        map.insert(CHANNEL_KEY.into(), Value::Object(channel));
        let is_default = input.is_default;
        let sid = id.to_string();
        accounts::edit(&app, caller.site_id, move |d| {
            accounts::add(d, sid.clone(), map);
            if is_default {
                make_default(d, &sid);
            }
            Ok(())
        })
        .await?;
    } else {
        let mut record = input.channel.clone();
        record.extend(extra);
        record.insert("id".into(), json!(id));
        record.insert("appId".into(), json!(input.app));
        record.insert("originalAccountId".into(), json!(input.original_account_id));
        record.insert("isEnabled".into(), json!(input.is_enabled));
        record.insert("isDefault".into(), json!(input.is_default));
        record.insert("createdTime".into(), json!(accounts::now()));
        edit_others(&app, caller.site_id, move |list| {
            list.push(Value::Object(record));
            Ok(())
        })
        .await?;
    }
    Ok(created(find(&app, caller.site_id, id).await?))
}

/// Replace a channel account's settings (its app cannot change). Admins only.
#[utoipa::path(put, path = "/api/v4/ticketing/channelAccounts/{id}", tag = "channelAccounts",
    request_body = Object, params(("id" = Uuid, Path, description = "Channel account id")),
    responses((status = 200, description = "The bare channel account")))]
async fn update(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let input = check(body::normalize(req, &SHAPE, "")?)?;
    let current = find(&app, caller.site_id, id).await?;
    if current.get("appId").and_then(Value::as_str) != Some(input.app) {
        return Err(ApiError::invalid("appId", "cannot change"));
    }
    let extra = sealed_extra(&app, input.extra.clone())?;
    let sid = id.to_string();
    if input.app == EMAIL_APP {
        let mut map = email_keys(&input, false)?;
        accounts::seal(&mut map, &secrets::key(&app.config.data_dir)?)?;
        let is_default = input.is_default;
        let channel = input.channel.clone();
        accounts::edit(&app, caller.site_id, move |d| {
            let i = accounts::position(d, &sid)?;
            let mut ch = d.accounts[i]
                .get(CHANNEL_KEY)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            ch.extend(channel);
            ch.extend(extra);
            map.insert(CHANNEL_KEY.into(), Value::Object(ch));
            accounts::apply_update(&mut d.accounts[i], map);
            if is_default {
                make_default(d, &sid);
            }
            Ok(())
        })
        .await?;
    } else {
        let mut set = input.channel.clone();
        set.extend(extra);
        set.insert("originalAccountId".into(), json!(input.original_account_id));
        set.insert("isEnabled".into(), json!(input.is_enabled));
        set.insert("isDefault".into(), json!(input.is_default));
        edit_others(&app, caller.site_id, move |list| {
            let i = index_of(list, &sid).ok_or_else(not_found)?;
            if let Some(m) = list[i].as_object_mut() {
                m.extend(set);
            }
            Ok(())
        })
        .await?;
    }
    Ok(Json(find(&app, caller.site_id, id).await?))
}

/// Remove a channel account (an `Email` one must be disabled first, as an email account).
/// Admins only.
#[utoipa::path(delete, path = "/api/v4/ticketing/channelAccounts/{id}", tag = "channelAccounts",
    params(("id" = Uuid, Path, description = "Channel account id")),
    responses((status = 204, description = "Removed")))]
async fn delete(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let current = find(&app, caller.site_id, id).await?;
    let sid = id.to_string();
    if current.get("appId").and_then(Value::as_str) == Some(EMAIL_APP) {
        accounts::edit(&app, caller.site_id, move |d| accounts::remove(d, &sid)).await?;
    } else {
        edit_others(&app, caller.site_id, move |list| {
            let i = index_of(list, &sid).ok_or_else(not_found)?;
            list.remove(i);
            Ok(())
        })
        .await?;
    }
    Ok(no_content())
}

async fn set_bot(app: &AppState, site: SiteId, id: Uuid, on: bool) -> ApiResult<Json<Value>> {
    let current = find(app, site, id).await?;
    let sid = id.to_string();
    if current.get("appId").and_then(Value::as_str) == Some(EMAIL_APP) {
        accounts::edit(app, site, move |d| {
            let i = accounts::position(d, &sid)?;
            let a = &mut d.accounts[i];
            if !a.get(CHANNEL_KEY).is_some_and(Value::is_object) {
                a[CHANNEL_KEY] = json!({});
            }
            a[CHANNEL_KEY]["isBotEnabled"] = json!(on);
            a["updatedTime"] = json!(accounts::now());
            Ok(())
        })
        .await?;
    } else {
        edit_others(app, site, move |list| {
            let i = index_of(list, &sid).ok_or_else(not_found)?;
            list[i]["isBotEnabled"] = json!(on);
            Ok(())
        })
        .await?;
    }
    Ok(Json(find(app, site, id).await?))
}

/// Turn the bot on (`POST …/{id}:enableBot`). Admins only.
#[utoipa::path(post, path = "/api/v4/ticketing/channelAccounts/{id}/enableBot", tag = "channelAccounts",
    params(("id" = Uuid, Path, description = "Channel account id")),
    responses((status = 200, description = "The bare channel account; also served as `{id}:enableBot`")))]
async fn enable_bot(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Value>> {
    set_bot(&app, caller.site_id, id, true).await
}

/// Turn the bot off (`POST …/{id}:disableBot`). Admins only.
#[utoipa::path(post, path = "/api/v4/ticketing/channelAccounts/{id}/disableBot", tag = "channelAccounts",
    params(("id" = Uuid, Path, description = "Channel account id")),
    responses((status = 200, description = "The bare channel account; also served as `{id}:disableBot`")))]
async fn disable_bot(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Value>> {
    set_bot(&app, caller.site_id, id, false).await
}

/// The enabled channel accounts in seed 002's integration account shape.
#[utoipa::path(get, path = "/api/v3/anytime/integrationAccounts", tag = "channelAccounts",
    responses((status = 200, description = "`{\"integrationAccounts\":[{id, appId, accountName, accountOriginalId, isEnable}]}`")))]
async fn integration_accounts(
    Staff(caller): Staff,
    State(app): State<AppState>,
) -> ApiResult<Json<Value>> {
    let all = stored(&app, caller.site_id).await?;
    let hosted = accounts::hosted(&app, caller.site_id).await?;
    let views = all
        .emails
        .iter()
        .map(|e| email_view(e, &hosted))
        .chain(all.others.iter().map(other_view));
    let list: Vec<Value> = views
        .filter(|v| v.get("isEnabled").and_then(Value::as_bool) == Some(true))
        .map(|v| {
            json!({
                "id": v["id"],
                "appId": v["appId"],
                "accountName": v["name"],
                "accountOriginalId": v["originalAccountId"],
                "isEnable": true,
            })
        })
        .collect();
    Ok(Json(json!({ "integrationAccounts": list })))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(enable_bot))
        .routes(routes!(disable_bot))
        .routes(routes!(integration_accounts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Map<String, Value> {
        match json!({"appId": "wechat", "originalAccountId": "gh_1", "name": "N",
                     "isEnabled": true, "screenName": "S", "isBotEnabled": false,
                     "percentageToBotWhenOnline": 0, "percentageToBotWhenOffline": 100,
                     "isDefault": false})
        {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn field(r: ApiResult<Input>) -> String {
        match r {
            Err(ApiError::Core(e)) => e.details()[0].field.clone(),
            Err(other) => format!("{other:?}"),
            Ok(_) => "ok".into(),
        }
    }

    #[test]
    fn app_names_fold_case_and_unknown_apps_are_refused() {
        assert_eq!(check(body()).map(|i| i.app).ok(), Some("WeChat"));
        let mut b = body();
        b.insert("appId".into(), json!("Pager"));
        assert_eq!(field(check(b)), "appId");
    }

    #[test]
    fn percentages_are_0_to_100_and_required_fields_named() {
        let mut b = body();
        b.insert("percentageToBotWhenOnline".into(), json!(101));
        assert_eq!(field(check(b)), "percentageToBotWhenOnline");
        let mut b = body();
        b.insert("percentageToBotWhenOffline".into(), json!(-1));
        assert_eq!(field(check(b)), "percentageToBotWhenOffline");
        let mut b = body();
        b.remove("screenName");
        assert_eq!(field(check(b)), "screenName");
        let mut b = body();
        b.insert("chatbotId".into(), json!("not-a-guid"));
        assert_eq!(field(check(b)), "chatbotId");
    }

    #[test]
    fn includes_only_chatbot() {
        let q = IncludeQuery {
            include: Some("chatbot".into()),
        };
        assert_eq!(q.chatbot().ok(), Some(true));
        let q = IncludeQuery {
            include: Some("agents".into()),
        };
        assert!(q.chatbot().is_err());
    }
}
