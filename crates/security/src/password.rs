use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::phc::PasswordHash as Phc;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use async_trait::async_trait;
use rr_application::ports::{HashingError, PasswordHasher, Verification};
use rr_domain::credentials::{Password, PasswordHash};
use serde::Deserialize;
use tokio::sync::Semaphore;

/// Parameters of password hashing. The defaults are the OWASP minimum for
/// argon2id (19 MiB, 2 passes, 1 lane); weaker values are refused.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordHashingSettings {
    /// Memory per hash, in KiB (at least 19 456).
    pub memory_kib: u32,
    /// Passes over the memory (at least 2).
    pub iterations: u32,
    /// Lanes (at least 1).
    pub parallelism: u32,
    /// Hashes computed at once; more wait. Bounds memory to `memory_kib × max_concurrent`.
    pub max_concurrent: usize,
    /// Longest wait for a hashing slot before answering "saturated", in milliseconds.
    pub queue_timeout_ms: u64,
}

impl Default for PasswordHashingSettings {
    fn default() -> Self {
        Self {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            parallelism: Params::DEFAULT_P_COST,
            max_concurrent: 2,
            queue_timeout_ms: 5_000,
        }
    }
}

/// Settings below the OWASP minimum, or unusable.
#[derive(Debug, thiserror::Error)]
#[error("password hashing parameters refused: {0}")]
pub struct WeakParameters(String);

/// [`PasswordHasher`] with argon2id, off the async executor, with bounded concurrency.
#[derive(Debug, Clone)]
pub struct Argon2PasswordHasher {
    params: Params,
    slots: Arc<Semaphore>,
    queue_timeout: Duration,
}

impl Argon2PasswordHasher {
    /// A hasher with these settings.
    ///
    /// # Errors
    /// [`WeakParameters`] below m = 19 MiB, t = 2, p = 1, or with no hashing slot.
    pub fn new(settings: &PasswordHashingSettings) -> Result<Self, WeakParameters> {
        if settings.memory_kib < Params::DEFAULT_M_COST
            || settings.iterations < Params::DEFAULT_T_COST
            || settings.parallelism < Params::DEFAULT_P_COST
        {
            return Err(WeakParameters(
                "argon2id needs at least m = 19456 KiB, t = 2, p = 1 (OWASP)".into(),
            ));
        }
        if settings.max_concurrent == 0 {
            return Err(WeakParameters("max_concurrent must be at least 1".into()));
        }
        let params = Params::new(
            settings.memory_kib,
            settings.iterations,
            settings.parallelism,
            None,
        )
        .map_err(|e| WeakParameters(e.to_string()))?;
        Ok(Self {
            params,
            slots: Arc::new(Semaphore::new(settings.max_concurrent)),
            queue_timeout: Duration::from_millis(settings.queue_timeout_ms),
        })
    }

    fn argon2(params: Params) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// Runs `work` on the blocking pool once a hashing slot is free.
    async fn in_slot<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashingError> + Send + 'static,
    ) -> Result<T, HashingError> {
        let permit =
            tokio::time::timeout(self.queue_timeout, Arc::clone(&self.slots).acquire_owned())
                .await
                .map_err(|_| HashingError::Saturated)?
                .map_err(|e| HashingError::Internal(Box::new(e)))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| HashingError::Internal(Box::new(e)))?
    }
}

