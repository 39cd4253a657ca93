//! Key material: where the keys live ([`KeySettings`]), how development keys are
//! made ([`generate_development_keys`]) and how keys are read and checked
//! ([`load`]) into a [`KeyMaterial`] the adapters are built from.
//!
//! Secret bytes stay in zeroizing types, and no `Debug` or error message of this
//! module ever shows them: errors name the file (or the inline setting) instead.

use std::collections::HashSet;
use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rr_domain::identity::KeyId;
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;
use zeroize::Zeroizing;

/// Longest access-token lifetime accepted: revocation of a session only takes
/// effect once its access tokens expire.
const MAX_ACCESS_TOKEN_TTL_SECS: u64 = 3_600;

/// Where the keys are and how access tokens are stamped. Part of the server's
/// configuration; the files themselves stay outside the repository.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySettings {
    /// Master keys that wrap the per-user data keys: the current one and any
    /// older one still needed to unwrap keys not yet re-wrapped.
    pub master_keys: Vec<MasterKeySource>,
    /// Id of the master key new data keys are wrapped under.
    pub current_master_key: String,
    /// File holding the 32-byte key of the email blind index (never a master key).
    pub blind_index_key_file: PathBuf,
    /// Ed25519 keys that sign access tokens: the current one and older ones
    /// whose tokens may still be alive.
    pub jwt_signing_keys: Vec<SigningKeySource>,
    /// Id (`kid`) of the key new access tokens are signed with.
    pub current_jwt_key: String,
    /// `iss` of the access tokens.
    pub jwt_issuer: String,
    /// `aud` of the access tokens.
    pub jwt_audience: String,
    /// Lifetime of an access token in seconds (default 900, at most 3 600).
    #[serde(default = "default_access_token_ttl_secs")]
    pub access_token_ttl_secs: u64,
}

fn default_access_token_ttl_secs() -> u64 {
    900
}

/// One master key: 32 bytes, from a file or inline, never both.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MasterKeySource {
    /// Id recorded beside every data key it wraps. Never reuse one for other bytes.
    pub id: String,
    /// File holding the key: 32 raw bytes, or their base64 text.
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// The key as base64 text, e.g. from a secret store's environment variable.
    #[serde(default)]
    pub value: Option<SecretString>,
}

/// One access-token signing key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningKeySource {
    /// `kid` written in the header of the tokens it signs.
    pub id: String,
    /// File holding the Ed25519 private key in PKCS#8 PEM.
    pub file: PathBuf,
}

/// Keys unusable, missing or inconsistent. Messages name the file or setting,
/// never the key bytes.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A key file could not be read.
    #[error("cannot read the key file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A key file or its folder could not be written.
    #[error("cannot write the key file {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A symmetric key is not 32 bytes (raw, or base64 text).
    #[error("{0} is not a 32-byte key (32 raw bytes, or their base64 text)")]
    Length(String),
    /// A signing key is not an Ed25519 private key in PKCS#8 PEM.
    #[error("{0} is not an Ed25519 private key in PKCS#8 PEM")]
    Pem(String),
    /// The settings contradict themselves (unknown current id, duplicate id…).
    #[error("key settings refused: {0}")]
    Settings(String),
}

/// 32 secret bytes (a master key, the blind-index key, a data key). Zeroed on
/// drop; `Debug` shows nothing.
#[derive(Clone)]
pub struct SymmetricKey(Zeroizing<[u8; 32]>);

impl SymmetricKey {
    /// Length in bytes.
    pub const LEN: usize = 32;

    /// Wraps key bytes.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// A fresh random key from the operating system's CSPRNG (through `rand`).
    #[must_use]
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::fill(&mut bytes[..]);
        Self(bytes)
    }

    /// The bytes, for the cipher only.
    #[must_use]
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses 32 raw bytes or base64 text of 32 bytes; `what` names the source in errors.
    fn parse(raw: &[u8], what: &str) -> Result<Self, KeyError> {
        let length = || KeyError::Length(what.to_owned());
        if let Ok(bytes) = <[u8; 32]>::try_from(raw) {
            return Ok(Self::from_bytes(bytes));
        }
        let text = raw.trim_ascii();
        let decoded = Zeroizing::new(STANDARD.decode(text).map_err(|_| length())?);
        let bytes = <[u8; 32]>::try_from(decoded.as_slice()).map_err(|_| length())?;
        Ok(Self::from_bytes(bytes))
    }
}

