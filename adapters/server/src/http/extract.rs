//! Extractors whose rejections are [`ApiError`]s, so a bad body, query or path id gets the
//! API's error format (never axum's plain-text rejections).

use super::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

/// The request body limit of SPEC §3 (attachments have their own).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A JSON request body: 415 unless `Content-Type` is JSON, 413 over [`BODY_LIMIT`], 400 with
/// the failing field (unknown fields included) when it does not fit `T`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Turns a serde error at `path` into a 400 naming the field.
fn field_error(path: &str, message: &str) -> ApiError {
    let quoted = message.split('`').nth(1).filter(|s| !s.is_empty());
    let base = if path == "." { "" } else { path };
    let join = |name: &str| {
        // serde_path_to_error already ends the path with an unknown field's name.
        if base == name || base.ends_with(&format!(".{name}")) {
            base.to_string()
        } else if base.is_empty() {
            name.to_string()
        } else {
            format!("{base}.{name}")
        }
    };
    let field = match quoted {
        Some(name)
            if message.starts_with("unknown field") || message.starts_with("missing field") =>
        {
            join(name)
        }
        _ if base.is_empty() => "body".to_string(),
        _ => base.to_string(),
    };
    // serde's "expected one of …" lists are long; keep the first clause.
    let message = message.split(", expected one of").next().unwrap_or(message);
    ApiError::invalid(field, message)
}

/// Parses JSON bytes into `T`, naming the failing field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid("body", "a JSON body is required"));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::invalid("body", format!("malformed JSON: {inner}"))
        } else {
            field_error(&path, &inner.to_string())
        }
    })?;
    Ok(value)
}

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !is_json(content_type) {
            return Err(ApiError::UnsupportedMediaType(format!(
                "expected Content-Type: application/json, got {:?}",
                content_type
            )));
        }
        let bytes = read_body(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Reads the whole body within [`BODY_LIMIT`].
pub async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "the request body is larger than {BODY_LIMIT} bytes"
            ))
        } else {
            ApiError::invalid("body", rejection.body_text())
        }
    })
}

/// Query parameters (repeated keys fill a `Vec`: `?ids=1&ids=2`); 400 names the parameter.
#[derive(Debug, Clone, Default)]
pub struct ApiQuery<T>(pub T);

/// Parses a query string into `T`, naming the failing parameter.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_html_form::Deserializer::from_bytes(query.as_bytes());
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let err = field_error(&path, &message);
        match err {
            // A query failure without a path is still about the query, not a body.
            ApiError::Core(anytime_core::CoreError::Validation { ref details, .. })
                if details.first().is_some_and(|d| d.field == "body") =>
            {
                ApiError::invalid("query", message)
            }
            other => other,
        }
    })
}

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or("")).map(ApiQuery)
    }
}

/// A path id (`/agents/{id}`); an id that cannot exist is a 404, like a missing one.
#[derive(Debug, Clone, Copy)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(rejection) => Err(ApiError::NotFound(format!(
                "not found: {}",
                rejection.body_text()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        list: Vec<u32>,
    }

    fn field_of(e: ApiError) -> String {
        match e {
            ApiError::Core(c) => c.details()[0].field.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_unknown_missing_and_mistyped_fields() {
        assert_eq!(
            field_of(parse_json::<Body>(br#"{"name":"a","nmae":1}"#).unwrap_err()),
            "nmae"
        );
        assert_eq!(field_of(parse_json::<Body>(br#"{}"#).unwrap_err()), "name");
        assert_eq!(
            field_of(parse_json::<Body>(br#"{"name":"a","inner":{"list":[1,"x"]}}"#).unwrap_err()),
            "inner.list[1]"
        );
        assert_eq!(
            field_of(parse_json::<Body>(br#"{"name":"a","inner":{"bad":1}}"#).unwrap_err()),
            "inner.bad"
        );
        assert_eq!(field_of(parse_json::<Body>(b"{oops").unwrap_err()), "body");
        assert_eq!(field_of(parse_json::<Body>(b"  ").unwrap_err()), "body");
    }

    #[test]
    fn json_content_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json(""));
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Q {
        page_index: Option<u64>,
        #[serde(default)]
        ids: Vec<i64>,
    }

    #[test]
    fn queries_collect_repeated_keys_and_name_bad_params() {
        let q: Q = parse_query("ids=1&ids=2&pageIndex=3").unwrap();
        assert_eq!((q.ids, q.page_index), (vec![1, 2], Some(3)));
        assert_eq!(
            field_of(parse_query::<Q>("pageIndex=x").unwrap_err()),
            "pageIndex"
        );
    }
}
