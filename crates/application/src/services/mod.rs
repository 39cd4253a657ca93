//! Use cases, one service per area.

pub mod accounts;
pub mod attachments;
pub mod comments;
pub mod engagement;
mod health;
pub mod identity;
pub mod moderation;
pub mod notifications;
mod reference_data;
pub mod resources;
pub mod statistics;
pub mod write_limits;

pub use accounts::{AccountAdminPorts, AccountAdminService};
pub use attachments::{AttachmentPolicy, AttachmentPorts, AttachmentService};
pub use comments::{CommentPolicy, CommentPorts, CommentService};
pub use engagement::{EngagementPorts, EngagementService};
pub use health::HealthService;
pub use identity::{IdentityPolicy, IdentityPorts, IdentityService};
pub use moderation::{ModerationPolicy, ModerationPorts, ModerationService};
pub use notifications::{NotificationPolicy, NotificationPorts, NotificationService};
pub use reference_data::ReferenceDataService;
pub use resources::{ResourcePorts, ResourceService};
pub use statistics::{StatisticsPolicy, StatisticsPorts, StatisticsService};
pub use write_limits::{Rate, WriteAction, WriteLimitPolicy, WriteLimiter};
