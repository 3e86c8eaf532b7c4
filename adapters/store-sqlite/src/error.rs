//! The store's one error type. The server maps it to HTTP once (404, 409, 400, else 500).

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist in the caller's site (other sites' objects look the same).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The change breaks a uniqueness or consistency rule (e.g. a duplicate email).
    #[error("{message}")]
    Conflict { message: String },
    /// A referenced object is missing or unusable; `field` names the request field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The change would go over a size limit (413).
    #[error("{0}")]
    TooLarge(String),
    /// The database file is newer than this binary or a migration failed.
    #[error("migration: {0}")]
    Migration(String),
    /// The writer thread or a worker is gone (shutting down, or a bug that panicked).
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A decision of the core refused the change (validation, conflict, not found).
    #[error(transparent)]
    Core(#[from] anytime_core::CoreError),
    /// Anything else SQLite reports: an I/O problem or a bug, never the caller's input.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    pub fn not_found(what: &'static str) -> Self {
        Self::NotFound { what }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
