//! The register of processing activities (GDPR Art. 30), as the API serves
//! it: built once from the retention policy the purge applies.

use std::sync::Arc;

use rr_domain::compliance::ProcessingRegister;

use super::RetentionPolicy;

/// The register of processing activities, public.
#[derive(Debug, Clone)]
pub struct ProcessingRegisterService {
    register: Arc<ProcessingRegister>,
}

impl ProcessingRegisterService {
    /// The register with the periods of `policy`: give it the policy the
    /// purge is built with, so that what the register states is what the
    /// purge applies.
    #[must_use]
    pub fn new(policy: &RetentionPolicy) -> Self {
        Self {
            register: Arc::new(policy.register()),
        }
    }

    /// The register. Anyone may read it.
    #[must_use]
    pub fn register(&self) -> &ProcessingRegister {
        &self.register
    }
}
