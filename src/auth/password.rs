//! Argon2id hashing on the blocking pool, never more hashes at once than cores, each in
//! working memory that goes back to the system when it ends.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::config::PasswordHashing;

/// Hashes and verifies passwords. Each hash holds `memory_kib` of memory, so a semaphore
/// sized to the cores bounds both CPU and memory under a burst of sign-ins.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    params: Params,
    permits: Arc<Semaphore>,
    /// Hashes running now, and the most there have been (for the test of the bound).
    running: Arc<Running>,
    /// A hash of nothing in particular, checked for unknown accounts so that a sign-in
    /// takes as long whether or not the address has an account.
    dummy: Arc<tokio::sync::OnceCell<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Argon2(#[from] argon2::Error),
    #[error("cannot write the password hash: {0}")]
    Params(#[from] argon2::password_hash::Error),
    #[error("cannot write the password hash: {0}")]
    Phc(#[from] argon2::password_hash::phc::Error),
    #[error("no memory for password hashing")]
    Memory(#[from] std::collections::TryReserveError),
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("password hashing is shutting down")]
    Closed,
}

impl PasswordHasher {
    pub fn new(cost: PasswordHashing) -> Result<Self, HashError> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        PasswordHasher::with_permits(cost, cores)
    }

    fn with_permits(cost: PasswordHashing, permits: usize) -> Result<Self, HashError> {
        Ok(PasswordHasher {
            params: Params::new(cost.memory_kib, cost.iterations, 1, None)?,
            permits: Arc::new(Semaphore::new(permits)),
            running: Arc::default(),
            dummy: Arc::default(),
        })
    }

    /// A PHC string (`$argon2id$v=19$…`) with a fresh random salt.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let (params, password) = (self.params.clone(), password.to_owned());
        self.on_blocking_pool(move || phc_string(&params, password.as_bytes()))
            .await?
    }

    /// True when `password` matches `phc`. A malformed stored hash never matches.
    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool, HashError> {
        let Ok(stored) = PasswordHash::new(phc) else {
            return Ok(false);
        };
        let password = password.to_owned();
        self.on_blocking_pool(move || matches(&stored, password.as_bytes()))
            .await?
    }

    /// Runs `work` on the blocking pool once a permit is free. The permit goes into the
    /// task, not the caller: a request given up (the client gone, a timeout) cannot hand
    /// its place on while its hash, which cannot be stopped, still runs.
    async fn on_blocking_pool<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| HashError::Closed)?;
        let running = self.running.clone();
        Ok(tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _running = running.start();
            work()
        })
        .await?)
    }
}

impl PasswordHasher {
    /// Verifies against `phc`, or, for an unknown account, against the dummy hash (always
    /// false) at the same cost.
    pub async fn verify_or_dummy(
        &self,
        password: &str,
        phc: Option<&str>,
    ) -> Result<bool, HashError> {
        match phc {
            Some(phc) => self.verify(password, phc).await,
            None => {
                let dummy = self
                    .dummy
                    .get_or_try_init(|| self.hash("not a real password"))
                    .await?;
                self.verify(password, dummy).await?;
                Ok(false)
            }
        }
    }
}

fn phc_string(params: &Params, password: &[u8]) -> Result<String, HashError> {
    let salt: [u8; 16] = rand::random();
    let mut out = vec![0; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, &salt, &mut out, memory(params)?)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params)?,
        salt: Some(Salt::new(&salt)?),
        hash: Some(Output::new(&out)?),
    };
    Ok(hash.to_string())
}

/// The stored hash's own algorithm, version and cost, so hashes made under an older
/// configuration still verify.
fn matches(stored: &PasswordHash, password: &[u8]) -> Result<bool, HashError> {
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else {
        return Ok(false);
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(stored.algorithm.as_str()),
        Params::try_from(stored),
    ) else {
        return Ok(false);
    };
    let Ok(version) = stored.version.map_or(Ok(Version::V0x13), Version::try_from) else {
        return Ok(false);
    };
    let mut out = vec![0; expected.len()];
    let memory = memory(&params)?;
    let argon2 = Argon2::new(algorithm, version, params);
    if argon2
        .hash_password_into_with_memory(password, salt, &mut out, memory)
        .is_err()
    {
        return Ok(false);
    }
    // `Output` compares in constant time.
    Ok(Output::new(&out)? == *expected)
}

