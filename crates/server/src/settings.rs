//! Layered configuration: `config/default.toml`, then `config/<profile>.toml`,
//! then `RR_…` environment variables (`__` separates levels:
//! `RR_DATABASE__URL` sets `database.url`). Unknown keys are an error, wherever
//! they come from.
//!
//! The shipped files are also compiled into the binary: a file missing from the
//! configuration directory falls back to its shipped content.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use rr_http::HttpSettings;
use rr_mail::{MailSettings, Transport};
use rr_persistence::{DatabaseSettings, Engine, StorageSettings};
use rr_security::{KeySettings, PasswordHashingSettings};
use secrecy::ExposeSecret;
use serde::Deserialize;

/// Every setting of the server. Each adapter owns its section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `[http]`: listening address, limits, timeouts.
    pub http: HttpSettings,
    /// `[database]`: URL, pool, migrations.
    pub database: DatabaseSettings,
    /// `[storage]`: where attachments' content is kept.
    pub storage: StorageSettings,
    /// `[telemetry]`: log format and filter.
    pub telemetry: TelemetrySettings,
    /// `[identity]`: accounts and sessions.
    pub identity: IdentitySettings,
    /// `[resources]`: limits of the resource use cases.
    pub resources: ResourceSettings,
    /// `[security]`: password hashing and key material.
    pub security: SecuritySettings,
    /// `[mail]`: outgoing mail.
    pub mail: MailSettings,
    /// `[statistics]`: counting of consultations and searches.
    pub statistics: rr_persistence::StatisticsSettings,
    /// `[limits]`: per-account budgets.
    pub limits: LimitSettings,
    /// `[notifications]`: how long the inboxes keep notifications.
    pub notifications: NotificationSettings,
    /// `[comments]`: depth of threads and size of their pages.
    pub comments: CommentSettings,
    /// `[moderation]`: reports and the automatic hold.
    pub moderation: ModerationSettings,
    /// `[exports]`: exports of one's data (access and portability).
    pub exports: ExportSettings,
    /// `[erasure]`: erasing accounts.
    pub erasure: ErasureSettings,
    /// `[retention]`: how long personal data is kept, and who answers for it.
    pub retention: RetentionSettings,
    /// `[features]`: feature flags, evaluated from each node's memory.
    pub features: FeatureSettings,
    /// `[backup]`: the keys backups are encrypted to and signed with.
    #[serde(default)]
    pub backup: crate::backup::BackupSettings,
}

/// `[features]`: feature flags (ADR 0028). Each API node answers from the
/// flags it holds in memory and reads them again this often.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureSettings {
    /// Seconds between two reads of the flags by each node: how late, at
    /// most, a change made through another node reaches this one. At
    /// least 1.
    pub refresh_secs: std::num::NonZeroU64,
}

impl FeatureSettings {
    /// The time between two reads of the flags.
    #[must_use]
    pub fn refresh_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.refresh_secs.get())
    }
}

/// `[retention]`: how long personal data is kept (ADR 0025), applied by
/// `rr-server gdpr purge` and stated by the register of processing
/// activities, which also names the controller.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Years without a login or a session refresh after which a citizen's
    /// account is erased. At least 1.
    pub inactive_account_years: std::num::NonZeroU32,
    /// Days before that erasure the person is warned by mail (once). At
    /// least 1, less than the inactivity.
    pub inactivity_notice_days: std::num::NonZeroU32,
    /// Days ended sessions (expired or revoked) and expired single-use links
    /// are kept. At least 1.
    pub ended_sessions_days: std::num::NonZeroU32,
    /// Days audit entries are kept. At least 1.
    pub audit_log_days: std::num::NonZeroU32,
    /// Days entries of the staff access journal are kept. At least 1.
    pub staff_access_journal_days: std::num::NonZeroU32,
    /// Months consultation and search events are kept one by one, after the
    /// month they happened in; then only their aggregates. At least 1.
    pub statistics_events_months: std::num::NonZeroU32,
    /// Days the record of a data export is kept once closed. At least 1.
    pub export_records_days: std::num::NonZeroU32,
    /// The controller, as the register names it (Art. 30(1)(a)).
    pub controller: String,
    /// Contact details of its data protection officer.
    pub data_protection_officer: String,
}

