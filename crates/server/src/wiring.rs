//! Builds the use cases on their adapters, for `serve` and for the commands.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rr_application::ports::{Notifier, SystemClock};
use rr_application::services::{
    AttachmentPolicy, AttachmentPorts, AttachmentService, IdentityPolicy, IdentityPorts,
    IdentityService,
};
use rr_application::services::{NotificationPolicy, NotificationPorts, NotificationService};
use rr_mail::LettreMailer;
use rr_persistence::{Database, FsBlobStore};
use rr_security::{
    Argon2PasswordHasher, HmacBlindIndex, JwtAccessTokens, KeyMaterial, RandomSecretTokens,
    RfcTotp, XChaChaFieldCipher, ZxcvbnStrength,
};

use crate::Settings;

/// The administrators' statistics on `database`, with the configured
/// small-cell threshold.
///
/// # Errors
/// When `statistics.min_cell_people` is below the lowest threshold accepted.
pub fn statistics(
    settings: &Settings,
    database: &Database,
) -> anyhow::Result<rr_application::services::StatisticsService> {
    use rr_application::services::{StatisticsPolicy, StatisticsPorts, StatisticsService};
    use rr_domain::statistics::MinCellPeople;

    let min_cell_people =
        MinCellPeople::new(settings.statistics.min_cell_people).with_context(|| {
            format!(
                "statistics.min_cell_people is {}: it must be at least {}",
                settings.statistics.min_cell_people,
                MinCellPeople::LOWEST
            )
        })?;
    Ok(StatisticsService::new(
        StatisticsPorts {
            query: database.statistics_query(),
            reference_data: database.reference_data(),
            audit: database.audit_log(),
            clock: Arc::new(SystemClock),
        },
        StatisticsPolicy { min_cell_people },
    ))
}

/// The key material: configured, or (outside production, checked by the
/// settings) generated under the development directory with a warning.
///
/// # Errors
/// When a key file is missing, unreadable or malformed, or cannot be generated.
pub fn key_material(settings: &Settings) -> anyhow::Result<KeyMaterial> {
    let key_settings = match &settings.security.keys {
        Some(keys) => keys.clone(),
        None => {
            let dir = &settings.security.development_keys_dir;
            tracing::warn!(
                directory = %dir.display(),
                "no [security.keys] configured: using development keys (generated on first start); never in production"
            );
            rr_security::generate_development_keys(dir).context("generating development keys")?
        }
    };
    rr_security::load(&key_settings).context("loading the keys")
}

/// The identity use cases on the real adapters.
///
/// # Errors
/// When a key or the mail settings are unusable, or hashing parameters are too weak.
pub fn identity(settings: &Settings, database: &Database) -> anyhow::Result<IdentityService> {
    let material = key_material(settings)?;
    let ports = IdentityPorts {
        users: database.users(),
        sessions: database.sessions(),
        one_time_tokens: database.one_time_tokens(),
        audit: database.audit_log(),
        mailer: Arc::new(LettreMailer::new(&settings.mail).context("setting up mail")?),
        hasher: Arc::new(
            Argon2PasswordHasher::new(&settings.security.password).context("password hashing")?,
        ),
        strength: Arc::new(ZxcvbnStrength::new()),
        cipher: Arc::new(
            XChaChaFieldCipher::from_material(&material).context("field encryption keys")?,
        ),
        blind_index: Arc::new(HmacBlindIndex::from_material(&material)),
        tokens: Arc::new(JwtAccessTokens::from_material(&material).context("token signing keys")?),
        secrets: Arc::new(RandomSecretTokens::new()),
        totp: Arc::new(RfcTotp::new()),
        clock: Arc::new(SystemClock),
        policies: database.privacy_policies(),
        consents: database.consents(),
        usernames: database.username_reservations(),
    };
    let identity = &settings.identity;
    let policy = IdentityPolicy {
        refresh_token_ttl: Duration::from_secs(
            identity.refresh_token_ttl_days.saturating_mul(24 * 3600),
        ),
        session_check_ttl: Duration::from_secs(identity.session_check_secs),
        frontend_url: identity.frontend_url.trim_end_matches('/').to_owned(),
        ..IdentityPolicy::default()
    };
    Ok(IdentityService::new(ports, policy))
}

