//! `/api/v3/agents`: agents, their API keys (shown once) and online status.

use crate::app::AppState;
use crate::auth::keys::generate_key;
use crate::auth::password::hash_password;
use crate::auth::{Admin, Caller, Staff};
use crate::http::{created, no_content, ApiJson, ApiPath, ApiResult, Checks};
use anytime_core::model::{AgentId, AgentStatus, DepartmentId, SiteId};
use anytime_store::{Agent, AgentChanges, NewAgent, Role};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// What a credential may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    /// Everything in its site.
    Admin,
    /// Conversations and the console; read-only on settings.
    Agent,
    /// Only the portal endpoints (a portal back end calling server to server).
    Portal,
}

impl From<RoleName> for Role {
    fn from(r: RoleName) -> Role {
        match r {
            RoleName::Admin => Role::Admin,
            RoleName::Agent => Role::Agent,
            RoleName::Portal => Role::Portal,
        }
    }
}

impl From<Role> for RoleName {
    fn from(r: Role) -> RoleName {
        match r {
            Role::Admin => RoleName::Admin,
            Role::Agent => RoleName::Agent,
            Role::Portal => RoleName::Portal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnlineStatus {
    Online,
    Away,
    Offline,
}

impl From<OnlineStatus> for AgentStatus {
    fn from(s: OnlineStatus) -> AgentStatus {
        match s {
            OnlineStatus::Online => AgentStatus::Online,
            OnlineStatus::Away => AgentStatus::Away,
            OnlineStatus::Offline => AgentStatus::Offline,
        }
    }
}

impl From<AgentStatus> for OnlineStatus {
    fn from(s: AgentStatus) -> OnlineStatus {
        match s {
            AgentStatus::Online => OnlineStatus::Online,
            AgentStatus::Away => OnlineStatus::Away,
            AgentStatus::Offline => OnlineStatus::Offline,
        }
    }
}

/// An agent as the API shows it (the password is write-only and never shown).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentView {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: RoleName,
    pub is_active: bool,
    pub status: OnlineStatus,
    pub department_ids: Vec<Uuid>,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

impl From<Agent> for AgentView {
    fn from(a: Agent) -> Self {
        Self {
            id: a.id.0,
            name: a.name,
            email: a.email,
            role: a.role.into(),
            is_active: a.is_active,
            status: a.status.into(),
            department_ids: a.department_ids.into_iter().map(|d| d.0).collect(),
            created_time: a.created_time,
            updated_time: a.updated_time,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentEnvelope {
    pub agent: AgentView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentList {
    pub agents: Vec<AgentView>,
}

/// A new agent and its API key (shown only in this answer).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedAgent {
    pub agent: AgentView,
    pub api_key: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyAnswer {
    /// The new key; the previous one no longer works.
    pub api_key: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateAgent {
    pub name: String,
    pub email: String,
    /// Default `agent`.
    #[serde(default)]
    pub role: Option<RoleName>,
    /// Default true.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Default `offline`.
    #[serde(default)]
    pub status: Option<OnlineStatus>,
    #[serde(default)]
    pub department_ids: Vec<Uuid>,
    /// Write-only; 8 to 256 characters.
    #[serde(default)]
    pub password: Option<String>,
}

/// A partial update: absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateAgent {
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<RoleName>,
    pub is_active: Option<bool>,
    pub status: Option<OnlineStatus>,
    pub department_ids: Option<Vec<Uuid>>,
    /// Write-only; 8 to 256 characters.
    pub password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: OnlineStatus,
}

fn check_password(c: &mut Checks, password: &str) {
    let n = password.chars().count();
    if !(8..=256).contains(&n) {
        c.add("password", "must be 8 to 256 characters");
    }
}

async fn password_hash(password: Option<String>) -> ApiResult<Option<String>> {
    match password {
        Some(p) => Ok(Some(hash_password(p).await?)),
        None => Ok(None),
    }
}

fn department_ids(ids: Vec<Uuid>) -> Vec<DepartmentId> {
    ids.into_iter().map(DepartmentId).collect()
}

// ---- service -----------------------------------------------------------------------------

/// Creates an agent with a fresh API key; returns both.
pub async fn create_agent(
    app: &AppState,
    site: SiteId,
    req: CreateAgent,
) -> ApiResult<(Agent, String)> {
    let mut c = Checks::new();
    let name = c.name("name", &req.name, 128);
    let email = c.email("email", &req.email);
    if let Some(p) = &req.password {
        check_password(&mut c, p);
    }
    c.finish()?;
    let (key, api_key) = generate_key();
    let agent = app
        .store
        .agents()
        .create(
            site,
            NewAgent {
                id: AgentId(Uuid::new_v4()),
                name,
                email,
                role: req.role.map_or(Role::Agent, Role::from),
                is_active: req.is_active.unwrap_or(true),
                status: req.status.map_or(AgentStatus::Offline, AgentStatus::from),
                department_ids: department_ids(req.department_ids),
                password_hash: password_hash(req.password).await?,
                api_key,
            },
        )
        .await?;
    Ok((agent, key))
}

pub async fn update_agent(
    app: &AppState,
    site: SiteId,
    id: AgentId,
    req: UpdateAgent,
) -> ApiResult<Agent> {
    let mut c = Checks::new();
    let name = req.name.as_deref().map(|n| c.name("name", n, 128));
    let email = req.email.as_deref().map(|e| c.email("email", e));
    if let Some(p) = &req.password {
        check_password(&mut c, p);
    }
    c.finish()?;
    let changes = AgentChanges {
        name,
        email,
        role: req.role.map(Role::from),
        is_active: req.is_active,
        status: req.status.map(AgentStatus::from),
        department_ids: req.department_ids.map(department_ids),
        password_hash: password_hash(req.password).await?,
    };
    let agent = app.store.agents().update(site, id, changes).await?;
    app.auth.invalidate_agent(id);
    Ok(agent)
}

pub async fn delete_agent(app: &AppState, site: SiteId, id: AgentId) -> ApiResult<()> {
    app.store.agents().delete(site, id).await?;
    app.auth.invalidate_agent(id);
    Ok(())
}

/// Issues a new key for the agent; the old one stops working at once.
pub async fn rotate_key(app: &AppState, site: SiteId, id: AgentId) -> ApiResult<String> {
    let (key, hash) = generate_key();
    app.store.agents().replace_api_key(site, id, hash).await?;
    app.auth.invalidate_agent(id);
    Ok(key)
}

pub async fn revoke_key(app: &AppState, site: SiteId, id: AgentId) -> ApiResult<()> {
    app.store.agents().revoke_api_keys(site, id).await?;
    app.auth.invalidate_agent(id);
    Ok(())
}

// ---- handlers ----------------------------------------------------------------------------

/// List the site's agents (by name).
#[utoipa::path(get, path = "/api/v3/agents", tag = "agents",
    responses((status = 200, description = "The agents", body = AgentList)))]
async fn list(Staff(caller): Staff, State(app): State<AppState>) -> ApiResult<Json<AgentList>> {
    let agents = app.store.agents().list(caller.site_id).await?;
    Ok(Json(AgentList {
        agents: agents.into_iter().map(AgentView::from).collect(),
    }))
}

/// Create an agent; the answer carries its API key, shown only this once. Admins only.
#[utoipa::path(post, path = "/api/v3/agents", tag = "agents", request_body = CreateAgent,
    responses((status = 201, description = "Created", body = CreatedAgent)))]
async fn create(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<CreateAgent>,
) -> ApiResult<Response> {
    let (agent, api_key) = create_agent(&app, caller.site_id, req).await?;
    Ok(created(CreatedAgent {
        agent: agent.into(),
        api_key,
    }))
}

/// Get an agent.
#[utoipa::path(get, path = "/api/v3/agents/{id}", tag = "agents",
    params(("id" = Uuid, Path, description = "Agent id")),
    responses((status = 200, description = "The agent", body = AgentEnvelope)))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<AgentEnvelope>> {
    let agent = app.store.agents().get(caller.site_id, AgentId(id)).await?;
    Ok(Json(AgentEnvelope {
        agent: agent.into(),
    }))
}

/// Update an agent (absent fields unchanged). Admins only. A site keeps at least one active admin.
#[utoipa::path(put, path = "/api/v3/agents/{id}", tag = "agents", request_body = UpdateAgent,
    params(("id" = Uuid, Path, description = "Agent id")),
    responses((status = 200, description = "The updated agent", body = AgentEnvelope)))]
