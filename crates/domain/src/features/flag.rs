//! A feature flag and its evaluation.

use std::collections::BTreeSet;
use std::fmt;

use time::OffsetDateTime;

use super::bucket::{BUCKETS, bucket};
use crate::DomainError;
use crate::identity::{Region, Role, UserId};

/// The name of a flag, as clients ask for it (`nouvel-editeur`), and of a
/// group of flags: 1 to 64 of `a-z`, `0-9` and single inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlagKey(String);

impl FlagKey {
    /// Longest key, in bytes (every character is ASCII).
    pub const MAX_LEN: usize = 64;

    /// Parses a key; nothing is trimmed or lowered.
    ///
    /// # Errors
    /// [`DomainError::InvalidFlagKey`] if `raw` is empty, longer than
    /// [`Self::MAX_LEN`], holds a character outside `a-z0-9-`, or starts,
    /// ends or doubles a hyphen.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let valid_chars = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let valid = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && valid_chars
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidFlagKey { max: Self::MAX_LEN })
        }
    }

    /// The key as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FlagKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a flag switches, for administrators: 1 to 500 characters on one
/// line, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlagDescription(String);

impl FlagDescription {
    /// Longest description, in characters.
    pub const MAX_CHARS: usize = 500;

    /// Parses a description, trimming it.
    ///
    /// # Errors
    /// [`DomainError::InvalidFlagDescription`] when it is blank, too long or
    /// holds a control character (a line break included).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let text = raw.trim();
        if text.is_empty()
            || text.chars().count() > Self::MAX_CHARS
            || text.chars().any(char::is_control)
        {
            return Err(DomainError::InvalidFlagDescription {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The description.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The share of accounts a flag is on for, in basis points: 0 (nobody) to
/// 10,000 (everybody), so a percentage with two decimals (12.5%, 0.01%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rollout(u16);

impl Rollout {
    /// Nobody.
    pub const NONE: Self = Self(0);
    /// Everybody.
    pub const FULL: Self = Self(BUCKETS);

    /// A rollout of `basis_points` hundredths of a percent.
    ///
    /// # Errors
    /// [`DomainError::InvalidRollout`] above 10,000.
    pub fn from_basis_points(basis_points: u16) -> Result<Self, DomainError> {
        if basis_points <= BUCKETS {
            Ok(Self(basis_points))
        } else {
            Err(DomainError::InvalidRollout)
        }
    }

    /// A rollout of `percent`, with at most two decimals.
    ///
    /// # Errors
    /// [`DomainError::InvalidRollout`] unless `percent` is a number from 0 to
    /// 100 with at most two decimals.
    pub fn from_percent(percent: f64) -> Result<Self, DomainError> {
        if !percent.is_finite() || !(0.0..=100.0).contains(&percent) {
            return Err(DomainError::InvalidRollout);
        }
        let scaled = percent * 100.0;
        let rounded = scaled.round();
        // Decimal fractions are not exact in binary (15.55 × 100 is
        // 1555.0000000000002): a third decimal is what lies further away.
        if (scaled - rounded).abs() > 1e-6 {
            return Err(DomainError::InvalidRollout);
        }
        // 0 to 10,000 after the checks above: the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Self::from_basis_points(rounded as u16)
    }

    /// Hundredths of a percent, 0 to 10,000.
    #[must_use]
    pub const fn basis_points(self) -> u16 {
        self.0
    }

    /// The percentage, 0 to 100.
    #[must_use]
    pub fn percent(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// Whether every account is in.
    #[must_use]
    pub const fn is_full(self) -> bool {
        self.0 == BUCKETS
    }
}

impl fmt::Display for Rollout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

/// Whom a flag is evaluated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A visitor without an account (or the token-less front page).
    Anonymous,
    /// A logged-in account.
    Account {
        /// The account: its bucket decides the rollout.
        user: UserId,
        /// Its role.
        role: Role,
        /// Its region, if the citizen gave one.
        region: Option<Region>,
    },
}

/// What administrators set on a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagSettings {
    /// What the flag switches.
    pub description: FlagDescription,
    /// The switch: off, the flag is off for everybody, whatever the rest.
    pub enabled: bool,
    /// The share of accounts it is on for.
    pub rollout: Rollout,
    /// The stickiness group: flags of one group put an account in the same
    /// bucket (nested rollouts); a flag's own key by default.
    pub group: FlagKey,
    /// Only accounts of these regions; empty: every account, with or
    /// without a region.
    pub regions: BTreeSet<Region>,
    /// Only accounts of these roles; empty: every role.
    pub roles: BTreeSet<Role>,
}

/// A feature flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureFlag {
    /// Its name; never changes.
    pub key: FlagKey,
    /// What administrators set.
    pub settings: FlagSettings,
    /// Changes since creation (0 at first): a change is written only over
    /// the version it was made from.
    pub version: u64,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
}

impl FeatureFlag {
    /// A new flag, at version 0.
    #[must_use]
    pub fn create(key: FlagKey, settings: FlagSettings, now: OffsetDateTime) -> Self {
        Self {
            key,
            settings,
            version: 0,
            created_at: now,
            updated_at: now,
        }
    }

    /// Replaces the settings: one version more.
    pub fn change(&mut self, settings: FlagSettings, now: OffsetDateTime) {
        self.settings = settings;
        self.version = self.version.saturating_add(1);
        self.updated_at = now;
    }

    /// Whether the flag is on for `audience`.
    ///
    /// An account: the flag must be enabled, the account's role and region
    /// among those allowed (an account without a region is outside any
    /// list of regions), and its [`bucket`] in the flag's group below the
    /// rollout. So an account keeps its answer while the flag does not
    /// change, and raising the rollout only adds accounts.
    ///
    /// A visitor has no id to be bucketed by, and no role or region to be
    /// checked: the flag is on for them only once it is on for everybody —
    /// enabled, at 100%, without constraints. Otherwise a visitor who logs
    /// in could lose a feature, or a share of visitors would change at
    /// every request.
    #[must_use]
    pub fn is_on_for(&self, audience: &Audience) -> bool {
        let s = &self.settings;
        if !s.enabled {
            return false;
        }
        match audience {
            Audience::Anonymous => {
                s.rollout.is_full() && s.regions.is_empty() && s.roles.is_empty()
            }
            Audience::Account { user, role, region } => {
                (s.roles.is_empty() || s.roles.contains(role))
                    && (s.regions.is_empty() || region.is_some_and(|r| s.regions.contains(&r)))
                    && bucket(&s.group, *user) < s.rollout.basis_points()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;
    use uuid::Uuid;

    const NOW: OffsetDateTime = datetime!(2026-11-29 10:00 UTC);

    fn key(raw: &str) -> FlagKey {
        FlagKey::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"))
    }

    fn rollout(percent: f64) -> Rollout {
        Rollout::from_percent(percent).unwrap_or_else(|e| panic!("{percent}: {e}"))
    }

    fn flag(raw_key: &str, percent: f64) -> FeatureFlag {
        FeatureFlag::create(
            key(raw_key),
            FlagSettings {
                description: FlagDescription::parse("Le nouvel éditeur de ressources.")
                    .unwrap_or_else(|e| panic!("{e}")),
                enabled: true,
                rollout: rollout(percent),
                group: key(raw_key),
                regions: BTreeSet::new(),
                roles: BTreeSet::new(),
            },
            NOW,
        )
    }

    fn citizen(user: UserId) -> Audience {
        Audience::Account {
            user,
            role: Role::Citizen,
            region: None,
        }
    }

    /// `n` ids drawn by SplitMix64 from a fixed seed: random-looking and
    /// the same at every run.
    fn random_ids(n: usize) -> Vec<UserId> {
        let mut state: u64 = 0x5eed_0000_2026_1129;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        (0..n)
            .map(|_| {
                let high = u128::from(next()) << 64;
                UserId::from_uuid(Uuid::from_u128(high | u128::from(next())))
            })
            .collect()
    }

    /// `n` ids that differ only in their last bits: the worst case for a
    /// poor hash (UUIDv7 made in the same millisecond share their start).
    fn sequential_ids(n: usize) -> Vec<UserId> {
        let base = 0x0193_a1ef_7c1a_7b42_9d0e_0000_0000_0000_u128;
        (0..n)
            .map(|i| UserId::from_uuid(Uuid::from_u128(base + i as u128)))
            .collect()
    }

    /// The share, in percent, of `ids` `flag` is on for.
    fn share(flag: &FeatureFlag, ids: &[UserId]) -> f64 {
        let on = ids
            .iter()
            .filter(|id| flag.is_on_for(&citizen(**id)))
            .count();
        on as f64 * 100.0 / ids.len() as f64
    }

    #[test]
    fn keys_are_slugs() {
        for raw in ["nouvel-editeur", "a", "canary-2026-12", "x1"] {
            assert_eq!(key(raw).as_str(), raw);
        }
        let long = "a".repeat(65);
        for raw in [
            "",
            "Nouvel",
            "nouvel_editeur",
            "-a",
            "a-",
            "a--b",
            " a",
            "a.b",
            "é",
            &long,
        ] {
            assert_eq!(
                FlagKey::parse(raw),
                Err(DomainError::InvalidFlagKey { max: 64 }),
                "{raw:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn a_key_parses_exactly_when_it_is_a_slug(raw in "[a-z0-9-]{0,70}") {
            let slug = crate::reference::Slug::parse(&raw).is_ok();
            prop_assert_eq!(FlagKey::parse(&raw).is_ok(), slug);
        }

        #[test]
        fn a_percentage_with_two_decimals_round_trips(basis_points in 0u16..=10_000) {
            let percent = f64::from(basis_points) / 100.0;
            let parsed = Rollout::from_percent(percent);
            prop_assert_eq!(parsed.clone().map(Rollout::basis_points), Ok(basis_points));
            prop_assert_eq!(parsed.map(Rollout::percent), Ok(percent));
        }
    }

    #[test]
    fn descriptions_are_one_trimmed_line() {
        assert_eq!(
            FlagDescription::parse("  Nouvel éditeur  ").map(|d| d.as_str().to_owned()),
            Ok("Nouvel éditeur".to_owned())
        );
        let long = "é".repeat(501);
        for raw in ["", "   ", "deux\nlignes", &long] {
            assert_eq!(
                FlagDescription::parse(raw),
                Err(DomainError::InvalidFlagDescription { max: 500 }),
                "{raw:?}"
            );
        }
        assert!(FlagDescription::parse(&"é".repeat(500)).is_ok());
    }

    #[test]
    fn rollouts_are_percentages_with_two_decimals() {
        assert_eq!(rollout(15.0).basis_points(), 1_500);
        assert_eq!(rollout(12.5).basis_points(), 1_250);
        assert_eq!(rollout(15.55).basis_points(), 1_555);
        assert_eq!(rollout(0.01).basis_points(), 1);
        assert_eq!(rollout(100.0), Rollout::FULL);
        assert_eq!(rollout(0.0), Rollout::NONE);
        assert_eq!(rollout(12.5).to_string(), "12.50%");
        for percent in [-1.0, -0.01, 100.01, 12.345, 0.001, f64::NAN, f64::INFINITY] {
            assert_eq!(
                Rollout::from_percent(percent),
                Err(DomainError::InvalidRollout),
                "{percent}"
            );
        }
        assert_eq!(
            Rollout::from_basis_points(10_001),
            Err(DomainError::InvalidRollout)
        );
    }

    #[test]
    fn an_account_keeps_its_answer_and_a_flag_of_the_same_group_agrees() {
        let editor = flag("nouvel-editeur", 15.0);
        let mut search = flag("recherche-v2", 15.0);
        search.settings.group = key("nouvel-editeur");
        let other_group = flag("recherche-v3", 15.0);
        let ids = random_ids(10_000);
        let mut differs = 0;
        for id in &ids {
            let answer = editor.is_on_for(&citizen(*id));
            for _ in 0..3 {
                assert_eq!(editor.is_on_for(&citizen(*id)), answer);
            }
            assert_eq!(search.is_on_for(&citizen(*id)), answer, "same group");
            if other_group.is_on_for(&citizen(*id)) != answer {
                differs += 1;
            }
        }
        // Independent groups at 15%: they disagree for about 2 × 0.15 × 0.85 = 25.5%.
        assert!((2_000..3_100).contains(&differs), "{differs}");
    }

    #[test]
    fn raising_the_rollout_keeps_everybody_who_had_the_feature() {
        let ids = random_ids(20_000);
        let mut before: Vec<bool> = vec![false; ids.len()];
        for step in 0..=20 {
            let raised = flag("nouvel-editeur", f64::from(step) * 5.0);
            let now: Vec<bool> = ids
                .iter()
                .map(|id| raised.is_on_for(&citizen(*id)))
                .collect();
            for (i, (was, is)) in before.iter().zip(&now).enumerate() {
                assert!(
                    !*was || *is,
                    "account {i} lost the feature at {}%",
                    step * 5
                );
            }
            before = now;
        }
        assert!(before.iter().all(|on| *on), "100% is everybody");
        // And the first 15% are among the 30% (the seed's canary, raised).
        let (first, second) = (flag("canary", 15.0), flag("canary", 30.0));
        assert!(
            ids.iter()
                .all(|id| !first.is_on_for(&citizen(*id)) || second.is_on_for(&citizen(*id)))
        );
    }

    #[test]
    fn the_share_of_accounts_is_the_rollout_within_two_points() {
        let random = random_ids(100_000);
        let sequential = sequential_ids(100_000);
        for target in [1.0, 15.0, 30.0, 50.0, 99.0] {
            for (kind, ids) in [("random", &random), ("sequential", &sequential)] {
                let measured = share(&flag("nouvel-editeur", target), ids);
                eprintln!("target {target:>4}%: {measured:.3}% of 100,000 {kind} ids");
                assert!(
                    (measured - target).abs() <= 2.0,
                    "{kind} ids at {target}%: {measured}%"
                );
            }
        }
        assert!(share(&flag("nouvel-editeur", 0.0), &random).abs() < f64::EPSILON);
        assert!((share(&flag("nouvel-editeur", 100.0), &random) - 100.0).abs() < f64::EPSILON);
    }

    #[test]
    fn a_disabled_flag_is_off_for_everybody() {
        let mut off = flag("nouvel-editeur", 100.0);
        off.settings.enabled = false;
        assert!(!off.is_on_for(&Audience::Anonymous));
        assert!(
            random_ids(1_000)
                .iter()
                .all(|id| !off.is_on_for(&citizen(*id)))
        );
    }

    #[test]
    fn regions_restrict_the_flag_to_accounts_that_live_there() {
        let mut regional = flag("nouvel-editeur", 100.0);
        regional.settings.regions = BTreeSet::from([Region::IleDeFrance, Region::Bretagne]);
        let user = UserId::generate();
        let from = |region| Audience::Account {
            user,
            role: Role::Citizen,
            region,
        };
        assert!(regional.is_on_for(&from(Some(Region::IleDeFrance))));
        assert!(regional.is_on_for(&from(Some(Region::Bretagne))));
        assert!(!regional.is_on_for(&from(Some(Region::Occitanie))));
        assert!(
            !regional.is_on_for(&from(None)),
            "no region: outside the list"
        );
        // The rollout still applies inside the regions.
        regional.settings.rollout = rollout(15.0);
        let ids = random_ids(10_000);
        let on = ids
            .iter()
            .filter(|id| {
                regional.is_on_for(&Audience::Account {
                    user: **id,
                    role: Role::Citizen,
                    region: Some(Region::Bretagne),
                })
            })
            .count();
        assert!((1_300..1_700).contains(&on), "{on}");
    }

    #[test]
    fn roles_restrict_the_flag_to_those_roles() {
        let mut staff = flag("nouvel-editeur", 100.0);
        staff.settings.roles = BTreeSet::from([Role::Moderator, Role::Administrator]);
        let user = UserId::generate();
        let with = |role| Audience::Account {
            user,
            role,
            region: Some(Region::IleDeFrance),
        };
        assert!(staff.is_on_for(&with(Role::Moderator)));
        assert!(staff.is_on_for(&with(Role::Administrator)));
        assert!(!staff.is_on_for(&with(Role::Citizen)));
        assert!(!staff.is_on_for(&with(Role::SuperAdministrator)));
    }

    #[test]
    fn visitors_have_a_flag_only_once_everybody_has_it() {
        assert!(flag("nouvel-editeur", 100.0).is_on_for(&Audience::Anonymous));
        assert!(!flag("nouvel-editeur", 99.99).is_on_for(&Audience::Anonymous));
        let mut regional = flag("nouvel-editeur", 100.0);
        regional.settings.regions = BTreeSet::from([Region::IleDeFrance]);
        assert!(!regional.is_on_for(&Audience::Anonymous));
        let mut citizens = flag("nouvel-editeur", 100.0);
        citizens.settings.roles = BTreeSet::from([Role::Citizen]);
        assert!(!citizens.is_on_for(&Audience::Anonymous));
    }

    #[test]
    fn a_change_counts_one_version_and_keeps_the_creation() {
        let mut editor = flag("nouvel-editeur", 15.0);
        assert_eq!(editor.version, 0);
        let mut settings = editor.settings.clone();
        settings.rollout = rollout(30.0);
        let later = datetime!(2026-12-01 08:00 UTC);
        editor.change(settings, later);
        assert_eq!(editor.version, 1);
        assert_eq!(editor.settings.rollout.basis_points(), 3_000);
        assert_eq!((editor.created_at, editor.updated_at), (NOW, later));
    }
}