/// The privacy policy, consents and restriction on the database, refreshing
/// the caches of `identity` (the service that authenticates requests).
#[must_use]
pub fn privacy(
    database: &Database,
    identity: IdentityService,
) -> rr_application::services::PrivacyService {
    use rr_application::services::{PrivacyPorts, PrivacyService};
    PrivacyService::new(
        PrivacyPorts {
            policies: database.privacy_policies(),
            consents: database.consents(),
            users: database.users(),
            audit: database.audit_log(),
            clock: Arc::new(SystemClock),
        },
        identity,
    )
}

/// The attachment use cases on the database and the blob directory.
///
/// # Errors
/// When the blob directory cannot be created or read.
pub fn attachments(settings: &Settings, database: &Database) -> anyhow::Result<AttachmentService> {
    let blobs = FsBlobStore::open(&settings.storage.blob_dir).with_context(|| {
        format!(
            "opening the blob directory {}",
            settings.storage.blob_dir.display()
        )
    })?;
    let limits = settings.resources.attachments;
    Ok(AttachmentService::new(
        AttachmentPorts {
            resources: database.resources(),
            users: database.users(),
            attachments: database.attachments(),
            blobs: Arc::new(blobs),
            clock: Arc::new(SystemClock),
        },
        AttachmentPolicy {
            max_bytes: limits.max_bytes,
            max_per_resource: limits.max_per_resource,
        },
    ))
}

/// The notification use cases: the inboxes on the database, mail through
/// the `[mail]` relay to those who consented, the address opened with the
/// field cipher of the key material, links to `identity.frontend_url`, and
/// `notifications.retention_days`.
///
/// # Errors
/// When a key or the mail settings are unusable.
pub fn notifications(
    settings: &Settings,
    database: &Database,
) -> anyhow::Result<NotificationService> {
    let material = key_material(settings)?;
    let ports = NotificationPorts {
        notifications: database.notifications(),
        users: database.users(),
        mailer: Arc::new(LettreMailer::new(&settings.mail).context("setting up mail")?),
        cipher: Arc::new(
            XChaChaFieldCipher::from_material(&material).context("field encryption keys")?,
        ),
        clock: Arc::new(SystemClock),
    };
    let policy = NotificationPolicy {
        frontend_url: settings
            .identity
            .frontend_url
            .trim_end_matches('/')
            .to_owned(),
        retention: settings.notifications.retention(),
    };
    Ok(NotificationService::new(ports, policy))
}

/// The [`Notifier`] the other use cases call (after their change is
/// committed): `service` itself, sharing its ports.
#[must_use]
pub fn notifier(service: &NotificationService) -> Arc<dyn Notifier> {
    Arc::new(service.clone())
}

/// The comment use cases on the database, telling replies through
/// `notifier`, spending the per-account `write_limits`, bounded by
/// `[comments]`.
///
/// # Errors
/// When `[comments]` is out of its bounds.
pub fn comments(
    settings: &Settings,
    database: &Database,
    notifier: Arc<dyn Notifier>,
    write_limits: Arc<rr_application::services::WriteLimiter>,
) -> anyhow::Result<rr_application::services::CommentService> {
    use rr_application::services::{CommentPorts, CommentService};
    let policy = settings.comments.policy()?;
    Ok(CommentService::new(
        CommentPorts {
            comments: database.comments(),
            resources: database.resources(),
            users: database.users(),
            notifier,
            write_limits,
            clock: Arc::new(SystemClock),
        },
        policy,
    ))
}

