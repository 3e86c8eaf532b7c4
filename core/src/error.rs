//! The core's one error type. The server maps it to HTTP once; `anytime eval` and the wasm
//! package print it as `{"error":{"code","message","details"}}`.

use serde::Serialize;

/// One failing input, named so a client can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// The field (or argument path, e.g. `conditions.list[2].value`) that failed.
    pub field: String,
    pub message: String,
    /// 0-based character offset of the fault, for text that is parsed (logical expressions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

impl ErrorDetail {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            position: None,
        }
    }

    pub fn at(field: impl Into<String>, position: usize, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            position: Some(position),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// The input is malformed or breaks a rule; `details` lists every failing field
    /// (HTTP 400 `validationFailed`).
    #[error("{message}")]
    Validation {
        message: String,
        details: Vec<ErrorDetail>,
    },
    /// The command conflicts with the current state, e.g. merging a conversation into
    /// itself (HTTP 409 `conflict`).
    #[error("{message}")]
    Conflict { message: String },
    /// A referenced object does not exist (HTTP 404 `notFound`).
    #[error("{message}")]
    NotFound { message: String },
}

impl CoreError {
    /// A validation error with a single failing field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let detail = ErrorDetail::new(field, message);
        Self::Validation {
            message: format!("{}: {}", detail.field, detail.message),
            details: vec![detail],
        }
    }

    /// A validation error listing several failing fields (must not be empty).
    pub fn invalid_fields(message: impl Into<String>, details: Vec<ErrorDetail>) -> Self {
        Self::Validation {
            message: message.into(),
            details,
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound {
            message: message.into(),
        }
    }

    /// The machine-readable code of SPEC §3.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "validationFailed",
            Self::Conflict { .. } => "conflict",
            Self::NotFound { .. } => "notFound",
        }
    }

    pub fn details(&self) -> &[ErrorDetail] {
        match self {
            Self::Validation { details, .. } => details,
            _ => &[],
        }
    }

    /// Prefixes every detail's field with `prefix.` (for errors raised inside a nested object).
    pub fn nested(self, prefix: &str) -> Self {
        match self {
            Self::Validation { message, details } => Self::Validation {
                // A message that starts with its field's name ("field: reason") names the
                // nested path too; a summary ("invalid trigger") stays as it is.
                message: if details
                    .first()
                    .is_some_and(|d| message.starts_with(&format!("{}:", d.field)))
                {
                    format!("{prefix}.{message}")
                } else {
                    message
                },
                details: details
                    .into_iter()
                    .map(|d| ErrorDetail {
                        field: format!("{prefix}.{}", d.field),
                        ..d
                    })
                    .collect(),
            },
            other => other,
        }
    }

    /// The JSON body shared by the API, `anytime eval` and the wasm package.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "error": { "code": self.code(), "message": self.to_string(), "details": self.details() }
        })
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
