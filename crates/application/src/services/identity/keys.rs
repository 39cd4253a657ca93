//! Rotation of the master key: every data key re-wrapped, no field touched.

use super::{IdentityService, crypto_error};
use crate::AppError;
use crate::ports::AuditEvent;

impl IdentityService {
    /// Re-wraps, in batches of `batch`, every data key not yet under the current
    /// master key. Safe to interrupt and run again: each key is replaced only if
    /// unchanged since it was read, and finished ones are skipped. Returns how
    /// many keys were re-wrapped; `progress` is called after each batch with the total so far.
    ///
    /// # Errors
    /// [`AppError::Internal`] when a data key's master key is not configured.
    pub async fn rotate_master_key(
        &self,
        batch: u64,
        mut progress: impl FnMut(u64) + Send,
    ) -> Result<u64, AppError> {
        let current = self.ports.cipher.current_key_id();
        let mut done = 0_u64;
        loop {
            let keys = self
                .ports
                .users
                .data_keys_not_under(&current, batch)
                .await?;
            if keys.is_empty() {
                break;
            }
            let mut replaced_in_batch = 0_u64;
            for (user, old) in keys {
                let new = self.ports.cipher.rewrap(&old).map_err(crypto_error)?;
                if self.ports.users.replace_data_key(user, &old, &new).await? {
                    replaced_in_batch += 1;
                }
            }
            done += replaced_in_batch;
            progress(done);
            if replaced_in_batch == 0 {
                // Every key of the batch changed under us; read again.
                continue;
            }
        }
        self.audit(AuditEvent {
            action: "master_key_rotated",
            actor: None,
            subject: None,
            detail: format!("key={} rewrapped={done}", current.0),
        })
        .await?;
        Ok(done)
    }

    /// Checks the audit log's hash chain.
    ///
    /// # Errors
    /// Only infrastructure failures.
    pub async fn verify_audit_log(&self) -> Result<crate::ports::ChainVerification, AppError> {
        Ok(self.ports.audit.verify().await?)
    }
}
