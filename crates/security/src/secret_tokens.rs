//! [`SecretTokens`]: random secrets for clients, SHA-256 digests for storage.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rr_application::ports::{SecretToken, SecretTokens};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// Crockford's base32 alphabet: digits and upper-case letters without I, L, O, U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Symbols of a recovery code (80 bits, 5 bits each).
const CODE_SYMBOLS: usize = 16;
/// Symbols between two dashes.
const GROUP: usize = 4;

/// [`SecretTokens`] from the operating system's CSPRNG (through `rand`).
///
/// Tokens are 32 random bytes in base64url without padding (43 characters).
/// Recovery codes are 80 random bits in Crockford base32, `XXXX-XXXX-XXXX-XXXX`.
/// Digests are SHA-256: of the value as received for tokens, of the
/// canonical form for recovery codes, so that case, dashes, spaces and the
/// look-alikes `O`/`I`/`L` typed for `0`/`1` do not matter.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomSecretTokens;

impl RandomSecretTokens {
    /// The generator.
    #[must_use]
    pub fn new() -> Self {
        Self
    }
}

impl SecretTokens for RandomSecretTokens {
    fn generate(&self) -> SecretToken {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::fill(&mut bytes[..]);
        let value = URL_SAFE_NO_PAD.encode(*bytes);
        let digest = sha256(value.as_bytes());
        SecretToken { value, digest }
    }

    fn recovery_code(&self) -> SecretToken {
        let mut bytes = Zeroizing::new([0u8; 16]);
        rand::fill(&mut bytes[..10]);
        let bits = u128::from_be_bytes(*bytes) >> 48;
        let symbols: String = (0..CODE_SYMBOLS)
            .rev()
            .map(|index| {
                let symbol = usize::try_from((bits >> (5 * index)) & 0x1f).unwrap_or(0);
                char::from(ALPHABET[symbol])
            })
            .collect();
        let digest = sha256(symbols.as_bytes());
        let value = symbols
            .as_bytes()
            .chunks(GROUP)
            .map(|group| String::from_utf8_lossy(group).into_owned())
            .collect::<Vec<_>>()
            .join("-");
        SecretToken { value, digest }
    }

    fn digest(&self, value: &str) -> Vec<u8> {
        match canonical_recovery_code(value) {
            Some(code) => sha256(code.as_bytes()),
            None => sha256(value.as_bytes()),
        }
    }
}

/// The canonical form of something typed as a recovery code, or `None` if it
/// cannot be one (a base64url token is 43 characters, a code 16 symbols).
fn canonical_recovery_code(value: &str) -> Option<String> {
    let code: String = value
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    let valid = code.len() == CODE_SYMBOLS && code.bytes().all(|b| ALPHABET.contains(&b));
    valid.then_some(code)
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tokens_are_256_bits_of_base64url_and_differ() {
        let tokens = RandomSecretTokens::new();
        let seen: HashSet<String> = (0..100).map(|_| tokens.generate().value).collect();
        assert_eq!(seen.len(), 100);
        for value in &seen {
            assert_eq!(value.len(), 43);
            assert_eq!(URL_SAFE_NO_PAD.decode(value).unwrap().len(), 32);
        }
    }

    #[test]
    fn a_token_digest_is_the_sha256_of_its_value() {
        let tokens = RandomSecretTokens::new();
        let token = tokens.generate();
        assert_eq!(
            token.digest,
            Sha256::digest(token.value.as_bytes()).to_vec()
        );
        assert_eq!(tokens.digest(&token.value), token.digest);
        // Tokens are case-sensitive: another case is another token.
        assert_ne!(
            tokens.digest(&token.value.to_ascii_uppercase()),
            token.digest
        );
    }

    #[test]
    fn recovery_codes_are_four_groups_of_unambiguous_symbols() {
        let tokens = RandomSecretTokens::new();
        let mut seen = HashSet::new();
        for _ in 0..200 {
            let code = tokens.recovery_code();
            let groups: Vec<&str> = code.value.split('-').collect();
            assert_eq!(groups.len(), 4, "{}", code.value);
            for group in groups {
                assert_eq!(group.len(), 4);
                assert!(group.bytes().all(|b| ALPHABET.contains(&b)), "{group}");
                assert!(!group.contains(['I', 'L', 'O', 'U']));
            }
            assert!(seen.insert(code.value));
        }
    }

    #[test]
    fn recovery_codes_carry_80_random_bits() {
        // Every symbol position takes many values, the first one included
        // (a shift error would pin it to a few).
        let tokens = RandomSecretTokens::new();
        let codes: Vec<String> = (0..400)
            .map(|_| tokens.recovery_code().value.replace('-', ""))
            .collect();
        for position in 0..CODE_SYMBOLS {
            let symbols: HashSet<u8> = codes.iter().map(|c| c.as_bytes()[position]).collect();
            assert!(symbols.len() > 20, "position {position}: {}", symbols.len());
        }
    }

    #[test]
    fn recovery_codes_are_compared_without_case_dashes_or_spaces() {
        let tokens = RandomSecretTokens::new();
        let code = tokens.recovery_code();
        let compact = code.value.replace('-', "");
        for typed in [
            code.value.clone(),
            code.value.to_ascii_lowercase(),
            compact.clone(),
            format!(" {} ", code.value.replace('-', " ")),
        ] {
            assert_eq!(tokens.digest(&typed), code.digest, "{typed:?}");
        }
        assert_eq!(code.digest, Sha256::digest(compact.as_bytes()).to_vec());
        assert_ne!(tokens.digest(&tokens.recovery_code().value), code.digest);
    }

    #[test]
    fn look_alike_letters_read_as_digits() {
        let tokens = RandomSecretTokens::new();
        assert_eq!(
            tokens.digest("0000-1111-2222-3333"),
            tokens.digest("oOoO-iIlL-2222-3333")
        );
    }
}
