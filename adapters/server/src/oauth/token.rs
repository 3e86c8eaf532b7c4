//! `POST /oauth/token` (RFC 6749 §4.1.3, §6 with rotation) and `POST /oauth/revoke`
//! (RFC 7009). Client authentication: `client_secret_basic` for confidential clients,
//! `client_id` in the form (`none`) for public ones. Wrong client credentials and refused
//! grants count toward the failed-authentication limit of the client's address.

use super::error::{no_store, OAuthError};
use super::params::Params;
use super::pkce::{check_code, CodeProblem, Exchange};
use super::{ClientAddr, ACCESS_LIFETIME_SECS, REFRESH_LIFETIME_SECS, SCOPE};
use crate::app::AppState;
use crate::auth::keys::{generate_secret, hash_key};
use anytime_store::{CodeRedemption, OAuthClient, RefreshOutcome, TokenPair};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Duration;
use serde::Serialize;
use std::net::IpAddr;
use utoipa::ToSchema;
use uuid::Uuid;

/// A successful token answer (RFC 6749 §5.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenAnswer {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds the access token lives: 3600.
    pub expires_in: i64,
    /// Single use: each refresh answers a new one and retires this one.
    pub refresh_token: String,
    pub scope: String,
}

/// The token endpoint's form.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documents the form; the handler reads it as `Params`
pub struct TokenForm {
    /// `authorization_code` or `refresh_token`.
    grant_type: String,
    /// Public clients only (confidential ones use HTTP Basic).
    client_id: Option<String>,
    /// `authorization_code`: the code from the redirect.
    code: Option<String>,
    /// `authorization_code`: the same redirect URI as in the authorization request.
    redirect_uri: Option<String>,
    /// `authorization_code`: the PKCE verifier (43–128 characters).
    code_verifier: Option<String>,
    /// `refresh_token`: the latest refresh token.
    refresh_token: Option<String>,
    /// `refresh_token`: optional, `api`.
    scope: Option<String>,
}

/// The revocation endpoint's form.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documents the form; the handler reads it as `Params`
pub struct RevokeForm {
    token: String,
    /// `access_token` or `refresh_token` (optional; both kinds are found either way).
    token_type_hint: Option<String>,
    /// Public clients only.
    client_id: Option<String>,
}

fn form_params(headers: &HeaderMap, body: &[u8]) -> Result<Params, OAuthError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(OAuthError::invalid_request(
            "send the parameters as application/x-www-form-urlencoded",
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| OAuthError::invalid_request("the body is not UTF-8"))?;
    let p = Params::parse(text);
    if let Some(name) = p.repeated() {
        return Err(OAuthError::invalid_request(format!(
            "{name} appears more than once"
        )));
    }
    Ok(p)
}

fn required<'a>(p: &'a Params, name: &str) -> Result<&'a str, OAuthError> {
    p.get(name)
        .ok_or_else(|| OAuthError::invalid_request(format!("{name} is missing")))
}

/// `client_id:client_secret` from HTTP Basic (each form-urlencoded, RFC 6749 §2.3.1).
fn basic_client(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || OAuthError::invalid_client("malformed Authorization header");
    let value = value.to_str().map_err(|_| bad())?.trim();
    let (scheme, rest) = value.split_once(' ').ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(OAuthError::invalid_client(
            "authenticate the client with HTTP Basic",
        ));
    }
    let decoded = STANDARD.decode(rest.trim()).map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some((unescape(id), unescape(secret))))
}

/// The form of a token or revocation request and the client that sent it.
async fn authenticated_form(
    app: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    addr: IpAddr,
) -> Result<(Params, OAuthClient), OAuthError> {
    let p = form_params(headers, body)?;
    let client = client(app, headers, &p, addr).await?;
    Ok((p, client))
}

/// Authenticates the client; failures count toward the address's failed-auth limit.
async fn client(
    app: &AppState,
    headers: &HeaderMap,
    p: &Params,
    addr: IpAddr,
) -> Result<OAuthClient, OAuthError> {
    app.auth.too_many_failures(None, addr)?;
    let result = identify_client(app, headers, p).await;
    if let Err(e) = &result {
        if e.code == "invalid_client" {
            app.auth.failed(None, addr);
            app.metrics.auth_failed();
        }
    }
    result
}

async fn identify_client(
    app: &AppState,
    headers: &HeaderMap,
    p: &Params,
) -> Result<OAuthClient, OAuthError> {
    if p.get("client_secret").is_some() {
        return Err(OAuthError::invalid_client(
            "client_secret_post is not supported; use HTTP Basic (client_secret_basic)",
        ));
    }
    let basic = basic_client(headers)?;
    let id = match (&basic, p.get("client_id")) {
        (Some((id, _)), Some(form)) if id != form => {
            return Err(OAuthError::invalid_request(
                "client_id differs from the one in the Authorization header",
            ))
        }
        (Some((id, _)), _) => id.as_str(),
        (None, Some(form)) => form,
        (None, None) => return Err(OAuthError::invalid_client("client_id is missing")),
    };
    let unknown = || OAuthError::invalid_client("unknown client or wrong client secret");
    let id = Uuid::parse_str(id).map_err(|_| unknown())?;
    let (client, secret_hash) = app
        .store
        .oauth()
        .find_client(id)
        .await?
        .ok_or_else(unknown)?;
    match (secret_hash, basic) {
        (Some(stored), Some((_, secret))) if hash_key(&secret) == stored => Ok(client),
        (Some(_), Some(_)) => Err(unknown()),
        (Some(_), None) => Err(OAuthError::invalid_client(
            "this client is confidential: authenticate with HTTP Basic",
        )),
        (None, Some(_)) => Err(OAuthError::invalid_client(
            "this client is public and has no secret: send client_id in the form",
        )),
        (None, None) => Ok(client),
    }
}

