//! Errors of the application layer and of the ports it calls.

use std::error::Error as StdError;

/// Boxed cause kept for the logs; never shown to clients.
pub type Cause = Box<dyn StdError + Send + Sync + 'static>;

/// What a repository port reports when it cannot do its job.
#[derive(Debug, thiserror::Error)]
pub enum RepositoryError {
    /// The store cannot be reached right now (connection refused, pool exhausted, timeout).
    /// Retrying later may succeed.
    #[error("the database is unavailable")]
    Unavailable(#[source] Cause),
    /// A uniqueness rule of the store was violated.
    #[error("a record with the same unique key already exists")]
    Conflict(#[source] Cause),
    /// Any other failure: a bug or corrupt data.
    #[error("unexpected repository failure")]
    Internal(#[source] Cause),
}

/// One faulty input of a command, for validation problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// The input's name as the client sent it (camelCase).
    pub field: &'static str,
    /// Stable machine code (`invalid_email`, `password_too_short`, …).
    pub code: &'static str,
    /// Explanation for people.
    pub message: String,
}

impl FieldViolation {
    /// A violation of `field`.
    #[must_use]
    pub fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            code,
            message: message.into(),
        }
    }
}

/// Failure of a use case, with a stable machine [`code`](AppError::code).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The command's inputs break the rules; one entry per faulty input.
    #[error("invalid input")]
    Invalid(Vec<FieldViolation>),
    /// No valid identity: bad credentials, bad or revoked token. The code says which.
    #[error("not authenticated: {0}")]
    Unauthenticated(&'static str),
    /// Authenticated, but not allowed. The code says why.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The object does not exist or the caller may not see it.
    #[error("not found")]
    NotFound,
    /// A single-use link or challenge token is unknown, used or expired.
    #[error("invalid or expired token")]
    InvalidToken,
    /// Too many attempts; retry after this many seconds.
    #[error("too many attempts")]
    TooManyAttempts {
        /// Seconds until a new attempt is accepted.
        retry_after_secs: u64,
    },
    /// The account wrote too much of one kind (comments, reports, resources)
    /// lately; retry after this many seconds. See `services::write_limits`.
    #[error("too many writes")]
    WriteRateLimited {
        /// Seconds until the write would be accepted.
        retry_after_secs: u64,
    },
    /// A named uniqueness or state rule (`username_taken`, …).
    #[error("conflict: {0}")]
    ConflictWith(&'static str),
    /// What was asked for existed and is gone for good (an export already
    /// downloaded or expired). The code says which.
    #[error("gone: {0}")]
    Gone(&'static str),
    /// The content sent is larger than allowed.
    #[error("content too large")]
    TooLarge {
        /// The limit, in bytes.
        limit_bytes: u64,
    },
    /// The content sent is not of a type the use case accepts. The code says which rule.
    #[error("unsupported content: {0}")]
    UnsupportedContent(&'static str),
    /// A backing service (the database, the hasher) is unavailable; the client may retry.
    #[error("a backing service is unavailable")]
    Unavailable(#[source] Cause),
    /// The request conflicts with the current state.
    #[error("the request conflicts with the current state")]
    Conflict(#[source] Cause),
    /// Unexpected failure; details go to the logs only.
    #[error("internal error")]
    Internal(#[source] Cause),
}

impl AppError {
    /// Stable machine code of the error, part of the public API contract.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "validation_failed",
            Self::Unauthenticated(code)
            | Self::Forbidden(code)
            | Self::ConflictWith(code)
            | Self::Gone(code)
            | Self::UnsupportedContent(code) => code,
            Self::TooLarge { .. } => "payload_too_large",
            Self::NotFound => "not_found",
            Self::InvalidToken => "invalid_or_expired_token",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::WriteRateLimited { .. } => "write_rate_limited",
            Self::Unavailable(_) => "service_unavailable",
            Self::Conflict(_) => "conflict",
            Self::Internal(_) => "internal_error",
        }
    }

    /// A single validation failure.
    #[must_use]
    pub fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldViolation::new(field, code, message)])
    }

    /// An unexpected failure with this cause.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        Self::Internal(cause.into())
    }
}

impl From<RepositoryError> for AppError {
    fn from(err: RepositoryError) -> Self {
        match err {
            RepositoryError::Unavailable(cause) => Self::Unavailable(cause),
            RepositoryError::Conflict(cause) => Self::Conflict(cause),
            RepositoryError::Internal(cause) => Self::Internal(cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cause() -> Cause {
        "boom".into()
    }

    #[test]
    fn repository_errors_keep_their_meaning() {
        assert_eq!(
            AppError::from(RepositoryError::Unavailable(cause())).code(),
            "service_unavailable"
        );
        assert_eq!(
            AppError::from(RepositoryError::Conflict(cause())).code(),
            "conflict"
        );
        assert_eq!(
            AppError::from(RepositoryError::Internal(cause())).code(),
            "internal_error"
        );
    }
}
