//! Ports: the traits the use cases need, implemented by adapters.
//!
//! One trait per file, named for its role. Each method documents its contract.

mod database_health;
mod password_hasher;
mod reference_data_repository;

pub use database_health::{DatabaseHealth, PoolStatus};
pub use password_hasher::{HashingError, PasswordHasher, Verification};
pub use reference_data_repository::ReferenceDataRepository;

#[cfg(any(test, feature = "test-util"))]
pub use database_health::MockDatabaseHealth;
#[cfg(any(test, feature = "test-util"))]
pub use password_hasher::MockPasswordHasher;
#[cfg(any(test, feature = "test-util"))]
pub use reference_data_repository::MockReferenceDataRepository;
