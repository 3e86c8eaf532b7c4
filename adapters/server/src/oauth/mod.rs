//! OAuth 2.0 for API clients (SPEC §4.15): the client registry, the authorization endpoint's
//! sign-in page, the token and revocation endpoints, and the server metadata. Access tokens
//! are checked by the same extractor as API keys (`auth/bearer.rs`); everything here only
//! issues and revokes them.

pub mod authorize;
pub mod clients;
pub mod error;
pub mod metadata;
pub mod page;
pub mod params;
pub mod pkce;
pub mod redirect_uri;
pub mod token;

use crate::app::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::IpAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The one scope: a token can do what its agent's API key can.
pub const SCOPE: &str = "api";
/// A code must be exchanged within this many seconds.
pub const CODE_LIFETIME_SECS: i64 = 60;
pub const ACCESS_LIFETIME_SECS: i64 = 3600;
/// Refresh tokens live 30 days; each rotation starts a new 30 days.
pub const REFRESH_LIFETIME_SECS: i64 = 30 * 24 * 3600;

/// The peer address, for the failed-authentication limit.
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(crate::auth::client_addr(parts)))
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(clients::router())
        .routes(routes!(
            authorize::authorize_page,
            authorize::authorize_submit
        ))
        .routes(routes!(token::token))
        .routes(routes!(token::revoke))
        .routes(routes!(metadata::well_known))
}
