//! Builds the use cases on their adapters, for `serve` and for the commands.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rr_application::ports::SystemClock;
use rr_application::services::{
    AttachmentPolicy, AttachmentPorts, AttachmentService, IdentityPolicy, IdentityPorts,
    IdentityService,
};
use rr_mail::LettreMailer;
use rr_persistence::{Database, FsBlobStore};
use rr_security::{
    Argon2PasswordHasher, HmacBlindIndex, JwtAccessTokens, KeyMaterial, RandomSecretTokens,
    RfcTotp, XChaChaFieldCipher, ZxcvbnStrength,
};

use crate::Settings;

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
    };
    let identity = &settings.identity;
    let policy = IdentityPolicy {
        privacy_policy_version: identity.privacy_policy_version.clone(),
        refresh_token_ttl: Duration::from_secs(
            identity.refresh_token_ttl_days.saturating_mul(24 * 3600),
        ),
        session_check_ttl: Duration::from_secs(identity.session_check_secs),
        frontend_url: identity.frontend_url.trim_end_matches('/').to_owned(),
        ..IdentityPolicy::default()
    };
    Ok(IdentityService::new(ports, policy))
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
