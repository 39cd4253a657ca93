//! [`Totp`] per RFC 6238 with `totp-rs`: HMAC-SHA-1, 6 digits, 30-second
//! steps, one step of drift either way.

use data_encoding::BASE32_NOPAD;
use rr_application::ports::Totp;
use time::OffsetDateTime;
use totp_rs::{Algorithm, Builder};
use zeroize::Zeroizing;

/// Name shown by authenticator apps.
pub const TOTP_ISSUER: &str = "Ressources Relationnelles";
/// Shared-secret length: 160 bits, as RFC 4226 recommends.
const SECRET_LEN: usize = 20;
/// RFC 4226 minimum: a shorter secret never verifies.
const MIN_SECRET_LEN: usize = 16;
const DIGITS: u8 = 6;
const STEP_SECS: u64 = 30;
const SKEW_STEPS: u16 = 1;

/// [`Totp`] with the parameters every authenticator app supports.
///
/// Codes are compared by `totp-rs`, in constant time; the step returned lets
/// the caller refuse a code already used.
#[derive(Debug, Clone, Copy, Default)]
pub struct RfcTotp;

impl RfcTotp {
    /// The verifier.
    #[must_use]
    pub fn new() -> Self {
        Self
    }

    fn totp(secret: &[u8], account: &str) -> totp_rs::Totp {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(DIGITS)
            .with_step_duration(STEP_SECS)
            .with_skew(SKEW_STEPS)
            .with_secret(secret.to_vec())
            .with_issuer(Some(TOTP_ISSUER))
            .with_account_name(account)
            // The parameters above are RFC-compliant; only the secret's length
            // is checked by `build`, and `verify` checks it itself.
            .build_noncompliant()
    }
}

impl Totp for RfcTotp {
    fn new_secret(&self) -> Vec<u8> {
        let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
        rand::fill(&mut secret[..]);
        secret.to_vec()
    }

    fn provisioning(&self, secret: &[u8], account: &str) -> (String, String) {
        let base32 = BASE32_NOPAD.encode(secret);
        // A colon separates issuer and account in the label: none may appear in either.
        let account = account.trim().replace(':', "_");
        let account = if account.is_empty() {
            "compte".to_owned()
        } else {
            account
        };
        let uri = Self::totp(secret, &account).to_url().unwrap_or_else(|_| {
            format!(
                "otpauth://totp/Ressources%20Relationnelles?secret={base32}&issuer=Ressources%20Relationnelles"
            )
        });
        (uri, base32)
    }

    fn verify(&self, secret: &[u8], code: &str, now: OffsetDateTime) -> Option<i64> {
        if secret.len() < MIN_SECRET_LEN {
            return None;
        }
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let time = u64::try_from(now.unix_timestamp()).ok()?;
        let step = Self::totp(secret, "verify").check(&code, time)?;
        i64::try_from(step).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 6238 appendix B SHA-1 seed.
    const SEED: &[u8] = b"12345678901234567890";

    fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).unwrap()
    }

    #[test]
    fn rfc_6238_vectors_verify_at_their_times() {
        // The RFC's 8-digit codes, last 6 digits (10^6 divides 10^8).
        let totp = RfcTotp::new();
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(totp.verify(SEED, code, at(time)), Some(time / 30), "{time}");
        }
    }

    #[test]
    fn one_step_of_drift_is_allowed_either_way_and_no_more() {
        let totp = RfcTotp::new();
        // "287082" belongs to step 1 (t = 30..59).
        assert_eq!(totp.verify(SEED, "287082", at(29)), Some(1), "next step");
        assert_eq!(
            totp.verify(SEED, "287082", at(89)),
            Some(1),
            "previous step"
        );
        assert_eq!(totp.verify(SEED, "287082", at(90)), None, "two steps late");
        assert_eq!(
            totp.verify(SEED, "081804", at(1_111_111_109 - 60)),
            None,
            "two steps early"
        );
    }

    #[test]
    fn wrong_or_malformed_codes_fail() {
        let totp = RfcTotp::new();
        for code in ["287083", "28708", "2870820", "28708a", "+87082", ""] {
            assert_eq!(totp.verify(SEED, code, at(59)), None, "{code:?}");
        }
        assert_eq!(totp.verify(SEED, "287 082", at(59)), Some(1));
        assert_eq!(totp.verify(b"short", "287082", at(59)), None);
        assert_eq!(
            totp.verify(b"12345678901234567891", "287082", at(59)),
            None,
            "another secret"
        );
    }

    #[test]
    fn new_secrets_are_160_random_bits() {
        let totp = RfcTotp::new();
        let a = totp.new_secret();
        assert_eq!(a.len(), 20);
        assert_ne!(a, totp.new_secret());
    }

    #[test]
    fn provisioning_gives_an_otpauth_uri_and_the_base32_secret() {
        let (uri, base32) = RfcTotp::new().provisioning(SEED, "lea@exemple.fr");
        assert_eq!(base32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert!(
            uri.starts_with("otpauth://totp/Ressources%20Relationnelles:lea%40exemple.fr?"),
            "{uri}"
        );
        assert!(
            uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{uri}"
        );
        assert!(uri.contains("issuer=Ressources%20Relationnelles"), "{uri}");
    }

    #[test]
    fn an_account_with_a_colon_still_provisions() {
        let (uri, _) = RfcTotp::new().provisioning(SEED, "odd:name");
        assert!(uri.contains(":odd_name?"), "{uri}");
        let (uri, _) = RfcTotp::new().provisioning(SEED, " ");
        assert!(uri.contains(":compte?"), "{uri}");
    }
}
