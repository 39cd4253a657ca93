use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash as Phc, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use async_trait::async_trait;
use rr_application::ports::{HashingError, PasswordHasher, Verification};
use rr_domain::credentials::{Password, PasswordHash};
use serde::Deserialize;
use tokio::sync::{Semaphore, oneshot};
use zeroize::Zeroizing;

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

/// A unit of hashing work, run on a hashing thread with that thread's reusable memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// [`PasswordHasher`] with argon2id, off the async executor, with bounded concurrency.
///
/// Hashes run on `max_concurrent` dedicated threads, each keeping its
/// argon2 memory (19 MiB at the minimum parameters) from one hash to the next
/// instead of asking the kernel for fresh zeroed pages every time, and each
/// running at the lowest scheduling priority so that a burst of logins yields
/// the CPU to every other request. At most `max_concurrent` hashes are queued
/// or running; a request that cannot get a slot within `queue_timeout_ms`
/// answers "saturated" rather than pile up.
#[derive(Debug, Clone)]
pub struct Argon2PasswordHasher {
    params: Params,
    slots: Arc<Semaphore>,
    queue_timeout: Duration,
    jobs: mpsc::Sender<Job>,
}

impl Argon2PasswordHasher {
    /// A hasher with these settings, and its hashing threads.
    ///
    /// # Errors
    /// [`WeakParameters`] below m = 19 MiB, t = 2, p = 1, with no hashing slot,
    /// or when a hashing thread cannot be started.
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
        let (jobs, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..settings.max_concurrent {
            let receiver = Arc::clone(&receiver);
            let blocks = params.block_count();
            std::thread::Builder::new()
                .name(format!("argon2-{index}"))
                .spawn(move || hashing_thread(&receiver, blocks))
                .map_err(|e| WeakParameters(format!("cannot start a hashing thread: {e}")))?;
        }
        Ok(Self {
            params,
            slots: Arc::new(Semaphore::new(settings.max_concurrent)),
            queue_timeout: Duration::from_millis(settings.queue_timeout_ms),
            jobs,
        })
    }

    /// Runs `work` on a hashing thread once a slot is free.
    async fn in_slot<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> Result<T, HashingError> + Send + 'static,
    ) -> Result<T, HashingError> {
        let permit =
            tokio::time::timeout(self.queue_timeout, Arc::clone(&self.slots).acquire_owned())
                .await
                .map_err(|_| HashingError::Saturated)?
                .map_err(|e| HashingError::Internal(Box::new(e)))?;
        let (reply, result) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _permit = permit;
            let _ = reply.send(work(memory));
        });
        self.jobs
            .send(job)
            .map_err(|_| HashingError::Internal("the hashing threads have stopped".into()))?;
        result
            .await
            .map_err(|_| HashingError::Internal("a hashing thread dropped its job".into()))?
    }
}

/// Body of a hashing thread: lowest priority, one reusable memory area,
/// jobs until every sender is gone.
fn hashing_thread(jobs: &Mutex<mpsc::Receiver<Job>>, blocks: usize) {
    lower_priority();
    let mut memory = vec![Block::default(); blocks];
    loop {
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(&mut memory),
            Err(_) => return,
        }
    }
}

fn internal<E: std::error::Error + Send + Sync + 'static>(err: E) -> HashingError {
    HashingError::Internal(Box::new(err))
}

fn malformed<E: std::error::Error + Send + Sync + 'static>(err: E) -> HashingError {
    HashingError::MalformedHash(Box::new(err))
}

/// Puts the calling thread behind every other: the lowest niceness, so that
/// request handling preempts hashing while hashing still gets a share of a
/// CPU kept busy by other work (the idle class would starve it; measured, it
/// did not improve other requests' latency either). Lowering one's own
/// priority needs no privilege; if it is refused all the same, hashing runs at
/// normal priority.
fn lower_priority() {
    let _ = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min);
}

/// Hashes into `out` with `memory`, growing it if `params` need more.
fn hash_into(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> Result<(), HashingError> {
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let area = memory
        .get_mut(..blocks)
        .ok_or_else(|| HashingError::Internal("memory area".into()))?;
    argon2
        .hash_password_into_with_memory(password, salt, out, area)
        .map_err(internal)
}

#[async_trait]
impl PasswordHasher for Argon2PasswordHasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashingError> {
        let params = self.params.clone();
        let secret = Zeroizing::new(password.expose().to_owned());
        self.in_slot(move |memory| {
            let salt = Salt::generate();
            let mut out = [0_u8; Params::DEFAULT_OUTPUT_LEN];
            let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
            hash_into(&argon2, &params, secret.as_bytes(), &salt, &mut out, memory)?;
            let phc = Phc {
                algorithm: argon2::ARGON2ID_IDENT,
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(internal)?,
                salt: Some(salt),
                hash: Some(Output::new(&out).map_err(internal)?),
            };
            Ok(PasswordHash::from_phc(phc.to_string()))
        })
        .await
    }

    async fn verify(
        &self,
        password: &Password,
        hash: &PasswordHash,
    ) -> Result<Verification, HashingError> {
        let stored = Phc::new(hash.as_phc()).map_err(malformed)?;
        let stored_params = Params::try_from(&stored).map_err(malformed)?;
        let algorithm = Algorithm::try_from(stored.algorithm.as_str()).map_err(malformed)?;
        let version = Version::try_from(stored.version.unwrap_or(Version::V0x13.into()))
            .map_err(malformed)?;
        let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
            return Err(HashingError::MalformedHash(
                "no salt or no hash in the PHC string".into(),
            ));
        };
        let outdated = algorithm != Algorithm::Argon2id
            || version != Version::V0x13
            || stored_params.m_cost() != self.params.m_cost()
            || stored_params.t_cost() != self.params.t_cost()
            || stored_params.p_cost() != self.params.p_cost();
        let secret = Zeroizing::new(password.expose().to_owned());
        self.in_slot(move |memory| {
            let argon2 = Argon2::new(algorithm, version, stored_params.clone());
            let mut out = vec![0_u8; expected.len()];
            hash_into(
                &argon2,
                &stored_params,
                secret.as_bytes(),
                &salt,
                &mut out,
                memory,
            )?;
            let computed = Output::new(&out).map_err(internal)?;
            // `Output`'s equality is constant-time.
            Ok(if computed == expected {
                Verification::Match {
                    needs_rehash: outdated,
                }
            } else {
                Verification::Mismatch
            })
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
    async fn hashes_are_standard_phc_strings_both_ways() {
        use argon2::PasswordVerifier as _;

        let hasher = hasher(19_456, 2);
        let ours = hasher
            .hash(&Password::new("échange standard"))
            .await
            .unwrap();
        let parsed = Phc::new(ours.as_phc()).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"\xc3\xa9change standard", &parsed)
                .is_ok()
        );

        let theirs =
            argon2::PasswordHasher::hash_password(&Argon2::default(), "fait ailleurs".as_bytes())
                .unwrap();
        let verification = hasher
            .verify(
                &Password::new("fait ailleurs"),
                &PasswordHash::from_phc(theirs.to_string()),
            )
            .await
            .unwrap();
        assert_eq!(
            verification,
            Verification::Match {
                needs_rehash: false
            }
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
