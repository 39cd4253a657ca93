//! Seeded accounts, stored exactly as registration stores them: a fresh data
//! key wrapped by the current master key, every personal field sealed under
//! it with the owner's id and the field's name as associated data, the email
//! known by its blind index. They share one password hash, computed once.

use rand::RngExt as _;
use rand::rngs::Xoshiro256PlusPlus;
use rr_application::ports::{BlindIndex, FieldCipher, seal_profile};
use rr_domain::credentials::PasswordHash;
use rr_domain::identity::{
    AccountStatus, CountryCode, Email, PersonName, PhoneNumber, Profile, Region, Role, UserId,
    UserRecord, Username,
};

use super::instant;
use super::names::{ACCOUNT_SUSPENSIONS, COUNTRIES, FIRST_NAMES, LAST_NAMES, REGIONS, fold};
use super::text::skewed;

/// The domain every seeded address is on: `.test` is reserved (RFC 2606), so
/// no mail can ever reach anyone.
pub(crate) const EMAIL_DOMAIN: &str = "exemple.test";

/// What every account shares.
pub(super) struct Shared<'a> {
    pub cipher: &'a dyn FieldCipher,
    pub blind_index: &'a dyn BlindIndex,
    pub password_hash: &'a PasswordHash,
    pub policy_version: &'a str,
}

/// A seeded account and whether it can log in.
#[derive(Debug)]
pub(super) struct Person {
    pub record: UserRecord,
    pub email: Email,
    pub can_log_in: bool,
}

/// Account number `number` (unique across runs: it is the account's position
/// in the database), `id`, who may have objected to statistics, created at
/// `created_ms`.
///
/// # Errors
/// When a generated value is refused by the domain (a bug) or sealing fails.
pub(super) fn person(
    rng: &mut Xoshiro256PlusPlus,
    shared: &Shared<'_>,
    number: u64,
    (id, statistics_objection): (UserId, bool),
    created_ms: i64,
) -> anyhow::Result<Person> {
    let first = FIRST_NAMES[skewed(rng, FIRST_NAMES.len())];
    let last = LAST_NAMES[skewed(rng, LAST_NAMES.len())];
    let (first_ascii, last_ascii) = (fold(first), fold(last));
    let initial = &first_ascii[..1];
    // Letters then the number: two accounts can never share a handle or an address.
    let handle = match rng.random_range(0..5) {
        0 => format!("{first_ascii}.{last_ascii}"),
        1 => format!("{first_ascii}_{}", &last_ascii[..1]),
        2 => format!("{initial}{last_ascii}"),
        3 => first_ascii.clone(),
        _ => format!("{last_ascii}.{first_ascii}"),
    };
    let digits = number.to_string();
    let room = Username::MAX_LEN - digits.len();
    let handle: String = handle.chars().take(room).collect();
    let handle = handle.trim_end_matches(['.', '_']);
    let username = if rng.random_bool(0.2) {
        let mut chars = handle.chars();
        let capital: String = chars
            .next()
            .map(|c| c.to_ascii_uppercase())
            .into_iter()
            .collect();
        format!("{capital}{}{digits}", chars.as_str())
    } else {
        format!("{handle}{digits}")
    };
    let email = if rng.random_bool(0.7) {
        format!("{first_ascii}.{last_ascii}.{number}@{EMAIL_DOMAIN}")
    } else {
        format!("{initial}{last_ascii}{number}@{EMAIL_DOMAIN}")
    };

    let country = COUNTRIES[weighted(rng, COUNTRIES)].0;
    let phone = rng
        .random_bool(0.4)
        .then(|| format!("+3363998{:04}", rng.random_range(0..10_000)));
    let profile = Profile {
        email: Email::parse(&email)?,
        first_name: PersonName::parse(first)?,
        last_name: PersonName::parse(last)?,
        country: CountryCode::parse(country)?,
        phone: phone.as_deref().map(PhoneNumber::parse).transpose()?,
    };

    let role = match rng.random_range(0..1000) {
        0..4 => Role::Moderator,
        4 => Role::Administrator,
        _ => Role::Citizen,
    };
    let status = if rng.random_range(0..1000) < 3 {
        AccountStatus::Suspended {
            reason: ACCOUNT_SUSPENSIONS[rng.random_range(0..ACCOUNT_SUSPENSIONS.len())].to_owned(),
            until: None,
        }
    } else {
        AccountStatus::Active
    };
    // Most give their region (optional at registration); those living
    // abroad are "outside France". About 30 % agree to communications.
    let region = if !rng.random_bool(0.85) {
        None
    } else if country == "FR" {
        Some(Region::parse(REGIONS[weighted(rng, REGIONS)].0)?)
    } else {
        Some(Region::OutsideFrance)
    };
    let communications_consent = rng.random_bool(0.3);
    let created_at = instant(created_ms);
    let verified_at = instant(created_ms + rng.random_range(30_000..3_600_000));

    let data_key = shared.cipher.new_data_key()?;
    let sealed = seal_profile(shared.cipher, &data_key, id, &profile)?;
    let can_log_in = role == Role::Citizen && status == AccountStatus::Active;
    Ok(Person {
        record: UserRecord {
            id,
            username: Username::parse(&username)?,
            email_index: shared.blind_index.email_index(profile.email.as_str()),
            data_key,
            email: sealed.email,
            first_name: sealed.first_name,
            last_name: sealed.last_name,
            country: sealed.country,
            phone: sealed.phone,
            password_hash: shared.password_hash.clone(),
            role,
            status,
            email_verified_at: Some(verified_at),
            totp_secret: None,
            totp_enabled: false,
            totp_last_step: None,
            failed_logins: 0,
            locked_until: None,
            policy_version: shared.policy_version.to_owned(),
            statistics_objection,
            region,
            communications_consent,
            restricted_since: None,
            created_at,
            updated_at: verified_at.max(created_at),
        },
        email: profile.email,
        can_log_in,
    })
}