/// The moderation use cases: reports, the log and the queue on the
/// database, decisions on resources through `resources`, authors told
/// through `notifier`, reports within `write_limits`, the threshold of
/// `[moderation]`.
#[must_use]
pub fn moderation(
    settings: &Settings,
    database: &Database,
    resources: rr_application::services::ResourceService,
    notifier: Arc<dyn Notifier>,
    write_limits: Arc<rr_application::services::WriteLimiter>,
) -> rr_application::services::ModerationService {
    use rr_application::services::{ModerationPorts, ModerationService};
    ModerationService::new(
        ModerationPorts {
            reports: database.reports(),
            log: database.moderation_log(),
            queue: database.moderation_queue(),
            resources: database.resources(),
            comments: database.comments(),
            users: database.users(),
            notifier,
            audit: database.audit_log(),
            write_limits,
            clock: Arc::new(SystemClock),
        },
        settings.moderation.policy(),
        resources,
    )
}

/// Exports of persons' data: the requests and the person's data on
/// `database`, the profile opened and the archive sealed with the field
/// cipher of the key material, archives written as JSON into
/// `exports.archive_dir`, under `[exports]`.
///
/// # Errors
/// When a key is unusable or the archive directory cannot be created.
pub fn data_exports(
    settings: &Settings,
    database: &Database,
) -> anyhow::Result<rr_application::services::DataExportService> {
    use rr_application::services::{DataExportPorts, DataExportService};
    let material = key_material(settings)?;
    let directory = &settings.exports.archive_dir;
    let archives = FsBlobStore::open(directory).with_context(|| {
        format!(
            "opening the export archive directory {}",
            directory.display()
        )
    })?;
    Ok(DataExportService::new(
        DataExportPorts {
            exports: database.data_exports(),
            personal_data: database.personal_data(),
            users: database.users(),
            cipher: Arc::new(
                XChaChaFieldCipher::from_material(&material).context("field encryption keys")?,
            ),
            archives: Arc::new(archives),
            format: Arc::new(rr_http::JsonArchiveFormat),
            audit: database.audit_log(),
            journal: database.staff_access_journal(),
            clock: Arc::new(SystemClock),
        },
        settings.exports.policy(),
    ))
}

/// Account administration and the staff access journal on `database`,
/// opening personal data with the field cipher of the key material and
/// finding emails through its blind index.
///
/// # Errors
/// When a key is unusable.
pub fn accounts(
    settings: &Settings,
    database: &Database,
) -> anyhow::Result<rr_application::services::AccountAdminService> {
    use rr_application::services::{AccountAdminPorts, AccountAdminService};
    let material = key_material(settings)?;
    Ok(AccountAdminService::new(AccountAdminPorts {
        users: database.users(),
        directory: database.account_directory(),
        journal: database.staff_access_journal(),
        cipher: Arc::new(
            XChaChaFieldCipher::from_material(&material).context("field encryption keys")?,
        ),
        blind_index: Arc::new(HmacBlindIndex::from_material(&material)),
        audit: database.audit_log(),
        clock: Arc::new(SystemClock),
    }))
}

/// Erasure of accounts on `database`: usernames reserved through the blind
/// index of the key material for `[erasure]`'s delay; sessions forgotten by
/// `identity` (the one authenticating requests), orphaned content removed
/// through `attachments` (the one serving uploads), the person's export
/// archives through `exports`.
///
/// # Errors
/// When a key is unusable.
pub fn erasure(
    settings: &Settings,
    database: &Database,
    identity: IdentityService,
    attachments: AttachmentService,
    exports: rr_application::services::DataExportService,
) -> anyhow::Result<rr_application::services::ErasureService> {
    use rr_application::services::{ErasurePorts, ErasureService};
    let material = key_material(settings)?;
    Ok(ErasureService::new(
        ErasurePorts {
            erasure: database.account_erasure(),
            users: database.users(),
            blind_index: Arc::new(HmacBlindIndex::from_material(&material)),
            audit: database.audit_log(),
            clock: Arc::new(SystemClock),
        },
        settings.erasure.policy(),
        identity,
        attachments,
        exports,
    ))
}

