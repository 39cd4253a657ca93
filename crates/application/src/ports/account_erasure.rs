use async_trait::async_trait;
use rr_domain::identity::UserId;
use rr_domain::resource::BlobDigest;
use rr_domain::subject_rights::ContentChoice;
use time::OffsetDateTime;

use crate::RepositoryError;

/// The username an erased account held, kept as a keyed digest (never in
/// clear) until `until`, so that nobody takes it over right away to pass for
/// the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsernameReservation {
    /// [`crate::ports::BlindIndex::username_index`] of the canonical username.
    pub digest: Vec<u8>,
    /// When the username is free again.
    pub until: OffsetDateTime,
}

/// What to erase, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasurePlan {
    /// The account.
    pub subject: UserId,
    /// What becomes of what it published.
    pub content: ContentChoice,
    /// Its username, reserved.
    pub reservation: UsernameReservation,
    /// The instant of the erasure.
    pub at: OffsetDateTime,
}

/// What an erasure did, for the audit log and the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErasureOutcome {
    /// Resources deleted (with their comments, attachments, marks and reports).
    pub resources_deleted: u64,
    /// Resources kept under [`rr_domain::subject_rights::ERASED_AUTHOR`].
    pub resources_kept: u64,
    /// Comments kept, text included, under the erased author.
    pub comments_anonymised: u64,
    /// Comments turned into tombstones (text removed), or already tombstones,
    /// now under the erased author.
    pub comments_emptied: u64,
    /// Open reports kept (the reporter replaced by the erased author) so
    /// that what they hold stays in the moderators' queue.
    pub reports_kept: u64,
    /// The content of the attachments deleted with the resources: to remove
    /// from the blob store unless another attachment has the same bytes.
    pub blobs: Vec<BlobDigest>,
}

/// Erases accounts (ADR 0023).
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait AccountErasure: Send + Sync {
    /// Erases `plan.subject` in one transaction, or changes nothing:
    ///
    /// - deletes the account's row, and with it its wrapped data key (so
    ///   every field sealed under it, in any copy, becomes unreadable), its
    ///   email blind index, sessions, refresh and single-use tokens,
    ///   recovery codes, notifications, favourites (each resource's count
    ///   lowered), progress marks, the resources shared with it, and the
    ///   staff access journal about it; consultation and search events and
    ///   the staff columns that named it (`closed_by`, the moderation log's
    ///   actor, requests' `recorded_by` and their events' actor) lose it;
    /// - with [`ContentChoice::Anonymise`], moves its published public and
    ///   restricted resources, its comments, its open reports and the
    ///   entries of the staff access journal it made to
    ///   [`rr_domain::subject_rights::ERASED_AUTHOR`] (creating that account
    ///   the first time), and deletes its other resources;
    /// - with [`ContentChoice::Delete`], deletes all its resources, turns
    ///   its comments into tombstones and clears the texts of its open
    ///   reports, before moving them (and its journal entries) likewise;
    /// - deletes its closed reports, clears the notes of the requests it
    ///   made outside the application (the requests stay, without it),
    ///   stores `plan.reservation` and deletes reservations ended at `plan.at`.
    ///
    /// Returns `None`, changing nothing, when there is no such account or it
    /// is the erased author itself.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached;
    /// [`RepositoryError::Conflict`] when a concurrent write holds on to the
    /// account (retrying succeeds).
    async fn erase(&self, plan: &ErasurePlan) -> Result<Option<ErasureOutcome>, RepositoryError>;
}

/// The usernames of erased accounts, reserved for a while.
#[cfg_attr(any(test, feature = "test-util"), mockall::automock)]
#[async_trait]
pub trait UsernameReservations: Send + Sync {
    /// Whether a username of this digest is reserved at `now` (a reservation
    /// whose end is past reserves nothing, deleted or not).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached.
    async fn is_reserved(
        &self,
        digest: &[u8],
        now: OffsetDateTime,
    ) -> Result<bool, RepositoryError>;
}
