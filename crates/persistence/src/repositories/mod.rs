//! Implementations of the application's repository ports.

mod attachments;
mod audit_log;
mod catalogue;
mod engagement;
mod one_time_tokens;
mod reference_data;
mod resources;
mod sessions;
mod users;
pub(crate) mod write;

pub use attachments::SeaOrmAttachmentRepository;
pub use audit_log::SeaOrmAuditLog;
pub use catalogue::SeaOrmResourceCatalogue;
pub use engagement::SeaOrmEngagementRepository;
pub use one_time_tokens::SeaOrmOneTimeTokenRepository;
pub use reference_data::SeaOrmReferenceDataRepository;
pub use resources::SeaOrmResourceRepository;
pub use sessions::SeaOrmSessionRepository;
pub use users::SeaOrmUserRepository;
