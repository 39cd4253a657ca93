use async_trait::async_trait;
use rr_domain::Uuid;
use rr_domain::identity::UserId;
use time::OffsetDateTime;

use crate::RepositoryError;

/// One value of an exported row, of a type every archive format can write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportValue {
    /// Absent.
    Null,
    /// A yes or no.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// Text.
    Text(String),
    /// An instant (UTC).
    Instant(OffsetDateTime),
    /// An identifier (of an account, a resource, a comment…).
    Id(Uuid),
}

/// One exported row: its fields in a stable order, named as stored
/// (`snake_case`); an archive format names them its own way.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExportRow {
    /// Name and value of each field.
    pub fields: Vec<(&'static str, ExportValue)>,
}

/// A part of an archive: rows of one kind (the account, sessions,
/// comments…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportSection {
    /// Stable camelCase name, the section's key in the archive.
    pub name: &'static str,
    /// What its rows are, for people reading the archive.
    pub description: &'static str,
}

/// Where the next page of a section starts: the ordering key of the last row
/// given. Only the adapter that gave it reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionCursor(pub Vec<ExportValue>);

/// A page of a section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SectionPage {
    /// The rows, in the section's order.
    pub rows: Vec<ExportRow>,
    /// Where the next page starts; `None` on the last.
    pub next: Option<SectionCursor>,
}

/// Everything stored about a person, read section by section for their
/// export (GDPR Art. 15 and 20). The profile's sealed fields are not part of
/// it: the use case opens them through [`crate::ports::FieldCipher`].
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait PersonalData: Send + Sync {
    /// The sections, in archive order. Together they MUST hold every row of
    /// every table that refers to the person (by a foreign key to the
    /// account or a column holding account ids), with every column but
    /// secrets (password and token hashes, keys, sealed fields) and the
    /// storage addresses of other exports.
    fn sections(&self) -> Vec<ExportSection>;

    /// At most `limit` rows of `section` about `person`, in a stable order,
    /// after `after` (a cursor this adapter gave). Pages cost the same
    /// wherever they start.
    ///
    /// # Errors
    /// [`RepositoryError::Internal`] for a section it does not have or a
    /// cursor it did not give; [`RepositoryError::Unavailable`] when the
    /// store cannot be reached.
    async fn page(
        &self,
        section: &str,
        person: UserId,
        after: Option<SectionCursor>,
        limit: u64,
    ) -> Result<SectionPage, RepositoryError>;

    /// How many rows `person`'s archive would hold, counting each section
    /// up to `ceiling` rows and stopping once the total passes `ceiling`:
    /// cheap for any account, exact for small ones.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn estimate(&self, person: UserId, ceiling: u64) -> Result<u64, RepositoryError>;
}
