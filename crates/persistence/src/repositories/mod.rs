//! Implementations of the application's repository ports.

mod attachments;
mod audit_log;
mod catalogue;
mod comment_cache;
mod comments;
mod engagement;
mod moderation;
mod notifications;
mod one_time_tokens;
mod reference_data;
mod resources;
mod sessions;
mod staff_access;
mod statistics_query;
mod users;
pub(crate) mod write;

pub use attachments::SeaOrmAttachmentRepository;
pub use audit_log::SeaOrmAuditLog;
pub use catalogue::SeaOrmResourceCatalogue;
pub(crate) use comment_cache::ThreadCache;
pub use comments::SeaOrmCommentRepository;
pub use engagement::SeaOrmEngagementRepository;
pub use moderation::{SeaOrmModerationLog, SeaOrmModerationQueue, SeaOrmReportRepository};
pub use notifications::SeaOrmNotificationRepository;
pub use one_time_tokens::SeaOrmOneTimeTokenRepository;
pub use reference_data::SeaOrmReferenceDataRepository;
pub use resources::SeaOrmResourceRepository;
pub use sessions::SeaOrmSessionRepository;
pub use staff_access::{SeaOrmAccountDirectory, SeaOrmStaffAccessJournal};
pub use statistics_query::SeaOrmStatisticsQuery;
pub use users::SeaOrmUserRepository;
