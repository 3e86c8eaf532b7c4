//! Email settings (SPEC §4.10): sender name and address, the layout template every outgoing
//! email is wrapped in (checked by the core), the hosted inbound address (a provisional
//! `s-<10 hex>` local part until an admin chooses one, once) and the ingress token.

use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{ApiError, ApiJson, ApiResult};
use crate::rules::body::{self, Shape};
use anytime_core::inbound::LayoutTemplate;
use anytime_core::model::SiteId;
use anytime_store::{Role, StoreError};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Name of the site document.
const EMAIL_SETTINGS: &str = "emailSettings";
const TAKEN: &str = "this inbound address is already used by another site";
const SENDER_NAME_MAX: usize = 45;

const SHAPE: Shape = Shape {
    wrappers: &["emailSettings", "emailSetting"],
    aliases: &[],
    allowed: &[
        "senderName",
        "senderAddress",
        "layoutTemplate",
        "inboundAddress",
        "localPart",
        "ingressToken",
    ],
};

/// The stored document.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Stored {
    #[serde(default)]
    sender_name: String,
    #[serde(default)]
    sender_address: Option<String>,
    #[serde(default)]
    layout_template: Option<String>,
    /// Unique across sites (see `Documents::update_unique`).
    pub(super) local_part: String,
    /// Set once an admin has chosen the address; later changes are refused.
    #[serde(default)]
    chosen: bool,
    ingress_token: String,
    /// When a change was last saved (seed 004's `updatedDt`); set in the change's own write.
    /// `None` only for settings saved before the time was kept.
    #[serde(default)]
    updated_time: Option<DateTime<Utc>>,
}

impl Stored {
    /// Whether an admin has chosen the hosted address (it cannot change afterwards).
    pub(crate) fn is_chosen(&self) -> bool {
        self.chosen
    }

    /// The site's own addresses these settings name: the hosted address and the sender
    /// address (the loop guard drops mail from them).
    pub(super) fn own_addresses(&self, inbound_domain: &str) -> Vec<String> {
        let mut out = vec![format!("{}@{}", self.local_part, inbound_domain)];
        out.extend(self.sender_address.clone());
        out
    }

    /// The layout every outgoing email is wrapped in (none saved: the bare content).
    pub(super) fn layout(&self) -> Option<LayoutTemplate> {
        self.layout_template
            .as_deref()
            .and_then(|t| LayoutTemplate::parse(t).ok())
    }

    pub(super) fn sender_name(&self) -> Option<&str> {
        Some(self.sender_name.as_str()).filter(|n| !n.trim().is_empty())
    }
}

fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

fn fresh() -> Stored {
    Stored {
        sender_name: String::new(),
        sender_address: None,
        layout_template: None,
        local_part: format!("s-{}", &random_hex(5)),
        chosen: false,
        ingress_token: random_hex(32),
        updated_time: Some(anytime_store::now()),
    }
}

fn decode(doc: Option<Value>) -> Result<Option<Stored>, StoreError> {
    doc.map(|v| {
        serde_json::from_value(v)
            .map_err(|e| StoreError::Unavailable(format!("stored email settings: {e}")))
    })
    .transpose()
}

fn encode(s: &Stored) -> Result<Value, StoreError> {
    serde_json::to_value(s).map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// The settings, created with a provisional address and a token on first use.
pub(crate) async fn load(app: &AppState, site: SiteId) -> ApiResult<Stored> {
    Ok(app
        .store
        .documents()
        .update_unique(site, EMAIL_SETTINGS, "localPart", TAKEN, |doc| {
            let s = decode(doc)?.unwrap_or_else(fresh);
            Ok((encode(&s)?, s))
        })
        .await?)
}

fn view(app: &AppState, s: &Stored, role: Role) -> Value {
    let mut v = json!({
        "senderName": s.sender_name,
        "senderAddress": s.sender_address,
        "layoutTemplate": s.layout_template,
        "inboundAddress": format!("{}@{}", s.local_part, app.config.inbound_domain),
        "updatedTime": s.updated_time,
    });
    if role == Role::Admin {
        v["ingressToken"] = json!(s.ingress_token);
    }
    json!({ "emailSettings": v })
}

/// A local part the hosted address may use: what a mailbox name can safely be.
fn local_part(wanted: &str, domain: &str) -> ApiResult<String> {
    let wanted = wanted.trim().to_ascii_lowercase();
    let local = match wanted.rsplit_once('@') {
        Some((local, d)) if d.eq_ignore_ascii_case(domain) => local.to_string(),
        Some(_) => {
            return Err(ApiError::invalid(
                "inboundAddress",
                format!("must be in the inbound domain {domain}"),
            ))
        }
        None => wanted,
    };
    let ok = !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if ok {
        Ok(local)
    } else {
        Err(ApiError::invalid(
            "inboundAddress",
            "use 1–64 letters, digits, '.', '-', '_' or '+' (no leading, trailing or double dot)",
        ))
    }
}

/// Whether `address` is an email address, by the core's blocked-sender check.
pub(crate) fn is_address(address: &str) -> bool {
    sender(address).is_ok()
}

/// A From address, checked the way blocked-sender addresses are.
fn sender(address: &str) -> ApiResult<String> {
    let rule = anytime_core::inbound::BlockedSender {
        id: None,
        email: address.trim().to_lowercase(),
        block_type: anytime_core::inbound::BlockType::RejectEmail,
    };
    match anytime_core::inbound::BlockIndex::build(std::slice::from_ref(&rule)) {
        Ok(_) => Ok(rule.email),
        Err(_) => Err(ApiError::invalid(
            "senderAddress",
            "must be an email address",
        )),
    }
}

/// The site's email settings; `ingressToken` only for admins.
#[utoipa::path(get, path = "/api/v3/anytime/emailSettings", tag = "emailSettings",
    responses((status = 200, description = "`{\"emailSettings\":{…}}`")))]
