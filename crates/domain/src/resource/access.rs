//! Who may see and change a resource, decided once, from facts about it.
//! "May not see" is what routes answer 404 for.

use super::{Lifecycle, Visibility};
use crate::identity::{Actor, AuthenticatedActor, Role, UserId};
use crate::privacy::restriction_allows;

/// What the access rules need to know of a resource.
#[derive(Debug, Clone, Copy)]
pub struct ResourceFacts<'a> {
    /// Its author.
    pub author: UserId,
    /// Its audience.
    pub visibility: Visibility,
    /// Where it is in its life.
    pub state: &'a Lifecycle,
    /// The citizens a shared resource is shared with.
    pub shared_with: &'a [UserId],
    /// Whether its author restricted the processing of their account
    /// (GDPR Art. 18): then it is its author's alone
    /// (`rr_domain::privacy::restriction_allows`).
    pub author_restricted: bool,
}

/// Whether `actor` may see the resource.
///
/// - Its author sees it in every state but deleted.
/// - A published resource is seen by everyone (public), by any logged-in
///   account (restricted), or by the citizens it is shared with (shared);
///   a private one by its author alone.
/// - Moderators and above, with two-factor authentication, see public and
///   restricted resources once submitted (pending review, published,
///   rejected, suspended: what they moderate); never drafts or archived
///   resources, which are their author's alone, nor private or shared ones.
/// - A deleted resource is seen by administrators (with two-factor
///   authentication) only, who may restore it.
/// - While its author's account is restricted, nobody but its author sees it,
///   staff included.
#[must_use]
pub fn can_view(actor: &Actor, resource: &ResourceFacts<'_>) -> bool {
    if !restriction_allows(actor, resource.author, resource.author_restricted) {
        return false;
    }
    let user = actor.user();
    if *resource.state == Lifecycle::Deleted {
        return user.is_some_and(|u| {
            u.may_act_as(Role::Administrator) && resource.visibility.needs_review()
        });
    }
    if user.is_some_and(|u| u.user_id == resource.author) {
        return true;
    }
    if resource.visibility.needs_review()
        && resource.state.is_moderated()
        && user.is_some_and(|u| u.may_act_as(Role::Moderator))
    {
        return true;
    }
    if *resource.state != Lifecycle::Published {
        return false;
    }
    match resource.visibility {
        Visibility::Public => true,
        Visibility::Restricted => user.is_some(),
        Visibility::Shared => user.is_some_and(|u| resource.shared_with.contains(&u.user_id)),
        Visibility::Private => false,
    }
}

/// Whether `actor` may change the resource's content, visibility or sharing:
/// its author, or an administrator (with two-factor authentication) for public
/// and restricted ones once submitted (see [`Lifecycle::is_moderated`]); never
/// once archived or deleted (unarchive or restore first).
#[must_use]
pub fn can_edit(actor: &Actor, resource: &ResourceFacts<'_>) -> bool {
    let Actor::User(user) = actor else {
        return false;
    };
    if matches!(resource.state, Lifecycle::Archived | Lifecycle::Deleted)
        || !restriction_allows(actor, resource.author, resource.author_restricted)
    {
        return false;
    }
    user.user_id == resource.author
        || (resource.visibility.needs_review()
            && resource.state.is_moderated()
            && user.may_act_as(Role::Administrator))
}

