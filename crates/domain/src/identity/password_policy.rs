//! The structural part of the password policy (CNIL, deliberation 2022-100):
//! at least 12 characters mixing upper case, lower case, digits and special
//! characters. A password that lacks a class may still pass as a passphrase of
//! equivalent strength (about 80 bits); estimating that needs a dictionary,
//! which is the `PasswordStrength` port's job, not the domain's.

/// A rule a chosen password breaks, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordRule {
    /// Fewer than [`MIN_CHARS`] characters.
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    TooLong,
    /// Some character classes are missing and the password is not a strong
    /// enough passphrase. Lists the missing classes.
    MissingCharacterClasses(Vec<&'static str>),
    /// Common, breached, or built from predictable patterns or the account's own data.
    TooPredictable,
}

impl PasswordRule {
    /// Stable machine code, part of the API contract.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooShort => "password_too_short",
            Self::TooLong => "password_too_long",
            Self::MissingCharacterClasses(_) => "password_missing_character_classes",
            Self::TooPredictable => "password_too_predictable",
        }
    }

    /// Explanation for the person choosing the password, in French.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Self::TooShort => {
                format!("Le mot de passe doit compter au moins {MIN_CHARS} caractères.")
            }
            Self::TooLong => format!("Le mot de passe ne peut dépasser {MAX_CHARS} caractères."),
            Self::MissingCharacterClasses(missing) => format!(
                "Il manque : {}. Sinon, choisissez une phrase de passe plus longue (au moins 80 bits d'entropie).",
                missing.join(", ")
            ),
            Self::TooPredictable => {
                "Ce mot de passe est trop courant ou trop prévisible (mot du dictionnaire, suite, \
                 donnée personnelle ou mot de passe déjà divulgué)."
                    .to_owned()
            }
        }
    }
}

/// Fewest characters accepted.
pub const MIN_CHARS: usize = 12;
/// Most characters accepted (hashing cost stays bounded).
pub const MAX_CHARS: usize = 128;

/// Checks length and character classes.
///
/// # Errors
/// [`PasswordRule::TooShort`], [`PasswordRule::TooLong`], or
/// [`PasswordRule::MissingCharacterClasses`] naming the classes absent
/// (`majuscule`, `minuscule`, `chiffre`, `caractère spécial`).
pub fn check_structure(password: &str) -> Result<(), PasswordRule> {
    let length = password.chars().count();
    if length < MIN_CHARS {
        return Err(PasswordRule::TooShort);
    }
    if length > MAX_CHARS {
        return Err(PasswordRule::TooLong);
    }
    type Class = (&'static str, fn(char) -> bool);
    let classes: [Class; 4] = [
        ("majuscule", char::is_uppercase),
        ("minuscule", char::is_lowercase),
        ("chiffre", |c| c.is_ascii_digit()),
        ("caractère spécial", |c| !c.is_alphanumeric()),
    ];
    let missing: Vec<&'static str> = classes
        .iter()
        .filter(|(_, present)| !password.chars().any(*present))
        .map(|(name, _)| *name)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(PasswordRule::MissingCharacterClasses(missing))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_characters_of_four_classes_pass() {
        assert_eq!(check_structure("Abcdefghij1!"), Ok(()));
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(check_structure("Éé1!Éé1!Éé1"), Err(PasswordRule::TooShort));
        assert_eq!(check_structure("Éé1!Éé1!Éé1!"), Ok(()));
        assert_eq!(
            check_structure(&"Aa1!".repeat(33)),
            Err(PasswordRule::TooLong)
        );
    }

    #[test]
    fn the_missing_classes_are_named() {
        assert_eq!(
            check_structure("correct horse battery staple"),
            Err(PasswordRule::MissingCharacterClasses(vec![
                "majuscule",
                "chiffre"
            ]))
        );
        assert_eq!(
            check_structure("abcdefghijkl"),
            Err(PasswordRule::MissingCharacterClasses(vec![
                "majuscule",
                "chiffre",
                "caractère spécial"
            ]))
        );
    }

    #[test]
    fn every_rule_has_a_distinct_code() {
        let codes = [
            PasswordRule::TooShort.code(),
            PasswordRule::TooLong.code(),
            PasswordRule::MissingCharacterClasses(vec![]).code(),
            PasswordRule::TooPredictable.code(),
        ];
        let mut unique = codes.to_vec();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }
}
