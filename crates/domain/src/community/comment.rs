//! Comments on resources (DESIGN.md §1 "Comments"): their text, their life
//! as a state machine, and what a viewer may see of each one.
//!
//! ```text
//!            ┌──── hold (reports) ───▶ held ──┐
//! visible ───┤                          │     │ hide(reason)
//!    ▲       └──── hide(reason) ─────────┼────▶ hidden
//!    └──────────── restore ──────────────┴─────┘
//! any state but deleted ──delete (author)──▶ deleted (tombstone)
//! visible ──edit (author)──▶ visible
//! ```
//!
//! A comment under review (held) or hidden by a moderator cannot be edited:
//! the text moderators judge stays the text that was reported. Its author may
//! still delete it. A deleted comment is a tombstone: it keeps its place in
//! its thread so replies stay readable, and nothing of its text or author is
//! shown to anyone.

use std::fmt;

use crate::DomainError;
use crate::identity::{Actor, Role, UserId};

/// The text of a comment: 1 to [`CommentBody::MAX_CHARS`] characters once
/// trimmed, plain text (rendered as text by clients, never as HTML), line
/// breaks allowed and no other control character. Windows and old Mac line
/// breaks (`\r\n`, `\r`) are stored as `\n`.
#[derive(Clone, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    /// Longest comment, in characters (Unicode scalar values).
    pub const MAX_CHARS: usize = 5_000;

    /// Parses a comment's text.
    ///
    /// # Errors
    /// [`DomainError::InvalidComment`] when blank, longer than
    /// [`Self::MAX_CHARS`] characters, or holding a control character other
    /// than a line break (tabs included).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let normalised = raw.replace("\r\n", "\n").replace('\r', "\n");
        let trimmed = normalised.trim();
        let length = trimmed.chars().count();
        if (1..=Self::MAX_CHARS).contains(&length)
            && trimmed.chars().all(|c| c == '\n' || !c.is_control())
        {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(DomainError::InvalidComment {
                max: Self::MAX_CHARS,
            })
        }
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Never prints the text: a comment may be hidden, and logs must not keep it.
impl fmt::Debug for CommentBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommentBody({} chars)", self.0.chars().count())
    }
}

/// Where a comment is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentState {
    /// Shown to everyone who may see its resource.
    Visible,
    /// Withheld while moderators review it, because reports about it reached
    /// the threshold. No reason yet: nobody has decided.
    Held,
    /// Withheld by a moderator, with the reason given to its author.
    Hidden {
        /// Why, as the moderator wrote it.
        reason: String,
    },
    /// Deleted by its author: a tombstone that keeps its place in the thread.
    Deleted,
}

/// A transition the comment's current state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a comment that is {from}")]
pub struct CommentTransitionError {
    /// The current state's name.
    pub from: &'static str,
    /// What was attempted.
    pub action: &'static str,
}

impl CommentTransitionError {
    /// Stable machine code, part of the API contract.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid_transition"
    }
}

impl CommentState {
    /// Stable machine name of the state: `visible`, `held`, `hidden`, `deleted`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Visible => "visible",
            Self::Held => "held",
            Self::Hidden { .. } => "hidden",
            Self::Deleted => "deleted",
        }
    }

    /// The moderator's reason, when hidden.
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Hidden { reason } => Some(reason),
            _ => None,
        }
    }

    /// Whether the comment is withheld from the public (held or hidden).
    #[must_use]
    pub fn is_withheld(&self) -> bool {
        matches!(self, Self::Held | Self::Hidden { .. })
    }

    fn refuse<T>(&self, action: &'static str) -> Result<T, CommentTransitionError> {
        Err(CommentTransitionError {
            from: self.name(),
            action,
        })
    }

    /// Its author changes its text. Only a visible comment may be edited: a
    /// held or hidden one keeps the text moderators judge, a deleted one has
    /// none.
    ///
    /// # Errors
    /// Unless visible.
    pub fn edit(&self) -> Result<Self, CommentTransitionError> {
        match self {
            Self::Visible => Ok(Self::Visible),
            _ => self.refuse("edit"),
        }
    }

    /// Its author deletes it, whatever moderators decided.
    ///
    /// # Errors
    /// When already deleted.
    pub fn delete(&self) -> Result<Self, CommentTransitionError> {
        match self {
            Self::Deleted => self.refuse("delete"),
            _ => Ok(Self::Deleted),
        }
    }

    /// Reports about a visible comment reached the threshold: it is withheld
    /// until a moderator decides.
    ///
    /// # Errors
    /// Unless visible.
    pub fn hold(&self) -> Result<Self, CommentTransitionError> {
        match self {
            Self::Visible => Ok(Self::Held),
            _ => self.refuse("hold"),
        }
    }

    /// A moderator hides a visible or held comment, with a reason.
    ///
    /// # Errors
    /// Unless visible or held.
    pub fn hide(&self, reason: &str) -> Result<Self, CommentTransitionError> {
        match self {
            Self::Visible | Self::Held => Ok(Self::Hidden {
                reason: reason.to_owned(),
            }),
            _ => self.refuse("hide"),
        }
    }

    /// A moderator shows a held or hidden comment again.
    ///
    /// # Errors
    /// Unless held or hidden.
    pub fn restore(&self) -> Result<Self, CommentTransitionError> {
        match self {
            Self::Held | Self::Hidden { .. } => Ok(Self::Visible),
            _ => self.refuse("restore"),
        }
    }
}

