//! `GET /.well-known/oauth-authorization-server` (RFC 8414).

use super::SCOPE;
use crate::app::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;
use serde::Serialize;
use url::Url;
use utoipa::ToSchema;

/// Authorization server metadata (RFC 8414 §2).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServerMetadata {
    /// The server's public base URL, without a path.
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub revocation_endpoint: String,
    pub response_types_supported: Vec<&'static str>,
    pub grant_types_supported: Vec<&'static str>,
    pub code_challenge_methods_supported: Vec<&'static str>,
    pub token_endpoint_auth_methods_supported: Vec<&'static str>,
    pub revocation_endpoint_auth_methods_supported: Vec<&'static str>,
    pub scopes_supported: Vec<&'static str>,
    pub service_documentation: String,
}

/// `--public-url`'s origin, else `http://` and the request's `Host` (a server without a
/// configured public URL is being reached directly).
fn issuer(public_url: Option<&str>, headers: &HeaderMap) -> String {
    if let Some(url) = public_url.and_then(|u| Url::parse(u).ok()) {
        let origin = url.origin();
        if origin.is_tuple() {
            return origin.ascii_serialization();
        }
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

pub fn metadata(public_url: Option<&str>, headers: &HeaderMap) -> ServerMetadata {
    let issuer = issuer(public_url, headers);
    let auth_methods = vec!["none", "client_secret_basic"];
    ServerMetadata {
        authorization_endpoint: format!("{issuer}/oauth/authorize"),
        token_endpoint: format!("{issuer}/oauth/token"),
        revocation_endpoint: format!("{issuer}/oauth/revoke"),
        response_types_supported: vec!["code"],
        grant_types_supported: vec!["authorization_code", "refresh_token"],
        code_challenge_methods_supported: vec!["S256"],
        token_endpoint_auth_methods_supported: auth_methods.clone(),
        revocation_endpoint_auth_methods_supported: auth_methods,
        scopes_supported: vec![SCOPE],
        service_documentation: format!("{issuer}/docs"),
        issuer,
    }
}

/// OAuth 2.0 authorization server metadata (RFC 8414).
#[utoipa::path(get, path = "/.well-known/oauth-authorization-server", tag = "oauth", security(()),
    responses((status = 200, description = "The server's OAuth metadata", body = ServerMetadata)))]
pub async fn well_known(State(app): State<AppState>, headers: HeaderMap) -> Json<ServerMetadata> {
    Json(metadata(app.config.public_url.as_deref(), &headers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn issuer_is_the_public_origin_without_a_path() {
        let h = HeaderMap::new();
        let m = metadata(Some("https://desk.example.com/base/"), &h);
        assert_eq!(m.issuer, "https://desk.example.com");
        assert_eq!(m.token_endpoint, "https://desk.example.com/oauth/token");
        assert_eq!(m.code_challenge_methods_supported, vec!["S256"]);
    }

    #[test]
    fn without_a_public_url_the_host_header_is_used_if_sane() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(metadata(None, &h).issuer, "http://127.0.0.1:8080");
        h.insert(header::HOST, HeaderValue::from_static("evil/x?y"));
        assert_eq!(metadata(None, &h).issuer, "http://localhost");
    }
}
