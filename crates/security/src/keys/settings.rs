//! Key settings, and reading and checking the keys they name.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rr_domain::identity::KeyId;
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::{JwtSigningKey, KeyError, KeyMaterial, MasterKey, SymmetricKey};

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

/// Access-token lifetime when the settings give none: 15 minutes.
pub(super) const DEFAULT_ACCESS_TOKEN_TTL_SECS: u64 = 900;

fn default_access_token_ttl_secs() -> u64 {
    DEFAULT_ACCESS_TOKEN_TTL_SECS
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
        .any(|master| master.key().expose() == blind_index_key.expose())
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
    keys.sort_by_key(|key| key.id().0 != settings.current_master_key);
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
    keys.sort_by_key(|key| key.id() != settings.current_jwt_key);
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
            return Err(KeyError::Settings(format!(
                "{kind} id {id:?} appears twice"
            )));
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
    use crate::keys::development::tests::generated;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

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
        fs::write(
            &settings.jwt_signing_keys[0].file,
            "-----BEGIN NONSENSE-----",
        )
        .unwrap();

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
        type Change = fn(&mut KeySettings);
        let (_dir, settings) = generated();
        let cases: Vec<(&str, Change)> = vec![
            (
                "unknown current master key",
                (|s| s.current_master_key = "nope".into()),
            ),
            (
                "unknown current jwt key",
                (|s| s.current_jwt_key = "nope".into()),
            ),
            (
                "duplicate master id",
                (|s| s.master_keys.push(s.master_keys[0].clone())),
            ),
            ("no master key", (|s| s.master_keys.clear())),
            (
                "file and value",
                (|s| {
                    s.master_keys[0].value = Some(SecretString::from(STANDARD.encode([1u8; 32])));
                }),
            ),
            (
                "blind index key is a master key",
                (|s| s.blind_index_key_file = s.master_keys[0].file.clone().unwrap()),
            ),
            ("empty issuer", (|s| s.jwt_issuer = " ".into())),
            ("zero ttl", (|s| s.access_token_ttl_secs = 0)),
            ("day-long ttl", (|s| s.access_token_ttl_secs = 86_400)),
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
    fn an_inline_value_never_shows_in_debug() {
        let source = MasterKeySource {
            id: "k".into(),
            file: None,
            value: Some(SecretString::from("c2VjcmV0LWJ5dGVz".to_owned())),
        };
        assert!(!format!("{source:?}").contains("c2VjcmV0"));
    }
}
