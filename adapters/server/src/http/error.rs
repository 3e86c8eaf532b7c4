//! The API's one error type and its one mapping to HTTP (SPEC §3): every failure, from a bad
//! body to a panic, leaves as `{"error":{"code","message","details"}}` with the right status.

use anytime_core::{CoreError, ErrorDetail};
use anytime_store::StoreError;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Everything a handler or extractor can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Validation (400), conflict (409) or not found (404) from the core's rules.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// No usable credentials (401). `WWW-Authenticate: Basic` goes with it.
    #[error("{0}")]
    Unauthorized(String),
    /// The caller's role may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// An object that does not exist in the caller's site (404).
    #[error("{0}")]
    NotFound(String),
    /// A path the API does not serve (404 `routeNotFound`).
    #[error("no route for {0}")]
    RouteNotFound(String),
    /// A known path with another method (405, with `Allow`).
    #[error("method not allowed; allowed: {}", allowed_list(.0))]
    MethodNotAllowed(Vec<Method>),
    #[error("{0}")]
    Conflict(String),
    /// Request body over the limit (413).
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Not a JSON body where one is required (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Too many requests or failed sign-ins (429, with `Retry-After` in seconds).
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    /// An external check failed (422), e.g. a mail server refused the login; the message is
    /// the server's words.
    #[error("{0}")]
    CheckFailed(String),
    /// A dependency is down (503), e.g. `/readyz` without a database.
    #[error("{0}")]
    Unavailable(String),
    /// A bug or an I/O failure (500). The message is logged, never sent.
    #[error("{0}")]
    Internal(String),
}

fn allowed_list(methods: &[Method]) -> String {
    methods
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The error body of every failing answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorInfo,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorInfo {
    /// Machine-readable: `validationFailed`, `unauthorized`, `forbidden`, `notFound`,
    /// `routeNotFound`, `methodNotAllowed`, `conflict`, `payloadTooLarge`,
    /// `unsupportedMediaType`, `rateLimited`, `unavailable`, `internalError`.
    pub code: &'static str,
    pub message: String,
    pub details: Vec<ErrorDetailBody>,
}

/// One failing field.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetailBody {
    pub field: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

impl From<&ErrorDetail> for ErrorDetailBody {
    fn from(d: &ErrorDetail) -> Self {
        Self {
            field: d.field.clone(),
            message: d.message.clone(),
            position: d.position,
        }
    }
}

impl ApiError {
    /// A 400 naming one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Core(CoreError::invalid(field, message))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Core(CoreError::Validation { .. }) => StatusCode::BAD_REQUEST,
            ApiError::Core(CoreError::Conflict { .. }) | ApiError::Conflict(_) => {
                StatusCode::CONFLICT
            }
            ApiError::Core(CoreError::NotFound { .. })
            | ApiError::NotFound(_)
            | ApiError::RouteNotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::CheckFailed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Core(e) => e.code(),
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "notFound",
            ApiError::RouteNotFound(_) => "routeNotFound",
            ApiError::MethodNotAllowed(_) => "methodNotAllowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge(_) => "payloadTooLarge",
            ApiError::UnsupportedMediaType(_) => "unsupportedMediaType",
            ApiError::RateLimited { .. } => "rateLimited",
            ApiError::CheckFailed(_) => "checkFailed",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internalError",
        }
    }

    pub fn body(&self) -> ErrorBody {
        let message = match self {
            // Internal details stay in the log.
            ApiError::Internal(_) => "internal error; see the server log".to_string(),
            other => other.to_string(),
        };
        let details = match self {
            ApiError::Core(e) => e.details().iter().map(ErrorDetailBody::from).collect(),
            _ => Vec::new(),
        };
        ErrorBody {
            error: ErrorInfo {
                code: self.code(),
                message,
                details,
            },
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what } => ApiError::NotFound(format!("{what} not found")),
            StoreError::Conflict { message } => ApiError::Conflict(message),
            StoreError::Invalid { field, message } => ApiError::invalid(field, message),
            StoreError::Unavailable(m) => ApiError::Unavailable(m),
            StoreError::Core(c) => ApiError::Core(c),
            StoreError::TooLarge(m) => ApiError::PayloadTooLarge(m),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(code = self.code(), "{self}");
        }
        let mut response = (status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        match &self {
            ApiError::Unauthorized(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"anytime\", charset=\"UTF-8\""),
                );
                headers.append(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"anytime\""),
                );
            }
            ApiError::MethodNotAllowed(methods) => {
                if let Ok(v) = HeaderValue::from_str(&allowed_list(methods)) {
                    headers.insert(header::ALLOW, v);
                }
            }
            ApiError::RateLimited { retry_after, .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_name_their_field() {
        let body = ApiError::invalid("email", "not an address").body();
        let json = serde_json::to_value(body).unwrap();
        assert_eq!(json["error"]["code"], "validationFailed");
        assert_eq!(json["error"]["details"][0]["field"], "email");
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let e = ApiError::Internal("disk on fire at /secret/path".into());
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.body().error.message.contains("secret"));
    }

    #[test]
    fn store_errors_map_to_statuses() {
        assert_eq!(
            ApiError::from(StoreError::not_found("agent")).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            ApiError::from(StoreError::conflict("dup")).status(),
            StatusCode::CONFLICT
        );
        assert_eq!(
            ApiError::from(StoreError::invalid("members[0]", "no agent")).status(),
            StatusCode::BAD_REQUEST
        );
    }
}