async fn update(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateAgent>,
) -> ApiResult<Json<AgentEnvelope>> {
    let agent = update_agent(&app, caller.site_id, AgentId(id), req).await?;
    // Status, activity or departments may have changed who can take waiting conversations.
    crate::rules::queue::run_logged(&app, caller.site_id).await;
    Ok(Json(AgentEnvelope {
        agent: agent.into(),
    }))
}

/// Delete an agent with its keys. Admins only.
#[utoipa::path(delete, path = "/api/v3/agents/{id}", tag = "agents",
    params(("id" = Uuid, Path, description = "Agent id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    delete_agent(&app, caller.site_id, AgentId(id)).await?;
    Ok(no_content())
}

/// Issue a new API key (the old one is revoked). Admins, or the agent itself.
#[utoipa::path(post, path = "/api/v3/agents/{id}/apiKey", tag = "agents",
    params(("id" = Uuid, Path, description = "Agent id")),
    responses((status = 200, description = "The new key, shown only this once", body = ApiKeyAnswer)))]
async fn new_key(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ApiKeyAnswer>> {
    caller.require_admin_or_self(AgentId(id))?;
    let api_key = rotate_key(&app, caller.site_id, AgentId(id)).await?;
    Ok(Json(ApiKeyAnswer { api_key }))
}

/// Revoke the agent's API key. Admins, or the agent itself.
#[utoipa::path(delete, path = "/api/v3/agents/{id}/apiKey", tag = "agents",
    params(("id" = Uuid, Path, description = "Agent id")),
    responses((status = 204, description = "Revoked")))]
async fn delete_key(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    caller.require_admin_or_self(AgentId(id))?;
    revoke_key(&app, caller.site_id, AgentId(id)).await?;
    Ok(no_content())
}

/// Set an agent's online status. Admins, or the agent itself.
#[utoipa::path(put, path = "/api/v3/agents/{id}/status", tag = "agents", request_body = StatusChange,
    params(("id" = Uuid, Path, description = "Agent id")),
    responses((status = 200, description = "The agent", body = AgentEnvelope)))]
async fn set_status(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<StatusChange>,
) -> ApiResult<Json<AgentEnvelope>> {
    caller.require_admin_or_self(AgentId(id))?;
    let agent = app
        .store
        .agents()
        .set_status(caller.site_id, AgentId(id), req.status.into())
        .await?;
    crate::rules::queue::run_logged(&app, caller.site_id).await;
    Ok(Json(AgentEnvelope {
        agent: agent.into(),
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(new_key, delete_key))
        .routes(routes!(set_status))
}
