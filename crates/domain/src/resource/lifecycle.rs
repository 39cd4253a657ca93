//! The lifecycle of a resource (DESIGN.md §1) as a state machine: each
//! transition is a method that returns the next state or says why not.
//!
//! ```text
//! draft ──submit──▶ pending_review ──approve──▶ published ──suspend──▶ suspended
//!   ▲                   │    ▲                     │  │                   │
//!   │                reject  └─hold (reports)──────┘  └─edit (reviewed)─┐ │ reinstate
//!   │                   ▼                          ▲                    │ │
//!   │                                              └────────────────────◀─┘
//!   └──── (revise) ─ rejected ──submit──▶ …
//! any state but deleted ──archive──▶ archived ──unarchive──▶ draft
//! any state but deleted ──delete──▶ deleted ──restore──▶ draft
//! ```
//! Private and shared resources need no review: `submit` publishes them at once.
//! `hold` is automatic: enough citizens reported a published resource, which
//! leaves its audience and waits for a moderator as if just submitted.

use super::Visibility;

/// Where a resource is in its life. Reasons are those staff gave, shown to the author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lifecycle {
    /// Being written; seen by its author only.
    Draft,
    /// Submitted, waiting for a moderator.
    PendingReview,
    /// Visible to its audience.
    Published,
    /// Refused by a moderator; the author may revise and submit again.
    Rejected {
        /// Why, as told to the author.
        reason: String,
    },
    /// Taken down by a moderator after publication.
    Suspended {
        /// Why, as told to the author.
        reason: String,
    },
    /// Withdrawn by its author; kept, seen by nobody else.
    Archived,
    /// Deleted; restorable by staff for a while.
    Deleted,
}

/// A transition the current state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a resource that is {from}")]
pub struct TransitionError {
    /// The current state's name.
    pub from: &'static str,
    /// What was attempted.
    pub action: &'static str,
}

impl TransitionError {
    /// Stable machine code, part of the API contract.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid_transition"
    }
}