/// Blocks glibc always maps on their own: it serves a request above
/// `DEFAULT_MMAP_THRESHOLD_MAX` (32 MiB on 64-bit, mallopt(3)) with a mapping of its own and
/// unmaps it when freed. A smaller one, once freed, raises the dynamic mmap threshold to its
/// size, and every later hash then comes from an arena that keeps the memory.
const ALWAYS_MAPPED_BLOCKS: usize = 32 * 1024 * 1024 / Block::SIZE + 1;

/// Argon2's working memory for one hash, given back to the system when dropped. Only the
/// blocks the hash uses are ever written, so the rest of the reservation costs address
/// space, not memory.
fn memory(params: &Params) -> Result<Vec<Block>, HashError> {
    let used = params.block_count();
    let mut blocks = Vec::new();
    blocks.try_reserve_exact(used.max(ALWAYS_MAPPED_BLOCKS))?;
    blocks.resize(used, Block::new());
    Ok(blocks)
}

/// Hashes running at once, and the most seen.
#[derive(Debug, Default)]
struct Running {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Running {
    fn start(&self) -> RunningGuard<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        RunningGuard(self)
    }
}

struct RunningGuard<'a>(&'a Running);

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    use super::*;

    const CHEAP: PasswordHashing = PasswordHashing {
        memory_kib: 64,
        iterations: 1,
    };

    #[tokio::test]
    async fn hashes_verify_and_differ_by_salt() {
        let hasher = PasswordHasher::new(CHEAP).unwrap();
        let first = hasher.hash("correct horse battery").await.unwrap();
        let second = hasher.hash("correct horse battery").await.unwrap();
        assert!(first.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{first}");
        assert_ne!(first, second);
        assert!(
            hasher
                .verify("correct horse battery", &first)
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("correct horse batterY", &first)
                .await
                .unwrap()
        );
        assert!(!hasher.verify("anything", "not a hash").await.unwrap());
        assert!(
            !hasher
                .verify("anything", "$argon2id$v=19$m=64,t=1,p=1")
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn hashes_are_the_argon2_crates_own_both_ways() {
        let hasher = PasswordHasher::new(CHEAP).unwrap();
        let ours = hasher.hash("staff nurse on nights").await.unwrap();
        let crate_argon2 = Argon2::default();
        assert!(
            crate_argon2
                .verify_password(b"staff nurse on nights", ours.as_str())
                .is_ok()
        );
        // Made with other costs than today's configuration, as an older account's may be.
        let params = Params::new(128, 2, 1, None).unwrap();
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"staff nurse on nights")
            .unwrap()
            .to_string();
        assert!(
            hasher
                .verify("staff nurse on nights", &theirs)
                .await
                .unwrap()
        );
        assert!(!hasher.verify("staff nurse on days", &theirs).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_in_flight_never_exceed_the_permits_even_when_callers_give_up() {
        // Dearer than the cheap test cost, so hashes overlap and outlive their callers.
        let cost = PasswordHashing {
            memory_kib: 4 * 1024,
            iterations: 4,
        };
        let hasher = PasswordHasher::with_permits(cost, 2).unwrap();
        let stored = hasher.hash("the real one").await.unwrap();
        let mut callers = tokio::task::JoinSet::new();
        for n in 0..24 {
            let (hasher, stored) = (hasher.clone(), stored.clone());
            callers.spawn(async move {
                let guess = format!("guess {n}");
                let attempt = hasher.verify(&guess, &stored);
                // Every other caller gives up at once, like a client that went away.
                let patience = Duration::from_millis(if n % 2 == 0 { 0 } else { 60_000 });
                tokio::time::timeout(patience, attempt).await.ok()
            });
        }
        while let Some(done) = callers.join_next().await {
            done.unwrap();
        }
        // The last abandoned hashes may still be running: wait for their permits.
        let _all = hasher.permits.acquire_many(2).await.unwrap();
        let peak = hasher.running.peak.load(Ordering::SeqCst);
        assert!(peak <= 2, "{peak} hashes ran at once with 2 permits");
        assert_eq!(hasher.running.now.load(Ordering::SeqCst), 0);
    }
}
