//! In-memory fakes of the identity ports. They keep the ports' contracts
//! (uniqueness, compare-and-set, single use) but no real cryptography: they
//! are for tests only.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use rr_domain::credentials::{Password, PasswordHash};
use rr_domain::identity::{
    KeyId, Role, Sealed, SessionId, UserId, UserRecord, Username, WrappedKey,
};
use time::OffsetDateTime;

use crate::RepositoryError;
use crate::ports::{
    AccessClaims, AccessTokens, AuditEntry, AuditEvent, AuditLog, BlindIndex, ChainVerification,
    Clock, CryptoError, FieldCipher, HashingError, MailError, Mailer, OneTimeToken,
    OneTimeTokenRepository, OutgoingEmail, PasswordHasher, PasswordStrength, PublicSigningKey,
    SecretToken, SecretTokens, SessionRecord, SessionRepository, StrengthEstimate, TokenError,
    TokenPurpose, Totp, UserRepository, Verification,
};
use crate::services::{IdentityPolicy, IdentityPorts, IdentityService};

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn conflict(what: &str) -> RepositoryError {
    RepositoryError::Conflict(format!("{what} taken").into())
}

/// Accounts in memory.
#[derive(Debug, Default)]
pub struct FakeUsers {
    pub(crate) users: Mutex<BTreeMap<UserId, UserRecord>>,
    recovery: Mutex<HashMap<UserId, HashSet<Vec<u8>>>>,
    /// Every account's privacy choices, in the order recorded
    /// (`ConsentRepository`, in `test_util/privacy.rs`).
    pub(crate) consents: Mutex<Vec<(UserId, rr_domain::privacy::ConsentRecord)>>,
}

impl FakeUsers {
    /// Every stored record, for assertions.
    #[must_use]
    pub fn all(&self) -> Vec<UserRecord> {
        lock(&self.users).values().cloned().collect()
    }

    /// Deletes the account `id` (and its recovery codes), as an erasure does.
    pub fn remove(&self, id: UserId) -> Option<UserRecord> {
        lock(&self.recovery).remove(&id);
        lock(&self.users).remove(&id)
    }

    fn check_unique(
        users: &BTreeMap<UserId, UserRecord>,
        user: &UserRecord,
    ) -> Result<(), RepositoryError> {
        for other in users.values().filter(|u| u.id != user.id) {
            if other.email_index == user.email_index {
                return Err(conflict("email"));
            }
            if other.username.canonical() == user.username.canonical() {
                return Err(conflict("username"));
            }
        }
        Ok(())
    }
}

#[async_trait]
impl UserRepository for FakeUsers {
    async fn insert(&self, user: &UserRecord) -> Result<(), RepositoryError> {
        let mut users = lock(&self.users);
        Self::check_unique(&users, user)?;
        let first = super::privacy::first_choices(user)?;
        users.insert(user.id, user.clone());
        lock(&self.consents).extend(first.into_iter().map(|choice| (user.id, choice)));
        Ok(())
    }

    async fn find(&self, id: UserId) -> Result<Option<UserRecord>, RepositoryError> {
        Ok(lock(&self.users).get(&id).cloned())
    }

    async fn find_by_email_index(
        &self,
        index: &[u8],
    ) -> Result<Option<UserRecord>, RepositoryError> {
        Ok(lock(&self.users)
            .values()
            .find(|u| u.email_index == index)
            .cloned())
    }

    async fn find_by_username(
        &self,
        username: &Username,
    ) -> Result<Option<UserRecord>, RepositoryError> {
        let canonical = username.canonical();
        Ok(lock(&self.users)
            .values()
            .find(|u| u.username.canonical() == canonical)
            .cloned())
    }

    async fn update(&self, user: &UserRecord) -> Result<(), RepositoryError> {
        let mut users = lock(&self.users);
        Self::check_unique(&users, user)?;
        if let Some(stored) = users.get_mut(&user.id) {
            let kept = stored.clone();
            *stored = user.clone();
            stored.created_at = kept.created_at;
            // Written with their history by the consent repository only.
            stored.policy_version = kept.policy_version;
            stored.communications_consent = kept.communications_consent;
            stored.statistics_objection = kept.statistics_objection;
            stored.restricted_since = kept.restricted_since;
        }
        Ok(())
    }

