//! The request gate, in front of the router: resolves the path against the route table
//! (aliases, case-insensitive segments, JSON 404/405 for what is not served) and records
//! request metrics by route template.

use super::error::ApiError;
use super::routes::{Resolution, RouteTable};
use crate::ops::metrics::Metrics;
use axum::extract::{Request, State};
use axum::http::uri::PathAndQuery;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone)]
pub struct Gate {
    pub routes: Arc<RouteTable>,
    pub metrics: Arc<Metrics>,
}

fn with_path(uri: &Uri, path: &str) -> Option<Uri> {
    let pq = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(pq).ok()?);
    Uri::from_parts(parts).ok()
}

pub async fn gate(State(gate): State<Gate>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    gate.metrics.request_started();
    let (route, response) = match gate.routes.resolve(&method, req.uri().path()) {
        Resolution::Found { template, path } => {
            if path != req.uri().path() {
                match with_path(req.uri(), &path) {
                    Some(uri) => *req.uri_mut() = uri,
                    None => {
                        let e = ApiError::RouteNotFound(req.uri().path().to_string());
                        gate.metrics.request_finished(
                            &method,
                            "unmatched",
                            e.status(),
                            started.elapsed(),
                        );
                        return e.into_response();
                    }
                }
            }
            (template.to_string(), next.run(req).await)
        }
        Resolution::MethodNotAllowed { template, allowed } => (
            template.to_string(),
            ApiError::MethodNotAllowed(allowed).into_response(),
        ),
        Resolution::NotFound => (
            "unmatched".to_string(),
            ApiError::RouteNotFound(req.uri().path().to_string()).into_response(),
        ),
    };
    gate.metrics
        .request_finished(&method, &route, response.status(), started.elapsed());
    response
}