/// An index into `items` drawn by their weights.
pub(super) fn weighted<T>(rng: &mut Xoshiro256PlusPlus, items: &[(T, u32)]) -> usize {
    let total: u32 = items.iter().map(|(_, weight)| weight).sum();
    let mut draw = rng.random_range(0..total.max(1));
    for (index, (_, weight)) in items.iter().enumerate() {
        if draw < *weight {
            return index;
        }
        draw -= weight;
    }
    items.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng as _;
    use rr_application::ports::fields;
    use rr_domain::identity::KeyId;
    use rr_security::{HmacBlindIndex, MasterKey, SymmetricKey, XChaChaFieldCipher};

    use super::*;

    #[test]
    fn accounts_are_sealed_like_registered_ones_and_unique() {
        let cipher =
            XChaChaFieldCipher::new(&[MasterKey::generate("k1")], &KeyId("k1".into())).unwrap();
        let blind_index = HmacBlindIndex::new(&SymmetricKey::generate());
        let hash = PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
        let shared = Shared {
            cipher: &cipher,
            blind_index: &blind_index,
            password_hash: &hash,
            policy_version: "2026-11",
        };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut handles = HashSet::new();
        let mut addresses = HashSet::new();
        let mut regions = std::collections::HashMap::new();
        let mut consents = 0_u32;
        for number in 1..=2_000 {
            let id = UserId::generate();
            let person = person(&mut rng, &shared, number, (id, false), 1_764_000_000_000).unwrap();
            let record = &person.record;
            assert!(handles.insert(record.username.canonical()));
            assert!(addresses.insert(person.email.as_str().to_owned()));
            assert!(person.email.as_str().ends_with("@exemple.test"));
            assert_eq!(
                record.email_index,
                blind_index.email_index(person.email.as_str())
            );
            let opened = cipher
                .open(&record.data_key, id, fields::EMAIL, &record.email)
                .unwrap();
            assert_eq!(opened, person.email.as_str().as_bytes());
            assert!(record.email_verified_at.is_some());
            assert_eq!(
                person.can_log_in,
                record.role == Role::Citizen && record.status == AccountStatus::Active
            );
            *regions.entry(record.region).or_insert(0_u32) += 1;
            consents += u32::from(record.communications_consent);
        }
        // Weighted by population: Île-de-France first, Corse far behind,
        // about 15 % without a region, about 30 % consenting.
        let count = |region| regions.get(&region).copied().unwrap_or(0);
        assert!(count(Some(Region::IleDeFrance)) > count(Some(Region::Bretagne)) * 2);
        assert!(count(Some(Region::Bretagne)) > count(Some(Region::Corse)) * 3);
        assert!(count(Some(Region::OutsideFrance)) > 0);
        assert!((200..400).contains(&count(None)), "{}", count(None));
        assert!((500..700).contains(&consents), "{consents}");
    }
}