/// A fresh pair: the secrets to answer with and their hashes to store.
fn new_pair() -> (String, String, TokenPair) {
    let now = anytime_store::now();
    let (access, access_hash) = generate_secret("ato_");
    let (refresh, refresh_hash) = generate_secret("atr_");
    (
        access,
        refresh,
        TokenPair {
            access: access_hash,
            access_expires: now + Duration::seconds(ACCESS_LIFETIME_SECS),
            refresh: refresh_hash,
            refresh_expires: now + Duration::seconds(REFRESH_LIFETIME_SECS),
        },
    )
}

fn answer(access_token: String, refresh_token: String, scope: String) -> Response {
    let mut r = Json(TokenAnswer {
        access_token,
        token_type: "Bearer",
        expires_in: ACCESS_LIFETIME_SECS,
        refresh_token,
        scope,
    })
    .into_response();
    no_store(&mut r);
    r
}

async fn code_grant(
    app: &AppState,
    client: &OAuthClient,
    p: &Params,
) -> Result<Response, OAuthError> {
    let code = required(p, "code")?;
    let redirect_uri = required(p, "redirect_uri")?.to_string();
    let verifier = required(p, "code_verifier")?.to_string();
    let (access, refresh, pair) = new_pair();
    let client_id = client.id;
    let now = anytime_store::now();
    let outcome = app
        .store
        .oauth()
        .redeem_code(hash_key(code), Uuid::new_v4(), pair, now, move |stored| {
            check_code(
                stored,
                &Exchange {
                    client_id,
                    redirect_uri: &redirect_uri,
                    code_verifier: &verifier,
                    now,
                },
            )
        })
        .await?;
    match outcome {
        CodeRedemption::Issued { scope } => Ok(answer(access, refresh, scope)),
        CodeRedemption::Unknown => Err(OAuthError::invalid_grant("unknown authorization code")),
        CodeRedemption::Replayed => {
            app.auth.invalidate_tokens();
            Err(OAuthError::invalid_grant(
                "the authorization code was already used; the tokens it gave are revoked",
            ))
        }
        CodeRedemption::Rejected(problem) => {
            Err(OAuthError::invalid_grant(CodeProblem::describe(problem)))
        }
        CodeRedemption::AgentInactive => Err(OAuthError::invalid_grant(
            "the agent who signed in is disabled",
        )),
    }
}

async fn refresh_grant(
    app: &AppState,
    client: &OAuthClient,
    p: &Params,
) -> Result<Response, OAuthError> {
    let token = required(p, "refresh_token")?;
    if let Some(scope) = p.get("scope") {
        if scope.split(' ').any(|s| !s.is_empty() && s != SCOPE) {
            return Err(OAuthError::invalid_scope(format!(
                "the only scope is {SCOPE:?}"
            )));
        }
    }
    let (access, refresh, pair) = new_pair();
    let outcome = app
        .store
        .oauth()
        .rotate_refresh(hash_key(token), client.id, pair, anytime_store::now())
        .await?;
    match outcome {
        RefreshOutcome::Issued { scope } => Ok(answer(access, refresh, scope)),
        RefreshOutcome::Invalid => Err(OAuthError::invalid_grant(
            "unknown, expired or revoked refresh token",
        )),
        RefreshOutcome::Reused => {
            app.auth.invalidate_tokens();
            Err(OAuthError::invalid_grant(
                "this refresh token was already used; every token of this authorization is revoked",
            ))
        }
    }
}

/// Exchange a code or a refresh token for tokens (OAuth 2.0 token endpoint). Answers carry
/// `Cache-Control: no-store`; errors are RFC 6749 §5.2 (`invalid_grant` 400,
/// `invalid_client` 401, …).
#[utoipa::path(post, path = "/oauth/token", tag = "oauth", security(()),
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "New tokens", body = TokenAnswer),
        (status = 400, description = "invalid_request, invalid_grant, unsupported_grant_type, invalid_scope", body = super::error::OAuthErrorBody),
        (status = 401, description = "invalid_client", body = super::error::OAuthErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = super::error::OAuthErrorBody),
    ))]
pub async fn token(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let (p, client) = authenticated_form(&app, &headers, &body, addr).await?;
    let result = match required(&p, "grant_type")? {
        "authorization_code" => code_grant(&app, &client, &p).await,
        "refresh_token" => refresh_grant(&app, &client, &p).await,
        other => Err(OAuthError::unsupported_grant_type(format!(
            "grant_type {other:?} is not supported; use authorization_code or refresh_token"
        ))),
    };
    if let Err(e) = &result {
        if e.code == "invalid_grant" {
            app.auth.failed(None, addr);
            app.metrics.auth_failed();
        }
    }
    result
}

/// Revoke a token (RFC 7009). A refresh token takes every token of its authorization with
/// it. Unknown tokens and other clients' tokens also answer 200 (nothing to learn).
#[utoipa::path(post, path = "/oauth/revoke", tag = "oauth", security(()),
    request_body(content = RevokeForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Revoked (or nothing to revoke)"),
        (status = 400, description = "invalid_request", body = super::error::OAuthErrorBody),
        (status = 401, description = "invalid_client", body = super::error::OAuthErrorBody),
    ))]
pub async fn revoke(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let (p, client) = authenticated_form(&app, &headers, &body, addr).await?;
    let token = required(&p, "token")?;
    if app.store.oauth().revoke(hash_key(token), client.id).await? {
        app.auth.invalidate_tokens();
    }
    let mut r = StatusCode::OK.into_response();
    no_store(&mut r);
    Ok(r)
}
