//! Key material: where the keys live ([`KeySettings`]), how development keys are
//! made ([`generate_development_keys`]) and how keys are read and checked
//! ([`load`]) into a [`KeyMaterial`] the adapters are built from.
//!
//! Secret bytes stay in zeroizing types, and no `Debug` or error message of this
//! module ever shows them: errors name the file (or the inline setting) instead.

mod development;
mod material;
mod settings;

use std::io;
use std::path::PathBuf;

pub use development::{DEVELOPMENT_KEY_ID, generate_development_keys};
pub use material::{JwtSigningKey, KeyMaterial, MasterKey, SymmetricKey};
pub use settings::{KeySettings, MasterKeySource, SigningKeySource, load};

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