impl fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SymmetricKey(<redacted>)")
    }
}

/// A master key and its id.
#[derive(Clone)]
pub struct MasterKey {
    id: KeyId,
    key: SymmetricKey,
}

impl MasterKey {
    /// Names key bytes.
    #[must_use]
    pub fn new(id: KeyId, key: SymmetricKey) -> Self {
        Self { id, key }
    }

    /// A fresh random master key named `id`.
    #[must_use]
    pub fn generate(id: &str) -> Self {
        Self::new(KeyId(id.to_owned()), SymmetricKey::generate())
    }

    /// Its id.
    #[must_use]
    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// Its bytes.
    #[must_use]
    pub fn key(&self) -> &SymmetricKey {
        &self.key
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &self.id.0)
            .finish_non_exhaustive()
    }
}

/// An Ed25519 key that signs access tokens, and its `kid`.
#[derive(Clone)]
pub struct JwtSigningKey {
    id: String,
    key: SigningKey,
}

impl JwtSigningKey {
    /// A fresh random key named `id`.
    #[must_use]
    pub fn generate(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            key: SigningKey::generate(&mut rand::rng()),
        }
    }

    /// Parses a PKCS#8 PEM private key.
    ///
    /// # Errors
    /// [`KeyError::Pem`] if `pem` is not an Ed25519 private key in PKCS#8 PEM.
    pub fn from_pkcs8_pem(id: &str, pem: &str) -> Result<Self, KeyError> {
        let key = SigningKey::from_pkcs8_pem(pem)
            .map_err(|_| KeyError::Pem(format!("the signing key {id:?}")))?;
        Ok(Self {
            id: id.to_owned(),
            key,
        })
    }

    /// Its `kid`.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The Ed25519 public key (32 bytes).
    #[must_use]
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The private key as PKCS#8 DER, for the JWT library.
    pub(crate) fn pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        self.key
            .to_pkcs8_der()
            .map(|document| Zeroizing::new(document.as_bytes().to_vec()))
            .map_err(|_| KeyError::Pem(format!("the signing key {:?}", self.id)))
    }

    fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|_| KeyError::Pem(format!("the signing key {:?}", self.id)))
    }
}

impl fmt::Debug for JwtSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtSigningKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Every key, read and checked: what the adapters are built from.
#[derive(Clone)]
pub struct KeyMaterial {
    master_keys: Vec<MasterKey>,
    current_master_key: KeyId,
    blind_index_key: SymmetricKey,
    jwt_keys: Vec<JwtSigningKey>,
    current_jwt_key: String,
    jwt_issuer: String,
    jwt_audience: String,
    access_token_ttl: Duration,
}

impl KeyMaterial {
    /// Random keys held only in memory (ids `ephemeral`), for tests and one-off
    /// tools: whatever they seal or sign is lost with the process.
    #[must_use]
    pub fn ephemeral(jwt_issuer: &str, jwt_audience: &str) -> Self {
        Self {
            master_keys: vec![MasterKey::generate("ephemeral")],
            current_master_key: KeyId("ephemeral".into()),
            blind_index_key: SymmetricKey::generate(),
            jwt_keys: vec![JwtSigningKey::generate("ephemeral")],
            current_jwt_key: "ephemeral".into(),
            jwt_issuer: jwt_issuer.to_owned(),
            jwt_audience: jwt_audience.to_owned(),
            access_token_ttl: Duration::from_secs(default_access_token_ttl_secs()),
        }
    }

    /// Every configured master key, current first.
    #[must_use]
    pub fn master_keys(&self) -> &[MasterKey] {
        &self.master_keys
    }

