use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rr_application::ports::AttachmentRepository;
use rr_application::ports::EngagementRepository;
use rr_application::ports::{
    AuditLog, DatabaseHealth, OneTimeTokenRepository, ReferenceDataRepository, ResourceRepository,
    SessionRepository, UserRepository,
};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, DatabaseConnection};
use secrecy::ExposeSecret;

use crate::SeaOrmEngagementRepository;
use crate::{
    DatabaseSettings, PersistenceError, SeaOrmAuditLog, SeaOrmDatabaseHealth,
    SeaOrmOneTimeTokenRepository, SeaOrmReferenceDataRepository, SeaOrmResourceRepository,
    SeaOrmSessionRepository, SeaOrmUserRepository,
};

/// The database engines the product runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Embedded, single file: the default for development and small installations.
    Sqlite,
    /// MariaDB (MySQL protocol): production.
    MariaDb,
}

impl Engine {
    /// The engine a URL names.
    ///
    /// # Errors
    /// [`PersistenceError::UnsupportedUrl`] for any scheme but `sqlite:` and `mysql:`/`mariadb:`.
    pub fn of_url(url: &str) -> Result<Self, PersistenceError> {
        let scheme = url
            .split_once(':')
            .map(|(scheme, _)| scheme)
            .unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "mysql" | "mariadb" => Ok(Self::MariaDb),
            _ => Err(PersistenceError::UnsupportedUrl(redact(url))),
        }
    }

    /// Lower-case name, for logs and metrics.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::MariaDb => "mariadb",
        }
    }
}

/// Scheme and host of a URL, never its credentials, for error messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => format!(
            "{}://{}",
            parsed.scheme(),
            parsed.host_str().unwrap_or_default()
        ),
        Err(_) => "<unparsable URL>".to_owned(),
    }
}

/// An open pool of connections to the product's database.
#[derive(Debug, Clone)]
pub struct Database {
    pub(crate) conn: DatabaseConnection,
    engine: Engine,
    ping_timeout: Duration,
    /// Shared by every handle [`Database::audit_log`] gives out, so that the
    /// process appends one entry at a time.
    audit_log: SeaOrmAuditLog,
    /// Shared by every handle [`Database::comments`] gives out, so that a
    /// write through one drops the pages the others kept.
    comment_threads: Arc<crate::repositories::ThreadCache>,
}

