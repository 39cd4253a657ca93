use std::fmt;

use crate::DomainError;

/// An email address, normalised: trimmed, lower-cased. Two spellings of one
/// address compare equal, which the blind index relies on.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Longest address accepted (RFC 5321 path limit).
    pub const MAX_LEN: usize = 254;

    /// Parses and normalises an address.
    ///
    /// # Errors
    /// [`DomainError::InvalidEmail`] unless it is `local@domain` with a dotted
    /// domain, no white space or control character, at most 254 bytes.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let normalised = raw.trim().to_lowercase();
        let Some((local, domain)) = normalised.rsplit_once('@') else {
            return Err(DomainError::InvalidEmail);
        };
        let labels_ok = domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        let valid = normalised.len() <= Self::MAX_LEN
            && !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && domain.contains('.')
            && labels_ok
            && !normalised.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(
                        c,
                        '<' | '>' | ',' | ';' | '"' | '\\' | '(' | ')' | '[' | ']'
                    )
            });
        if valid {
            Ok(Self(normalised))
        } else {
            Err(DomainError::InvalidEmail)
        }
    }

    /// The normalised address.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Personal data: `Debug` shows only the domain.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let domain = self.0.rsplit_once('@').map_or("", |(_, d)| d);
        write!(f, "Email(…@{domain})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_case_and_spaces() {
        assert_eq!(
            Email::parse("  Lea.Martin@Exemple.FR ").unwrap().as_str(),
            "lea.martin@exemple.fr"
        );
        assert_eq!(
            Email::parse("a@b.fr").unwrap(),
            Email::parse("A@B.FR").unwrap()
        );
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for raw in [
            "",
            "lea",
            "lea@",
            "@exemple.fr",
            "lea@exemple",
            "lea martin@exemple.fr",
            "a@b..fr",
            "a@-b.fr",
            "<a@b.fr>",
            "a@b\n.fr",
            "a b@c.fr",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?}");
        }
        assert!(Email::parse(&format!("{}@exemple.fr", "a".repeat(65))).is_err());
    }

    #[test]
    fn debug_hides_the_local_part() {
        let email = Email::parse("lea.martin@exemple.fr").unwrap();
        assert_eq!(format!("{email:?}"), "Email(…@exemple.fr)");
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(raw in "\\PC{0,80}") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email);
            }
        }
    }
}
