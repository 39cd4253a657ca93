//! [`PasswordStrength`] with zxcvbn (dictionaries, keyboard patterns, sequences,
//! dates, l33t substitutions).
//!
//! zxcvbn counts guesses in a `u64`: it never reports more than 64 bits, and
//! any password it splits into six or more matches saturates (its penalty for
//! long match sequences alone passes 2^64), after which its search keeps a poor
//! decomposition. The CNIL passphrase rule needs 80 bits. So past the ceiling
//! the estimate is the sum of the estimates of the words (runs of letters and
//! digits, separators ignored), a word still too long for zxcvbn being cut in
//! two, recursively; the result is never below zxcvbn's own 64 bits. Summing
//! words ignores patterns across words and the separators' own cost, so it
//! leans towards refusing a borderline passphrase.

use std::f64::consts::LOG2_10;

use rr_application::ports::{PasswordStrength, StrengthEstimate};

/// zxcvbn score (0–4) below which a password counts as guessable.
const MIN_SCORE: u8 = 3;
/// Hints shorter than this are ignored: every password contains some two-letter string.
const MIN_HINT_CHARS: usize = 3;
/// zxcvbn's matching grows quickly with length, so it reads only this many
/// characters; the estimate here does the same (what follows only adds strength).
const MAX_ESTIMATED_CHARS: usize = 100;

/// [`PasswordStrength`] with zxcvbn.
///
/// `entropy_bits` is zxcvbn's `guesses_log10 × log2(10)`, extended past zxcvbn's
/// 64-bit ceiling as the module explains; a password is
/// guessable when its zxcvbn score is below 3, or when it contains one of the
/// hints (case-insensitively, hints of 3 characters or more).
#[derive(Debug, Clone, Copy, Default)]
pub struct ZxcvbnStrength;

impl ZxcvbnStrength {
    /// The estimator.
    #[must_use]
    pub fn new() -> Self {
        Self
    }
}

impl PasswordStrength for ZxcvbnStrength {
    fn assess(&self, password: &str, hints: &[String]) -> StrengthEstimate {
        let hints: Vec<&str> = hints
            .iter()
            .map(|hint| hint.trim())
            .filter(|hint| hint.chars().count() >= MIN_HINT_CHARS)
            .collect();
        let estimated: Vec<char> = password.chars().take(MAX_ESTIMATED_CHARS).collect();
        let whole = zxcvbn::zxcvbn(&estimated.iter().collect::<String>(), &hints);
        let log10_guesses = if whole.guesses() == u64::MAX {
            split_log10_guesses(&estimated, &hints)
        } else {
            whole.guesses_log10()
        };

        let lowered = password.to_lowercase();
        let contains_hint = hints
            .iter()
            .any(|hint| lowered.contains(&hint.to_lowercase()));

        StrengthEstimate {
            entropy_bits: (log10_guesses * LOG2_10).max(0.0),
            guessable: u8::from(whole.score()) < MIN_SCORE || contains_hint,
        }
    }
}

/// log10 of the guesses for `chars`, summed over words (or halves) while zxcvbn saturates.
fn split_log10_guesses(chars: &[char], hints: &[&str]) -> f64 {
    let entropy = zxcvbn::zxcvbn(&chars.iter().collect::<String>(), hints);
    if entropy.guesses() < u64::MAX || chars.len() < 2 {
        return entropy.guesses_log10();
    }
    let words: Vec<&[char]> = chars
        .split(|c| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    let parts = match words.as_slice() {
        [] => return entropy.guesses_log10(),
        [word] if word.len() == chars.len() => {
            let (left, right) = word.split_at(word.len() / 2);
            vec![left, right]
        }
        _ => words,
    };
    let summed: f64 = parts
        .iter()
        .map(|part| split_log10_guesses(part, hints))
        .sum();
    summed.max(entropy.guesses_log10())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assess(password: &str, hints: &[&str]) -> StrengthEstimate {
        let hints: Vec<String> = hints.iter().map(|&h| h.to_owned()).collect();
        ZxcvbnStrength::new().assess(password, &hints)
    }

    #[test]
    fn common_passwords_are_guessable() {
        for password in ["password1234!", "azerty123", "Motdepasse1!", "qwertyuiop"] {
            let estimate = assess(password, &[]);
            assert!(estimate.guessable, "{password}: {estimate:?}");
            assert!(estimate.entropy_bits < 40.0, "{password}: {estimate:?}");
        }
    }

    #[test]
    fn a_long_passphrase_of_uncommon_words_is_strong() {
        let estimate = assess("quenouille-bruine-escarpin-mandoline-velours-grimoire", &[]);
        assert!(!estimate.guessable, "{estimate:?}");
        assert!(estimate.entropy_bits >= 80.0, "{estimate:?}");
    }

    #[test]
    fn a_password_built_on_a_hint_is_guessable() {
        let strong = "Xq7#vLm2$Rt9-martinez-pw";
        assert!(!assess(strong, &[]).guessable);
        assert!(assess(strong, &["Martinez"]).guessable);
        assert!(assess(strong, &["  MARTINEZ "]).guessable);
        // Two letters are not a hint: "pw" is in every such password.
        assert!(!assess(strong, &["pw"]).guessable);
    }

    #[test]
    fn common_words_do_not_reach_80_bits_by_length_alone() {
        // zxcvbn alone saturates here and then reads most of it as random
        // characters; summing the words keeps the dictionary matches.
        let estimate = assess("correct horse battery staple table chair", &[]);
        assert!(estimate.entropy_bits >= 64.0, "{estimate:?}");
        assert!(estimate.entropy_bits < 80.0, "{estimate:?}");
    }

    #[test]
    fn below_the_ceiling_the_estimate_is_zxcvbn_s() {
        let estimate = assess("Xq7#vLm2$Rt9", &[]);
        let expected = zxcvbn::zxcvbn("Xq7#vLm2$Rt9", &[]).guesses_log10() * LOG2_10;
        assert!(
            (estimate.entropy_bits - expected).abs() < 1e-9,
            "{estimate:?}"
        );
        assert!(assess("", &[]).entropy_bits.abs() < f64::EPSILON);
    }

    #[test]
    fn a_long_string_without_separators_is_cut_in_halves() {
        let estimate = assess("Xq7vLm2Rt9kWz4PbN8sYc3Hd", &[]);
        assert!(estimate.entropy_bits > 70.0, "{estimate:?}");
    }

    #[test]
    fn very_long_passwords_are_estimated_quickly() {
        let long = "ab1!".repeat(5_000);
        let started = std::time::Instant::now();
        let estimate = assess(&long, &[]);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert!(estimate.entropy_bits.is_finite());
    }
}
