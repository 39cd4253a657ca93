//! Use cases, one service per area.

pub mod accounts;
pub mod attachments;
pub mod breaches;
pub mod comments;
pub mod data_export;
pub mod engagement;
pub mod erasure;
mod health;
pub mod identity;
pub mod moderation;
pub mod notifications;
pub mod privacy;
mod reference_data;
pub mod resources;
pub mod retention;
pub mod statistics;
pub mod subject_requests;
pub mod write_limits;

pub use accounts::{AccountAdminPorts, AccountAdminService};
pub use attachments::{AttachmentPolicy, AttachmentPorts, AttachmentService};
pub use breaches::{BreachPorts, BreachService};
pub use comments::{CommentPolicy, CommentPorts, CommentService};
pub use data_export::{DataExportPolicy, DataExportPorts, DataExportService};
pub use engagement::{EngagementPorts, EngagementService};
pub use erasure::{ErasurePolicy, ErasurePorts, ErasureService};
pub use health::HealthService;
pub use identity::{IdentityPolicy, IdentityPorts, IdentityService};
pub use moderation::{ModerationPolicy, ModerationPorts, ModerationService};
pub use notifications::{NotificationPolicy, NotificationPorts, NotificationService};
pub use privacy::{PrivacyPorts, PrivacyService};
pub use reference_data::ReferenceDataService;
pub use resources::{ResourcePorts, ResourceService};
pub use retention::{ProcessingRegisterService, RetentionPolicy, RetentionPorts, RetentionService};
pub use statistics::{StatisticsPolicy, StatisticsPorts, StatisticsService};
pub use subject_requests::{SubjectRequestPorts, SubjectRequestService};
pub use write_limits::{Rate, WriteAction, WriteLimitPolicy, WriteLimiter};