impl Settings {
    /// The retention policy: the periods of `[retention]`, and those other
    /// sections set (`notifications.retention_days`, `exports.ttl_days`,
    /// `erasure.username_reservation_days`), the controller, and
    /// `identity.frontend_url` for the warning mail. The purge applies it and
    /// the register states it.
    ///
    /// # Errors
    /// When the inactivity notice is not shorter than the inactivity.
    pub fn retention_policy(&self) -> anyhow::Result<rr_application::services::RetentionPolicy> {
        use rr_domain::compliance::{Controller, RetentionPeriods, Span};
        let days = |n: u64| Span::Days(u32::try_from(n).unwrap_or(u32::MAX));
        let r = &self.retention;
        let periods = RetentionPeriods {
            inactive_accounts: Span::Years(r.inactive_account_years.get()),
            inactivity_notice: Span::Days(r.inactivity_notice_days.get()),
            ended_sessions: Span::Days(r.ended_sessions_days.get()),
            audit_log: Span::Days(r.audit_log_days.get()),
            staff_access_journal: Span::Days(r.staff_access_journal_days.get()),
            notifications: days(self.notifications.retention_days.get()),
            statistics_events: Span::Months(r.statistics_events_months.get()),
            export_records: Span::Days(r.export_records_days.get()),
            export_archives: days(self.exports.ttl_days.get()),
            username_reservations: days(self.erasure.username_reservation_days),
        };
        if let Some(problem) = periods.problem() {
            anyhow::bail!("[retention]: {problem}");
        }
        Ok(rr_application::services::RetentionPolicy {
            periods,
            controller: Controller {
                name: r.controller.clone(),
                data_protection_officer: r.data_protection_officer.clone(),
            },
            frontend_url: self.identity.frontend_url.trim_end_matches('/').to_owned(),
        })
    }
}

/// `[erasure]`: erasing accounts (ADR 0023).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErasureSettings {
    /// Days the username of an erased account stays reserved, so that
    /// nobody takes it to pass for the person. 0: free at once.
    pub username_reservation_days: u64,
}

impl ErasureSettings {
    /// The erasure use cases' policy.
    #[must_use]
    pub fn policy(&self) -> rr_application::services::ErasurePolicy {
        rr_application::services::ErasurePolicy {
            username_reservation: std::time::Duration::from_secs(
                self.username_reservation_days.saturating_mul(24 * 3600),
            ),
        }
    }
}

/// `[exports]`: exports of one's data (ADR 0022).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportSettings {
    /// Directory of the encrypted archives waiting to be downloaded,
    /// created when missing; short-lived files, not to be backed up.
    pub archive_dir: PathBuf,
    /// Days a ready archive may be downloaded before it is deleted. At least 1.
    pub ttl_days: std::num::NonZeroU64,
    /// An account whose archive holds at most this many rows is exported
    /// within the request; larger ones by the background worker. 0: always
    /// the worker.
    pub sync_max_rows: u64,
    /// Largest archive kept, in bytes (encrypted); beyond, the export fails
    /// with `archive_too_large`.
    pub max_archive_bytes: u64,
    /// How often each API node looks for exports to produce, in seconds. At
    /// least 1.
    pub poll_interval_secs: std::num::NonZeroU64,
}

impl ExportSettings {
    /// The export use cases' policy.
    #[must_use]
    pub fn policy(&self) -> rr_application::services::DataExportPolicy {
        rr_application::services::DataExportPolicy {
            ttl: std::time::Duration::from_secs(self.ttl_days.get().saturating_mul(24 * 3600)),
            sync_max_rows: self.sync_max_rows,
            max_archive_bytes: self.max_archive_bytes,
            ..rr_application::services::DataExportPolicy::default()
        }
    }

