//! Implementations of the application's repository ports.

mod audit_log;
mod one_time_tokens;
mod reference_data;
mod resources;
mod sessions;
mod users;
mod write;

pub use audit_log::SeaOrmAuditLog;
pub use one_time_tokens::SeaOrmOneTimeTokenRepository;
pub use reference_data::SeaOrmReferenceDataRepository;
pub use resources::SeaOrmResourceRepository;
pub use sessions::SeaOrmSessionRepository;
pub use users::SeaOrmUserRepository;
