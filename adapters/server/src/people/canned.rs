//! `/api/v3/anytime/cannedResponses`: reusable reply texts.

use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{created, no_content, ApiJson, ApiPath, ApiResult, Checks};
use anytime_store::{CannedResponse, CannedResponseChanges, NewCannedResponse};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

const MAX_CONTENT: usize = 65_535;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CannedResponseView {
    pub id: Uuid,
    pub name: String,
    pub html_content: String,
    pub text_content: String,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

impl From<CannedResponse> for CannedResponseView {
    fn from(c: CannedResponse) -> Self {
        Self {
            id: c.id,
            name: c.name,
            html_content: c.html_content,
            text_content: c.text_content,
            created_time: c.created_time,
            updated_time: c.updated_time,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CannedResponseEnvelope {
    pub canned_response: CannedResponseView,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CannedResponseList {
    pub canned_responses: Vec<CannedResponseView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCannedResponse {
    pub name: String,
    /// Sanitized like message bodies.
    #[serde(default)]
    pub html_content: String,
    #[serde(default)]
    pub text_content: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateCannedResponse {
    pub name: Option<String>,
    pub html_content: Option<String>,
    pub text_content: Option<String>,
}

fn sanitize(html: &str) -> String {
    crate::html::sanitize(html)
}

/// List canned responses.
#[utoipa::path(get, path = "/api/v3/anytime/cannedResponses", tag = "cannedResponses",
    responses((status = 200, description = "The canned responses", body = CannedResponseList)))]
async fn list(
    Staff(caller): Staff,
    State(app): State<AppState>,
) -> ApiResult<Json<CannedResponseList>> {
    let items = app.store.canned_responses().list(caller.site_id).await?;
    Ok(Json(CannedResponseList {
        canned_responses: items.into_iter().map(Into::into).collect(),
    }))
}

/// Create a canned response. Admins only.
#[utoipa::path(post, path = "/api/v3/anytime/cannedResponses", tag = "cannedResponses", request_body = CreateCannedResponse,
    responses((status = 201, description = "Created", body = CannedResponseEnvelope)))]
async fn create(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<CreateCannedResponse>,
) -> ApiResult<Response> {
    let mut c = Checks::new();
    let name = c.name("name", &req.name, 128);
    let html = c.text("htmlContent", &req.html_content, MAX_CONTENT);
    let text = c.text("textContent", &req.text_content, MAX_CONTENT);
    c.finish()?;
    let item = app
        .store
        .canned_responses()
        .create(
            caller.site_id,
            NewCannedResponse {
                id: Uuid::new_v4(),
                name,
                html_content: sanitize(&html),
                text_content: text,
            },
        )
        .await?;
    Ok(created(CannedResponseEnvelope {
        canned_response: item.into(),
    }))
}

/// Get a canned response.
#[utoipa::path(get, path = "/api/v3/anytime/cannedResponses/{id}", tag = "cannedResponses",
    params(("id" = Uuid, Path, description = "Canned response id")),
    responses((status = 200, description = "The canned response", body = CannedResponseEnvelope)))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<CannedResponseEnvelope>> {
    let item = app.store.canned_responses().get(caller.site_id, id).await?;
    Ok(Json(CannedResponseEnvelope {
        canned_response: item.into(),
    }))
}

/// Update a canned response. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/cannedResponses/{id}", tag = "cannedResponses", request_body = UpdateCannedResponse,
    params(("id" = Uuid, Path, description = "Canned response id")),
    responses((status = 200, description = "The canned response", body = CannedResponseEnvelope)))]
async fn update(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateCannedResponse>,
) -> ApiResult<Json<CannedResponseEnvelope>> {
    let mut c = Checks::new();
    let name = req.name.as_deref().map(|n| c.name("name", n, 128));
    let html = req
        .html_content
        .as_deref()
        .map(|h| sanitize(&c.text("htmlContent", h, MAX_CONTENT)));
    let text = req
        .text_content
        .as_deref()
        .map(|t| c.text("textContent", t, MAX_CONTENT));
    c.finish()?;
    let item = app
        .store
        .canned_responses()
        .update(
            caller.site_id,
            id,
            CannedResponseChanges {
                name,
                html_content: html,
                text_content: text,
            },
        )
        .await?;
    Ok(Json(CannedResponseEnvelope {
        canned_response: item.into(),
    }))
}

/// Delete a canned response. Admins only.
#[utoipa::path(delete, path = "/api/v3/anytime/cannedResponses/{id}", tag = "cannedResponses",
    params(("id" = Uuid, Path, description = "Canned response id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    app.store
        .canned_responses()
        .delete(caller.site_id, id)
        .await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
}
