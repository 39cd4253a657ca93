//! Inputs and outputs of the identity use cases: valid by construction where
//! they come in, plain views where they go out.

use rr_domain::credentials::Password;
use rr_domain::identity::{
    CountryCode, Email, PersonName, PhoneNumber, Region, Role, SessionId, UserId, Username,
};
use time::OffsetDateTime;

/// A registration, parsed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Login and contact address.
    pub email: Email,
    /// Public handle.
    pub username: Username,
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// Country of residence.
    pub country: CountryCode,
    /// Optional phone.
    pub phone: Option<PhoneNumber>,
    /// Optional region of residence (statistics are grouped by it).
    pub region: Option<Region>,
    /// Chosen password (the policy is checked by the use case).
    pub password: Password,
    /// Privacy policy version the person accepted.
    pub accepted_policy_version: String,
    /// The person declared being 15 or older, or having parental consent.
    pub age_declaration: bool,
}

/// An account created by a super-administrator (staff) or from the command line.
#[derive(Debug, Clone)]
pub struct StaffAccount {
    /// Login and contact address.
    pub email: Email,
    /// Public handle.
    pub username: Username,
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// Country.
    pub country: CountryCode,
    /// Role given.
    pub role: Role,
}

/// Changes to one's own profile; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    /// New email: verified again before it counts as confirmed.
    pub email: Option<Email>,
    /// New username.
    pub username: Option<Username>,
    /// New first name.
    pub first_name: Option<PersonName>,
    /// New last name.
    pub last_name: Option<PersonName>,
    /// New country.
    pub country: Option<CountryCode>,
    /// New phone: `Some(None)` removes it.
    pub phone: Option<Option<PhoneNumber>>,
    /// Object to statistics (`true`) or withdraw the objection (`false`).
    pub statistics_objection: Option<bool>,
    /// New region: `Some(None)` removes it.
    pub region: Option<Option<Region>>,
    /// Agree to emails beyond security mail (`true`) or withdraw (`false`).
    pub communications_consent: Option<bool>,
}

/// Tokens handed out at login and refresh.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenPair {
    /// Signed access token (JWT).
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Opaque refresh token, single use.
    pub refresh_token: String,
    /// The session both belong to.
    pub session_id: SessionId,
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenPair")
            .field("session_id", &self.session_id)
            .finish_non_exhaustive()
    }
}

/// What a correct password leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Logged in.
    Tokens(TokenPair),
    /// The account has two-factor authentication: send this challenge with a code.
    SecondFactorRequired {
        /// Single-use challenge, valid a few minutes.
        challenge: String,
    },
}

/// One's own account, decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    /// Identifier.
    pub id: UserId,
    /// Public handle.
    pub username: Username,
    /// Email.
    pub email: Email,
    /// Whether the email is confirmed.
    pub email_verified: bool,
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// Country.
    pub country: CountryCode,
    /// Phone.
    pub phone: Option<PhoneNumber>,
    /// Role.
    pub role: Role,
    /// Two-factor authentication on.
    pub two_factor_enabled: bool,
    /// The citizen objected to statistics.
    pub statistics_objection: bool,
    /// Region of residence, if given.
    pub region: Option<Region>,
    /// The citizen agreed to emails beyond security mail.
    pub communications_consent: bool,
    /// Creation time.
    pub created_at: OffsetDateTime,
}

/// One of one's live sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    /// Identifier.
    pub id: SessionId,
    /// Client description.
    pub client: Option<String>,
    /// Start.
    pub created_at: OffsetDateTime,
    /// Last refresh.
    pub last_used_at: OffsetDateTime,
    /// Whether it is the session making the request.
    pub current: bool,
}

/// The start of a TOTP enrolment.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpEnrolment {
    /// `otpauth://` URI for authenticator apps (QR code).
    pub provisioning_uri: String,
    /// The secret in base32, to type by hand.
    pub secret: String,
}

impl std::fmt::Debug for TotpEnrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpEnrolment(<secret>)")
    }
}
