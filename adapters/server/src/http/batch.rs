//! Batch ids (SPEC §3): `{"ids":[…]}` in the JSON body, or `?ids=1&ids=2` in the query.

use super::error::ApiError;
use super::extract::{parse_json, parse_query, read_body};
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// At most this many ids per batch request.
pub const MAX_BATCH: usize = 1000;

/// The ids a batch endpoint acts on: non-empty, without duplicates, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchIds<T>(pub Vec<T>);

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct IdsQuery<T> {
    #[serde(default)]
    ids: Vec<T>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, bound = "T: DeserializeOwned")]
struct IdsBody<T> {
    ids: Vec<T>,
}

pub(crate) fn checked<T: PartialEq>(ids: Vec<T>) -> Result<BatchIds<T>, ApiError> {
    if ids.is_empty() {
        return Err(ApiError::invalid("ids", "give at least one id"));
    }
    if ids.len() > MAX_BATCH {
        return Err(ApiError::invalid("ids", format!("at most {MAX_BATCH} ids")));
    }
    let mut unique: Vec<T> = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    Ok(BatchIds(unique))
}

impl<S, T> FromRequest<S> for BatchIds<T>
where
    S: Send + Sync,
    T: DeserializeOwned + PartialEq + Send,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query: IdsQuery<T> = parse_query(req.uri().query().unwrap_or(""))?;
        if !query.ids.is_empty() {
            return checked(query.ids);
        }
        let body = read_body(req, state).await?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::invalid(
                "ids",
                "give ids in the body or the query",
            ));
        }
        let body: IdsBody<T> = parse_json(&body)?;
        checked(body.ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    async fn extract(uri: &str, body: &'static str) -> Result<BatchIds<i64>, ApiError> {
        let req = Request::builder()
            .uri(uri)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        BatchIds::<i64>::from_request(req, &()).await
    }

    #[tokio::test]
    async fn from_query_or_body() {
        assert_eq!(
            extract("/x?ids=1&ids=2&ids=1", "").await.unwrap().0,
            vec![1, 2]
        );
        assert_eq!(
            extract("/x", r#"{"ids":[3,4]}"#).await.unwrap().0,
            vec![3, 4]
        );
        assert!(extract("/x", r#"{"ids":[]}"#).await.is_err());
        assert!(extract("/x", "").await.is_err());
        assert!(extract("/x", r#"{"ids":[1],"x":1}"#).await.is_err());
        assert!(extract("/x?ids=a", "").await.is_err());
    }
}