/// What a viewer may see of a comment, among those of a resource they may
/// see (deciding that is `rr_domain::resource::can_view`'s job).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentSight {
    /// Everything: text, author, the moderator's mark, the edit time, the
    /// true state and, when hidden, the reason.
    Full,
    /// A placeholder: the comment is there and withheld, nothing more. No
    /// text, no author, no reason, and held and hidden look alike (that a
    /// comment was reported is the moderators' business).
    Withheld,
    /// A tombstone: the comment was deleted by its author. No text (there is
    /// none left) and no author.
    Tombstone,
}

/// What `viewer` may see of a comment written by `author`, in `state`.
///
/// - Written by an account whose processing is restricted (GDPR Art. 18,
///   `author_restricted`): everything for its author, a placeholder for
///   everyone else, staff included (a tombstone stays a tombstone).
/// - Visible: everything, for everyone.
/// - Held or hidden: everything for moderators and above with two-factor
///   authentication (they judge it) and for its author, who knows the text
///   already and is told why it is hidden; a placeholder for everyone else.
/// - Deleted: a tombstone for everyone, staff and author included.
#[must_use]
pub fn comment_sight(
    viewer: &Actor,
    author: UserId,
    author_restricted: bool,
    state: &CommentState,
) -> CommentSight {
    if *state != CommentState::Deleted
        && !crate::privacy::restriction_allows(viewer, author, author_restricted)
    {
        return CommentSight::Withheld;
    }
    match state {
        CommentState::Visible => CommentSight::Full,
        CommentState::Deleted => CommentSight::Tombstone,
        CommentState::Held | CommentState::Hidden { .. } => match viewer.user() {
            Some(user) if user.user_id == author || user.may_act_as(Role::Moderator) => {
                CommentSight::Full
            }
            _ => CommentSight::Withheld,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{AuthenticatedActor, SessionId};

    fn user(id: UserId, role: Role, two_factor: bool) -> Actor {
        Actor::User(AuthenticatedActor {
            user_id: id,
            session_id: SessionId::generate(),
            role,
            two_factor,
        })
    }

    fn hidden() -> CommentState {
        CommentState::Hidden {
            reason: "insultant".into(),
        }
    }

    #[test]
    fn a_body_is_trimmed_with_its_line_breaks_normalised() {
        let body = CommentBody::parse("  Bonjour\r\nà tous\r!  ").unwrap();
        assert_eq!(body.as_str(), "Bonjour\nà tous\n!");
    }

    #[test]
    fn a_body_is_one_to_five_thousand_characters() {
        assert!(CommentBody::parse("").is_err());
        assert!(CommentBody::parse(" \n\t ").is_err());
        assert!(CommentBody::parse("a").is_ok());
        assert!(CommentBody::parse(&"é".repeat(CommentBody::MAX_CHARS)).is_ok());
        let too_long = CommentBody::parse(&"é".repeat(CommentBody::MAX_CHARS + 1));
        assert_eq!(
            too_long.unwrap_err().code(),
            "invalid_comment",
            "counted in characters, not bytes"
        );
    }

    #[test]
    fn a_body_holds_no_control_character_but_line_breaks() {
        for bad in ["a\tb", "a\u{0}b", "a\u{1b}[31mb", "a\u{7f}b", "a\u{85}b"] {
            assert!(CommentBody::parse(bad).is_err(), "{bad:?}");
        }
        assert!(CommentBody::parse("a\n\nb").is_ok());
    }

    #[test]
    fn a_body_never_shows_in_debug_output() {
        let body = CommentBody::parse("secret text").unwrap();
        assert!(!format!("{body:?}").contains("secret"));
    }

    #[test]
    fn only_a_visible_comment_is_edited() {
        assert_eq!(CommentState::Visible.edit(), Ok(CommentState::Visible));
        for state in [CommentState::Held, hidden(), CommentState::Deleted] {
            let err = state.edit().unwrap_err();
            assert_eq!(err.code(), "invalid_transition");
            assert_eq!(err.from, state.name());
        }
    }

    #[test]
    fn a_comment_is_deleted_from_any_state_once() {
        for state in [CommentState::Visible, CommentState::Held, hidden()] {
            assert_eq!(
                state.delete(),
                Ok(CommentState::Deleted),
                "{}",
                state.name()
            );
        }
        assert!(CommentState::Deleted.delete().is_err());
    }

    #[test]
    fn moderation_moves_between_visible_held_and_hidden() {
        assert_eq!(CommentState::Visible.hold(), Ok(CommentState::Held));
        for state in [CommentState::Held, hidden(), CommentState::Deleted] {
            assert!(state.hold().is_err(), "{}", state.name());
        }
        for state in [CommentState::Visible, CommentState::Held] {
            assert_eq!(state.hide("insultant"), Ok(hidden()), "{}", state.name());
        }
        assert!(hidden().hide("again").is_err());
        assert!(CommentState::Deleted.hide("x").is_err());
        for state in [CommentState::Held, hidden()] {
            assert_eq!(
                state.restore(),
                Ok(CommentState::Visible),
                "{}",
                state.name()
            );
        }
        assert!(CommentState::Visible.restore().is_err());
        assert!(
            CommentState::Deleted.restore().is_err(),
            "a tombstone never comes back"
        );
    }

    #[test]
    fn the_reason_belongs_to_hidden_comments() {
        assert_eq!(hidden().reason(), Some("insultant"));
        assert_eq!(CommentState::Held.reason(), None);
        assert!(CommentState::Held.is_withheld());
        assert!(hidden().is_withheld());
        assert!(!CommentState::Visible.is_withheld());
        assert!(!CommentState::Deleted.is_withheld());
    }

    #[test]
    fn visible_comments_are_seen_by_all_and_tombstones_by_none() {
        let author = UserId::generate();
        let viewers = [
            Actor::Visitor,
            user(UserId::generate(), Role::Citizen, false),
            user(author, Role::Citizen, false),
            user(UserId::generate(), Role::SuperAdministrator, true),
        ];
        for viewer in &viewers {
            assert_eq!(
                comment_sight(viewer, author, false, &CommentState::Visible),
                CommentSight::Full
            );
            assert_eq!(
                comment_sight(viewer, author, false, &CommentState::Deleted),
                CommentSight::Tombstone
            );
        }
    }

    #[test]
    fn withheld_comments_are_read_by_their_author_and_staff_with_two_factor_only() {
        let author = UserId::generate();
        for state in [CommentState::Held, hidden()] {
            let sight = |viewer: &Actor| comment_sight(viewer, author, false, &state);
            assert_eq!(sight(&Actor::Visitor), CommentSight::Withheld);
            assert_eq!(
                sight(&user(UserId::generate(), Role::Citizen, false)),
                CommentSight::Withheld
            );
            assert_eq!(
                sight(&user(UserId::generate(), Role::Moderator, false)),
                CommentSight::Withheld,
                "staff without two-factor authentication are citizens here"
            );
            assert_eq!(
                sight(&user(UserId::generate(), Role::Moderator, true)),
                CommentSight::Full
            );
            assert_eq!(
                sight(&user(UserId::generate(), Role::Administrator, true)),
                CommentSight::Full
            );
            assert_eq!(
                sight(&user(author, Role::Citizen, false)),
                CommentSight::Full
            );
        }
    }

    #[test]
    fn a_restricted_authors_comments_are_withheld_from_everyone_else() {
        let author = UserId::generate();
        for state in [CommentState::Visible, CommentState::Held, hidden()] {
            let sight = |viewer: &Actor| comment_sight(viewer, author, true, &state);
            assert_eq!(sight(&Actor::Visitor), CommentSight::Withheld);
            assert_eq!(
                sight(&user(UserId::generate(), Role::SuperAdministrator, true)),
                CommentSight::Withheld
            );
            assert_eq!(
                sight(&user(author, Role::Citizen, false)),
                CommentSight::Full
            );
        }
        assert_eq!(
            comment_sight(&Actor::Visitor, author, true, &CommentState::Deleted),
            CommentSight::Tombstone
        );
    }
}
