//! RFC 6749 §5.2 error answers of the token and revocation endpoints:
//! `{"error":"invalid_grant","error_description":"…"}`, never cached.

use crate::http::error::ApiError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of a failed token or revocation request.
#[derive(Debug, Serialize, ToSchema)]
pub struct OAuthErrorBody {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
    /// `unsupported_grant_type`, `invalid_scope`, or `too_many_requests` (429).
    pub error: &'static str,
    pub error_description: String,
}

#[derive(Debug)]
pub struct OAuthError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
    pub retry_after: Option<u64>,
}

impl OAuthError {
    fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            code,
            description: description.into(),
            retry_after: None,
        }
    }

    pub fn invalid_request(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", d)
    }

    /// 401 with `WWW-Authenticate: Basic` (the client authenticates with HTTP Basic).
    pub fn invalid_client(d: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", d)
    }

    pub fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", d)
    }

    pub fn unsupported_grant_type(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unsupported_grant_type", d)
    }

    pub fn invalid_scope(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", d)
    }
}

/// Store failures and the failed-auth limit keep their own statuses, in OAuth's shape.
impl From<ApiError> for OAuthError {
    fn from(e: ApiError) -> Self {
        let retry_after = match &e {
            ApiError::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let code = match &e {
            ApiError::RateLimited { .. } => "too_many_requests",
            _ if e.status().is_server_error() => "server_error",
            _ => "invalid_request",
        };
        if e.status().is_server_error() {
            tracing::error!("{e}");
        }
        let description = if e.status().is_server_error() {
            "internal error; see the server log".to_string()
        } else {
            e.to_string()
        };
        Self {
            status: e.status(),
            code,
            description,
            retry_after,
        }
    }
}

impl From<anytime_store::StoreError> for OAuthError {
    fn from(e: anytime_store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

/// Answers that carry tokens (or their absence) must not be cached (RFC 6749 §5.1).
pub fn no_store(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = OAuthErrorBody {
            error: self.code,
            error_description: self.description,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        no_store(&mut response);
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"anytime-oauth\""),
            );
        }
        if let Some(s) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}