    /// Id of the master key new data keys are wrapped under.
    #[must_use]
    pub fn current_master_key(&self) -> &KeyId {
        &self.current_master_key
    }

    /// Key of the email blind index.
    #[must_use]
    pub fn blind_index_key(&self) -> &SymmetricKey {
        &self.blind_index_key
    }

    /// Every configured signing key, current first.
    #[must_use]
    pub fn jwt_keys(&self) -> &[JwtSigningKey] {
        &self.jwt_keys
    }

    /// `kid` of the key new tokens are signed with.
    #[must_use]
    pub fn current_jwt_key(&self) -> &str {
        &self.current_jwt_key
    }

    /// `iss` of access tokens.
    #[must_use]
    pub fn jwt_issuer(&self) -> &str {
        &self.jwt_issuer
    }

    /// `aud` of access tokens.
    #[must_use]
    pub fn jwt_audience(&self) -> &str {
        &self.jwt_audience
    }

    /// Lifetime of an access token.
    #[must_use]
    pub fn access_token_ttl(&self) -> Duration {
        self.access_token_ttl
    }
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyMaterial")
            .field("master_keys", &self.master_keys)
            .field("current_master_key", &self.current_master_key.0)
            .field("jwt_keys", &self.jwt_keys)
            .field("current_jwt_key", &self.current_jwt_key)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("jwt_audience", &self.jwt_audience)
            .field("access_token_ttl", &self.access_token_ttl)
            .finish_non_exhaustive()
    }
}

/// Id given to the keys [`generate_development_keys`] makes.
pub const DEVELOPMENT_KEY_ID: &str = "dev-1";

/// Creates development keys under `dir` (created if needed) unless they are
/// already there, and returns settings pointing at them. Existing files are
/// never overwritten, so running it again keeps the data readable.
///
/// Files, each readable by the owner only (0600): `master-dev-1.key` and
/// `blind-index.key` (32 random bytes each) and `jwt-dev-1.pem` (an Ed25519
/// key in PKCS#8 PEM). Issuer and audience are `ressources-relationnelles`
/// and `ressources-relationnelles-api`.
///
/// # Errors
/// [`KeyError::Write`] when the folder or a file cannot be created.
pub fn generate_development_keys(dir: &Path) -> Result<KeySettings, KeyError> {
    create_private_dir(dir)?;
    let master_file = dir.join(format!("master-{DEVELOPMENT_KEY_ID}.key"));
    let blind_index_file = dir.join("blind-index.key");
    let jwt_file = dir.join(format!("jwt-{DEVELOPMENT_KEY_ID}.pem"));

    write_new_secret(&master_file, || {
        Ok(Zeroizing::new(
            SymmetricKey::generate().expose().to_vec(),
        ))
    })?;
    write_new_secret(&blind_index_file, || {
        Ok(Zeroizing::new(
            SymmetricKey::generate().expose().to_vec(),
        ))
    })?;
    write_new_secret(&jwt_file, || {
        let pem = JwtSigningKey::generate(DEVELOPMENT_KEY_ID).to_pkcs8_pem()?;
        Ok(Zeroizing::new(pem.as_bytes().to_vec()))
    })?;

    Ok(KeySettings {
        master_keys: vec![MasterKeySource {
            id: DEVELOPMENT_KEY_ID.into(),
            file: Some(master_file),
            value: None,
        }],
        current_master_key: DEVELOPMENT_KEY_ID.into(),
        blind_index_key_file: blind_index_file,
        jwt_signing_keys: vec![SigningKeySource {
            id: DEVELOPMENT_KEY_ID.into(),
            file: jwt_file,
        }],
        current_jwt_key: DEVELOPMENT_KEY_ID.into(),
        jwt_issuer: "ressources-relationnelles".into(),
        jwt_audience: "ressources-relationnelles-api".into(),
        access_token_ttl_secs: default_access_token_ttl_secs(),
    })
}