pub(crate) async fn get_settings(
    Staff(caller): Staff,
    State(app): State<AppState>,
) -> ApiResult<Json<Value>> {
    let s = load(&app, caller.site_id).await?;
    Ok(Json(view(&app, &s, caller.role)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Update {
    sender_name: Option<String>,
    /// `null` clears it.
    #[serde(default)]
    sender_address: Option<Value>,
    layout_template: Option<String>,
    inbound_address: Option<String>,
    local_part: Option<String>,
}

/// Update the email settings (keys not sent keep their values). The hosted address may be
/// chosen once (`inboundAddress` as a local part or a full address in the inbound domain);
/// afterwards, or when another site has it, 409. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/emailSettings", tag = "emailSettings",
    request_body = Object,
    responses((status = 200, description = "`{\"emailSettings\":{…}}`")))]
pub(crate) async fn put_settings(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let mut map = body::normalize(req, &SHAPE, "")?;
    if map.remove("ingressToken").is_some() {
        return Err(ApiError::invalid(
            "ingressToken",
            "is replaced with POST /emailSettings/ingressToken",
        ));
    }
    let req: Update = body::decode(map)?;
    if let Some(name) = &req.sender_name {
        if name.chars().count() > SENDER_NAME_MAX {
            return Err(ApiError::invalid(
                "senderName",
                format!("must be at most {SENDER_NAME_MAX} characters"),
            ));
        }
    }
    let sender_address = match req.sender_address {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(a)) if a.trim().is_empty() => Some(None),
        Some(Value::String(a)) => Some(Some(sender(&a)?)),
        Some(_) => {
            return Err(ApiError::invalid(
                "senderAddress",
                "must be a string or null",
            ))
        }
    };
    if let Some(t) = &req.layout_template {
        LayoutTemplate::parse(t)?;
    }
    let domain = app.config.inbound_domain.clone();
    let wanted = match req.inbound_address.as_deref().or(req.local_part.as_deref()) {
        Some(w) => Some(local_part(w, &domain)?),
        None => None,
    };
    let saved = app
        .store
        .documents()
        .update_unique(
            caller.site_id,
            EMAIL_SETTINGS,
            "localPart",
            TAKEN,
            move |doc| {
                let mut s = decode(doc)?.unwrap_or_else(fresh);
                if let Some(local) = wanted.filter(|l| *l != s.local_part || !s.chosen) {
                    if s.chosen {
                        return Err(StoreError::conflict(
                            "the inbound address has already been chosen and cannot change",
                        ));
                    }
                    s.local_part = local;
                    s.chosen = true;
                }
                if let Some(n) = req.sender_name {
                    s.sender_name = n;
                }
                if let Some(a) = sender_address {
                    s.sender_address = a;
                }
                if let Some(t) = req.layout_template {
                    s.layout_template = Some(t);
                }
                s.updated_time = Some(anytime_store::now());
                Ok((encode(&s)?, s))
            },
        )
        .await?;
    Ok(Json(view(&app, &saved, caller.role)))
}

/// Replace the ingress token (the old one stops working). Admins only.
#[utoipa::path(post, path = "/api/v3/anytime/emailSettings/ingressToken", tag = "emailSettings",
    responses((status = 200, description = "`{\"ingressToken\":\"…\"}`")))]
async fn new_token(Admin(caller): Admin, State(app): State<AppState>) -> ApiResult<Json<Value>> {
    let token = random_hex(32);
    let saved = token.clone();
    app.store
        .documents()
        .update_unique(
            caller.site_id,
            EMAIL_SETTINGS,
            "localPart",
            TAKEN,
            move |doc| {
                let mut s = decode(doc)?.unwrap_or_else(fresh);
                s.ingress_token = saved;
                s.updated_time = Some(anytime_store::now());
                Ok((encode(&s)?, ()))
            },
        )
        .await?;
    Ok(Json(json!({ "ingressToken": token })))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(new_token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_parts_are_checked_and_may_be_given_as_an_address() {
        assert_eq!(local_part("Help", "in.test").unwrap(), "help");
        assert_eq!(local_part("help@IN.test", "in.test").unwrap(), "help");
        assert!(local_part("help@other.test", "in.test").is_err());
        assert!(local_part("a b", "in.test").is_err());
        assert!(local_part("", "in.test").is_err());
        assert!(local_part(".a", "in.test").is_err());
    }

    #[test]
    fn provisional_addresses_have_ten_hex_chars() {
        let s = fresh();
        assert_eq!(s.local_part.len(), 12);
        assert!(s.local_part[2..].bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(s.ingress_token.len(), 64);
    }
}
