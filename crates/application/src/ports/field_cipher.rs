use rr_domain::identity::{KeyId, Profile, Sealed, UserId, WrappedKey};

use crate::error::Cause;

/// Why sealing or opening failed.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The master key a data key was wrapped under is not configured.
    #[error("unknown master key {0:?}")]
    UnknownKey(KeyId),
    /// Authentication failed: wrong key, wrong owner or field, or tampered bytes.
    #[error("integrity check failed")]
    Integrity,
    /// Anything else (a bug, a malformed stored value).
    #[error("cryptographic failure")]
    Internal(#[source] Cause),
}

/// Field-level encryption of personal data (DESIGN.md §4).
///
/// Each user has a random data key, stored only wrapped by a master key whose id
/// travels with it. Fields are sealed under the data key with the owner's id
/// and the field's name as associated data, so a ciphertext copied to another
/// row or column fails to open. Destroying a user's wrapped key makes every
/// copy of their data unreadable (crypto-shredding).
pub trait FieldCipher: Send + Sync {
    /// A fresh random data key, wrapped under the current master key.
    ///
    /// # Errors
    /// [`CryptoError::Internal`] if randomness or wrapping fails.
    fn new_data_key(&self) -> Result<WrappedKey, CryptoError>;

    /// Seals one field of `owner` under `key`.
    ///
    /// # Errors
    /// [`CryptoError::UnknownKey`] or [`CryptoError::Integrity`] when `key` cannot be unwrapped.
    fn seal(
        &self,
        key: &WrappedKey,
        owner: UserId,
        field: &str,
        plaintext: &[u8],
    ) -> Result<Sealed, CryptoError>;

    /// Opens one field sealed by [`FieldCipher::seal`] with the same owner and field.
    ///
    /// # Errors
    /// [`CryptoError::Integrity`] when the owner, the field or the bytes differ.
    fn open(
        &self,
        key: &WrappedKey,
        owner: UserId,
        field: &str,
        sealed: &Sealed,
    ) -> Result<Vec<u8>, CryptoError>;

    /// The id of the master key new data keys are wrapped under.
    fn current_key_id(&self) -> KeyId;

    /// `key` re-wrapped under the current master key; the data key itself, and
    /// so every sealed field, is unchanged.
    ///
    /// # Errors
    /// [`CryptoError::UnknownKey`] when its master key is no longer configured.
    fn rewrap(&self, key: &WrappedKey) -> Result<WrappedKey, CryptoError>;
}

/// The sealed form of a [`Profile`], one field per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedProfile {
    /// Sealed email.
    pub email: Sealed,
    /// Sealed first name.
    pub first_name: Sealed,
    /// Sealed last name.
    pub last_name: Sealed,
    /// Sealed country code.
    pub country: Sealed,
    /// Sealed phone, if any.
    pub phone: Option<Sealed>,
}

/// Field names used as associated data. Changing one makes existing data unreadable.
pub mod fields {
    /// Email address.
    pub const EMAIL: &str = "email";
    /// First name.
    pub const FIRST_NAME: &str = "first_name";
    /// Last name.
    pub const LAST_NAME: &str = "last_name";
    /// Country code.
    pub const COUNTRY: &str = "country";
    /// Phone number.
    pub const PHONE: &str = "phone";
    /// TOTP shared secret.
    pub const TOTP_SECRET: &str = "totp_secret";
}

/// Seals every field of a profile.
///
/// # Errors
/// As [`FieldCipher::seal`].
pub fn seal_profile(
    cipher: &dyn FieldCipher,
    key: &WrappedKey,
    owner: UserId,
    profile: &Profile,
) -> Result<SealedProfile, CryptoError> {
    Ok(SealedProfile {
        email: cipher.seal(key, owner, fields::EMAIL, profile.email.as_str().as_bytes())?,
        first_name: cipher.seal(
            key,
            owner,
            fields::FIRST_NAME,
            profile.first_name.as_str().as_bytes(),
        )?,
        last_name: cipher.seal(
            key,
            owner,
            fields::LAST_NAME,
            profile.last_name.as_str().as_bytes(),
        )?,
        country: cipher.seal(
            key,
            owner,
            fields::COUNTRY,
            profile.country.as_str().as_bytes(),
        )?,
        phone: profile
            .phone
            .as_ref()
            .map(|phone| cipher.seal(key, owner, fields::PHONE, phone.as_str().as_bytes()))
            .transpose()?,
    })
}

/// Opens every field of a stored account's profile (the inverse of
/// [`seal_profile`]).
///
/// # Errors
/// As [`FieldCipher::open`]; [`CryptoError::Internal`] when an opened value
/// is not a valid one (corrupt data).
pub fn open_profile(
    cipher: &dyn FieldCipher,
    user: &rr_domain::identity::UserRecord,
) -> Result<Profile, CryptoError> {
    use rr_domain::identity::{CountryCode, Email, PersonName, PhoneNumber};

    let open = |field: &str, sealed: &Sealed| -> Result<String, CryptoError> {
        let bytes = cipher.open(&user.data_key, user.id, field, sealed)?;
        String::from_utf8(bytes).map_err(|e| CryptoError::Internal(Box::new(e)))
    };
    let corrupt = |e: rr_domain::DomainError| CryptoError::Internal(Box::new(e));
    Ok(Profile {
        email: Email::parse(&open(fields::EMAIL, &user.email)?).map_err(corrupt)?,
        first_name: PersonName::parse(&open(fields::FIRST_NAME, &user.first_name)?)
            .map_err(corrupt)?,
        last_name: PersonName::parse(&open(fields::LAST_NAME, &user.last_name)?)
            .map_err(corrupt)?,
        country: CountryCode::parse(&open(fields::COUNTRY, &user.country)?).map_err(corrupt)?,
        phone: user
            .phone
            .as_ref()
            .map(|sealed| {
                open(fields::PHONE, sealed).and_then(|p| PhoneNumber::parse(&p).map_err(corrupt))
            })
            .transpose()?,
    })
}

/// Keyed, deterministic index of a normalised email (HMAC), so uniqueness and
/// login lookups work without storing the address in clear. Its key is not the
/// master key.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
pub trait BlindIndex: Send + Sync {
    /// The index of `normalised_email`.
    fn email_index(&self, normalised_email: &str) -> Vec<u8>;

    /// The index of a canonical (lower-case) username, under the same key
    /// but never equal to any email's index: how the usernames of erased
    /// accounts are reserved without being kept in clear (ADR 0023).
    fn username_index(&self, canonical_username: &str) -> Vec<u8>;
}
