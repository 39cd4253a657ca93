//! Turning DTO fields into domain values, collecting every violation with the
//! field's name as the client sent it.

use rr_application::{AppError, FieldViolation};
use rr_domain::DomainError;

/// Collects parse results; [`Fields::finish`] fails with all violations at once.
#[derive(Debug, Default)]
pub struct Fields {
    violations: Vec<FieldViolation>,
}

impl Fields {
    /// Parses `raw` for `field`, remembering a failure.
    pub fn parse<T>(
        &mut self,
        field: &'static str,
        raw: &str,
        parse: impl FnOnce(&str) -> Result<T, DomainError>,
    ) -> Option<T> {
        match parse(raw) {
            Ok(value) => Some(value),
            Err(err) => {
                self.violations
                    .push(FieldViolation::new(field, err.code(), err.to_string()));
                None
            }
        }
    }

    /// Parses an optional field.
    pub fn parse_opt<T>(
        &mut self,
        field: &'static str,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, DomainError>,
    ) -> Option<Option<T>> {
        match raw {
            None => Some(None),
            Some(raw) => self.parse(field, raw, parse).map(Some),
        }
    }

    /// Records a violation found otherwise.
    pub fn violation(
        &mut self,
        field: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) {
        self.violations
            .push(FieldViolation::new(field, code, message));
    }

    /// `Ok` when nothing was refused.
    ///
    /// # Errors
    /// [`AppError::Invalid`] with every violation.
    pub fn finish(self) -> Result<(), AppError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.violations))
        }
    }
}

/// Unwraps values that [`Fields::finish`] proved present.
///
/// # Errors
/// [`AppError::Internal`] if called with a missing value (a bug).
pub fn present<T>(value: Option<T>) -> Result<T, AppError> {
    value.ok_or_else(|| AppError::internal("a parsed field is missing after validation"))
}
