//! Blocked senders (SPEC §4.9): list (`email` filter), get, `PUT` upsert keyed by the
//! normalized address or domain, `DELETE` by email in the query or the body.

use super::BLOCKED_SENDERS;
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::extract::parse_json;
use crate::http::{no_content, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::rules::body::{self, Shape};
use anytime_core::inbound::{BlockIndex, BlockType, BlockedSender};
use anytime_core::model::SiteId;
use anytime_store::StoreError;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

const SHAPE: Shape = Shape {
    wrappers: &["blockedSender"],
    aliases: &[],
    allowed: &["email", "blockType"],
};

/// The key two rules share when they name the same sender: case and a trailing dot ignored.
fn key(email: &str) -> String {
    email.trim().trim_end_matches('.').to_lowercase()
}

/// A rule checked the way the inbound pipeline indexes it; errors name `email`.
fn checked(email: String, block_type: BlockType) -> ApiResult<BlockedSender> {
    let rule = BlockedSender {
        id: None,
        email: key(&email),
        block_type,
    };
    BlockIndex::build(std::slice::from_ref(&rule))
        .map_err(|e| body::strip_prefix(e, "blockedSenders[0]."))?;
    Ok(rule)
}

pub(super) async fn read(app: &AppState, site: SiteId) -> ApiResult<Vec<BlockedSender>> {
    body::as_list(app.store.documents().get(site, BLOCKED_SENDERS).await?)
        .into_iter()
        .map(|v| {
            serde_json::from_value(v)
                .map_err(|e| ApiError::Internal(format!("stored blocked sender: {e}")))
        })
        .collect()
}

fn decode_list(doc: Option<Value>) -> Result<Vec<BlockedSender>, StoreError> {
    body::as_list(doc)
        .into_iter()
        .map(|v| {
            serde_json::from_value(v)
                .map_err(|e| StoreError::Unavailable(format!("stored blocked sender: {e}")))
        })
        .collect()
}

fn encode_list(list: &[BlockedSender]) -> Result<Value, StoreError> {
    serde_json::to_value(list).map_err(|e| StoreError::Unavailable(e.to_string()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// Only the rule for this address or domain (case-insensitive).
    email: Option<String>,
}

/// The blocked senders, by email; `email` keeps the rule with that address or domain.
#[utoipa::path(get, path = "/api/v3/anytime/blockedSenders", tag = "blockedSenders",
    params(ListQuery),
    responses((status = 200, description = "`{\"blockedSenders\":[…]}`")))]
async fn list(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Value>> {
    let mut list = read(&app, caller.site_id).await?;
    if let Some(email) = q.email.filter(|e| !e.trim().is_empty()) {
        let wanted = key(&email);
        list.retain(|r| r.email == wanted);
    }
    list.sort_by(|a, b| a.email.cmp(&b.email));
    Ok(Json(json!({ "blockedSenders": list })))
}

/// A blocked sender.
#[utoipa::path(get, path = "/api/v3/anytime/blockedSenders/{id}", tag = "blockedSenders",
    params(("id" = Uuid, Path, description = "Blocked sender id")),
    responses((status = 200, description = "`{\"blockedSender\":{…}}`")))]
async fn get_one(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Value>> {
    let id = id.to_string();
    let rule = read(&app, caller.site_id)
        .await?
        .into_iter()
        .find(|r| r.id.as_deref() == Some(id.as_str()))
        .ok_or_else(|| ApiError::NotFound("blocked sender not found".into()))?;
    Ok(Json(json!({ "blockedSender": rule })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Upsert {
    email: String,
    block_type: BlockType,
}

/// Add a blocked sender, or change the block type of the one with the same email. Domain
/// block types need a domain, email block types an address. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/blockedSenders", tag = "blockedSenders",
    request_body = Object,
    responses((status = 200, description = "`{\"blockedSender\":{…}}`")))]
async fn upsert(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let req: Upsert = body::decode(body::normalize(req, &SHAPE, "")?)?;
    let mut rule = checked(req.email, req.block_type)?;
    let fresh = Uuid::new_v4().to_string();
    let saved = app
        .store
        .documents()
        .update(caller.site_id, BLOCKED_SENDERS, move |doc| {
            let mut list = decode_list(doc)?;
            match list.iter_mut().find(|r| key(&r.email) == rule.email) {
                Some(existing) => {
                    existing.block_type = rule.block_type;
                    rule = existing.clone();
                }
                None => {
                    rule.id = Some(fresh);
                    list.push(rule.clone());
                }
            }
            Ok((encode_list(&list)?, rule))
        })
        .await?;
    Ok(Json(json!({ "blockedSender": saved })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
struct DeleteQuery {
    /// The address or domain whose rule goes (or send `{"email"}` as the body).
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeleteBody {
    email: String,
}

/// Remove the blocked sender with `email` (query or JSON body). Admins only.
#[utoipa::path(delete, path = "/api/v3/anytime/blockedSenders", tag = "blockedSenders",
    params(DeleteQuery), responses((status = 204, description = "Deleted")))]
async fn remove(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<DeleteQuery>,
    raw: Bytes,
) -> ApiResult<Response> {
    let email = match q.email {
        Some(e) => e,
        None if raw.iter().all(u8::is_ascii_whitespace) => {
            return Err(ApiError::invalid("email", "required (query or body)"))
        }
        None => parse_json::<DeleteBody>(&raw)?.email,
    };
    let wanted = key(&email);
    if wanted.is_empty() {
        return Err(ApiError::invalid("email", "must not be empty"));
    }
    app.store
        .documents()
        .update(caller.site_id, BLOCKED_SENDERS, move |doc| {
            let mut list = decode_list(doc)?;
            let before = list.len();
            list.retain(|r| key(&r.email) != wanted);
            if list.len() == before {
                return Err(StoreError::not_found("blocked sender"));
            }
            Ok((encode_list(&list)?, ()))
        })
        .await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, upsert, remove))
        .routes(routes!(get_one))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_types_need_a_domain_and_email_types_an_address() {
        assert!(checked("spam.test".into(), BlockType::RejectDomain).is_ok());
        assert!(checked("a@spam.test".into(), BlockType::RejectEmail).is_ok());
        let e = checked("spam.test".into(), BlockType::BlockEmailAsJunk).unwrap_err();
        assert_eq!(e.body().error.details[0].field, "email");
        let e = checked("a@spam.test".into(), BlockType::BlockDomainAsJunk).unwrap_err();
        assert_eq!(e.body().error.details[0].field, "email");
    }

    #[test]
    fn keys_ignore_case_and_a_trailing_dot() {
        assert_eq!(key(" Spam.Test. "), "spam.test");
    }
}
