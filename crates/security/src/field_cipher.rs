//! [`FieldCipher`] with XChaCha20-Poly1305 and envelope encryption.
//!
//! Each user has a random 32-byte data key. It is stored wrapped:
//! `nonce (24) ‖ XChaCha20-Poly1305(master key, nonce, data key, aad = "rr-data-key:" ‖ key id)`.
//! A field is stored as
//! `version (1) ‖ nonce (24) ‖ XChaCha20-Poly1305(data key, nonce, plaintext, aad)`,
//! where `aad = "rr-field:" ‖ version ‖ owner uuid (16 bytes) ‖ ":" ‖ field name`:
//! the uuid has a fixed length, so no two (owner, field) pairs share an `aad`,
//! and a ciphertext moved to another row or column fails to open.

use std::collections::HashMap;
use std::fmt;

use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rr_application::ports::{CryptoError, FieldCipher};
use rr_domain::identity::{KeyId, Sealed, UserId, WrappedKey};
use zeroize::Zeroizing;

use crate::keys::{KeyError, KeyMaterial, MasterKey, SymmetricKey};

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Format of sealed fields; bump it (and keep reading the old one) to change the scheme.
const SEALED_V1: u8 = 1;

/// Malformed stored bytes: the port reports them as [`CryptoError::Internal`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Malformed(&'static str);

/// [`FieldCipher`] over XChaCha20-Poly1305, with master keys identified by id so
/// that they can rotate: every configured key unwraps, the current one wraps.
#[derive(Clone)]
pub struct XChaChaFieldCipher {
    master_keys: HashMap<KeyId, SymmetricKey>,
    current: KeyId,
}

impl XChaChaFieldCipher {
    /// A cipher with these master keys, wrapping new data keys under `current`.
    ///
    /// # Errors
    /// [`KeyError::Settings`] if `current` is not among `master_keys` or an id repeats.
    pub fn new(master_keys: &[MasterKey], current: &KeyId) -> Result<Self, KeyError> {
        let mut keys = HashMap::with_capacity(master_keys.len());
        for master in master_keys {
            if keys
                .insert(master.id().clone(), master.key().clone())
                .is_some()
            {
                return Err(KeyError::Settings(format!(
                    "master key id {:?} appears twice",
                    master.id().0
                )));
            }
        }
        if !keys.contains_key(current) {
            return Err(KeyError::Settings(format!(
                "the current master key {:?} is not among the configured ones",
                current.0
            )));
        }
        Ok(Self {
            master_keys: keys,
            current: current.clone(),
        })
    }

    /// A cipher with the master keys of `material` (already checked by [`crate::load`]).
    ///
    /// # Errors
    /// As [`XChaChaFieldCipher::new`].
    pub fn from_material(material: &KeyMaterial) -> Result<Self, KeyError> {
        Self::new(material.master_keys(), material.current_master_key())
    }

    fn wrap(&self, data_key: &SymmetricKey) -> Result<WrappedKey, CryptoError> {
        let master = self
            .master_keys
            .get(&self.current)
            .ok_or_else(|| CryptoError::UnknownKey(self.current.clone()))?;
        let bytes = encrypt(master, &wrap_aad(&self.current), data_key.expose())?;
        Ok(WrappedKey {
            key_id: self.current.clone(),
            bytes,
        })
    }

    fn unwrap_key(&self, wrapped: &WrappedKey) -> Result<SymmetricKey, CryptoError> {
        let master = self
            .master_keys
            .get(&wrapped.key_id)
            .ok_or_else(|| CryptoError::UnknownKey(wrapped.key_id.clone()))?;
        let plain = Zeroizing::new(decrypt(master, &wrap_aad(&wrapped.key_id), &wrapped.bytes)?);
        let bytes = <[u8; 32]>::try_from(plain.as_slice())
            .map_err(|_| internal("a wrapped data key is not 32 bytes"))?;
        Ok(SymmetricKey::from_bytes(bytes))
    }
}

impl fmt::Debug for XChaChaFieldCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<&str> = self.master_keys.keys().map(|id| id.0.as_str()).collect();
        ids.sort_unstable();
        f.debug_struct("XChaChaFieldCipher")
            .field("master_keys", &ids)
            .field("current", &self.current.0)
            .finish()
    }
}

impl FieldCipher for XChaChaFieldCipher {
    fn new_data_key(&self) -> Result<WrappedKey, CryptoError> {
        self.wrap(&SymmetricKey::generate())
    }

    fn seal(
        &self,
        key: &WrappedKey,
        owner: UserId,
        field: &str,
        plaintext: &[u8],
    ) -> Result<Sealed, CryptoError> {
        let data_key = self.unwrap_key(key)?;
        let body = encrypt(&data_key, &field_aad(SEALED_V1, owner, field), plaintext)?;
        let mut sealed = Vec::with_capacity(1 + body.len());
        sealed.push(SEALED_V1);
        sealed.extend_from_slice(&body);
        Ok(Sealed(sealed))
    }

