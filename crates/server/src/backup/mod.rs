//! `rr-server backup keygen | create | verify | restore` (ADR 0029).
//!
//! A backup is two files from one consistent snapshot, each encrypted to the
//! offline recovery keys and signed: the data (every table, the accounts'
//! wrapped data keys left out) and its keyring (those keys, and the accounts
//! erased). Keyrings are kept a few days, backups longer: restored with the
//! newest keyring, an old backup gives back nobody erased since.

mod create;
pub mod format;
mod restore;
mod verify;

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Subcommand;
use rr_security::backup::{
    BackupSigningKey, BackupVerifyingKey, generate_identity, parse_identities, parse_recipients,
};
use serde::Deserialize;

use crate::settings::Settings;

/// `[backup]`: the keys backups are made and checked with.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupSettings {
    /// age X25519 recipients (`age1…`) every backup is encrypted to; their
    /// identities stay offline.
    pub recipients: Vec<String>,
    /// The Ed25519 private key (PKCS#8 PEM) that signs backups.
    pub signing_key_file: Option<PathBuf>,
    /// Its public key (PEM), to verify and restore.
    pub signing_public_key_file: Option<PathBuf>,
}

/// `backup` actions.
#[derive(Debug, Subcommand)]
pub enum BackupAction {
    /// Make the keys: an age identity (kept offline) and a signing key.
    Keygen {
        /// Where to write a new age identity; its recipient is printed.
        #[arg(long)]
        identity_output: Option<PathBuf>,
        /// Where to write a new Ed25519 signing key; its public key goes to
        /// the same path with `.pub` added.
        #[arg(long)]
        signing_key_output: Option<PathBuf>,
    },
    /// Back up every table, with its keyring beside it.
    Create {
        /// The backup file to write (`.rrbackup`).
        #[arg(long)]
        output: PathBuf,
        /// The keyring file to write; the output with `.keyring` added by default.
        #[arg(long)]
        keyring_output: Option<PathBuf>,
        /// A recipient (`age1…`) to encrypt to; repeatable. Default: `backup.recipients`.
        #[arg(long = "recipient")]
        recipients: Vec<String>,
        /// The signing key (PKCS#8 PEM). Default: `backup.signing_key_file`.
        #[arg(long)]
        signing_key: Option<PathBuf>,
    },
    /// Check a backup or keyring file: complete and signed; with an
    /// identity, also every table's count and digest.
    Verify {
        /// The file to check.
        #[arg(long)]
        input: PathBuf,
        /// The signing public key (PEM). Default: `backup.signing_public_key_file`.
        #[arg(long)]
        signing_public_key: Option<PathBuf>,
        /// An age identity file: decrypt and check the content too.
        #[arg(long)]
        identity: Option<PathBuf>,
    },
    /// Restore a backup into the configured database.
    Restore {
        /// The backup file.
        #[arg(long)]
        input: PathBuf,
        /// The age identity file that decrypts it.
        #[arg(long)]
        identity: PathBuf,
        /// The keyring: the newest one there is. Default: the input with `.keyring` added.
        #[arg(long)]
        keyring: Option<PathBuf>,
        /// The signing public key (PEM). Default: `backup.signing_public_key_file`.
        #[arg(long)]
        signing_public_key: Option<PathBuf>,
        /// Replace whatever the database holds.
        #[arg(long)]
        force: bool,
    },
}