    /// How often each node looks for exports to produce.
    #[must_use]
    pub fn poll_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.poll_interval_secs.get())
    }
}

/// `[moderation]`: reports and the automatic hold.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModerationSettings {
    /// Open reports from distinct citizens that hide an item pending a
    /// moderator's review. At least 1.
    pub report_threshold: std::num::NonZeroU64,
}

impl ModerationSettings {
    /// The moderation use cases' policy.
    #[must_use]
    pub fn policy(&self) -> rr_application::services::ModerationPolicy {
        rr_application::services::ModerationPolicy {
            report_threshold: self.report_threshold.get(),
        }
    }
}

/// `[comments]`: depth of threads and size of their pages.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentSettings {
    /// Deepest reply (a top-level comment is at depth 0), 1 to 10.
    pub max_depth: u32,
    /// Top-level comments of a page when the client does not say.
    pub page_size: u64,
    /// Most top-level comments a client may ask for in a page.
    pub max_page_size: u64,
    /// How long a page of a thread read from the database is reused, in
    /// milliseconds; 0 reads every page anew.
    pub thread_cache_ttl_ms: u64,
    /// Most pages of threads kept at once; 0 keeps none.
    pub thread_cache_capacity: usize,
}

impl CommentSettings {
    /// The comment use cases' policy.
    ///
    /// # Errors
    /// When `max_depth` is not 1 to 10, or a page size is 0 or `page_size`
    /// exceeds `max_page_size`.
    pub fn policy(&self) -> anyhow::Result<rr_application::services::CommentPolicy> {
        use rr_application::services::CommentPolicy;
        anyhow::ensure!(
            (1..=CommentPolicy::DEEPEST).contains(&self.max_depth),
            "comments.max_depth must be 1 to {}",
            CommentPolicy::DEEPEST
        );
        anyhow::ensure!(
            self.page_size >= 1 && self.page_size <= self.max_page_size,
            "comments.page_size must be 1 to comments.max_page_size"
        );
        Ok(CommentPolicy {
            max_depth: self.max_depth,
            page_size: self.page_size,
            max_page_size: self.max_page_size,
        })
    }
}

/// `[notifications]`: how long the inboxes keep notifications.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Days a notification is kept, read or not, before the hourly purge
    /// deletes it (personal data: DESIGN.md §5). At least 1.
    pub retention_days: std::num::NonZeroU64,
}

impl NotificationSettings {
    /// How long a notification is kept.
    #[must_use]
    pub fn retention(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.retention_days.get().saturating_mul(24 * 3600))
    }
}

/// `[limits]`: per-account budgets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    /// `[limits.writes]`: writes per account (comments, reports, resources).
    pub writes: WriteLimitSettings,
}

/// `[limits.writes]`: each key is a bound on one account's writes; 0 turns
/// that bound off. See `rr_application::services::write_limits`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteLimitSettings {
    /// Comments (and replies) an account may post in a minute, at once.
    pub comments_per_minute: u32,
    /// Comments an account may post in an hour.
    pub comments_per_hour: u32,
    /// Reports an account may make in an hour.
    pub reports_per_hour: u32,
    /// Reports an account may make in a day.
    pub reports_per_day: u32,
    /// Resources an account may create in an hour.
    pub resources_per_hour: u32,
    /// Resources an account may create in a day.
    pub resources_per_day: u32,
    /// Most (account, kind of write) budgets kept in memory at once.
    pub capacity: usize,
}

impl WriteLimitSettings {
    /// The limiter's policy.
    #[must_use]
    pub fn policy(&self) -> rr_application::services::WriteLimitPolicy {
        use rr_application::services::Rate;
        rr_application::services::WriteLimitPolicy {
            comments: vec![
                Rate::per_minute(self.comments_per_minute),
                Rate::per_hour(self.comments_per_hour),
            ],
            reports: vec![
                Rate::per_hour(self.reports_per_hour),
                Rate::per_day(self.reports_per_day),
            ],
            resources: vec![
                Rate::per_hour(self.resources_per_hour),
                Rate::per_day(self.resources_per_day),
            ],
            capacity: self.capacity,
        }
    }
}

