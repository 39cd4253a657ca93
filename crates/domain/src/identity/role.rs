use std::fmt;

/// What an account may do (DESIGN.md §1). Ordered: each role can do what the
/// ones before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A citizen: shares resources, comments, exercises their rights.
    Citizen,
    /// Reviews resources and handles reports.
    Moderator,
    /// Manages categories, accounts, statistics and feature flags.
    Administrator,
    /// Creates, promotes and demotes staff accounts.
    SuperAdministrator,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Self; 4] = [
        Self::Citizen,
        Self::Moderator,
        Self::Administrator,
        Self::SuperAdministrator,
    ];

    /// Stable machine name, as stored and as sent in tokens.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Moderator => "moderator",
            Self::Administrator => "administrator",
            Self::SuperAdministrator => "super_administrator",
        }
    }

    /// Parses a machine name.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    /// Moderators and above: they must use two-factor authentication.
    #[must_use]
    pub fn is_staff(self) -> bool {
        self >= Self::Moderator
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn staff_starts_at_moderator() {
        assert!(!Role::Citizen.is_staff());
        assert!(Role::Moderator.is_staff() && Role::SuperAdministrator.is_staff());
    }
}