fn create_private_dir(dir: &Path) -> Result<(), KeyError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| KeyError::Write {
        path: dir.to_owned(),
        source,
    })
}

/// Writes `make()` to `path` with mode 0600, unless `path` exists.
fn write_new_secret(
    path: &Path,
    make: impl FnOnce() -> Result<Zeroizing<Vec<u8>>, KeyError>,
) -> Result<(), KeyError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let write_error = |source| KeyError::Write {
        path: path.to_owned(),
        source,
    };
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(write_error(e)),
    };
    let bytes = make()?;
    file.write_all(&bytes).map_err(write_error)?;
    file.sync_all().map_err(write_error)
}

/// Reads every key the settings name and checks them: lengths, PEM, unique
/// ids, current ids present, blind-index key distinct from the master keys,
/// issuer and audience set, lifetime between 1 s and 1 h.
///
/// # Errors
/// [`KeyError`] naming the first file or setting at fault.
pub fn load(settings: &KeySettings) -> Result<KeyMaterial, KeyError> {
    let master_keys = load_master_keys(settings)?;
    let blind_index_key = SymmetricKey::parse(
        &read_secret(&settings.blind_index_key_file)?,
        &describe(&settings.blind_index_key_file),
    )?;
    if master_keys
        .iter()
        .any(|master| master.key.expose() == blind_index_key.expose())
    {
        return Err(KeyError::Settings(
            "the blind-index key must not be one of the master keys".into(),
        ));
    }
    let jwt_keys = load_jwt_keys(settings)?;

    if settings.jwt_issuer.trim().is_empty() || settings.jwt_audience.trim().is_empty() {
        return Err(KeyError::Settings(
            "jwt_issuer and jwt_audience must not be empty".into(),
        ));
    }
    if !(1..=MAX_ACCESS_TOKEN_TTL_SECS).contains(&settings.access_token_ttl_secs) {
        return Err(KeyError::Settings(format!(
            "access_token_ttl_secs must be between 1 and {MAX_ACCESS_TOKEN_TTL_SECS}"
        )));
    }

    Ok(KeyMaterial {
        master_keys,
        current_master_key: KeyId(settings.current_master_key.clone()),
        blind_index_key,
        jwt_keys,
        current_jwt_key: settings.current_jwt_key.clone(),
        jwt_issuer: settings.jwt_issuer.clone(),
        jwt_audience: settings.jwt_audience.clone(),
        access_token_ttl: Duration::from_secs(settings.access_token_ttl_secs),
    })
}

fn load_master_keys(settings: &KeySettings) -> Result<Vec<MasterKey>, KeyError> {
    check_ids(
        "master key",
        settings.master_keys.iter().map(|source| source.id.as_str()),
        &settings.current_master_key,
    )?;
    let mut keys = Vec::with_capacity(settings.master_keys.len());
    for source in &settings.master_keys {
        let key = match (&source.file, &source.value) {
            (Some(path), None) => SymmetricKey::parse(&read_secret(path)?, &describe(path))?,
            (None, Some(value)) => SymmetricKey::parse(
                value.expose_secret().as_bytes(),
                &format!("the inline value of master key {:?}", source.id),
            )?,
            _ => {
                return Err(KeyError::Settings(format!(
                    "master key {:?} needs exactly one of `file` and `value`",
                    source.id
                )));
            }
        };
        keys.push(MasterKey::new(KeyId(source.id.clone()), key));
    }
    keys.sort_by_key(|key| key.id.0 != settings.current_master_key);
    Ok(keys)
}

fn load_jwt_keys(settings: &KeySettings) -> Result<Vec<JwtSigningKey>, KeyError> {
    check_ids(
        "JWT signing key",
        settings
            .jwt_signing_keys
            .iter()
            .map(|source| source.id.as_str()),
        &settings.current_jwt_key,
    )?;
    let mut keys = Vec::with_capacity(settings.jwt_signing_keys.len());
    for source in &settings.jwt_signing_keys {
        let bytes = read_secret(&source.file)?;
        let pem = std::str::from_utf8(&bytes).map_err(|_| KeyError::Pem(describe(&source.file)))?;
        let key = JwtSigningKey::from_pkcs8_pem(&source.id, pem)
            .map_err(|_| KeyError::Pem(describe(&source.file)))?;
        keys.push(key);
    }
    keys.sort_by_key(|key| key.id != settings.current_jwt_key);
    Ok(keys)
}

