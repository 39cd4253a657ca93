//! Use cases of Ressources Relationnelles and the ports they need.
//!
//! Second ring of the hexagon: it depends on `rr-domain` only. Adapters
//! (persistence, security, HTTP) implement the traits of [`ports`] and call the
//! services of [`services`]; no type of theirs appears here.
//!
//! Entry points: [`services::ReferenceDataService`], [`services::HealthService`],
//! the port traits (repositories, [`ports::PasswordHasher`], …), and [`AppError`], whose [`AppError::code`] is part of the API
//! contract. With the `test-util` feature, [`test_util`] offers in-memory fakes.

pub mod error;
pub mod ports;
pub mod services;
#[cfg(feature = "test-util")]
pub mod test_util;

pub use error::{AppError, FieldViolation, RepositoryError};
