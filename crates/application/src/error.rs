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

/// Failure of a use case, with a stable machine [`code`](AppError::code).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A backing service (the database) is unavailable; the client may retry.
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
            Self::Unavailable(_) => "service_unavailable",
            Self::Conflict(_) => "conflict",
            Self::Internal(_) => "internal_error",
        }
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
