//! Junk emails (SPEC §4.9): list (keywords, pageIndex, timeFrom, timeTo; no default time
//! window), get, mark read/unread, delete, and `notJunk`, which turns the email into a
//! conversation through the inbound pipeline (§5.9) without the block check.

use super::ingest::{self, Incoming};
use crate::app::AppState;
use crate::auth::Staff;
use crate::http::{no_content, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, Page, PageLinks};
use anytime_core::inbound::InboundMessage;
use anytime_store::{JunkEmail, JunkQuery};
use axum::extract::{OriginalUri, State};
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
struct ListQuery {
    /// Substring of subject, sender, recipients or plain body.
    keywords: Option<String>,
    page_index: Option<u64>,
    /// Received at or after (RFC 3339).
    time_from: Option<DateTime<Utc>>,
    /// Received at or before (RFC 3339).
    time_to: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JunkList {
    junk_emails: Vec<JunkEmail>,
    #[serde(flatten)]
    page: PageLinks,
}

/// Junk emails, newest first, 50 a page.
#[utoipa::path(get, path = "/api/v3/anytime/junkEmails", tag = "junkEmails",
    params(ListQuery),
    responses((status = 200, description = "`{\"junkEmails\":[…],\"total\",\"previousPage\",\"nextPage\",\"currentPage\"}`")))]
async fn list(
    Staff(caller): Staff,
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Value>> {
    let page = Page::from_index(q.page_index)?;
    if let (Some(from), Some(to)) = (q.time_from, q.time_to) {
        if from > to {
            return Err(ApiError::invalid("timeTo", "must not be before timeFrom"));
        }
    }
    let (junk_emails, total) = app
        .store
        .junk_emails()
        .list(
            caller.site_id,
            JunkQuery {
                keywords: q.keywords.filter(|k| !k.trim().is_empty()),
                time_from: q.time_from,
                time_to: q.time_to,
                offset: page.offset(),
                limit: page.size,
            },
        )
        .await?;
    let body = JunkList {
        junk_emails,
        page: page.links(&uri, total),
    };
    Ok(Json(
        serde_json::to_value(body).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// A junk email.
#[utoipa::path(get, path = "/api/v3/anytime/junkEmails/{id}", tag = "junkEmails",
    params(("id" = i64, Path, description = "Junk email id")),
    responses((status = 200, description = "`{\"junkEmail\":{…}}`")))]
async fn get_one(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Value>> {
    let email = app.store.junk_emails().get(caller.site_id, id).await?;
    Ok(Json(json!({ "junkEmail": email })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Update {
    is_read: bool,
}

/// Mark a junk email read or unread (`isRead`, the only field that changes).
#[utoipa::path(put, path = "/api/v3/anytime/junkEmails/{id}", tag = "junkEmails",
    request_body = Object, params(("id" = i64, Path, description = "Junk email id")),
    responses((status = 200, description = "`{\"junkEmail\":{…}}`")))]
async fn update(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let inner = match req {
        Value::Object(mut m)
            if m.len() == 1 && m.get("junkEmail").is_some_and(Value::is_object) =>
        {
            m.remove("junkEmail").unwrap_or(Value::Null)
        }
        other => other,
    };
    let req: Update = crate::rules::body::decode(match inner {
        Value::Object(m) => m,
        _ => return Err(ApiError::invalid("body", "must be a JSON object")),
    })?;
    let email = app
        .store
        .junk_emails()
        .set_read(caller.site_id, id, req.is_read)
        .await?;
    Ok(Json(json!({ "junkEmail": email })))
}

/// Delete a junk email.
#[utoipa::path(delete, path = "/api/v3/anytime/junkEmails/{id}", tag = "junkEmails",
    params(("id" = i64, Path, description = "Junk email id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    app.store.junk_emails().delete(caller.site_id, id).await?;
    Ok(no_content())
}

/// Restore a junk email as a conversation (SPEC §4.9): the inbound pipeline without the
/// block check; the junk email is removed in the same transaction.
#[utoipa::path(post, path = "/api/v3/anytime/junkEmails/{id}/notJunk", tag = "junkEmails",
    params(("id" = i64, Path, description = "Junk email id")),
    responses((status = 200, description = "`{\"conversationId\": …}` (null when the email was \
        dropped, e.g. it is now from one of the site's own addresses)")))]
async fn not_junk(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Value>> {
    let site = caller.site_id;
    let junk = app.store.junk_emails().get(site, id).await?;
    let message_id = app.store.inbound().junk_message_id(site, id).await?;
    let via = ingest::email_account_by_number(&app, site, junk.email_account_id).await?;
    let list = |s: &str| -> Vec<String> {
        s.split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect()
    };
    let incoming = Incoming {
        message: InboundMessage {
            message_id,
            from: junk.from.clone(),
            to: list(&junk.to),
            cc: list(&junk.cc),
            subject: junk.subject.clone(),
            text: Some(junk.plain_body.clone()),
            html: Some(junk.html_body.clone()).filter(|h| !h.is_empty()),
            ..Default::default()
        },
        sender_name: Some(junk.name.clone()),
        attachments: junk.attachments.as_array().cloned().unwrap_or_default(),
        files: super::raw::files_described(&junk.attachments),
        restore_junk: Some(id),
    };
    let out = ingest::ingest(&app, site, &via, incoming).await?;
    Ok(Json(json!({ "conversationId": out.conversation_id() })))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(not_junk))
}
