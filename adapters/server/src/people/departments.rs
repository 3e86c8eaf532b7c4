//! `/api/v3/departments` (alias `/api/v3/anytime/departments`): departments and their members.

use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{created, no_content, ApiJson, ApiPath, ApiResult, Checks};
use anytime_core::model::{AgentId, DepartmentId};
use anytime_store::{Department, DepartmentChanges, NewDepartment};
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
pub struct DepartmentView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    /// Member agent ids.
    pub members: Vec<Uuid>,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

impl From<Department> for DepartmentView {
    fn from(d: Department) -> Self {
        Self {
            id: d.id.0,
            name: d.name,
            description: d.description,
            members: d.members.into_iter().map(|a| a.0).collect(),
            created_time: d.created_time,
            updated_time: d.updated_time,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentEnvelope {
    pub department: DepartmentView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentList {
    pub departments: Vec<DepartmentView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDepartment {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Agent ids of the site.
    #[serde(default)]
    pub members: Vec<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateDepartment {
    pub name: Option<String>,
    pub description: Option<String>,
    pub members: Option<Vec<Uuid>>,
}

fn members(ids: Vec<Uuid>) -> Vec<AgentId> {
    ids.into_iter().map(AgentId).collect()
}

/// List the site's departments.
#[utoipa::path(get, path = "/api/v3/departments", tag = "departments",
    responses((status = 200, description = "The departments", body = DepartmentList)))]
async fn list(
    Staff(caller): Staff,
    State(app): State<AppState>,
) -> ApiResult<Json<DepartmentList>> {
    let departments = app.store.departments().list(caller.site_id).await?;
    Ok(Json(DepartmentList {
        departments: departments.into_iter().map(Into::into).collect(),
    }))
}

/// Create a department. Admins only.
#[utoipa::path(post, path = "/api/v3/departments", tag = "departments", request_body = CreateDepartment,
    responses((status = 201, description = "Created", body = DepartmentEnvelope)))]
async fn create(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<CreateDepartment>,
) -> ApiResult<Response> {
    let mut c = Checks::new();
    let name = c.name("name", &req.name, 128);
    let description = c.text(
        "description",
        req.description.as_deref().unwrap_or(""),
        2000,
    );
    c.finish()?;
    let department = app
        .store
        .departments()
        .create(
            caller.site_id,
            NewDepartment {
                id: DepartmentId(Uuid::new_v4()),
                name,
                description,
                members: members(req.members),
            },
        )
        .await?;
    Ok(created(DepartmentEnvelope {
        department: department.into(),
    }))
}

/// Get a department with its members.
#[utoipa::path(get, path = "/api/v3/departments/{id}", tag = "departments",
    params(("id" = Uuid, Path, description = "Department id")),
    responses((status = 200, description = "The department", body = DepartmentEnvelope)))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<DepartmentEnvelope>> {
    let department = app
        .store
        .departments()
        .get(caller.site_id, DepartmentId(id))
        .await?;
    Ok(Json(DepartmentEnvelope {
        department: department.into(),
    }))
}

/// Update a department (absent fields unchanged; `members` replaces the list). Admins only.
#[utoipa::path(put, path = "/api/v3/departments/{id}", tag = "departments", request_body = UpdateDepartment,
    params(("id" = Uuid, Path, description = "Department id")),
    responses((status = 200, description = "The department", body = DepartmentEnvelope)))]
async fn update(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateDepartment>,
) -> ApiResult<Json<DepartmentEnvelope>> {
    let mut c = Checks::new();
    let name = req.name.as_deref().map(|n| c.name("name", n, 128));
    let description = req
        .description
        .as_deref()
        .map(|d| c.text("description", d, 2000));
    c.finish()?;
    let department = app
        .store
        .departments()
        .update(
            caller.site_id,
            DepartmentId(id),
            DepartmentChanges {
                name,
                description,
                members: req.members.map(members),
            },
        )
        .await?;
    Ok(Json(DepartmentEnvelope {
        department: department.into(),
    }))
}

/// Delete a department. Admins only.
#[utoipa::path(delete, path = "/api/v3/departments/{id}", tag = "departments",
    params(("id" = Uuid, Path, description = "Department id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    app.store
        .departments()
        .delete(caller.site_id, DepartmentId(id))
        .await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
}
