//! What the moderation log records: the kinds of content moderators act on
//! and the actions they (or the report threshold) take.

use super::ContentRef;

/// The kinds of content citizens report and moderators act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentKind {
    /// A resource.
    Resource,
    /// A comment on a resource.
    Comment,
}

impl ContentKind {
    /// Both kinds.
    pub const ALL: [Self; 2] = [Self::Resource, Self::Comment];

    /// Stable machine name, the same as [`ContentRef::kind`].
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resource => "resource",
            Self::Comment => "comment",
        }
    }

    /// The kind with this machine name.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// The kind of this content.
    #[must_use]
    pub fn of(content: &ContentRef) -> Self {
        match content {
            ContentRef::Resource(_) => Self::Resource,
            ContentRef::Comment { .. } => Self::Comment,
        }
    }
}

/// An entry of the moderation log: a moderator's decision, the automatic
/// hold of reported content, or the dismissal of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModerationAction {
    /// Reports reached the threshold: a published resource waits for review.
    ResourceHeld,
    /// A moderator published a resource waiting for review.
    ResourceApproved,
    /// A moderator sent a resource back to its author, with a reason.
    ResourceRejected,
    /// A moderator took a published resource down, with a reason.
    ResourceSuspended,
    /// A moderator put a suspended resource back.
    ResourceReinstated,
    /// Reports reached the threshold: a comment is hidden pending review.
    CommentHeld,
    /// A moderator hid a comment, with a reason.
    CommentHidden,
    /// A moderator made a held or hidden comment visible again.
    CommentRestored,
    /// A moderator judged a report unfounded (with an optional note).
    ReportDismissed,
}

impl ModerationAction {
    /// Every action.
    pub const ALL: [Self; 9] = [
        Self::ResourceHeld,
        Self::ResourceApproved,
        Self::ResourceRejected,
        Self::ResourceSuspended,
        Self::ResourceReinstated,
        Self::CommentHeld,
        Self::CommentHidden,
        Self::CommentRestored,
        Self::ReportDismissed,
    ];

    /// Stable machine name, part of the API contract.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResourceHeld => "resource_held",
            Self::ResourceApproved => "resource_approved",
            Self::ResourceRejected => "resource_rejected",
            Self::ResourceSuspended => "resource_suspended",
            Self::ResourceReinstated => "resource_reinstated",
            Self::CommentHeld => "comment_held",
            Self::CommentHidden => "comment_hidden",
            Self::CommentRestored => "comment_restored",
            Self::ReportDismissed => "report_dismissed",
        }
    }

    /// The action with this machine name.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == raw)
    }

    /// Whether the report threshold took it, not a person.
    #[must_use]
    pub fn is_automatic(self) -> bool {
        matches!(self, Self::ResourceHeld | Self::CommentHeld)
    }

    /// Whether it is a moderator's decision on the content itself, which
    /// resolves every open report on that content: not an automatic hold,
    /// not the dismissal of one report.
    #[must_use]
    pub fn resolves_reports(self) -> bool {
        !self.is_automatic() && self != Self::ReportDismissed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::community::CommentId;
    use crate::resource::ResourceId;

    #[test]
    fn names_round_trip() {
        for action in ModerationAction::ALL {
            assert_eq!(ModerationAction::parse(action.as_str()), Some(action));
        }
        for kind in ContentKind::ALL {
            assert_eq!(ContentKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ModerationAction::parse("resource_deleted"), None);
    }

    #[test]
    fn a_kind_is_named_as_its_content_is() {
        let resource = ResourceId::generate();
        let contents = [
            ContentRef::Resource(resource),
            ContentRef::Comment {
                comment: CommentId::generate(),
                resource,
            },
        ];
        for content in contents {
            assert_eq!(ContentKind::of(&content).as_str(), content.kind());
        }
    }

    #[test]
    fn only_decisions_on_content_resolve_its_reports() {
        let resolving: Vec<_> = ModerationAction::ALL
            .into_iter()
            .filter(|a| a.resolves_reports())
            .collect();
        assert_eq!(
            resolving,
            [
                ModerationAction::ResourceApproved,
                ModerationAction::ResourceRejected,
                ModerationAction::ResourceSuspended,
                ModerationAction::ResourceReinstated,
                ModerationAction::CommentHidden,
                ModerationAction::CommentRestored,
            ]
        );
        assert!(ModerationAction::CommentHeld.is_automatic());
        assert!(!ModerationAction::ReportDismissed.is_automatic());
    }
}
