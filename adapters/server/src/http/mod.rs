//! Reusable HTTP pieces for every resource: the error type, extractors, pagination, batch
//! ids, validation, the route table and the request gate.

pub mod batch;
pub mod error;
pub mod extract;
pub mod gate;
pub mod operation_ids;
pub mod pagination;
pub mod routes;
pub mod validate;

pub use batch::BatchIds;
pub use error::{ApiError, ApiResult};
pub use extract::{ApiJson, ApiPath, ApiQuery};
pub use pagination::{Page, PageLinks};
pub use validate::Checks;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// 201 Created with a body (create endpoints answer the singular envelope).
pub fn created<T: serde::Serialize>(body: T) -> Response {
    (StatusCode::CREATED, axum::Json(body)).into_response()
}

/// 204 No Content ("Response: http status code" in the seeds).
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
