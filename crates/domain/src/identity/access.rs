use crate::identity::{Role, SessionId, UserId};

/// Someone logged in, as established from a valid access token and a live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthenticatedActor {
    /// The account.
    pub user_id: UserId,
    /// The session the token belongs to.
    pub session_id: SessionId,
    /// The account's current role.
    pub role: Role,
    /// Whether the account has two-factor authentication enabled.
    pub two_factor: bool,
}

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// No valid token.
    Visitor,
    /// A logged-in account.
    User(AuthenticatedActor),
}

impl Actor {
    /// The logged-in account, if any.
    #[must_use]
    pub fn user(&self) -> Option<&AuthenticatedActor> {
        match self {
            Self::User(user) => Some(user),
            Self::Visitor => None,
        }
    }
}

impl AuthenticatedActor {
    /// Staff endpoints need the role and two-factor authentication (DESIGN.md §1).
    #[must_use]
    pub fn may_act_as(&self, required: Role) -> bool {
        self.role >= required && (!required.is_staff() || self.two_factor)
    }

    /// Only super-administrators change roles, never their own.
    #[must_use]
    pub fn may_change_role_of(&self, target: UserId) -> bool {
        self.may_act_as(Role::SuperAdministrator) && target != self.user_id
    }

    /// Administrators suspend citizens; super-administrators anyone below them; nobody themselves.
    #[must_use]
    pub fn may_suspend(&self, target: UserId, target_role: Role) -> bool {
        let allowed = match self.role {
            Role::SuperAdministrator => target_role < Role::SuperAdministrator,
            Role::Administrator => target_role == Role::Citizen,
            Role::Citizen | Role::Moderator => false,
        };
        allowed && self.may_act_as(Role::Administrator) && target != self.user_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, two_factor: bool) -> AuthenticatedActor {
        AuthenticatedActor {
            user_id: UserId::generate(),
            session_id: SessionId::generate(),
            role,
            two_factor,
        }
    }

    #[test]
    fn staff_rights_need_two_factor() {
        assert!(!actor(Role::Moderator, false).may_act_as(Role::Moderator));
        assert!(actor(Role::Moderator, true).may_act_as(Role::Moderator));
        assert!(actor(Role::Citizen, false).may_act_as(Role::Citizen));
        assert!(!actor(Role::Moderator, true).may_act_as(Role::Administrator));
    }

    #[test]
    fn nobody_changes_their_own_role_and_only_super_administrators_change_roles() {
        let sa = actor(Role::SuperAdministrator, true);
        assert!(!sa.may_change_role_of(sa.user_id));
        assert!(sa.may_change_role_of(UserId::generate()));
        assert!(!actor(Role::Administrator, true).may_change_role_of(UserId::generate()));
    }

    #[test]
    fn suspension_rights_follow_the_hierarchy() {
        let admin = actor(Role::Administrator, true);
        assert!(admin.may_suspend(UserId::generate(), Role::Citizen));
        assert!(!admin.may_suspend(UserId::generate(), Role::Moderator));
        assert!(!actor(Role::Administrator, false).may_suspend(UserId::generate(), Role::Citizen));
        let sa = actor(Role::SuperAdministrator, true);
        assert!(sa.may_suspend(UserId::generate(), Role::Administrator));
        assert!(!sa.may_suspend(UserId::generate(), Role::SuperAdministrator));
        assert!(!sa.may_suspend(sa.user_id, Role::Citizen));
    }
}
