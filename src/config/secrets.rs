//! Secrets and password hashing: values that never print, Argon2's cost, and the
//! development secret kept in the data folder.

use std::fmt;
use std::path::Path;

use super::Config;

/// A secret value whose `Debug` output never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Argon2id cost. Production insists on at least the OWASP recommendation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordHashing {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl PasswordHashing {
    pub const RECOMMENDED: PasswordHashing = PasswordHashing {
        memory_kib: 19 * 1024,
        iterations: 2,
    };
}

impl Config {
    /// In development without `ACADEMY_SECRET`, keeps a generated secret in the data folder
    /// so that restarts keep sessions.
    pub fn resolve_development_secret(&mut self) -> anyhow::Result<()> {
        if self.secret.is_some() {
            return Ok(());
        }
        let path = self.data_dir.join("secret");
        self.secret = Some(Secret::new(load_or_create_secret(&path)?));
        tracing::info!(path = %path.display(), "using the development secret kept in the data folder");
        Ok(())
    }
}

fn load_or_create_secret(path: &Path) -> anyhow::Result<String> {
    use anyhow::Context;
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 32 {
            return Ok(existing);
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the data folder {}", parent.display()))?;
    }
    let secret = hex::encode(rand::random::<[u8; 32]>());
    std::fs::write(path, &secret).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(secret)
}
