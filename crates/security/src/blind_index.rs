//! [`BlindIndex`] with HMAC-SHA256 under a key of its own.

use std::fmt;

use hmac::{Hmac, KeyInit as _, Mac as _};
use rr_application::ports::BlindIndex;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::keys::{KeyMaterial, SymmetricKey};

/// HMAC-SHA256 block size: keys shorter than it are zero-padded to it (RFC 2104 §2).
const BLOCK_LEN: usize = 64;

/// [`BlindIndex`]: HMAC-SHA256 of the normalised email under the blind-index
/// key, which is never a master key, so the index reveals nothing without it.
#[derive(Clone)]
pub struct HmacBlindIndex {
    mac: Hmac<Sha256>,
}

impl HmacBlindIndex {
    /// An index keyed by `key`.
    #[must_use]
    pub fn new(key: &SymmetricKey) -> Self {
        // HMAC pads a short key with zeros to the block size, so this fixed-size
        // form is the same function as keying with the 32 bytes, without the
        // fallible variable-length constructor.
        let mut block = Zeroizing::new([0u8; BLOCK_LEN]);
        block[..SymmetricKey::LEN].copy_from_slice(key.expose());
        Self {
            mac: Hmac::<Sha256>::new(&(*block).into()),
        }
    }

    /// An index keyed by the blind-index key of `material`.
    #[must_use]
    pub fn from_material(material: &KeyMaterial) -> Self {
        Self::new(material.blind_index_key())
    }
}

impl fmt::Debug for HmacBlindIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacBlindIndex(<keyed>)")
    }
}

/// Prefixes the input of [`BlindIndex::username_index`]: it holds no `@`,
/// so no normalised email begins with it, and the two indexes never meet.
const USERNAME_DOMAIN: &[u8] = b"rr-username:";

impl BlindIndex for HmacBlindIndex {
    fn email_index(&self, normalised_email: &str) -> Vec<u8> {
        let mut mac = self.mac.clone();
        mac.update(normalised_email.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    fn username_index(&self, canonical_username: &str) -> Vec<u8> {
        let mut mac = self.mac.clone();
        mac.update(USERNAME_DOMAIN);
        mac.update(canonical_username.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_deterministic_and_32_bytes() {
        let index = HmacBlindIndex::new(&SymmetricKey::from_bytes([1; 32]));
        let first = index.email_index("lea@exemple.fr");
        assert_eq!(first.len(), 32);
        assert_eq!(first, index.email_index("lea@exemple.fr"));
        assert_ne!(first, index.email_index("leo@exemple.fr"));
    }

    #[test]
    fn a_username_index_is_keyed_and_apart_from_email_indexes() {
        let index = HmacBlindIndex::new(&SymmetricKey::from_bytes([1; 32]));
        let other = HmacBlindIndex::new(&SymmetricKey::from_bytes([2; 32]));
        let lea = index.username_index("lea_m");
        assert_eq!(lea.len(), 32);
        assert_eq!(lea, index.username_index("lea_m"));
        assert_ne!(lea, index.username_index("leo_m"));
        assert_ne!(lea, other.username_index("lea_m"));
        assert_ne!(lea, index.email_index("lea_m"));
        // What it hashes holds no `@`: no normalised address is spelt so.
        assert_eq!(lea, index.email_index("rr-username:lea_m"));
    }

    #[test]
    fn the_index_depends_on_the_key() {
        let a = HmacBlindIndex::new(&SymmetricKey::from_bytes([1; 32]));
        let b = HmacBlindIndex::new(&SymmetricKey::from_bytes([2; 32]));
        assert_ne!(
            a.email_index("lea@exemple.fr"),
            b.email_index("lea@exemple.fr")
        );
    }

    #[test]
    fn the_padded_key_gives_plain_hmac_sha256() {
        let key = [0x5a; 32];
        let mut reference = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&key).unwrap();
        reference.update(b"lea@exemple.fr");

        let index = HmacBlindIndex::new(&SymmetricKey::from_bytes(key));

        assert_eq!(
            index.email_index("lea@exemple.fr"),
            reference.finalize().into_bytes().to_vec()
        );
    }

    #[test]
    fn zero_padding_to_the_block_matches_rfc_4231() {
        // RFC 4231 test case 1 (20-byte key 0x0b, "Hi There"), keyed the way
        // `new` keys: zero-padded to the block size.
        let mut block = [0u8; BLOCK_LEN];
        block[..20].copy_from_slice(&[0x0b; 20]);
        let mut mac = Hmac::<Sha256>::new(&block.into());
        mac.update(b"Hi There");
        let hex = data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes());
        assert_eq!(
            hex,
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }
}