    async fn data_keys_not_under(
        &self,
        current: &KeyId,
        limit: u64,
    ) -> Result<Vec<(UserId, WrappedKey)>, RepositoryError> {
        Ok(lock(&self.users)
            .values()
            .filter(|u| u.data_key.key_id != *current)
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|u| (u.id, u.data_key.clone()))
            .collect())
    }

    async fn replace_data_key(
        &self,
        id: UserId,
        old: &WrappedKey,
        new: &WrappedKey,
    ) -> Result<bool, RepositoryError> {
        let mut users = lock(&self.users);
        match users.get_mut(&id) {
            Some(user) if user.data_key == *old => {
                user.data_key = new.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn replace_recovery_codes(
        &self,
        id: UserId,
        digests: &[Vec<u8>],
    ) -> Result<(), RepositoryError> {
        lock(&self.recovery).insert(id, digests.iter().cloned().collect());
        Ok(())
    }

    async fn consume_recovery_code(
        &self,
        id: UserId,
        digest: &[u8],
    ) -> Result<bool, RepositoryError> {
        Ok(lock(&self.recovery)
            .get_mut(&id)
            .is_some_and(|codes| codes.remove(digest)))
    }

    async fn recovery_codes_left(&self, id: UserId) -> Result<u64, RepositoryError> {
        Ok(lock(&self.recovery)
            .get(&id)
            .map_or(0, |codes| codes.len() as u64))
    }
}

/// Sessions in memory.
#[derive(Debug, Default)]
pub struct FakeSessions {
    sessions: Mutex<BTreeMap<SessionId, SessionRecord>>,
    spent: Mutex<HashMap<Vec<u8>, SessionId>>,
}

#[async_trait]
impl SessionRepository for FakeSessions {
    async fn create(&self, session: &SessionRecord) -> Result<(), RepositoryError> {
        lock(&self.sessions).insert(session.id, session.clone());
        Ok(())
    }

    async fn find(&self, id: SessionId) -> Result<Option<SessionRecord>, RepositoryError> {
        Ok(lock(&self.sessions).get(&id).cloned())
    }

    async fn find_by_refresh(
        &self,
        digest: &[u8],
    ) -> Result<Option<SessionRecord>, RepositoryError> {
        Ok(lock(&self.sessions)
            .values()
            .find(|s| s.refresh_digest == digest)
            .cloned())
    }

    async fn find_spent(&self, digest: &[u8]) -> Result<Option<SessionId>, RepositoryError> {
        Ok(lock(&self.spent).get(digest).copied())
    }

    async fn rotate(
        &self,
        id: SessionId,
        old: &[u8],
        new: &[u8],
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let mut sessions = lock(&self.sessions);
        match sessions.get_mut(&id) {
            Some(s) if s.refresh_digest == old && s.is_live_at(now) => {
                s.refresh_digest = new.to_vec();
                s.last_used_at = now;
                s.expires_at = expires_at;
                lock(&self.spent).insert(old.to_vec(), id);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn revoke(&self, id: SessionId, now: OffsetDateTime) -> Result<(), RepositoryError> {
        if let Some(s) = lock(&self.sessions).get_mut(&id) {
            s.revoked_at.get_or_insert(now);
        }
        Ok(())
    }

    async fn revoke_all(
        &self,
        user: UserId,
        keep: Option<SessionId>,
        now: OffsetDateTime,
    ) -> Result<u64, RepositoryError> {
        let mut count = 0;
        for s in lock(&self.sessions).values_mut() {
            if s.user_id == user && Some(s.id) != keep && s.is_live_at(now) {
                s.revoked_at = Some(now);
                count += 1;
            }
        }
        Ok(count)
    }

    async fn list_live(
        &self,
        user: UserId,
        now: OffsetDateTime,
    ) -> Result<Vec<SessionRecord>, RepositoryError> {
        let mut live: Vec<_> = lock(&self.sessions)
            .values()
            .filter(|s| s.user_id == user && s.is_live_at(now))
            .cloned()
            .collect();
        live.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        Ok(live)
    }
}

/// Single-use tokens in memory.
#[derive(Debug, Default)]
pub struct FakeOneTimeTokens {
    tokens: Mutex<HashMap<Vec<u8>, (OneTimeToken, bool)>>,
}

#[async_trait]
impl OneTimeTokenRepository for FakeOneTimeTokens {
    async fn insert(&self, token: &OneTimeToken) -> Result<(), RepositoryError> {
        lock(&self.tokens).insert(token.digest.clone(), (token.clone(), false));
        Ok(())
    }

    async fn consume(
        &self,
        digest: &[u8],
        purpose: TokenPurpose,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>, RepositoryError> {
        let mut tokens = lock(&self.tokens);
        match tokens.get_mut(digest) {
            Some((token, used)) if !*used && token.purpose == purpose && token.expires_at > now => {
                *used = true;
                Ok(Some(token.user_id))
            }
            _ => Ok(None),
        }
    }

    async fn revoke_all(&self, user: UserId, purpose: TokenPurpose) -> Result<(), RepositoryError> {
        for (token, used) in lock(&self.tokens).values_mut() {
            if token.user_id == user && token.purpose == purpose {
                *used = true;
            }
        }
        Ok(())
    }
}

/// An audit log in memory (chained with a toy hash).
#[derive(Debug, Default)]
pub struct FakeAuditLog {
    entries: Mutex<Vec<AuditEntry>>,
}

impl FakeAuditLog {
    /// The actions recorded, in order.
    #[must_use]
    pub fn actions(&self) -> Vec<&'static str> {
        lock(&self.entries).iter().map(|e| e.event.action).collect()
    }

    /// Every entry, for assertions.
    #[must_use]
    pub fn entries(&self) -> Vec<AuditEntry> {
        lock(&self.entries).clone()
    }
}

#[async_trait]
impl AuditLog for FakeAuditLog {
    async fn append(&self, event: AuditEvent, at: OffsetDateTime) -> Result<(), RepositoryError> {
        let mut entries = lock(&self.entries);
        let previous_hash = entries
            .last()
            .map(|e| e.hash.clone())
            .unwrap_or_else(|| vec![0; 32]);
        let sequence = entries.len() as u64 + 1;
        entries.push(AuditEntry {
            sequence,
            at,
            hash: format!("{sequence}:{}", event.action).into_bytes(),
            event,
            previous_hash,
        });
        Ok(())
    }

    async fn verify(&self) -> Result<ChainVerification, RepositoryError> {
        Ok(ChainVerification::Intact {
            entries: lock(&self.entries).len() as u64,
        })
    }

    async fn entries_about(&self, subject: UserId) -> Result<Vec<AuditEntry>, RepositoryError> {
        Ok(lock(&self.entries)
            .iter()
            .filter(|e| e.event.subject == Some(subject))
            .cloned()
            .collect())
    }
}

/// Mail kept in memory, for tests to read.
#[derive(Debug, Default)]
pub struct Outbox {
    sent: Mutex<Vec<OutgoingEmail>>,
}

impl Outbox {
    /// Every message sent so far.
    #[must_use]
    pub fn sent(&self) -> Vec<OutgoingEmail> {
        lock(&self.sent).clone()
    }

    /// The token at the end of the last link (`…?jeton=<token>`) sent to `to`.
    #[must_use]
    pub fn last_token_for(&self, to: &str) -> Option<String> {
        lock(&self.sent)
            .iter()
            .rev()
            .filter(|m| m.to.as_str() == to)
            .find_map(|m| {
                m.body
                    .split("jeton=")
                    .nth(1)
                    .map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned())
            })
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, email: OutgoingEmail) -> Result<(), MailError> {
        lock(&self.sent).push(email);
        Ok(())
    }
}

/// "Hashes" by prefixing; recognises its own format only.
#[derive(Debug, Default, Clone, Copy)]
pub struct FakeHasher;

#[async_trait]
impl PasswordHasher for FakeHasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashingError> {
        Ok(PasswordHash::from_phc(format!(
            "fake${}",
            password.expose()
        )))
    }

    async fn verify(
        &self,
        password: &Password,
        hash: &PasswordHash,
    ) -> Result<Verification, HashingError> {
        match hash.as_phc().strip_prefix("fake$") {
            Some(stored) if stored == password.expose() => Ok(Verification::Match {
                needs_rehash: false,
            }),
            Some(_) => Ok(Verification::Mismatch),
            None => Err(HashingError::MalformedHash("not a fake hash".into())),
        }
    }
}

/// Strength by a crude rule: guessable if it contains "password" or "azerty" or a hint.
#[derive(Debug, Default, Clone, Copy)]
pub struct FakeStrength;

impl PasswordStrength for FakeStrength {
    fn assess(&self, password: &str, hints: &[String]) -> StrengthEstimate {
        let lower = password.to_lowercase();
        let guessable = ["password", "azerty", "123456"]
            .iter()
            .any(|w| lower.contains(w))
            || hints
                .iter()
                .any(|h| h.len() >= 3 && lower.contains(&h.to_lowercase()));
        StrengthEstimate {
            entropy_bits: password.chars().count() as f64 * 3.5,
            guessable,
        }
    }
}

/// "Seals" by prefixing owner and field: opening with another owner or field
/// fails like real authenticated encryption would. Not encryption.
#[derive(Debug, Default)]
pub struct FakeFieldCipher {
    current: Mutex<String>,
}

impl FakeFieldCipher {
    /// Switches the current master key id (for rotation tests).
    pub fn set_current(&self, id: &str) {
        *lock(&self.current) = id.to_owned();
    }
}

impl FieldCipher for FakeFieldCipher {
    fn new_data_key(&self) -> Result<WrappedKey, CryptoError> {
        Ok(WrappedKey {
            key_id: self.current_key_id(),
            bytes: rr_domain::Uuid::now_v7().as_bytes().to_vec(),
        })
    }

    fn seal(
        &self,
        key: &WrappedKey,
        owner: UserId,
        field: &str,
        plaintext: &[u8],
    ) -> Result<Sealed, CryptoError> {
        let mut bytes = format!("{}|{}|{field}|", hex(&key.bytes), owner.as_uuid()).into_bytes();
        bytes.extend_from_slice(plaintext);
        Ok(Sealed(bytes))
    }

    fn open(
        &self,
        key: &WrappedKey,
        owner: UserId,
        field: &str,
        sealed: &Sealed,
    ) -> Result<Vec<u8>, CryptoError> {
        let prefix = format!("{}|{}|{field}|", hex(&key.bytes), owner.as_uuid()).into_bytes();
        sealed
            .0
            .strip_prefix(prefix.as_slice())
            .map(<[u8]>::to_vec)
            .ok_or(CryptoError::Integrity)
    }

    fn current_key_id(&self) -> KeyId {
        let current = lock(&self.current).clone();
        KeyId(if current.is_empty() {
            "k1".into()
        } else {
            current
        })
    }

    fn rewrap(&self, key: &WrappedKey) -> Result<WrappedKey, CryptoError> {
        Ok(WrappedKey {
            key_id: self.current_key_id(),
            bytes: key.bytes.clone(),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The index is the email itself, prefixed: enough to test lookups.
#[derive(Debug, Default, Clone, Copy)]
pub struct FakeBlindIndex;

impl BlindIndex for FakeBlindIndex {
    fn email_index(&self, normalised_email: &str) -> Vec<u8> {
        format!("idx:{normalised_email}").into_bytes()
    }

    fn username_index(&self, canonical_username: &str) -> Vec<u8> {
        format!("uidx:{canonical_username}").into_bytes()
    }
}

/// Tokens of the form `fake.<user>.<session>.<role>.<exp unix>`; verified against the clock.
#[derive(Debug)]
pub struct FakeAccessTokens {
    clock: Arc<SettableClock>,
}

impl AccessTokens for FakeAccessTokens {
    fn issue(&self, claims: &AccessClaims) -> Result<String, TokenError> {
        Ok(format!(
            "fake.{}.{}.{}.{}.{}",
            claims.user_id.as_uuid(),
            claims.session_id.as_uuid(),
            claims.role.as_str(),
            claims.issued_at.unix_timestamp(),
            claims.expires_at.unix_timestamp()
        ))
    }

    fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let parts: Vec<&str> = token.split('.').collect();
        let [prefix, user, session, role, iat, exp] = parts.as_slice() else {
            return Err(TokenError::Invalid("malformed"));
        };
        let bad = |_| TokenError::Invalid("malformed");
        let claims = AccessClaims {
            user_id: UserId::from_uuid(user.parse().map_err(bad)?),
            session_id: SessionId::from_uuid(session.parse().map_err(bad)?),
            role: Role::parse(role).ok_or(TokenError::Invalid("role"))?,
            issued_at: OffsetDateTime::from_unix_timestamp(
                iat.parse().map_err(|_| TokenError::Invalid("iat"))?,
            )
            .map_err(|_| TokenError::Invalid("iat"))?,
            expires_at: OffsetDateTime::from_unix_timestamp(
                exp.parse().map_err(|_| TokenError::Invalid("exp"))?,
            )
            .map_err(|_| TokenError::Invalid("exp"))?,
        };
        if *prefix != "fake" || claims.expires_at <= self.clock.now() {
            return Err(TokenError::Invalid("expired"));
        }
        Ok(claims)
    }

    fn public_keys(&self) -> Vec<PublicSigningKey> {
        vec![PublicSigningKey {
            key_id: "fake".into(),
            x: "AAAA".into(),
        }]
    }

    fn lifetime(&self) -> Duration {
        Duration::from_secs(900)
    }
}

/// Numbered secrets: predictable, for tests only.
#[derive(Debug, Default)]
pub struct FakeSecretTokens {
    counter: Mutex<u64>,
}

impl SecretTokens for FakeSecretTokens {
    fn generate(&self) -> SecretToken {
        let mut counter = lock(&self.counter);
        *counter += 1;
        let value = format!("secret-{counter}");
        SecretToken {
            digest: self.digest(&value),
            value,
        }
    }

    fn recovery_code(&self) -> SecretToken {
        let mut counter = lock(&self.counter);
        *counter += 1;
        let value = format!("RC{counter:04}-AAAA-BBBB-CCCC");
        SecretToken {
            digest: self.digest(&value),
            value,
        }
    }

    fn digest(&self, value: &str) -> Vec<u8> {
        format!("digest:{}", value.to_uppercase().replace('-', "")).into_bytes()
    }
}

/// TOTP whose valid code at step `s` is `s % 1_000_000` on six digits.
#[derive(Debug, Default, Clone, Copy)]
pub struct FakeTotp;

impl FakeTotp {
    /// The code valid at `now`.
    #[must_use]
    pub fn code_at(now: OffsetDateTime) -> String {
        format!("{:06}", (now.unix_timestamp() / 30) % 1_000_000)
    }
}

impl Totp for FakeTotp {
    fn new_secret(&self) -> Vec<u8> {
        vec![7; 20]
    }

    fn provisioning(&self, _secret: &[u8], account: &str) -> (String, String) {
        (
            format!("otpauth://totp/RR:{account}?secret=AAAA"),
            "AAAA".into(),
        )
    }

    fn verify(&self, _secret: &[u8], code: &str, now: OffsetDateTime) -> Option<i64> {
        let step = now.unix_timestamp() / 30;
        (code == Self::code_at(now)).then_some(step)
    }
}

/// A clock the test moves.
#[derive(Debug)]
pub struct SettableClock {
    now: Mutex<OffsetDateTime>,
}

impl SettableClock {
    /// A clock showing `now`.
    #[must_use]
    pub fn new(now: OffsetDateTime) -> Self {
        Self {
            now: Mutex::new(now),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: time::Duration) {
        *lock(&self.now) += by;
    }

    /// What the clock shows.
    #[must_use]
    pub fn now_for_tests(&self) -> OffsetDateTime {
        *lock(&self.now)
    }
}

impl Clock for SettableClock {
    fn now(&self) -> OffsetDateTime {
        *lock(&self.now)
    }
}

/// An [`IdentityService`] on fakes, with handles on the fakes tests inspect.
#[derive(Clone)]
#[allow(missing_debug_implementations)]
pub struct IdentityFixture {
    /// The service under test.
    pub service: IdentityService,
    /// Accounts.
    pub users: Arc<FakeUsers>,
    /// Sessions.
    pub sessions: Arc<FakeSessions>,
    /// Audit log.
    pub audit: Arc<FakeAuditLog>,
    /// Sent mail.
    pub outbox: Arc<Outbox>,
    /// Field cipher.
    pub cipher: Arc<FakeFieldCipher>,
    /// Clock.
    pub clock: Arc<SettableClock>,
    /// The privacy policy's versions (`2026-11` in force).
    pub policies: Arc<super::FakePrivacyPolicies>,
    /// Usernames of erased accounts, reserved.
    pub usernames: Arc<super::FakeUsernameReservations>,
}

/// The identity service on fakes, its clock at 2026-11-29 10:00 UTC.
#[must_use]
pub fn identity_fixture() -> IdentityFixture {
    let clock = Arc::new(SettableClock::new(
        time::macros::datetime!(2026-11-29 10:00 UTC),
    ));
    let users = Arc::new(FakeUsers::default());
    let sessions = Arc::new(FakeSessions::default());
    let audit = Arc::new(FakeAuditLog::default());
    let outbox = Arc::new(Outbox::default());
    let cipher = Arc::new(FakeFieldCipher::default());
    let policies = Arc::new(super::FakePrivacyPolicies::default());
    let usernames = Arc::new(super::FakeUsernameReservations::default());
    let ports = IdentityPorts {
        users: users.clone(),
        sessions: sessions.clone(),
        one_time_tokens: Arc::new(FakeOneTimeTokens::default()),
        audit: audit.clone(),
        mailer: outbox.clone(),
        hasher: Arc::new(FakeHasher),
        strength: Arc::new(FakeStrength),
        cipher: cipher.clone(),
        blind_index: Arc::new(FakeBlindIndex),
        tokens: Arc::new(FakeAccessTokens {
            clock: clock.clone(),
        }),
        secrets: Arc::new(FakeSecretTokens::default()),
        totp: Arc::new(FakeTotp),
        clock: clock.clone(),
        policies: policies.clone(),
        consents: users.clone(),
        usernames: usernames.clone(),
    };
    IdentityFixture {
        service: IdentityService::new(ports, IdentityPolicy::default()),
        users,
        sessions,
        audit,
        outbox,
        cipher,
        clock,
        policies,
        usernames,
    }
}

impl IdentityFixture {
    /// A citizen `username` (`<username>@exemple.fr`, named Léa Martin, in
    /// France), registered with `password`, verified, logged in, as the
    /// session gate sees them.
    ///
    /// # Errors
    /// Whatever a step refuses; a login that asks for a second factor.
    pub async fn citizen(
        &self,
        username: &str,
        password: &str,
    ) -> Result<rr_domain::identity::AuthenticatedActor, crate::AppError> {
        use rr_domain::identity::{CountryCode, Email, PersonName, Username};

        use crate::services::identity::{LoginOutcome, NewAccount};

        let invalid = |e: rr_domain::DomainError| crate::AppError::internal(e.to_string());
        let email = Email::parse(&format!("{username}@exemple.fr")).map_err(invalid)?;
        self.service
            .register(NewAccount {
                email: email.clone(),
                username: Username::parse(username).map_err(invalid)?,
                first_name: PersonName::parse("Léa").map_err(invalid)?,
                last_name: PersonName::parse("Martin").map_err(invalid)?,
                country: CountryCode::parse("FR").map_err(invalid)?,
                phone: None,
                region: None,
                password: Password::new(password),
                accepted_policy_version: "2026-11".into(),
                age_declaration: true,
            })
            .await?;
        let token = self
            .outbox
            .last_token_for(email.as_str())
            .ok_or_else(|| crate::AppError::internal("no verification mail"))?;
        self.service.verify_email(&token).await?;
        match self
            .service
            .login(&email, &Password::new(password), None)
            .await?
        {
            LoginOutcome::Tokens(pair) => self.service.authenticate(&pair.access_token).await,
            LoginOutcome::SecondFactorRequired { .. } => {
                Err(crate::AppError::internal("a second factor was asked"))
            }
        }
    }
}