impl Lifecycle {
    /// Stable machine name of the state.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::PendingReview => "pending_review",
            Self::Published => "published",
            Self::Rejected { .. } => "rejected",
            Self::Suspended { .. } => "suspended",
            Self::Archived => "archived",
            Self::Deleted => "deleted",
        }
    }

    /// Whether moderators are concerned: submitted and not withdrawn
    /// (pending review, published, rejected, suspended). Drafts and archived
    /// resources belong to their author alone.
    #[must_use]
    pub fn is_moderated(&self) -> bool {
        matches!(
            self,
            Self::PendingReview | Self::Published | Self::Rejected { .. } | Self::Suspended { .. }
        )
    }

    fn refuse<T>(&self, action: &'static str) -> Result<T, TransitionError> {
        Err(TransitionError {
            from: self.name(),
            action,
        })
    }

    /// The author submits a draft or a rejected resource: to review when its
    /// visibility needs one, published at once otherwise.
    ///
    /// # Errors
    /// From any other state.
    pub fn submit(&self, visibility: Visibility) -> Result<Self, TransitionError> {
        match self {
            Self::Draft | Self::Rejected { .. } if visibility.needs_review() => {
                Ok(Self::PendingReview)
            }
            Self::Draft | Self::Rejected { .. } => Ok(Self::Published),
            _ => self.refuse("submit"),
        }
    }

    /// A moderator approves a resource waiting for review.
    ///
    /// # Errors
    /// Unless pending review.
    pub fn approve(&self) -> Result<Self, TransitionError> {
        match self {
            Self::PendingReview => Ok(Self::Published),
            _ => self.refuse("approve"),
        }
    }

    /// A moderator rejects a resource waiting for review, with a reason.
    ///
    /// # Errors
    /// Unless pending review.
    pub fn reject(&self, reason: &str) -> Result<Self, TransitionError> {
        match self {
            Self::PendingReview => Ok(Self::Rejected {
                reason: reason.to_owned(),
            }),
            _ => self.refuse("reject"),
        }
    }

    /// A moderator takes a published resource down, with a reason.
    ///
    /// # Errors
    /// Unless published.
    pub fn suspend(&self, reason: &str) -> Result<Self, TransitionError> {
        match self {
            Self::Published => Ok(Self::Suspended {
                reason: reason.to_owned(),
            }),
            _ => self.refuse("suspend"),
        }
    }

    /// Reports reached their threshold: a published resource is hidden and
    /// waits for a moderator's review (who approves or rejects it).
    ///
    /// # Errors
    /// Unless published.
    pub fn hold(&self) -> Result<Self, TransitionError> {
        match self {
            Self::Published => Ok(Self::PendingReview),
            _ => self.refuse("hold"),
        }
    }

    /// A moderator puts a suspended resource back.
    ///
    /// # Errors
    /// Unless suspended.
    pub fn reinstate(&self) -> Result<Self, TransitionError> {
        match self {
            Self::Suspended { .. } => Ok(Self::Published),
            _ => self.refuse("reinstate"),
        }
    }

    /// The author changed the content or the visibility (now `visibility`):
    /// a published or suspended resource that needs review goes back to it.
    /// A suspended resource made private or shared stays suspended: only a
    /// moderator's review lifts a suspension, whatever the audience.
    ///
    /// # Errors
    /// When archived or deleted (nothing to edit).
    pub fn after_edit(&self, visibility: Visibility) -> Result<Self, TransitionError> {
        match self {
            Self::Published | Self::Suspended { .. } if visibility.needs_review() => {
                Ok(Self::PendingReview)
            }
            Self::Draft
            | Self::PendingReview
            | Self::Published
            | Self::Rejected { .. }
            | Self::Suspended { .. } => Ok(self.clone()),
            Self::Archived | Self::Deleted => self.refuse("edit"),
        }
    }

    /// The author withdraws the resource.
    ///
    /// # Errors
    /// When already archived or deleted.
    pub fn archive(&self) -> Result<Self, TransitionError> {
        match self {
            Self::Archived | Self::Deleted => self.refuse("archive"),
            _ => Ok(Self::Archived),
        }
    }

    /// The author takes an archived resource back, as a draft.
    ///
    /// # Errors
    /// Unless archived.
    pub fn unarchive(&self) -> Result<Self, TransitionError> {
        match self {
            Self::Archived => Ok(Self::Draft),
            _ => self.refuse("unarchive"),
        }
    }

    /// The author (or staff) deletes the resource.
    ///
    /// # Errors
    /// When already deleted.
    pub fn delete(&self) -> Result<Self, TransitionError> {
        match self {
            Self::Deleted => self.refuse("delete"),
            _ => Ok(Self::Deleted),
        }
    }

    /// Staff restore a deleted resource, as a draft of its author.
    ///
    /// # Errors
    /// Unless deleted.
    pub fn restore(&self) -> Result<Self, TransitionError> {
        match self {
            Self::Deleted => Ok(Self::Draft),
            _ => self.refuse("restore"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states() -> Vec<Lifecycle> {
        vec![
            Lifecycle::Draft,
            Lifecycle::PendingReview,
            Lifecycle::Published,
            Lifecycle::Rejected { reason: "r".into() },
            Lifecycle::Suspended { reason: "s".into() },
            Lifecycle::Archived,
            Lifecycle::Deleted,
        ]
    }

    /// Every (state, action) pair against the allowed table: nothing else is allowed.
    #[test]
    fn every_transition_is_allowed_exactly_where_the_design_says() {
        type Action = fn(&Lifecycle) -> Result<Lifecycle, TransitionError>;
        let actions: [(&str, Action); 11] = [
            ("submit public", |s| s.submit(Visibility::Public)),
            ("submit private", |s| s.submit(Visibility::Private)),
            ("approve", Lifecycle::approve),
            ("reject", |s| s.reject("hors sujet")),
            ("suspend", |s| s.suspend("signalements")),
            ("hold", Lifecycle::hold),
            ("reinstate", Lifecycle::reinstate),
            ("archive", Lifecycle::archive),
            ("unarchive", Lifecycle::unarchive),
            ("delete", Lifecycle::delete),
            ("restore", Lifecycle::restore),
        ];
        let allowed: &[(&str, &str, &str)] = &[
            ("draft", "submit public", "pending_review"),
            ("rejected", "submit public", "pending_review"),
            ("draft", "submit private", "published"),
            ("rejected", "submit private", "published"),
            ("pending_review", "approve", "published"),
            ("pending_review", "reject", "rejected"),
            ("published", "suspend", "suspended"),
            ("published", "hold", "pending_review"),
            ("suspended", "reinstate", "published"),
            ("draft", "archive", "archived"),
            ("pending_review", "archive", "archived"),
            ("published", "archive", "archived"),
            ("rejected", "archive", "archived"),
            ("suspended", "archive", "archived"),
            ("archived", "unarchive", "draft"),
            ("draft", "delete", "deleted"),
            ("pending_review", "delete", "deleted"),
            ("published", "delete", "deleted"),
            ("rejected", "delete", "deleted"),
            ("suspended", "delete", "deleted"),
            ("archived", "delete", "deleted"),
            ("deleted", "restore", "draft"),
        ];
        for state in states() {
            for (name, action) in actions {
                let expected = allowed
                    .iter()
                    .find(|(from, a, _)| *from == state.name() && *a == name);
                match (action(&state), expected) {
                    (Ok(next), Some((_, _, to))) => {
                        assert_eq!(next.name(), *to, "{} {name}", state.name())
                    }
                    (Err(err), None) => assert_eq!(err.code(), "invalid_transition"),
                    (result, expected) => panic!(
                        "{} {name}: got {result:?}, expected {expected:?}",
                        state.name()
                    ),
                }
            }
        }
    }

    #[test]
    fn reasons_reach_the_author() {
        let rejected = Lifecycle::PendingReview.reject("Lien mort").unwrap();
        assert_eq!(
            rejected,
            Lifecycle::Rejected {
                reason: "Lien mort".into()
            }
        );
    }

    #[test]
    fn editing_a_reviewed_resource_sends_it_back_to_review() {
        assert_eq!(
            Lifecycle::Published.after_edit(Visibility::Public).unwrap(),
            Lifecycle::PendingReview
        );
        assert_eq!(
            Lifecycle::Published
                .after_edit(Visibility::Restricted)
                .unwrap(),
            Lifecycle::PendingReview
        );
        assert_eq!(
            Lifecycle::Published
                .after_edit(Visibility::Private)
                .unwrap(),
            Lifecycle::Published
        );
        let suspended = Lifecycle::Suspended { reason: "x".into() };
        assert_eq!(
            suspended.after_edit(Visibility::Public).unwrap(),
            Lifecycle::PendingReview
        );
        assert_eq!(
            suspended.after_edit(Visibility::Shared).unwrap(),
            suspended,
            "sharing a suspended resource does not lift its suspension"
        );
        assert_eq!(
            Lifecycle::Draft.after_edit(Visibility::Public).unwrap(),
            Lifecycle::Draft
        );
        assert!(Lifecycle::Archived.after_edit(Visibility::Public).is_err());
        assert!(Lifecycle::Deleted.after_edit(Visibility::Private).is_err());
    }

    #[test]
    fn a_held_resource_waits_for_review_and_leaves_its_audience() {
        let held = Lifecycle::Published.hold().unwrap();
        assert_eq!(held, Lifecycle::PendingReview);
        assert!(held.is_moderated(), "moderators see it");
        assert_eq!(held.approve().unwrap(), Lifecycle::Published);
        assert_eq!(
            held.reject("Contenu haineux").unwrap(),
            Lifecycle::Rejected {
                reason: "Contenu haineux".into()
            }
        );
        let err = held.hold().unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot hold a resource that is pending_review"
        );
    }

    #[test]
    fn the_error_names_the_state_and_the_action() {
        let err = Lifecycle::Draft.approve().unwrap_err();
        assert_eq!(err.to_string(), "cannot approve a resource that is draft");
    }
}
