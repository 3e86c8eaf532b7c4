//! `/api/v3/oauth/clients` (admins): the apps that may ask agents for tokens. A confidential
//! client's secret is shown once, at creation, and stored as its SHA-256.

use super::redirect_uri;
use crate::app::AppState;
use crate::auth::keys::generate_secret;
use crate::auth::Admin;
use crate::http::{created, no_content, ApiJson, ApiPath, ApiResult, Checks};
use anytime_core::model::SiteId;
use anytime_store::{NewOAuthClient, OAuthClient, OAuthClientChanges};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Most redirect URIs one client may register.
pub const MAX_REDIRECT_URIS: usize = 10;

/// A registered OAuth client; `id` is its `client_id`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClientView {
    pub id: Uuid,
    pub name: String,
    pub redirect_uris: Vec<String>,
    /// Confidential clients authenticate with their secret (HTTP Basic) at the token endpoint.
    pub is_confidential: bool,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

impl From<OAuthClient> for OAuthClientView {
    fn from(c: OAuthClient) -> Self {
        Self {
            id: c.id,
            name: c.name,
            redirect_uris: c.redirect_uris,
            is_confidential: c.is_confidential,
            created_time: c.created_time,
            updated_time: c.updated_time,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClientEnvelope {
    pub oauth_client: OAuthClientView,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClientList {
    pub oauth_clients: Vec<OAuthClientView>,
}

/// A new client; `clientSecret` only for confidential clients, shown only in this answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedOAuthClient {
    pub oauth_client: OAuthClientView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateOAuthClient {
    pub name: String,
    /// Absolute, without fragment; `http` only for loopback hosts. Matched exactly.
    pub redirect_uris: Vec<String>,
    /// Default false (a public client: PKCE only, no secret).
    #[serde(default)]
    pub is_confidential: bool,
}

/// A partial update: absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateOAuthClient {
    pub name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
}

fn check_uris(c: &mut Checks, uris: &[String]) {
    if uris.is_empty() || uris.len() > MAX_REDIRECT_URIS {
        c.add(
            "redirectUris",
            format!("must list 1 to {MAX_REDIRECT_URIS} URIs"),
        );
    }
    for (i, uri) in uris.iter().enumerate() {
        if let Err(m) = redirect_uri::check(uri) {
            c.add(format!("redirectUris[{i}]"), m);
        } else if uris[..i].contains(uri) {
            c.add(format!("redirectUris[{i}]"), "listed twice");
        }
    }
}

// ---- service -----------------------------------------------------------------------------

pub async fn create_client(
    app: &AppState,
    site: SiteId,
    req: CreateOAuthClient,
) -> ApiResult<(OAuthClient, Option<String>)> {
    let mut c = Checks::new();
    let name = c.name("name", &req.name, 128);
    check_uris(&mut c, &req.redirect_uris);
    c.finish()?;
    let (secret, secret_hash) = if req.is_confidential {
        let (s, h) = generate_secret("atcs_");
        (Some(s), Some(h))
    } else {
        (None, None)
    };
    let client = app
        .store
        .oauth()
        .create_client(
            site,
            NewOAuthClient {
                id: Uuid::new_v4(),
                name,
                redirect_uris: req.redirect_uris,
                secret_hash,
            },
        )
        .await?;
    Ok((client, secret))
}

pub async fn update_client(
    app: &AppState,
    site: SiteId,
    id: Uuid,
    req: UpdateOAuthClient,
) -> ApiResult<OAuthClient> {
    let mut c = Checks::new();
    let name = req.name.as_deref().map(|n| c.name("name", n, 128));
    if let Some(uris) = &req.redirect_uris {
        check_uris(&mut c, uris);
    }
    c.finish()?;
    let changes = OAuthClientChanges {
        name,
        redirect_uris: req.redirect_uris,
    };
    Ok(app.store.oauth().update_client(site, id, changes).await?)
}

/// Deletes the client and revokes every token it holds.
pub async fn delete_client(app: &AppState, site: SiteId, id: Uuid) -> ApiResult<()> {
    app.store.oauth().delete_client(site, id).await?;
    app.auth.invalidate_tokens();
    Ok(())
}

// ---- handlers ----------------------------------------------------------------------------

/// List the site's OAuth clients (by name). Admins only.
#[utoipa::path(get, path = "/api/v3/oauth/clients", tag = "oauth",
    responses((status = 200, description = "The clients", body = OAuthClientList)))]
async fn list(
    Admin(caller): Admin,
    State(app): State<AppState>,
) -> ApiResult<Json<OAuthClientList>> {
    let clients = app.store.oauth().list_clients(caller.site_id).await?;
    Ok(Json(OAuthClientList {
        oauth_clients: clients.into_iter().map(OAuthClientView::from).collect(),
    }))
}

/// Register an OAuth client. A confidential client's secret is in this answer only. Admins only.
#[utoipa::path(post, path = "/api/v3/oauth/clients", tag = "oauth", request_body = CreateOAuthClient,
    responses((status = 201, description = "Created", body = CreatedOAuthClient)))]
async fn create(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<CreateOAuthClient>,
) -> ApiResult<Response> {
    let (client, client_secret) = create_client(&app, caller.site_id, req).await?;
    Ok(created(CreatedOAuthClient {
        oauth_client: client.into(),
        client_secret,
    }))
}

/// Get an OAuth client. Admins only.
#[utoipa::path(get, path = "/api/v3/oauth/clients/{id}", tag = "oauth",
    params(("id" = Uuid, Path, description = "Client id (client_id)")),
    responses((status = 200, description = "The client", body = OAuthClientEnvelope)))]
async fn get(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<OAuthClientEnvelope>> {
    let client = app.store.oauth().get_client(caller.site_id, id).await?;
    Ok(Json(OAuthClientEnvelope {
        oauth_client: client.into(),
    }))
}

/// Update an OAuth client's name or redirect URIs. Admins only.
#[utoipa::path(put, path = "/api/v3/oauth/clients/{id}", tag = "oauth", request_body = UpdateOAuthClient,
    params(("id" = Uuid, Path, description = "Client id (client_id)")),
    responses((status = 200, description = "The updated client", body = OAuthClientEnvelope)))]
async fn update(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateOAuthClient>,
) -> ApiResult<Json<OAuthClientEnvelope>> {
    let client = update_client(&app, caller.site_id, id, req).await?;
    Ok(Json(OAuthClientEnvelope {
        oauth_client: client.into(),
    }))
}

/// Delete an OAuth client; every token it holds is revoked. Admins only.
#[utoipa::path(delete, path = "/api/v3/oauth/clients/{id}", tag = "oauth",
    params(("id" = Uuid, Path, description = "Client id (client_id)")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    delete_client(&app, caller.site_id, id).await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
}
