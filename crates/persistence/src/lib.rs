//! Persistence adapter: the application's repository ports on sea-orm, for
//! SQLite (the embedded default) and MariaDB (production).
//!
//! Outer ring of the hexagon. It depends on `rr-application` (the ports it
//! implements), `rr-domain` (the types they exchange) and `rr-migrations`; never
//! on another adapter. ORM entities are private to this crate: rows are mapped to
//! domain types in `mapping` and never leave. Instants are stored in UTC to the
//! microsecond on both engines.
//!
//! Entry points: [`DatabaseSettings`], [`Database::connect`], the repositories it
//! hands out, and [`map_db_err`], the one place where database errors get a meaning.
//! [`bulk`] writes synthetic data sets in bulk (`rr-server seed`).
//! Attachments' content is kept apart, in files: [`FsBlobStore`].

pub mod backup;
mod blob_store;
pub mod bulk;
mod connect;
mod entities;
mod error;
mod health;
mod mapping;
mod migrate;
mod repositories;
mod settings;
mod statistics;
#[cfg(feature = "test-util")]
pub mod testing;

pub use blob_store::{FsBlobStore, StorageSettings};
pub use connect::{Database, Engine};
pub use error::{PersistenceError, map_db_err};
pub use health::SeaOrmDatabaseHealth;
pub use migrate::MigrationState;
pub use repositories::SeaOrmAttachmentRepository;
pub use repositories::SeaOrmCommentRepository;
pub use repositories::SeaOrmEngagementRepository;
pub use repositories::SeaOrmFeatureFlagRepository;
pub use repositories::SeaOrmNotificationRepository;
pub use repositories::SeaOrmStatisticsQuery;
pub use repositories::SeaOrmSubjectRequestRepository;
pub use repositories::{SeaOrmAccountDirectory, SeaOrmStaffAccessJournal};
pub use repositories::{SeaOrmAccountErasure, SeaOrmUsernameReservations};
pub use repositories::{
    SeaOrmAuditLog, SeaOrmOneTimeTokenRepository, SeaOrmReferenceDataRepository,
    SeaOrmResourceCatalogue, SeaOrmResourceRepository, SeaOrmSessionRepository,
    SeaOrmUserRepository,
};
pub use repositories::{SeaOrmBreachRegister, SeaOrmRetentionStore};
pub use repositories::{SeaOrmConsentRepository, SeaOrmPrivacyPolicyRepository};
pub use repositories::{SeaOrmDataExportRepository, SeaOrmPersonalData};
pub use repositories::{SeaOrmModerationLog, SeaOrmModerationQueue, SeaOrmReportRepository};
pub use settings::DatabaseSettings;
pub use statistics::{BufferedStatistics, FlushReport, StatisticsSettings};
