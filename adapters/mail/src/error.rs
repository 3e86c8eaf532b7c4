//! The adapter's one error type; the server maps it to 4xx (bad input) or a delivery state.

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The bytes are not a message this adapter can read (`field` names what is wrong).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

impl MailError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}