/// `[resources]`: limits of the resource use cases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSettings {
    /// How long a page of the visitors' catalogue is reused, in
    /// milliseconds (0: never).
    pub visitor_pages_ttl_ms: u64,
    /// Most visitors' catalogue pages kept at once.
    pub visitor_pages_capacity: usize,
    /// How long the public lists of categories, resource types and relation
    /// types are kept, in milliseconds (0: never).
    pub reference_data_ttl_ms: u64,
    /// `[resources.attachments]`: files attached to resources.
    pub attachments: AttachmentSettings,
}

/// `[resources.attachments]`: files attached to resources.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentSettings {
    /// Largest file, in bytes.
    pub max_bytes: u64,
    /// Most files on one resource.
    pub max_per_resource: u64,
}

/// `[identity]`: durations and addresses of the identity use cases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentitySettings {
    /// Base address of the web client, for links in emails.
    pub frontend_url: String,
    /// Life of a refresh token (an idle session), in days.
    pub refresh_token_ttl_days: u64,
    /// Bound on how late a revocation, suspension or role change takes effect, in seconds.
    pub session_check_secs: u64,
}

/// `[security]`: password hashing and the keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySettings {
    /// `[security.password]`: argon2id parameters and concurrency.
    pub password: PasswordHashingSettings,
    /// `[security.keys]`: master keys, blind-index key, token signing keys.
    /// Required in production; generated under `development_keys_dir` otherwise.
    pub keys: Option<KeySettings>,
    /// Where development keys are generated on first start.
    pub development_keys_dir: PathBuf,
}

/// `[telemetry]`: how logs are written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySettings {
    /// `json` (one object per line, for log collectors) or `pretty` (for people).
    pub format: LogFormat,
    /// Which events to keep, in `tracing` filter syntax (`info`, `rr_http=debug,info`).
    pub filter: String,
}

/// Shape of the log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Pretty,
}

/// The environment the server runs in, chosen by `RR_PROFILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// A developer's machine: SQLite in `./data`, readable logs. The default.
    Development,
    /// Automated tests.
    Test,
    /// Production: JSON logs; refuses to start without an explicit MariaDB URL.
    Production,
}

impl Profile {
    /// The profile's name, also the name of its file.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Test => "test",
            Self::Production => "production",
        }
    }
}

/// Environment variables with the `RR_` prefix that are not settings.
const NOT_SETTINGS: [&str; 3] = ["profile", "config_dir", "test_mariadb_url"];

/// The configuration files shipped in `config/`, compiled in as fallbacks.
pub const SHIPPED_FILES: [(&str, &str); 4] = [
    ("default.toml", include_str!("../../../config/default.toml")),
    (
        "development.toml",
        include_str!("../../../config/development.toml"),
    ),
    ("test.toml", include_str!("../../../config/test.toml")),
    (
        "production.toml",
        include_str!("../../../config/production.toml"),
    ),
];

/// Why the configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A file or variable is malformed, a key is unknown or a value has the wrong type.
    #[error("invalid configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
    /// A configuration file exists but cannot be read.
    #[error("cannot read the configuration file {path}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The production profile needs its keys configured, never generated.
    #[error(
        "the production profile refuses to start without [security.keys]: master keys, blind-index key \
         and token signing keys (see docs/operations/runbook.md)"
    )]
    ProductionNeedsKeys,
    /// The production profile sends real mail.
    #[error("the production profile needs mail.transport = \"smtp\"")]
    ProductionNeedsSmtp,
    /// The production profile needs its MariaDB URL given explicitly.
    #[error(
        "the production profile refuses to start without an explicit MariaDB URL: \
         set RR_DATABASE__URL=mysql://user:password@host:port/database"
    )]
    ProductionNeedsDatabaseUrl,
}