    fn open(
        &self,
        key: &WrappedKey,
        owner: UserId,
        field: &str,
        sealed: &Sealed,
    ) -> Result<Vec<u8>, CryptoError> {
        let Some((&version, body)) = sealed.0.split_first() else {
            return Err(internal("an empty sealed value"));
        };
        if version != SEALED_V1 {
            return Err(internal("a sealed value of an unknown version"));
        }
        let data_key = self.unwrap_key(key)?;
        decrypt(&data_key, &field_aad(version, owner, field), body)
    }

    fn current_key_id(&self) -> KeyId {
        self.current.clone()
    }

    fn rewrap(&self, key: &WrappedKey) -> Result<WrappedKey, CryptoError> {
        self.wrap(&self.unwrap_key(key)?)
    }
}

fn wrap_aad(key_id: &KeyId) -> Vec<u8> {
    [b"rr-data-key:".as_slice(), key_id.0.as_bytes()].concat()
}

fn field_aad(version: u8, owner: UserId, field: &str) -> Vec<u8> {
    [
        b"rr-field:".as_slice(),
        &[version],
        owner.as_uuid().as_bytes(),
        b":",
        field.as_bytes(),
    ]
    .concat()
}

/// `nonce ‖ ciphertext` under `key`, with a fresh random nonce.
fn encrypt(key: &SymmetricKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::fill(&mut nonce[..]);
    let ciphertext = XChaCha20Poly1305::new(&(*key.expose()).into())
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| internal("encryption failed"))?;
    Ok([nonce.as_slice(), &ciphertext].concat())
}

/// Opens `nonce ‖ ciphertext` under `key`.
fn decrypt(key: &SymmetricKey, aad: &[u8], stored: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if stored.len() < NONCE_LEN + TAG_LEN {
        return Err(internal("a ciphertext shorter than its nonce and tag"));
    }
    let (nonce, ciphertext) = stored.split_at(NONCE_LEN);
    let nonce = XNonce::try_from(nonce).map_err(|_| internal("a malformed nonce"))?;
    XChaCha20Poly1305::new(&(*key.expose()).into())
        .decrypt(
            &nonce,
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Integrity)
}