/// Runs `action`.
///
/// # Errors
/// Whatever failed, with its context; a refused file names what failed.
pub async fn run(settings: &Settings, action: BackupAction) -> anyhow::Result<()> {
    match action {
        BackupAction::Keygen {
            identity_output,
            signing_key_output,
        } => keygen(identity_output.as_deref(), signing_key_output.as_deref()),
        BackupAction::Create {
            output,
            keyring_output,
            recipients,
            signing_key,
        } => {
            let recipients = if recipients.is_empty() {
                settings.backup.recipients.clone()
            } else {
                recipients
            };
            anyhow::ensure!(
                !recipients.is_empty(),
                "no recipient: pass --recipient age1… or set backup.recipients"
            );
            let recipients = parse_recipients(&recipients)?;
            let key_file = signing_key
                .or_else(|| settings.backup.signing_key_file.clone())
                .context("no signing key: pass --signing-key or set backup.signing_key_file")?;
            let pem = std::fs::read_to_string(&key_file)
                .with_context(|| format!("reading the signing key {}", key_file.display()))?;
            let key = BackupSigningKey::from_pkcs8_pem(&pem)
                .with_context(|| format!("the signing key {}", key_file.display()))?;
            let keyring = keyring_output.unwrap_or_else(|| keyring_path(&output));
            let summary = create::create(settings, &output, &keyring, &recipients, &key).await?;
            summary.print()
        }
        BackupAction::Verify {
            input,
            signing_public_key,
            identity,
        } => {
            let key = verifying_key(settings, signing_public_key)?;
            let identities = identity.as_deref().map(read_identities).transpose()?;
            let report = tokio::task::spawn_blocking(move || {
                verify::verify(&input, &key, identities.as_deref())
            })
            .await??;
            report.print()
        }
        BackupAction::Restore {
            input,
            identity,
            keyring,
            signing_public_key,
            force,
        } => {
            let key = verifying_key(settings, signing_public_key)?;
            let identities = read_identities(&identity)?;
            let keyring = keyring.unwrap_or_else(|| keyring_path(&input));
            let summary =
                restore::restore(settings, &input, &keyring, &key, identities, force).await?;
            summary.print()
        }
    }
}

/// `path` with `.keyring` added.
#[must_use]
pub fn keyring_path(path: &Path) -> PathBuf {
    with_suffix(path, ".keyring")
}

/// `path` with `suffix` added to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn verifying_key(
    settings: &Settings,
    given: Option<PathBuf>,
) -> anyhow::Result<BackupVerifyingKey> {
    let file = given
        .or_else(|| settings.backup.signing_public_key_file.clone())
        .context(
            "no signing public key: pass --signing-public-key or set backup.signing_public_key_file",
        )?;
    let pem = std::fs::read_to_string(&file)
        .with_context(|| format!("reading the signing public key {}", file.display()))?;
    BackupVerifyingKey::from_public_key_pem(&pem)
        .with_context(|| format!("the signing public key {}", file.display()))
}

fn read_identities(file: &Path) -> anyhow::Result<Vec<age::x25519::Identity>> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(file)
            .with_context(|| format!("reading the identity {}", file.display()))?,
    );
    parse_identities(&text).with_context(|| format!("the identity {}", file.display()))
}

/// Creates `path` with permissions `mode`, never over a file already there.
fn create_new(path: &Path, mode: u32) -> anyhow::Result<std::fs::File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    options.open(path).with_context(|| {
        format!(
            "creating {} (an existing file is never replaced)",
            path.display()
        )
    })
}

/// Writes a new key file: a secret readable by its owner only (`private`),
/// or a public key readable by all.
fn write_new(path: &Path, content: &[u8], private: bool) -> anyhow::Result<()> {
    let mut file = create_new(path, if private { 0o600 } else { 0o644 })?;
    file.write_all(content)?;
    file.sync_all()?;
    Ok(())
}

fn keygen(identity: Option<&Path>, signing: Option<&Path>) -> anyhow::Result<()> {
    anyhow::ensure!(
        identity.is_some() || signing.is_some(),
        "nothing to make: pass --identity-output and/or --signing-key-output"
    );
    let mut out = std::io::stdout().lock();
    if let Some(path) = identity {
        let (secret, recipient) = generate_identity();
        let text = format!(
            "# Ressources Relationnelles backup identity: keep it offline.\n# recipient: {recipient}\n{}\n",
            secret.as_str()
        );
        write_new(path, text.as_bytes(), true)?;
        writeln!(out, "identity written to {}", path.display())?;
        writeln!(out, "recipient: {recipient}")?;
    }
    if let Some(path) = signing {
        let key = BackupSigningKey::generate();
        let public = key.verifying_key();
        let public_path = with_suffix(path, ".pub");
        write_new(path, key.to_pkcs8_pem()?.as_bytes(), true)?;
        write_new(&public_path, public.to_public_key_pem()?.as_bytes(), false)?;
        writeln!(out, "signing key written to {}", path.display())?;
        writeln!(
            out,
            "public key written to {} (fingerprint {})",
            public_path.display(),
            public.fingerprint()
        )?;
    }
    Ok(())
}

/// Bytes, for people.
fn size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", b / (1024.0 * 1024.0 * 1024.0))
    } else if b >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", b / 1024.0)
    }
}