/// The content of a configuration file: from `dir` when present there, else as shipped.
fn file_content(dir: &Path, name: &str) -> Result<String, SettingsError> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(content) => Ok(content),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(SHIPPED_FILES
            .iter()
            .find(|(shipped, _)| *shipped == name)
            .map(|(_, content)| (*content).to_owned())
            .unwrap_or_default()),
        Err(source) => Err(SettingsError::Read {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// Loads the settings of `profile` from `dir` and the environment.
///
/// # Errors
/// [`SettingsError`] when a layer is malformed, holds an unknown key, or the
/// production profile lacks its MariaDB URL.
pub fn load(profile: Profile, dir: &Path) -> Result<Settings, SettingsError> {
    let profile_file = format!("{}.toml", profile.name());
    let settings: Settings = Figment::new()
        .merge(Toml::string(&file_content(dir, "default.toml")?))
        .merge(Toml::string(&file_content(dir, &profile_file)?))
        .merge(
            Env::prefixed("RR_")
                .filter(|key| {
                    !NOT_SETTINGS
                        .iter()
                        .any(|ignored| key.as_str().eq_ignore_ascii_case(ignored))
                })
                .split("__"),
        )
        .extract()
        .map_err(Box::new)?;
    if profile == Profile::Production
        && Engine::of_url(settings.database.url.expose_secret()).ok() != Some(Engine::MariaDb)
    {
        return Err(SettingsError::ProductionNeedsDatabaseUrl);
    }
    if profile == Profile::Production && settings.security.keys.is_none() {
        return Err(SettingsError::ProductionNeedsKeys);
    }
    if profile == Profile::Production && settings.mail.transport != Transport::Smtp {
        return Err(SettingsError::ProductionNeedsSmtp);
    }
    Ok(settings)
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail closures return figment::Error
mod tests {
    use figment::Jail;

    use super::*;

    /// The shipped files, with keys added to production.toml as an operator would.
    fn production_dir_with_keys(jail: &mut Jail) -> figment::Result<std::path::PathBuf> {
        for (name, content) in SHIPPED_FILES {
            let mut content = content.to_owned();
            if name == "production.toml" {
                content.push_str(
                    "\n[security.keys]\ncurrent_master_key = \"k1\"\nmaster_keys = [{ id = \"k1\", file = \"/etc/rr/master-k1.key\" }]\n\
                     blind_index_key_file = \"/etc/rr/blind-index.key\"\ncurrent_jwt_key = \"j1\"\n\
                     jwt_signing_keys = [{ id = \"j1\", file = \"/etc/rr/jwt-j1.pem\" }]\n\
                     jwt_issuer = \"https://ressources-relationnelles.gouv.fr\"\njwt_audience = \"rr-api\"\n",
                );
            }
            jail.create_file(name, &content)?;
        }
        Ok(jail.directory().to_path_buf())
    }

    fn shipped_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config")
    }

    #[test]
    fn every_shipped_file_loads_on_its_own_profile() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            for profile in [Profile::Development, Profile::Test] {
                let settings = load(profile, &shipped_dir()).map_err(|e| e.to_string())?;
                assert!(settings.http.body_limit_bytes > 0);
            }
            jail.set_env("RR_DATABASE__URL", "mysql://rr:rr@db:3307/rr");
            let dir = production_dir_with_keys(jail)?;
            let production = load(Profile::Production, &dir).map_err(|e| e.to_string())?;
            assert_eq!(production.telemetry.format, LogFormat::Json);
            Ok(())
        });
    }

    #[test]
    fn the_shipped_copies_match_the_files() {
        for (name, content) in SHIPPED_FILES {
            let on_disk = std::fs::read_to_string(shipped_dir().join(name)).unwrap();
            assert_eq!(on_disk, content, "{name}");
        }
    }

    #[test]
    fn with_no_configuration_at_all_the_server_uses_sqlite_in_data_on_8080() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(
                settings.database.url.expose_secret(),
                "sqlite://data/rr.sqlite"
            );
            assert_eq!(
                (settings.http.host.as_str(), settings.http.port),
                ("127.0.0.1", 8080)
            );
            assert_eq!(settings.telemetry.format, LogFormat::Pretty);
            Ok(())
        });
    }

    #[test]
    fn environment_variables_override_files_with_double_underscore_nesting() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("RR_HTTP__PORT", "9999");
            jail.set_env("RR_PROFILE", "test");
            jail.set_env("RR_TEST_MARIADB_URL", "mysql://ignored");
            let settings = load(Profile::Development, &shipped_dir()).map_err(|e| e.to_string())?;
            assert_eq!(settings.http.port, 9999);
            Ok(())
        });
    }

    #[test]
    fn an_unknown_key_is_an_error_in_a_file_or_the_environment() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.create_file("default.toml", "[http]\nprot = 1\n")?;
            let err = load(Profile::Development, jail.directory())
                .unwrap_err()
                .to_string();
            assert!(err.contains("prot"), "{err}");
            Ok(())
        });
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("RR_DATABASE__PASSWORD", "x");
            let err = load(Profile::Development, &shipped_dir())
                .unwrap_err()
                .to_string();
            assert!(err.contains("password"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn production_refuses_to_start_without_a_mariadb_url() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let err = load(Profile::Production, &shipped_dir()).unwrap_err();
            assert!(matches!(err, SettingsError::ProductionNeedsDatabaseUrl));
            jail.set_env("RR_DATABASE__URL", "sqlite://prod.sqlite");
            let err = load(Profile::Production, &shipped_dir()).unwrap_err();
            assert!(matches!(err, SettingsError::ProductionNeedsDatabaseUrl));
            Ok(())
        });
    }

    #[test]
    fn attachments_default_to_ten_files_of_ten_mebibytes_under_data() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(settings.storage.blob_dir, Path::new("data/blobs"));
            assert_eq!(settings.resources.attachments.max_bytes, 10 * 1024 * 1024);
            assert_eq!(settings.resources.attachments.max_per_resource, 10);
            jail.set_env("RR_RESOURCES__ATTACHMENTS__MAX_BYTES", "2048");
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(settings.resources.attachments.max_bytes, 2048);
            Ok(())
        });
    }

    #[test]
    fn the_shipped_write_limits_are_the_citizen_defaults_and_can_be_overridden() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(
                settings.limits.writes.policy(),
                rr_application::services::WriteLimitPolicy::default()
            );
            jail.set_env("RR_LIMITS__WRITES__RESOURCES_PER_DAY", "5");
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(settings.limits.writes.resources_per_day, 5);
            Ok(())
        });
    }

    #[test]
    fn notifications_are_kept_a_year_unless_configured_and_never_zero_days() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(
                settings.notifications.retention(),
                std::time::Duration::from_secs(365 * 24 * 3600)
            );
            jail.set_env("RR_NOTIFICATIONS__RETENTION_DAYS", "0");
            let err = load(Profile::Development, Path::new("no-such-directory")).unwrap_err();
            assert!(
                err.to_string().to_lowercase().contains("retention_days"),
                "{err}"
            );
            Ok(())
        });
    }

    #[test]
    fn feature_flags_are_read_again_every_ten_seconds_unless_configured_never_zero() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(
                settings.features.refresh_interval(),
                std::time::Duration::from_secs(10)
            );
            jail.set_env("RR_FEATURES__REFRESH_SECS", "2");
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(settings.features.refresh_secs.get(), 2);
            jail.set_env("RR_FEATURES__REFRESH_SECS", "0");
            let err = load(Profile::Development, Path::new("no-such-directory")).unwrap_err();
            assert!(
                err.to_string().to_lowercase().contains("refresh_secs"),
                "{err}"
            );
            Ok(())
        });
    }

    #[test]
    fn three_reports_hold_content_unless_configured_and_never_zero() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(settings.moderation.policy().report_threshold, 3);
            jail.set_env("RR_MODERATION__REPORT_THRESHOLD", "5");
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(settings.moderation.policy().report_threshold, 5);
            jail.set_env("RR_MODERATION__REPORT_THRESHOLD", "0");
            let err = load(Profile::Development, Path::new("no-such-directory")).unwrap_err();
            assert!(
                err.to_string().to_lowercase().contains("report_threshold"),
                "{err}"
            );
            Ok(())
        });
    }

    #[test]
    fn comments_default_to_five_levels_and_pages_of_twenty_and_refuse_what_is_out_of_bounds() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(
                settings.comments.policy().map_err(|e| e.to_string())?,
                rr_application::services::CommentPolicy::default()
            );
            for (key, value) in [
                ("RR_COMMENTS__MAX_DEPTH", "0"),
                ("RR_COMMENTS__MAX_DEPTH", "11"),
                ("RR_COMMENTS__PAGE_SIZE", "0"),
                ("RR_COMMENTS__PAGE_SIZE", "51"),
            ] {
                jail.set_env(key, value);
                let settings = load(Profile::Development, Path::new("no-such-directory"))
                    .map_err(|e| e.to_string())?;
                assert!(settings.comments.policy().is_err(), "{key}={value}");
                jail.clear_env();
            }
            jail.set_env("RR_COMMENTS__MAX_DEPTH", "10");
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            assert_eq!(
                settings
                    .comments
                    .policy()
                    .map_err(|e| e.to_string())?
                    .max_depth,
                10
            );
            Ok(())
        });
    }

    #[test]
    fn production_refuses_to_start_without_keys_or_smtp() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("RR_DATABASE__URL", "mysql://rr:rr@db:3307/rr");
            let err = load(Profile::Production, &shipped_dir()).unwrap_err();
            assert!(matches!(err, SettingsError::ProductionNeedsKeys), "{err}");
            let dir = production_dir_with_keys(jail)?;
            jail.set_env("RR_MAIL__TRANSPORT", "directory");
            let err = load(Profile::Production, &dir).unwrap_err();
            assert!(matches!(err, SettingsError::ProductionNeedsSmtp), "{err}");
            Ok(())
        });
    }

    #[test]
    fn retention_defaults_to_the_documented_periods_and_refuses_a_notice_as_long_as_the_inactivity()
    {
        use rr_domain::compliance::{RetentionPeriods, Span};
        Jail::expect_with(|jail| {
            jail.clear_env();
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            let policy = settings.retention_policy().map_err(|e| e.to_string())?;
            assert_eq!(policy.periods, RetentionPeriods::default());
            // The other sections' periods are read, not typed twice.
            jail.set_env("RR_NOTIFICATIONS__RETENTION_DAYS", "90");
            jail.set_env("RR_EXPORTS__TTL_DAYS", "3");
            jail.set_env("RR_RETENTION__STATISTICS_EVENTS_MONTHS", "13");
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            let periods = settings
                .retention_policy()
                .map_err(|e| e.to_string())?
                .periods;
            assert_eq!(periods.notifications, Span::Days(90));
            assert_eq!(periods.export_archives, Span::Days(3));
            assert_eq!(periods.statistics_events, Span::Months(13));
            jail.set_env("RR_RETENTION__INACTIVE_ACCOUNT_YEARS", "0");
            let err = load(Profile::Development, Path::new("no-such-directory")).unwrap_err();
            assert!(
                err.to_string()
                    .to_lowercase()
                    .contains("inactive_account_years"),
                "{err}"
            );
            jail.set_env("RR_RETENTION__INACTIVE_ACCOUNT_YEARS", "1");
            jail.set_env("RR_RETENTION__INACTIVITY_NOTICE_DAYS", "400");
            let settings = load(Profile::Development, Path::new("no-such-directory"))
                .map_err(|e| e.to_string())?;
            let err = settings.retention_policy().unwrap_err().to_string();
            assert!(err.contains("inactivity_notice"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn no_profile_changes_a_retention_period_so_the_register_in_docs_holds_for_each() {
        for (name, content) in SHIPPED_FILES {
            if name == "default.toml" {
                continue;
            }
            for section in ["[retention]", "[notifications]", "[exports]", "[erasure]"] {
                assert!(!content.contains(section), "{name} sets {section}");
            }
        }
    }
}