#[async_trait]
impl PasswordHasher for Argon2PasswordHasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashingError> {
        let params = self.params.clone();
        let secret = password.expose().to_owned();
        self.in_slot(move || {
            Self::argon2(params)
                .hash_password(secret.as_bytes())
                .map(|phc| PasswordHash::from_phc(phc.to_string()))
                .map_err(|e| HashingError::Internal(Box::new(e)))
        })
        .await
    }

    async fn verify(
        &self,
        password: &Password,
        hash: &PasswordHash,
    ) -> Result<Verification, HashingError> {
        let stored =
            Phc::new(hash.as_phc()).map_err(|e| HashingError::MalformedHash(Box::new(e)))?;
        let stored_params =
            Params::try_from(&stored).map_err(|e| HashingError::MalformedHash(Box::new(e)))?;
        let outdated = stored.algorithm.as_str() != argon2::ARGON2ID_IDENT.as_str()
            || stored.version != Some(Version::V0x13.into())
            || stored_params.m_cost() != self.params.m_cost()
            || stored_params.t_cost() != self.params.t_cost()
            || stored_params.p_cost() != self.params.p_cost();
        let secret = password.expose().to_owned();
        self.in_slot(move || {
            // Verification uses the parameters recorded in the hash itself.
            match Argon2::default().verify_password(secret.as_bytes(), &stored) {
                Ok(()) => Ok(Verification::Match {
                    needs_rehash: outdated,
                }),
                Err(argon2::password_hash::Error::PasswordInvalid) => Ok(Verification::Mismatch),
                Err(e) => Err(HashingError::Internal(Box::new(e))),
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher(memory_kib: u32, iterations: u32) -> Argon2PasswordHasher {
        Argon2PasswordHasher::new(&PasswordHashingSettings {
            memory_kib,
            iterations,
            ..PasswordHashingSettings::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hasher = hasher(19_456, 2);
        let hash = hasher
            .hash(&Password::new("Tr0ub4dor&3-horse"))
            .await
            .unwrap();

        assert!(hash.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            hasher
                .verify(&Password::new("Tr0ub4dor&3-horse"), &hash)
                .await
                .unwrap(),
            Verification::Match {
                needs_rehash: false
            }
        );
        assert_eq!(
            hasher
                .verify(&Password::new("tr0ub4dor&3-horse"), &hash)
                .await
                .unwrap(),
            Verification::Mismatch
        );
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ_by_their_salt() {
        let hasher = hasher(19_456, 2);
        let password = Password::new("same password twice");
        let first = hasher.hash(&password).await.unwrap();
        let second = hasher.hash(&password).await.unwrap();
        assert_ne!(first, second);
    }

    #[tokio::test]
    async fn a_hash_made_with_other_parameters_asks_for_a_rehash() {
        let old = hasher(19_456, 2)
            .hash(&Password::new("kept password"))
            .await
            .unwrap();

        let verification = hasher(19_456, 3)
            .verify(&Password::new("kept password"), &old)
            .await
            .unwrap();

        assert_eq!(verification, Verification::Match { needs_rehash: true });
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_is_reported_as_such() {
        let err = hasher(19_456, 2)
            .verify(
                &Password::new("x"),
                &PasswordHash::from_phc("not a phc string"),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, HashingError::MalformedHash(_)));
    }

    #[test]
    fn parameters_below_the_owasp_minimum_are_refused() {
        for (memory_kib, iterations, parallelism) in [(8_192, 2, 1), (19_456, 1, 1), (19_456, 2, 0)]
        {
            let settings = PasswordHashingSettings {
                memory_kib,
                iterations,
                parallelism,
                ..PasswordHashingSettings::default()
            };
            assert!(
                Argon2PasswordHasher::new(&settings).is_err(),
                "{memory_kib} {iterations} {parallelism}"
            );
        }
    }

    #[tokio::test]
    async fn a_full_queue_answers_saturated_instead_of_piling_up() {
        let hasher = Argon2PasswordHasher::new(&PasswordHashingSettings {
            max_concurrent: 1,
            queue_timeout_ms: 1,
            ..PasswordHashingSettings::default()
        })
        .unwrap();
        let busy = Arc::clone(&hasher.slots).acquire_owned().await.unwrap();

        let err = hasher.hash(&Password::new("waiting")).await.unwrap_err();

        assert!(matches!(err, HashingError::Saturated));
        drop(busy);
        assert!(hasher.hash(&Password::new("waiting")).await.is_ok());
    }
}
