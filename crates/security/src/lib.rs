//! Security adapter: implementations of the application's cryptographic ports.
//!
//! Outer ring of the hexagon. It depends on `rr-application` (the ports) and
//! `rr-domain` (the types they exchange); never on another adapter. Crypto comes
//! from maintained crates (`RustCrypto` and neighbours), never written here.
//!
//! Adapters, one module each:
//! - [`Argon2PasswordHasher`] ([`PasswordHasher`](rr_application::ports::PasswordHasher)):
//!   argon2id, bounded concurrency, configured by [`PasswordHashingSettings`].
//! - [`XChaChaFieldCipher`] ([`FieldCipher`](rr_application::ports::FieldCipher)):
//!   per-user data keys wrapped by rotating master keys, XChaCha20-Poly1305.
//! - [`HmacBlindIndex`] ([`BlindIndex`](rr_application::ports::BlindIndex)):
//!   HMAC-SHA256 of the normalised email under its own key.
//! - [`JwtAccessTokens`] ([`AccessTokens`](rr_application::ports::AccessTokens)):
//!   `EdDSA` JWTs with `kid`, verified against every configured key.
//! - [`RandomSecretTokens`] ([`SecretTokens`](rr_application::ports::SecretTokens)):
//!   random tokens and recovery codes, SHA-256 digests.
//! - [`RfcTotp`] ([`Totp`](rr_application::ports::Totp)): RFC 6238 codes.
//! - [`ZxcvbnStrength`] ([`PasswordStrength`](rr_application::ports::PasswordStrength)).
//!
//! Key material is configured by [`KeySettings`], read and checked by [`load`]
//! into a [`KeyMaterial`] that the key-holding adapters are built from
//! (`from_material`); [`generate_development_keys`] makes a local set.

mod access_tokens;
pub mod backup;
mod blind_index;
mod field_cipher;
mod keys;
mod password;
mod password_strength;
mod secret_tokens;
mod totp;

pub use access_tokens::{JwtAccessTokens, TokenSettings};
pub use blind_index::HmacBlindIndex;
pub use field_cipher::XChaChaFieldCipher;
pub use keys::{
    DEVELOPMENT_KEY_ID, JwtSigningKey, KeyError, KeyMaterial, KeySettings, MasterKey,
    MasterKeySource, SigningKeySource, SymmetricKey, generate_development_keys, load,
};
pub use password::{Argon2PasswordHasher, PasswordHashingSettings, WeakParameters};
pub use password_strength::ZxcvbnStrength;
pub use secret_tokens::RandomSecretTokens;
pub use totp::{RfcTotp, TOTP_ISSUER};
