//! Asking for an export: the person about themselves, or a staff member
//! answering a request the person made outside the application.

use rr_domain::identity::{AuthenticatedActor, DataExport, ExportOrigin, Role, UserId};

use super::DataExportService;
use super::produce::error_chain;
use crate::{AppError, RepositoryError};

impl DataExportService {
    /// The caller asks for an export of everything held about them. Small
    /// accounts are exported within the request (the export comes back
    /// ready); others by the background worker (it comes back requested).
    ///
    /// # Errors
    /// [`AppError::ConflictWith`] `export_pending` while the caller has
    /// another export requested or ready (one at a time).
    pub async fn request(&self, actor: &AuthenticatedActor) -> Result<DataExport, AppError> {
        self.request_for(actor, actor.user_id).await
    }

    /// An export of `subject`'s data asked for by `actor`: the subject
    /// themselves, or an administrator with two-factor authentication who
    /// may read the subject's personal data (the entry point of data-subject
    /// requests recorded by staff). Only whoever asked may download it; the
    /// subject sees that it exists. Audited as `data_export_requested`.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when `subject` has no account;
    /// [`AppError::Forbidden`] `two_factor_required` or `forbidden` for staff
    /// who may not; [`AppError::ConflictWith`] `export_pending` while the
    /// subject has a live export of the same origin.
    pub async fn request_for(
        &self,
        actor: &AuthenticatedActor,
        subject: UserId,
    ) -> Result<DataExport, AppError> {
        let user = self
            .ports
            .users
            .find(subject)
            .await?
            .ok_or(AppError::NotFound)?;
        let origin = if subject == actor.user_id {
            ExportOrigin::Person
        } else if actor.may_read_personal_data_of(user.id, user.role) {
            ExportOrigin::Staff
        } else if actor.role >= Role::Administrator && !actor.two_factor {
            return Err(AppError::Forbidden("two_factor_required"));
        } else {
            return Err(AppError::Forbidden("forbidden"));
        };
        let export = DataExport::request(subject, actor.user_id, origin, self.ports.clock.now());
        match self.ports.exports.insert(&export).await {
            Ok(()) => {}
            Err(RepositoryError::Conflict(_)) => {
                return Err(AppError::ConflictWith("export_pending"));
            }
            Err(err) => return Err(err.into()),
        }
        self.audit(
            "data_export_requested",
            Some(actor.user_id),
            &export,
            format!("origin={}", origin.as_str()),
        )
        .await?;
        // The request is recorded: whatever happens now, the worker will
        // produce it if this does not.
        match self.produce_if_small(&export).await {
            Ok(Some(finished)) => Ok(finished),
            Ok(None) => Ok(export),
            Err(err) => {
                tracing::warn!(export = %export.id, error = %error_chain(&err), "export left to the worker");
                Ok(export)
            }
        }
    }

    async fn produce_if_small(&self, export: &DataExport) -> Result<Option<DataExport>, AppError> {
        let ceiling = self.policy.sync_max_rows;
        if ceiling == 0 {
            return Ok(None);
        }
        let rows = self
            .ports
            .personal_data
            .estimate(export.subject, ceiling)
            .await?;
        if rows > ceiling {
            return Ok(None);
        }
        self.produce(export.id).await
    }
}