fn internal(what: &'static str) -> CryptoError {
    CryptoError::Internal(Box::new(Malformed(what)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rr_application::ports::fields;

    fn cipher(keys: &[&MasterKey], current: &str) -> XChaChaFieldCipher {
        let keys: Vec<MasterKey> = keys.iter().map(|&key| key.clone()).collect();
        XChaChaFieldCipher::new(&keys, &KeyId(current.into())).unwrap()
    }

    #[test]
    fn a_sealed_field_opens_with_the_same_owner_and_field() {
        let k1 = MasterKey::generate("k1");
        let cipher = cipher(&[&k1], "k1");
        let key = cipher.new_data_key().unwrap();
        let owner = UserId::generate();

        let sealed = cipher
            .seal(&key, owner, fields::EMAIL, b"lea@exemple.fr")
            .unwrap();

        assert_eq!(key.key_id, KeyId("k1".into()));
        assert_eq!(sealed.0[0], SEALED_V1);
        assert!(
            !sealed
                .0
                .windows(b"lea@exemple.fr".len())
                .any(|w| w == b"lea@exemple.fr")
        );
        assert_eq!(
            cipher.open(&key, owner, fields::EMAIL, &sealed).unwrap(),
            b"lea@exemple.fr"
        );
    }

    #[test]
    fn sealing_twice_gives_different_ciphertexts() {
        let k1 = MasterKey::generate("k1");
        let cipher = cipher(&[&k1], "k1");
        let key = cipher.new_data_key().unwrap();
        let owner = UserId::generate();
        let a = cipher
            .seal(&key, owner, fields::PHONE, b"+33612345678")
            .unwrap();
        let b = cipher
            .seal(&key, owner, fields::PHONE, b"+33612345678")
            .unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn a_ciphertext_moved_to_another_owner_or_field_fails() {
        let k1 = MasterKey::generate("k1");
        let cipher = cipher(&[&k1], "k1");
        let key = cipher.new_data_key().unwrap();
        let owner = UserId::generate();
        let sealed = cipher
            .seal(&key, owner, fields::FIRST_NAME, b"Lea")
            .unwrap();

        assert!(matches!(
            cipher.open(&key, UserId::generate(), fields::FIRST_NAME, &sealed),
            Err(CryptoError::Integrity)
        ));
        assert!(matches!(
            cipher.open(&key, owner, fields::LAST_NAME, &sealed),
            Err(CryptoError::Integrity)
        ));
        // Another user's data key (same master key) does not open it either.
        let other_key = cipher.new_data_key().unwrap();
        assert!(matches!(
            cipher.open(&other_key, owner, fields::FIRST_NAME, &sealed),
            Err(CryptoError::Integrity)
        ));
    }

    #[test]
    fn any_flipped_byte_fails() {
        let k1 = MasterKey::generate("k1");
        let cipher = cipher(&[&k1], "k1");
        let key = cipher.new_data_key().unwrap();
        let owner = UserId::generate();
        let sealed = cipher.seal(&key, owner, fields::COUNTRY, b"FR").unwrap();

        for position in 0..sealed.0.len() {
            let mut tampered = sealed.clone();
            tampered.0[position] ^= 0x01;
            let result = cipher.open(&key, owner, fields::COUNTRY, &tampered);
            if position == 0 {
                assert!(matches!(result, Err(CryptoError::Internal(_))));
            } else {
                assert!(
                    matches!(result, Err(CryptoError::Integrity)),
                    "byte {position}"
                );
            }
        }
        let mut wrapped = key.clone();
        wrapped.bytes[30] ^= 0x80;
        assert!(matches!(
            cipher.open(&wrapped, owner, fields::COUNTRY, &sealed),
            Err(CryptoError::Integrity)
        ));
        let truncated = Sealed(sealed.0[..20].to_vec());
        assert!(matches!(
            cipher.open(&key, owner, fields::COUNTRY, &truncated),
            Err(CryptoError::Internal(_))
        ));
    }

    #[test]
    fn a_wrapped_key_relabelled_with_another_master_id_fails() {
        let k1 = MasterKey::generate("k1");
        let k2 = MasterKey::new(KeyId("k2".into()), k1.key().clone());
        let cipher = cipher(&[&k1, &k2], "k1");
        let key = cipher.new_data_key().unwrap();
        let relabelled = WrappedKey {
            key_id: KeyId("k2".into()),
            bytes: key.bytes.clone(),
        };
        assert!(matches!(
            cipher.seal(&relabelled, UserId::generate(), fields::EMAIL, b"x"),
            Err(CryptoError::Integrity)
        ));
    }

    #[test]
    fn an_unknown_master_key_is_reported_by_id() {
        let k1 = MasterKey::generate("k1");
        let k2 = MasterKey::generate("k2");
        let key = cipher(&[&k1], "k1").new_data_key().unwrap();

        let err = cipher(&[&k2], "k2")
            .seal(&key, UserId::generate(), fields::EMAIL, b"x")
            .unwrap_err();

        assert!(matches!(err, CryptoError::UnknownKey(id) if id == KeyId("k1".into())));
    }

    #[test]
    fn rotation_rewraps_keys_and_old_keys_open_until_removed() {
        let k1 = MasterKey::generate("k1");
        let k2 = MasterKey::generate("k2");
        let owner = UserId::generate();
        let before = cipher(&[&k1], "k1");
        let old_key = before.new_data_key().unwrap();
        let sealed = before
            .seal(&old_key, owner, fields::EMAIL, b"a@b.fr")
            .unwrap();

        // Rotation: k2 current, k1 still configured.
        let during = cipher(&[&k1, &k2], "k2");
        assert_eq!(during.current_key_id(), KeyId("k2".into()));
        assert_eq!(
            during
                .open(&old_key, owner, fields::EMAIL, &sealed)
                .unwrap(),
            b"a@b.fr"
        );
        assert_eq!(during.new_data_key().unwrap().key_id, KeyId("k2".into()));
        let new_key = during.rewrap(&old_key).unwrap();
        assert_eq!(new_key.key_id, KeyId("k2".into()));
        assert_ne!(new_key.bytes, old_key.bytes);
        assert_eq!(
            during
                .open(&new_key, owner, fields::EMAIL, &sealed)
                .unwrap(),
            b"a@b.fr"
        );

        // k1 removed: only re-wrapped keys still open.
        let after = cipher(&[&k2], "k2");
        assert_eq!(
            after.open(&new_key, owner, fields::EMAIL, &sealed).unwrap(),
            b"a@b.fr"
        );
        assert!(matches!(
            after.open(&old_key, owner, fields::EMAIL, &sealed),
            Err(CryptoError::UnknownKey(_))
        ));
        assert!(matches!(
            after.rewrap(&old_key),
            Err(CryptoError::UnknownKey(_))
        ));
    }

    #[test]
    fn the_current_key_must_be_configured() {
        let k1 = MasterKey::generate("k1");
        assert!(XChaChaFieldCipher::new(std::slice::from_ref(&k1), &KeyId("k2".into())).is_err());
        assert!(XChaChaFieldCipher::new(&[k1.clone(), k1], &KeyId("k1".into())).is_err());
    }

    #[test]
    fn debug_lists_key_ids_only() {
        let k1 = MasterKey::new(KeyId("k1".into()), SymmetricKey::from_bytes([0xAB; 32]));
        let debug = format!("{:?}", cipher(&[&k1], "k1"));
        assert!(debug.contains("k1"));
        assert!(!debug.contains("171"), "{debug}");
    }
}
