//! Keys in memory: symmetric keys, master keys, signing keys, and the checked set.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rr_domain::identity::KeyId;
use zeroize::Zeroizing;

use super::KeyError;
use super::settings::DEFAULT_ACCESS_TOKEN_TTL_SECS;

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
    pub(super) fn parse(raw: &[u8], what: &str) -> Result<Self, KeyError> {
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

    pub(super) fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
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
    pub(super) master_keys: Vec<MasterKey>,
    pub(super) current_master_key: KeyId,
    pub(super) blind_index_key: SymmetricKey,
    pub(super) jwt_keys: Vec<JwtSigningKey>,
    pub(super) current_jwt_key: String,
    pub(super) jwt_issuer: String,
    pub(super) jwt_audience: String,
    pub(super) access_token_ttl: Duration,
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
            access_token_ttl: Duration::from_secs(DEFAULT_ACCESS_TOKEN_TTL_SECS),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_secret() {
        let material = KeyMaterial::ephemeral("iss", "aud");
        let key = material.blind_index_key().expose();
        let debug = format!("{material:?}");
        assert!(debug.contains("ephemeral"));
        assert!(!debug.contains(&format!("{:?}", &key[..4])));
    }
}
