//! Resources: what citizens share (DESIGN.md §1). Their content values, their
//! visibility, their lifecycle as a state machine, and who may see or change
//! them, decided once here.

mod access;
mod attachment;
mod content;
mod lifecycle;
mod search;

pub use access::{ResourceFacts, can_edit, can_view, edit_refusal};
pub use attachment::{AttachmentId, AttachmentType, BlobDigest, FileName};
pub use content::{Body, ExternalLink, Summary, Title};
pub use lifecycle::{Lifecycle, TransitionError};
pub use search::SearchText;

use uuid::Uuid;

/// Identifier of a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(Uuid);

impl ResourceId {
    /// Wraps an existing identifier.
    #[must_use]
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    /// A new, time-ordered identifier.
    #[must_use]
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// The identifier as a UUID.
    #[must_use]
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

/// Who may see a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Everyone, visitors included, once approved by a moderator.
    Public,
    /// Any logged-in citizen, once approved by a moderator.
    Restricted,
    /// Its author only.
    Private,
    /// Its author and the citizens it is shared with.
    Shared,
}

impl Visibility {
    /// Public and restricted resources are reviewed before anyone else sees them.
    #[must_use]
    pub fn needs_review(self) -> bool {
        matches!(self, Self::Public | Self::Restricted)
    }

    /// Stable machine name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Restricted => "restricted",
            Self::Private => "private",
            Self::Shared => "shared",
        }
    }
}
