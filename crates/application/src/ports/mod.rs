//! Ports: the traits the use cases need, implemented by adapters.
//!
//! One trait per file, named for its role. Each method documents its contract.

mod access_tokens;
mod account_directory;
mod account_erasure;
mod archive_format;
mod attachment_repository;
mod audit_log;
mod blob_store;
mod breach_register;
mod catalogue;
mod clock;
mod comment_repository;
mod consent_repository;
mod data_export_repository;
mod database_health;
mod engagement_repository;
mod feature_flags;
mod field_cipher;
mod mailer;
mod moderation_log;
mod moderation_queue;
mod notification_repository;
mod notifier;
mod one_time_tokens;
mod password_hasher;
mod password_strength;
mod personal_data;
mod privacy_policies;
mod reference_data_repository;
mod report_repository;
mod resource_repository;
mod retention_store;
mod secret_tokens;
mod session_repository;
mod staff_access_journal;
mod statistics;
mod statistics_query;
mod subject_requests;
mod totp;
mod user_repository;

pub use access_tokens::{AccessClaims, AccessTokens, PublicSigningKey, TokenError};
pub use account_directory::{
    AccountDirectory, AccountSummary, DirectoryQuery, Standing, StandingFilter,
};
pub use account_erasure::{
    AccountErasure, ErasureOutcome, ErasurePlan, UsernameReservation, UsernameReservations,
};
pub use archive_format::{ArchiveFormat, ArchiveHeader, ArchiveWriter};
pub use attachment_repository::{AttachmentRecord, AttachmentRepository};
pub use audit_log::{AuditEntry, AuditEvent, AuditLog, ChainVerification};
pub use blob_store::{BlobError, BlobStore, ByteSource, OpenedBlob, StoredBlob};
pub use breach_register::{Attached, BreachRegister, RegisteredBreach};
pub use catalogue::{
    CatalogueAudience, CatalogueCursor, CatalogueEntry, CatalogueQuery, CatalogueSort,
    ResourceCatalogue,
};
pub use clock::{Clock, SystemClock};
pub use comment_repository::{CommentRecord, CommentRepository, ThreadComment, ThreadCursor};
pub use consent_repository::ConsentRepository;
pub use data_export_repository::DataExportRepository;
pub use database_health::{DatabaseHealth, PoolStatus};
pub use engagement_repository::{
    EngagementRepository, ProgressCursor, ProgressItem, ProgressList, ProgressMark, ProgressTally,
};
pub use feature_flags::FeatureFlagRepository;
pub use field_cipher::{
    BlindIndex, CryptoError, FieldCipher, SealedProfile, fields, open_profile, seal_profile,
};
pub use mailer::{MailError, Mailer, OutgoingEmail};
pub use moderation_log::{LoggedModeration, ModerationEntry, ModerationLog, ModerationLogQuery};
pub use moderation_queue::{ModerationQueue, QueueCursor, QueueEntry, QueueQuery, QueuedReport};
pub use notification_repository::{InboxFilter, NotificationRepository};
pub use notifier::Notifier;
pub use one_time_tokens::{OneTimeToken, OneTimeTokenRepository, TokenPurpose};
pub use password_hasher::{HashingError, PasswordHasher, Verification};
pub use password_strength::{PasswordStrength, StrengthEstimate};
pub use personal_data::{
    ExportRow, ExportSection, ExportValue, PersonalData, SectionCursor, SectionPage,
};
pub use privacy_policies::PrivacyPolicyRepository;
pub use reference_data_repository::ReferenceDataRepository;
pub use report_repository::{Filed, ReportRecord, ReportRepository};
pub use resource_repository::{ResourceAuthor, ResourceRecord, ResourceRepository};
pub use retention_store::{AuditPrefix, Expiring, Inactivity, RetentionStore};
pub use secret_tokens::{SecretToken, SecretTokens};
pub use session_repository::{SessionRecord, SessionRepository};
pub use staff_access_journal::{JournalCursor, JournalEntry, StaffAccess, StaffAccessJournal};
pub use statistics::{Consultation, Search, StatisticsRecorder};
pub use statistics_query::{
    RelationFilter, SplitKey, StatisticsQuery, TallyFilters, TallyRequest, TallyRow,
};
pub use subject_requests::{
    RequestAction, RequestCursor, RequestEvent, RequestQuery, RequestStatusFilter,
    SubjectRequestRepository,
};
pub use totp::Totp;
pub use user_repository::UserRepository;

#[cfg(any(test, feature = "test-util"))]
pub use {
    access_tokens::MockAccessTokens, audit_log::MockAuditLog, catalogue::MockResourceCatalogue,
    clock::MockClock, database_health::MockDatabaseHealth, field_cipher::MockBlindIndex,
    mailer::MockMailer, notifier::MockNotifier, one_time_tokens::MockOneTimeTokenRepository,
    password_hasher::MockPasswordHasher, password_strength::MockPasswordStrength,
    reference_data_repository::MockReferenceDataRepository, secret_tokens::MockSecretTokens,
    session_repository::MockSessionRepository, statistics::MockStatisticsRecorder, totp::MockTotp,
    user_repository::MockUserRepository,
};

#[cfg(any(test, feature = "test-util"))]
pub use engagement_repository::MockEngagementRepository;

#[cfg(any(test, feature = "test-util"))]
pub use comment_repository::MockCommentRepository;

#[cfg(any(test, feature = "test-util"))]
pub use notification_repository::MockNotificationRepository;

#[cfg(any(test, feature = "test-util"))]
pub use {attachment_repository::MockAttachmentRepository, blob_store::MockBlobStore};

#[cfg(any(test, feature = "test-util"))]
pub use {
    moderation_log::MockModerationLog, moderation_queue::MockModerationQueue,
    report_repository::MockReportRepository,
};

#[cfg(any(test, feature = "test-util"))]
pub use {account_directory::MockAccountDirectory, staff_access_journal::MockStaffAccessJournal};

#[cfg(any(test, feature = "test-util"))]
pub use statistics_query::MockStatisticsQuery;

#[cfg(any(test, feature = "test-util"))]
pub use {data_export_repository::MockDataExportRepository, personal_data::MockPersonalData};

#[cfg(any(test, feature = "test-util"))]
pub use {
    consent_repository::MockConsentRepository, privacy_policies::MockPrivacyPolicyRepository,
};

#[cfg(any(test, feature = "test-util"))]
pub use {
    account_erasure::{MockAccountErasure, MockUsernameReservations},
    subject_requests::MockSubjectRequestRepository,
};

#[cfg(any(test, feature = "test-util"))]
pub use {breach_register::MockBreachRegister, retention_store::MockRetentionStore};

#[cfg(any(test, feature = "test-util"))]
pub use feature_flags::MockFeatureFlagRepository;
