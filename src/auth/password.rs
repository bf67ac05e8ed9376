//! Argon2id hashing on the blocking pool, never more hashes at once than cores.

use std::sync::Arc;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::config::PasswordHashing;

/// Hashes and verifies passwords. Each hash holds `memory_kib` of memory, so a semaphore
/// sized to the cores bounds both CPU and memory under a burst of sign-ins.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    params: Params,
    permits: Arc<Semaphore>,
    /// A hash of nothing in particular, checked for unknown accounts so that a sign-in
    /// takes as long whether or not the address has an account.
    dummy: Arc<tokio::sync::OnceCell<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Argon2(String),
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("password hashing is shutting down")]
    Closed,
}

impl PasswordHasher {
    pub fn new(cost: PasswordHashing) -> Result<Self, HashError> {
        let params = Params::new(cost.memory_kib, cost.iterations, 1, None)
            .map_err(|e| HashError::Argon2(e.to_string()))?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(PasswordHasher {
            params,
            permits: Arc::new(Semaphore::new(cores)),
            dummy: Arc::default(),
        })
    }

    fn argon2(params: Params) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// A PHC string (`$argon2id$v=19$…`) with a fresh random salt.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Closed)?;
        let (params, password) = (self.params.clone(), password.to_owned());
        tokio::task::spawn_blocking(move || {
            Self::argon2(params)
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|e| HashError::Argon2(e.to_string()))
        })
        .await?
    }

    /// True when `password` matches `phc`. A malformed stored hash never matches.
    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Closed)?;
        let (params, password, phc) = (self.params.clone(), password.to_owned(), phc.to_owned());
        let matched = tokio::task::spawn_blocking(move || {
            Self::argon2(params)
                .verify_password(password.as_bytes(), phc.as_str())
                .is_ok()
        })
        .await?;
        Ok(matched)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ_by_salt() {
        let hasher = PasswordHasher::new(PasswordHashing {
            memory_kib: 64,
            iterations: 1,
        })
        .unwrap();
        let first = hasher.hash("correct horse battery").await.unwrap();
        let second = hasher.hash("correct horse battery").await.unwrap();
        assert!(first.starts_with("$argon2id$v=19$"));
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
    }
}