/// Data-subject requests received outside the application, on `database`,
/// acted on through `erasure`, `exports`, `identity` and `privacy`; people
/// found by email through the blind index of the key material.
///
/// # Errors
/// When a key is unusable.
pub fn subject_requests(
    settings: &Settings,
    database: &Database,
    erasure: rr_application::services::ErasureService,
    exports: rr_application::services::DataExportService,
    identity: rr_application::services::IdentityService,
    privacy: rr_application::services::PrivacyService,
) -> anyhow::Result<rr_application::services::SubjectRequestService> {
    use rr_application::services::{SubjectRequestPorts, SubjectRequestService};
    let material = key_material(settings)?;
    Ok(SubjectRequestService::new(
        SubjectRequestPorts {
            requests: database.subject_requests(),
            users: database.users(),
            blind_index: Arc::new(HmacBlindIndex::from_material(&material)),
            journal: database.staff_access_journal(),
            audit: database.audit_log(),
            clock: Arc::new(SystemClock),
        },
        erasure,
        exports,
        identity,
        privacy,
    ))
}

/// The retention purge (ADR 0025) on `database`, under
/// [`Settings::retention_policy`]: notifications deleted through
/// `notifications`, inactive accounts erased through `erasure`, the warning
/// mailed through the `[mail]` relay to the address opened with the field
/// cipher of the key material.
///
/// # Errors
/// When `[retention]` is inconsistent, or a key or the mail settings are
/// unusable.
pub fn retention(
    settings: &Settings,
    database: &Database,
    notifications: NotificationService,
    erasure: rr_application::services::ErasureService,
) -> anyhow::Result<rr_application::services::RetentionService> {
    use rr_application::services::{RetentionPorts, RetentionService};
    let material = key_material(settings)?;
    Ok(RetentionService::new(
        RetentionPorts {
            store: database.retention_store(),
            users: database.users(),
            exports: database.data_exports(),
            mailer: Arc::new(LettreMailer::new(&settings.mail).context("setting up mail")?),
            cipher: Arc::new(
                XChaChaFieldCipher::from_material(&material).context("field encryption keys")?,
            ),
            audit: database.audit_log(),
            clock: Arc::new(SystemClock),
        },
        settings.retention_policy()?,
        notifications,
        erasure,
    ))
}

/// The register of processing activities, with the periods of
/// [`Settings::retention_policy`]: the very ones the purge applies.
///
/// # Errors
/// When `[retention]` is inconsistent.
pub fn processing_register(
    settings: &Settings,
) -> anyhow::Result<rr_application::services::ProcessingRegisterService> {
    Ok(rr_application::services::ProcessingRegisterService::new(
        &settings.retention_policy()?,
    ))
}

/// The breach register on `database`: addresses opened with the field
/// cipher of the key material, each read journaled.
///
/// # Errors
/// When a key is unusable.
pub fn breaches(
    settings: &Settings,
    database: &Database,
) -> anyhow::Result<rr_application::services::BreachService> {
    use rr_application::services::{BreachPorts, BreachService};
    let material = key_material(settings)?;
    Ok(BreachService::new(BreachPorts {
        breaches: database.breach_register(),
        users: database.users(),
        journal: database.staff_access_journal(),
        cipher: Arc::new(
            XChaChaFieldCipher::from_material(&material).context("field encryption keys")?,
        ),
        audit: database.audit_log(),
        clock: Arc::new(SystemClock),
    }))
}

/// Feature flags on `database`, audited; their snapshot starts empty (every
/// flag off) until the first refresh.
#[must_use]
pub fn feature_flags(database: &Database) -> rr_application::services::FeatureFlagService {
    use rr_application::services::{FeatureFlagPorts, FeatureFlagService};
    FeatureFlagService::new(FeatureFlagPorts {
        flags: database.feature_flags(),
        audit: database.audit_log(),
        clock: Arc::new(SystemClock),
    })
}
