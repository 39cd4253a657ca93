use async_trait::async_trait;
use rr_domain::identity::{AccessId, AccessReason, PersonalField, Role, UserId, Username};
use time::OffsetDateTime;

use crate::RepositoryError;

/// One reading of a person's personal data by a staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccess {
    /// Identifier (time-ordered).
    pub id: AccessId,
    /// When the data was read.
    pub at: OffsetDateTime,
    /// The staff member who read it.
    pub staff: UserId,
    /// Their role at that moment.
    pub staff_role: Role,
    /// The person whose data was read.
    pub subject: UserId,
    /// Why, as the staff member gave it.
    pub reason: AccessReason,
    /// Which fields were read, without duplicates, in [`PersonalField::ALL`] order.
    pub fields: Vec<PersonalField>,
}

/// An entry as the person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// The access.
    pub access: StaffAccess,
    /// The staff member's username today (a staff account that read
    /// someone's data is kept, anonymised if erased).
    pub staff_username: Username,
}

impl JournalEntry {
    /// The position of this entry, to list what comes after it.
    #[must_use]
    pub fn cursor(&self) -> JournalCursor {
        JournalCursor {
            at: self.access.at,
            id: self.access.id,
        }
    }
}

/// A position in a person's journal, which is ordered by `at` then id, both
/// descending: what comes after it is strictly older, or as old with a
/// smaller id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalCursor {
    /// When the last entry seen happened (to the microsecond).
    pub at: OffsetDateTime,
    /// The last entry seen.
    pub id: AccessId,
}

/// The journal of staff reads of personal data (DESIGN.md §4): written before
/// the data is shown, read by the person it is about.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait StaffAccessJournal: Send + Sync {
    /// Records an access. The instant is kept to the microsecond.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached; the
    /// caller MUST then not show the data.
    async fn record(&self, access: &StaffAccess) -> Result<(), RepositoryError>;

    /// The accesses to `subject`'s data, newest first, after `after`, at most
    /// `limit`, each with the staff member's current username. MUST cost the
    /// same on every page.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn list_for(
        &self,
        subject: UserId,
        after: Option<JournalCursor>,
        limit: u64,
    ) -> Result<Vec<JournalEntry>, RepositoryError>;
}