/// Why `actor` may not change the resource (when [`can_edit`] says no):
/// `two_factor_required` when their role would allow it once two-factor
/// authentication is on, `forbidden` otherwise. A stable API code.
#[must_use]
pub fn edit_refusal(actor: &Actor, resource: &ResourceFacts<'_>) -> &'static str {
    match actor {
        Actor::User(user)
            if !user.two_factor
                && can_edit(
                    &Actor::User(AuthenticatedActor {
                        two_factor: true,
                        ..*user
                    }),
                    resource,
                ) =>
        {
            "two_factor_required"
        }
        _ => "forbidden",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::SessionId;

    fn user(id: UserId, role: Role, two_factor: bool) -> Actor {
        Actor::User(AuthenticatedActor {
            user_id: id,
            session_id: SessionId::generate(),
            role,
            two_factor,
        })
    }

    #[test]
    fn a_published_resource_is_seen_by_its_audience_only() {
        let author = UserId::generate();
        let friend = UserId::generate();
        let stranger = user(UserId::generate(), Role::Citizen, false);
        let shared_with = [friend];
        let facts = |visibility| ResourceFacts {
            author,
            visibility,
            state: &Lifecycle::Published,
            shared_with: &shared_with,
            author_restricted: false,
        };

        assert!(can_view(&Actor::Visitor, &facts(Visibility::Public)));
        assert!(!can_view(&Actor::Visitor, &facts(Visibility::Restricted)));
        assert!(can_view(&stranger, &facts(Visibility::Restricted)));
        assert!(!can_view(&stranger, &facts(Visibility::Shared)));
        assert!(can_view(
            &user(friend, Role::Citizen, false),
            &facts(Visibility::Shared)
        ));
        assert!(!can_view(&stranger, &facts(Visibility::Private)));
        assert!(can_view(
            &user(author, Role::Citizen, false),
            &facts(Visibility::Private)
        ));
    }

    #[test]
    fn unpublished_resources_are_seen_by_their_author_and_reviewers_only() {
        let author = UserId::generate();
        let pending = Lifecycle::PendingReview;
        let facts = |visibility| ResourceFacts {
            author,
            visibility,
            state: &pending,
            shared_with: &[],
            author_restricted: false,
        };
        let moderator = user(UserId::generate(), Role::Moderator, true);

        assert!(!can_view(&Actor::Visitor, &facts(Visibility::Public)));
        assert!(!can_view(
            &user(UserId::generate(), Role::Citizen, false),
            &facts(Visibility::Public)
        ));
        assert!(can_view(&moderator, &facts(Visibility::Public)));
        assert!(!can_view(
            &user(UserId::generate(), Role::Moderator, false),
            &facts(Visibility::Public)
        ));
        assert!(
            !can_view(&moderator, &facts(Visibility::Private)),
            "staff never see private resources"
        );
        assert!(can_view(
            &user(author, Role::Citizen, false),
            &facts(Visibility::Public)
        ));
    }

    #[test]
    fn deleted_resources_are_seen_by_administrators_only() {
        let author = UserId::generate();
        let facts = ResourceFacts {
            author,
            visibility: Visibility::Public,
            state: &Lifecycle::Deleted,
            shared_with: &[],
            author_restricted: false,
        };
        assert!(!can_view(&user(author, Role::Citizen, false), &facts));
        assert!(!can_view(
            &user(UserId::generate(), Role::Moderator, true),
            &facts
        ));
        assert!(can_view(
            &user(UserId::generate(), Role::Administrator, true),
            &facts
        ));
    }

    #[test]
    fn drafts_and_archived_resources_are_their_authors_alone() {
        let author = UserId::generate();
        let admin = user(UserId::generate(), Role::SuperAdministrator, true);
        for state in [Lifecycle::Draft, Lifecycle::Archived] {
            let facts = ResourceFacts {
                author,
                visibility: Visibility::Public,
                state: &state,
                shared_with: &[],
                author_restricted: false,
            };
            assert!(can_view(&user(author, Role::Citizen, false), &facts));
            assert!(!can_view(&admin, &facts), "{}", state.name());
            assert!(!can_edit(&admin, &facts), "{}", state.name());
        }
    }

    #[test]
    fn authors_and_administrators_edit_until_archived_or_deleted() {
        let author = UserId::generate();
        let admin = user(UserId::generate(), Role::Administrator, true);
        for (state, editable) in [
            (Lifecycle::Draft, true),
            (Lifecycle::Published, true),
            (Lifecycle::Suspended { reason: "x".into() }, true),
            (Lifecycle::Archived, false),
            (Lifecycle::Deleted, false),
        ] {
            let facts = ResourceFacts {
                author,
                visibility: Visibility::Public,
                state: &state,
                shared_with: &[],
                author_restricted: false,
            };
            assert_eq!(
                can_edit(&user(author, Role::Citizen, false), &facts),
                editable,
                "{}",
                state.name()
            );
            assert_eq!(
                can_edit(&admin, &facts),
                editable && state.is_moderated(),
                "{}",
                state.name()
            );
            assert!(!can_edit(
                &user(UserId::generate(), Role::Moderator, true),
                &facts
            ));
            assert!(!can_edit(&Actor::Visitor, &facts));
        }
        let private = ResourceFacts {
            author,
            visibility: Visibility::Private,
            state: &Lifecycle::Draft,
            shared_with: &[],
            author_restricted: false,
        };
        assert!(
            !can_edit(&admin, &private),
            "administrators do not touch private resources"
        );
    }

    #[test]
    fn an_administrator_without_two_factor_is_told_to_enable_it() {
        let author = UserId::generate();
        let admin = UserId::generate();
        let facts = ResourceFacts {
            author,
            visibility: Visibility::Public,
            state: &Lifecycle::Published,
            shared_with: &[],
            author_restricted: false,
        };
        assert_eq!(
            edit_refusal(&user(admin, Role::Administrator, false), &facts),
            "two_factor_required"
        );
        assert_eq!(
            edit_refusal(&user(admin, Role::Citizen, false), &facts),
            "forbidden"
        );
        let private = ResourceFacts {
            visibility: Visibility::Private,
            ..facts
        };
        assert_eq!(
            edit_refusal(&user(admin, Role::Administrator, false), &private),
            "forbidden"
        );
    }

    #[test]
    fn a_restricted_authors_resource_is_theirs_alone() {
        let author = UserId::generate();
        let facts = ResourceFacts {
            author,
            visibility: Visibility::Public,
            state: &Lifecycle::Published,
            shared_with: &[],
            author_restricted: true,
        };
        assert!(can_view(&user(author, Role::Citizen, false), &facts));
        assert!(can_edit(&user(author, Role::Citizen, false), &facts));
        assert!(!can_view(&Actor::Visitor, &facts));
        let admin = user(UserId::generate(), Role::SuperAdministrator, true);
        assert!(!can_view(&admin, &facts));
        assert!(!can_edit(&admin, &facts));
        let moderator = user(UserId::generate(), Role::Moderator, true);
        let pending = ResourceFacts {
            state: &Lifecycle::PendingReview,
            ..facts
        };
        assert!(!can_view(&moderator, &pending));
    }
}
