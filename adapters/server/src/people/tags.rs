//! `/api/v3/anytime/tags`: conversation tags with their usage counts.

use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{created, no_content, ApiJson, ApiPath, ApiResult, Checks};
use anytime_core::model::TagId;
use anytime_store::Tag;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TagView {
    pub id: Uuid,
    pub name: String,
    /// Conversations carrying the tag.
    pub conversation_count: u64,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

impl From<Tag> for TagView {
    fn from(t: Tag) -> Self {
        Self {
            id: t.id.0,
            name: t.name,
            conversation_count: t.conversation_count,
            created_time: t.created_time,
            updated_time: t.updated_time,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagEnvelope {
    pub tag: TagView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagList {
    pub tags: Vec<TagView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagBody {
    pub name: String,
}

/// List the site's tags.
#[utoipa::path(get, path = "/api/v3/anytime/tags", tag = "tags",
    responses((status = 200, description = "The tags", body = TagList)))]
async fn list(Staff(caller): Staff, State(app): State<AppState>) -> ApiResult<Json<TagList>> {
    let tags = app.store.tags().list(caller.site_id).await?;
    Ok(Json(TagList {
        tags: tags.into_iter().map(Into::into).collect(),
    }))
}

/// Create a tag (names are unique per site, 409 otherwise). Admins only.
#[utoipa::path(post, path = "/api/v3/anytime/tags", tag = "tags", request_body = TagBody,
    responses((status = 201, description = "Created", body = TagEnvelope)))]
async fn create(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<TagBody>,
) -> ApiResult<Response> {
    let mut c = Checks::new();
    let name = c.name("name", &req.name, 64);
    c.finish()?;
    let tag = app
        .store
        .tags()
        .create(caller.site_id, TagId(Uuid::new_v4()), name)
        .await?;
    Ok(created(TagEnvelope { tag: tag.into() }))
}

/// Get a tag.
#[utoipa::path(get, path = "/api/v3/anytime/tags/{id}", tag = "tags",
    params(("id" = Uuid, Path, description = "Tag id")),
    responses((status = 200, description = "The tag", body = TagEnvelope)))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<TagEnvelope>> {
    let tag = app.store.tags().get(caller.site_id, TagId(id)).await?;
    Ok(Json(TagEnvelope { tag: tag.into() }))
}

/// Rename a tag. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/tags/{id}", tag = "tags", request_body = TagBody,
    params(("id" = Uuid, Path, description = "Tag id")),
    responses((status = 200, description = "The tag", body = TagEnvelope)))]
async fn update(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<TagBody>,
) -> ApiResult<Json<TagEnvelope>> {
    let mut c = Checks::new();
    let name = c.name("name", &req.name, 64);
    c.finish()?;
    let tag = app
        .store
        .tags()
        .rename(caller.site_id, TagId(id), name)
        .await?;
    Ok(Json(TagEnvelope { tag: tag.into() }))
}

/// Delete a tag (conversations lose it). Admins only.
#[utoipa::path(delete, path = "/api/v3/anytime/tags/{id}", tag = "tags",
    params(("id" = Uuid, Path, description = "Tag id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    app.store.tags().delete(caller.site_id, TagId(id)).await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
}