impl Database {
    /// Opens the pool. A SQLite file and its directory are created when missing.
    ///
    /// # Errors
    /// [`PersistenceError`] when the URL is unsupported, the directory cannot be
    /// created or the database refuses the connection.
    pub async fn connect(settings: &DatabaseSettings) -> Result<Self, PersistenceError> {
        let url = settings.url.expose_secret();
        let engine = Engine::of_url(url)?;
        // sqlx only knows the `mysql` scheme; `mariadb://` is accepted as a synonym.
        let url = match url.strip_prefix("mariadb:") {
            Some(rest) => format!("mysql:{rest}"),
            None => url.to_owned(),
        };
        if engine == Engine::Sqlite {
            create_sqlite_directory(&url)?;
        }
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(settings.max_connections)
            .min_connections(settings.min_connections)
            .connect_timeout(Duration::from_millis(settings.connect_timeout_ms))
            .acquire_timeout(Duration::from_millis(settings.acquire_timeout_ms))
            // A pooled MariaDB connection may have been closed by the server
            // (restart, `wait_timeout`): test it before handing it out. A SQLite
            // connection is a file handle that cannot go stale, and testing it
            // costs a round trip to its worker thread before every query.
            .test_before_acquire(engine == Engine::MariaDb)
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.create_if_missing(true)
                    .foreign_keys(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
            });
        let conn = sea_orm::Database::connect(options)
            .await
            .map_err(PersistenceError::Connect)?;
        Ok(Self {
            audit_log: SeaOrmAuditLog::new(conn.clone()),
            comment_threads: Arc::default(),
            conn,
            engine,
            ping_timeout: Duration::from_millis(settings.ping_timeout_ms),
        })
    }

    /// The engine behind this pool.
    #[must_use]
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The catalogue of published resources on this pool.
    #[must_use]
    pub fn catalogue(&self) -> Arc<dyn rr_application::ports::ResourceCatalogue> {
        Arc::new(crate::SeaOrmResourceCatalogue::new(self.conn.clone()))
    }

    /// The catalogue, taking words that match more than `common_matches`
    /// resources for common ones (to test both of its search plans).
    #[cfg(feature = "test-util")]
    #[must_use]
    pub fn catalogue_with_common_matches(
        &self,
        common_matches: i64,
    ) -> Arc<dyn rr_application::ports::ResourceCatalogue> {
        Arc::new(crate::SeaOrmResourceCatalogue::with_common_matches(
            self.conn.clone(),
            common_matches,
        ))
    }

    /// Statistics counters writing to this pool (start their flusher with
    /// [`crate::BufferedStatistics::spawn_flusher`]).
    #[must_use]
    pub fn statistics(&self, capacity: usize) -> crate::BufferedStatistics {
        crate::BufferedStatistics::new(self.conn.clone(), capacity)
    }

    /// The administrators' statistics read from this pool.
    #[must_use]
    pub fn statistics_query(&self) -> Arc<dyn rr_application::ports::StatisticsQuery> {
        Arc::new(crate::SeaOrmStatisticsQuery::new(self.conn.clone()))
    }

    /// The reference data repository on this pool.
    #[must_use]
    pub fn reference_data(&self) -> Arc<dyn ReferenceDataRepository> {
        Arc::new(SeaOrmReferenceDataRepository::new(self.conn.clone()))
    }

    /// The account repository on this pool.
    #[must_use]
    pub fn users(&self) -> Arc<dyn UserRepository> {
        Arc::new(SeaOrmUserRepository::new(self.conn.clone()))
    }

    /// Each account's privacy choices (consents, objections, restriction) on this pool.
    #[must_use]
    pub fn consents(&self) -> Arc<dyn rr_application::ports::ConsentRepository> {
        Arc::new(crate::SeaOrmConsentRepository::new(self.conn.clone()))
    }

    /// The published versions of the privacy policy on this pool.
    #[must_use]
    pub fn privacy_policies(&self) -> Arc<dyn rr_application::ports::PrivacyPolicyRepository> {
        Arc::new(crate::SeaOrmPrivacyPolicyRepository::new(self.conn.clone()))
    }

    /// Exports of persons' data (the requests and their state) on this pool.
    #[must_use]
    pub fn data_exports(&self) -> Arc<dyn rr_application::ports::DataExportRepository> {
        Arc::new(crate::SeaOrmDataExportRepository::new(self.conn.clone()))
    }

    /// Everything stored about a person, section by section, on this pool.
    #[must_use]
    pub fn personal_data(&self) -> Arc<dyn rr_application::ports::PersonalData> {
        Arc::new(crate::SeaOrmPersonalData::new(self.conn.clone()))
    }

    /// The erasure of accounts on this pool; it drops the pages of comment
    /// threads every handle of [`Database::comments`] keeps.
    #[must_use]
    pub fn account_erasure(&self) -> Arc<dyn rr_application::ports::AccountErasure> {
        Arc::new(crate::SeaOrmAccountErasure::new(
            self.conn.clone(),
            Arc::clone(&self.comment_threads),
        ))
    }

    /// The usernames of erased accounts, reserved for a while, on this pool.
    #[must_use]
    pub fn username_reservations(&self) -> Arc<dyn rr_application::ports::UsernameReservations> {
        Arc::new(crate::SeaOrmUsernameReservations::new(self.conn.clone()))
    }

    /// Data-subject requests received outside the application, on this pool.
    #[must_use]
    pub fn subject_requests(&self) -> Arc<dyn rr_application::ports::SubjectRequestRepository> {
        Arc::new(crate::SeaOrmSubjectRequestRepository::new(
            self.conn.clone(),
        ))
    }

    /// The administrators' directory of accounts on this pool.
    #[must_use]
    pub fn account_directory(&self) -> Arc<dyn rr_application::ports::AccountDirectory> {
        Arc::new(crate::SeaOrmAccountDirectory::new(self.conn.clone()))
    }

    /// The staff access journal on this pool.
    #[must_use]
    pub fn staff_access_journal(&self) -> Arc<dyn rr_application::ports::StaffAccessJournal> {
        Arc::new(crate::SeaOrmStaffAccessJournal::new(self.conn.clone()))
    }

    /// The session repository on this pool.
    #[must_use]
    pub fn sessions(&self) -> Arc<dyn SessionRepository> {
        Arc::new(SeaOrmSessionRepository::new(self.conn.clone()))
    }

    /// The single-use token repository on this pool.
    #[must_use]
    pub fn one_time_tokens(&self) -> Arc<dyn OneTimeTokenRepository> {
        Arc::new(SeaOrmOneTimeTokenRepository::new(self.conn.clone()))
    }

    /// The resource repository on this pool.
    #[must_use]
    pub fn resources(&self) -> Arc<dyn ResourceRepository> {
        Arc::new(SeaOrmResourceRepository::new(self.conn.clone()))
    }

    /// The attachment repository on this pool (the content is in a [`crate::FsBlobStore`]).
    #[must_use]
    pub fn attachments(&self) -> Arc<dyn AttachmentRepository> {
        Arc::new(crate::SeaOrmAttachmentRepository::new(self.conn.clone()))
    }

    /// The comment repository on this pool. Every handle shares one memory
    /// of thread pages (see [`Database::cache_comment_threads`]).
    #[must_use]
    pub fn comments(&self) -> Arc<dyn rr_application::ports::CommentRepository> {
        Arc::new(crate::SeaOrmCommentRepository::with_cache(
            self.conn.clone(),
            Arc::clone(&self.comment_threads),
        ))
    }

    /// Keeps each page of a comment thread read through [`Database::comments`]
    /// for `ttl`, `capacity` pages at most (zero for either: none, the
    /// default). A write through any of them drops its resource's pages at
    /// once; other processes' writes show when the page expires.
    pub fn cache_comment_threads(&self, ttl: Duration, capacity: usize) {
        self.comment_threads.configure(ttl, capacity);
    }

    /// The favourites and progress repository on this pool.
    #[must_use]
    pub fn engagement(&self) -> Arc<dyn EngagementRepository> {
        Arc::new(SeaOrmEngagementRepository::new(self.conn.clone()))
    }

    /// The inboxes of notifications on this pool.
    #[must_use]
    pub fn notifications(&self) -> Arc<dyn rr_application::ports::NotificationRepository> {
        Arc::new(crate::SeaOrmNotificationRepository::new(self.conn.clone()))
    }

    /// Citizens' reports on this pool.
    #[must_use]
    pub fn reports(&self) -> Arc<dyn rr_application::ports::ReportRepository> {
        Arc::new(crate::SeaOrmReportRepository::new(self.conn.clone()))
    }

    /// The moderation log on this pool.
    #[must_use]
    pub fn moderation_log(&self) -> Arc<dyn rr_application::ports::ModerationLog> {
        Arc::new(crate::SeaOrmModerationLog::new(self.conn.clone()))
    }

    /// The moderators' queue on this pool.
    #[must_use]
    pub fn moderation_queue(&self) -> Arc<dyn rr_application::ports::ModerationQueue> {
        Arc::new(crate::SeaOrmModerationQueue::new(self.conn.clone()))
    }

    /// The audit log on this pool. Every handle shares one append lock.
    #[must_use]
    pub fn audit_log(&self) -> Arc<dyn AuditLog> {
        Arc::new(self.audit_log.clone())
    }

    /// What the retention purge deletes, finds and aggregates, on this pool.
    #[must_use]
    pub fn retention_store(&self) -> Arc<dyn rr_application::ports::RetentionStore> {
        Arc::new(crate::SeaOrmRetentionStore::new(self.conn.clone()))
    }

    /// The breach register on this pool.
    #[must_use]
    pub fn breach_register(&self) -> Arc<dyn rr_application::ports::BreachRegister> {
        Arc::new(crate::SeaOrmBreachRegister::new(self.conn.clone()))
    }

    /// The feature flags.
    #[must_use]
    pub fn feature_flags(&self) -> Arc<dyn rr_application::ports::FeatureFlagRepository> {
        Arc::new(crate::SeaOrmFeatureFlagRepository::new(self.conn.clone()))
    }

    /// The readiness probe on this pool.
    #[must_use]
    pub fn health(&self) -> Arc<dyn DatabaseHealth> {
        Arc::new(SeaOrmDatabaseHealth::new(
            self.conn.clone(),
            self.ping_timeout,
        ))
    }

    /// Closes every connection of the pool.
    ///
    /// # Errors
    /// [`PersistenceError::Connect`] if the driver fails to close.
    pub async fn close(self) -> Result<(), PersistenceError> {
        self.conn.close().await.map_err(PersistenceError::Connect)
    }
}

fn create_sqlite_directory(url: &str) -> Result<(), PersistenceError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|_| PersistenceError::UnsupportedUrl(redact(url)))?;
    let Some(directory) = options.get_filename().parent() else {
        return Ok(());
    };
    if directory.as_os_str().is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(directory).map_err(|source| PersistenceError::CreateDirectory {
        path: directory.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_are_told_by_scheme() {
        assert_eq!(
            Engine::of_url("sqlite://data/rr.sqlite").unwrap(),
            Engine::Sqlite
        );
        assert_eq!(
            Engine::of_url("mysql://rr:pw@db:3306/rr").unwrap(),
            Engine::MariaDb
        );
        assert_eq!(
            Engine::of_url("mariadb://rr:pw@db/rr").unwrap(),
            Engine::MariaDb
        );
    }

    #[test]
    fn an_unsupported_url_is_refused_without_leaking_credentials() {
        let err = Engine::of_url("postgres://admin:hunter2@db/rr")
            .unwrap_err()
            .to_string();
        assert!(err.contains("postgres://db"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
}