/// Ids are non-empty and unique, and `current` is one of them.
fn check_ids<'a>(
    kind: &str,
    ids: impl Iterator<Item = &'a str>,
    current: &str,
) -> Result<(), KeyError> {
    let mut seen = HashSet::new();
    for id in ids {
        if id.trim().is_empty() {
            return Err(KeyError::Settings(format!("a {kind} has an empty id")));
        }
        if !seen.insert(id) {
            return Err(KeyError::Settings(format!("{kind} id {id:?} appears twice")));
        }
    }
    if seen.is_empty() {
        return Err(KeyError::Settings(format!("at least one {kind} is needed")));
    }
    if !seen.contains(current) {
        return Err(KeyError::Settings(format!(
            "the current {kind} {current:?} is not among the configured ones"
        )));
    }
    Ok(())
}

fn read_secret(path: &Path) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    fs::read(path)
        .map(Zeroizing::new)
        .map_err(|source| KeyError::Read {
            path: path.to_owned(),
            source,
        })
}

fn describe(path: &Path) -> String {
    format!("the key file {}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated() -> (tempfile::TempDir, KeySettings) {
        let dir = tempfile::tempdir().unwrap();
        let settings = generate_development_keys(&dir.path().join("keys")).unwrap();
        (dir, settings)
    }

    #[test]
    fn generated_development_keys_load() {
        let (_dir, settings) = generated();

        let material = load(&settings).unwrap();

        assert_eq!(material.current_master_key(), &KeyId("dev-1".into()));
        assert_eq!(material.master_keys().len(), 1);
        assert_eq!(material.current_jwt_key(), "dev-1");
        assert_eq!(material.access_token_ttl(), Duration::from_secs(900));
        assert_ne!(
            material.blind_index_key().expose(),
            material.master_keys()[0].key().expose()
        );
    }

    #[cfg(unix)]
    #[test]
    fn generated_files_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let (_dir, settings) = generated();
        for path in [
            settings.master_keys[0].file.clone().unwrap(),
            settings.blind_index_key_file.clone(),
            settings.jwt_signing_keys[0].file.clone(),
        ] {
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", path.display());
        }
    }

    #[test]
    fn generating_again_never_overwrites() {
        let (dir, settings) = generated();
        let master = fs::read(settings.master_keys[0].file.as_ref().unwrap()).unwrap();
        let pem = fs::read(&settings.jwt_signing_keys[0].file).unwrap();

        generate_development_keys(&dir.path().join("keys")).unwrap();

        assert_eq!(
            fs::read(settings.master_keys[0].file.as_ref().unwrap()).unwrap(),
            master
        );
        assert_eq!(fs::read(&settings.jwt_signing_keys[0].file).unwrap(), pem);
    }

    #[test]
    fn keys_may_be_base64_text_or_inline() {
        let (dir, mut settings) = generated();
        let text_file = dir.path().join("master-2.b64");
        fs::write(&text_file, format!("{}\n", STANDARD.encode([7u8; 32]))).unwrap();
        settings.master_keys.push(MasterKeySource {
            id: "text".into(),
            file: Some(text_file),
            value: None,
        });
        settings.master_keys.push(MasterKeySource {
            id: "inline".into(),
            file: None,
            value: Some(SecretString::from(STANDARD.encode([9u8; 32]))),
        });
        settings.current_master_key = "inline".into();

        let material = load(&settings).unwrap();

        assert_eq!(material.master_keys()[0].id(), &KeyId("inline".into()));
        assert_eq!(material.master_keys()[0].key().expose(), &[9u8; 32]);
        assert!(
            material
                .master_keys()
                .iter()
                .any(|key| key.key().expose() == &[7u8; 32])
        );
    }

    #[test]
    fn a_short_key_is_refused_naming_its_file_not_its_bytes() {
        let (_dir, settings) = generated();
        fs::write(&settings.blind_index_key_file, b"sixteen byte key").unwrap();

        let message = load(&settings).unwrap_err().to_string();

        assert!(message.contains("blind-index.key"), "{message}");
        assert!(!message.contains("sixteen"), "{message}");
    }

    #[test]
    fn a_bad_pem_is_refused_naming_its_file() {
        let (_dir, settings) = generated();
        fs::write(&settings.jwt_signing_keys[0].file, "-----BEGIN NONSENSE-----").unwrap();

        let err = load(&settings).unwrap_err();

        assert!(matches!(err, KeyError::Pem(_)));
        assert!(err.to_string().contains("jwt-dev-1.pem"), "{err}");
    }

    #[test]
    fn a_missing_file_is_reported_with_its_path() {
        let (dir, mut settings) = generated();
        settings.blind_index_key_file = dir.path().join("absent.key");

        let err = load(&settings).unwrap_err();

        assert!(matches!(err, KeyError::Read { .. }));
        assert!(err.to_string().contains("absent.key"));
    }

    #[test]
    fn inconsistent_settings_are_refused() {
        let (_dir, settings) = generated();
        let cases: Vec<(&str, Box<dyn Fn(&mut KeySettings)>)> = vec![
            (
                "unknown current master key",
                Box::new(|s| s.current_master_key = "nope".into()),
            ),
            (
                "unknown current jwt key",
                Box::new(|s| s.current_jwt_key = "nope".into()),
            ),
            (
                "duplicate master id",
                Box::new(|s| s.master_keys.push(s.master_keys[0].clone())),
            ),
            ("no master key", Box::new(|s| s.master_keys.clear())),
            (
                "file and value",
                Box::new(|s| {
                    s.master_keys[0].value = Some(SecretString::from(STANDARD.encode([1u8; 32])));
                }),
            ),
            (
                "blind index key is a master key",
                Box::new(|s| s.blind_index_key_file = s.master_keys[0].file.clone().unwrap()),
            ),
            ("empty issuer", Box::new(|s| s.jwt_issuer = " ".into())),
            ("zero ttl", Box::new(|s| s.access_token_ttl_secs = 0)),
            ("day-long ttl", Box::new(|s| s.access_token_ttl_secs = 86_400)),
        ];
        for (name, change) in cases {
            let mut changed = settings.clone();
            change(&mut changed);
            assert!(load(&changed).is_err(), "{name}");
        }
    }

    #[test]
    fn settings_refuse_unknown_fields_and_default_the_ttl() {
        let parsed: KeySettings = serde_json::from_value(serde_json::json!({
            "master_keys": [{"id": "k1", "file": "/run/secrets/k1"}],
            "current_master_key": "k1",
            "blind_index_key_file": "/run/secrets/bi",
            "jwt_signing_keys": [{"id": "j1", "file": "/run/secrets/j1.pem"}],
            "current_jwt_key": "j1",
            "jwt_issuer": "rr",
            "jwt_audience": "rr-api",
        }))
        .unwrap();
        assert_eq!(parsed.access_token_ttl_secs, 900);

        let unknown = serde_json::from_value::<MasterKeySource>(serde_json::json!({
            "id": "k1", "path": "/x"
        }));
        assert!(unknown.is_err());
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let material = KeyMaterial::ephemeral("iss", "aud");
        let key = material.blind_index_key().expose();
        let debug = format!("{material:?}");
        assert!(debug.contains("ephemeral"));
        assert!(!debug.contains(&format!("{:?}", &key[..4])));
        let source = MasterKeySource {
            id: "k".into(),
            file: None,
            value: Some(SecretString::from("c2VjcmV0LWJ5dGVz".to_owned())),
        };
        assert!(!format!("{source:?}").contains("c2VjcmV0"));
    }
}
