//! The erasure of an account, whoever asks for it.

use rr_domain::identity::UserId;
use rr_domain::subject_rights::{ContentChoice, ERASED_AUTHOR, ErasureAuthority};

use super::ErasureService;
use crate::AppError;
use crate::ports::{AuditEvent, ErasureOutcome, ErasurePlan, UsernameReservation};

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    /// The account erased.
    pub subject: UserId,
    /// What became of its content.
    pub content: ContentChoice,
    /// The counts of what was deleted and kept.
    pub outcome: ErasureOutcome,
}

impl Erased {
    /// The counts, as `key=value` words (for logs and histories).
    #[must_use]
    pub fn describe(&self) -> String {
        let o = &self.outcome;
        format!(
            "content={} resources_deleted={} resources_kept={} comments_anonymised={} \
             comments_emptied={} reports_kept={}",
            self.content.as_str(),
            o.resources_deleted,
            o.resources_kept,
            o.comments_anonymised,
            o.comments_emptied,
            o.reports_kept
        )
    }
}

impl ErasureService {
    /// Erases `subject` on `authority`, with no password: the entry point of
    /// staff acting on a request and of the platform's retention rules (the
    /// caller has checked the authority). See [`crate::ports::AccountErasure`]
    /// for everything it does; the username is reserved for
    /// [`super::ErasurePolicy::username_reservation`]. The account's tokens
    /// stop at once on this process and within the session check interval
    /// on the others (ADR 0008).
    ///
    /// # Errors
    /// [`AppError::NotFound`] when there is no such account;
    /// [`AppError::Forbidden`] `staff_account` for a moderator or
    /// administrator (a super-administrator demotes them first);
    /// [`AppError::Unavailable`] or [`AppError::Conflict`] (retry) when the
    /// store fails: then nothing was erased.
    pub async fn erase(
        &self,
        subject: UserId,
        authority: ErasureAuthority,
        content: ContentChoice,
    ) -> Result<Erased, AppError> {
        if subject == ERASED_AUTHOR {
            return Err(AppError::NotFound);
        }
        let user = self
            .ports
            .users
            .find(subject)
            .await?
            .ok_or(AppError::NotFound)?;
        if user.role.is_staff() {
            return Err(AppError::Forbidden("staff_account"));
        }
        let sessions = self.identity.live_sessions_of(subject).await?;
        let at = self.ports.clock.now();
        let plan = ErasurePlan {
            subject,
            content,
            reservation: UsernameReservation {
                digest: self
                    .ports
                    .blind_index
                    .username_index(&user.username.canonical()),
                until: at
                    + time::Duration::try_from(self.policy.username_reservation)
                        .unwrap_or(time::Duration::MAX),
            },
            at,
        };
        // Archives of the person's data are sealed under the key about to be
        // destroyed; removed first all the same, while their records (which
        // go with the account) still say where they are. A failure leaves
        // unreadable files, not a reason to keep the account.
        if let Err(err) = self.exports.discard_archives_of(subject).await {
            tracing::error!(error = %err, "export archives of an erased account could not be removed");
        }
        let outcome = self
            .ports
            .erasure
            .erase(&plan)
            .await?
            .ok_or(AppError::NotFound)?;
        self.identity.forget_sessions(&sessions);
        let erased = Erased {
            subject,
            content,
            outcome,
        };
        self.attachments.remove_orphans(&erased.outcome.blobs).await;
        // The erasure is done and cannot be undone: a failure to audit it is
        // logged loudly rather than reported as a failed erasure.
        if let Err(err) = self
            .ports
            .audit
            .append(
                AuditEvent {
                    action: "account_erased",
                    actor: authority.actor(subject),
                    subject: Some(subject),
                    detail: format!("{} {}", authority.describe(), erased.describe()),
                },
                at,
            )
            .await
        {
            tracing::error!(error = %err, "an erasure could not be written to the audit log");
        }
        Ok(erased)
    }
}
