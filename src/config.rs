//! Runtime configuration: read from the environment (and `.env`), validated all at once.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

/// Which kind of deployment this is; production is strict about secrets and transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Where the data lives. The scheme decides the backend.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn as_str(&self) -> &str {
        match self {
            DatabaseUrl::Sqlite(url) | DatabaseUrl::Postgres(url) => url,
        }
    }

    fn parse(raw: &str) -> Result<Self, String> {
        if raw.starts_with("sqlite:") {
            if raw.contains(":memory:") || raw.contains("mode=memory") {
                return Err("an in-memory SQLite database cannot be shared between the reader and writer pools; use a file such as sqlite://academy.db".into());
            }
            Ok(DatabaseUrl::Sqlite(raw.to_owned()))
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Url::parse(raw).map_err(|e| format!("is not a valid PostgreSQL URL ({e})"))?;
            Ok(DatabaseUrl::Postgres(raw.to_owned()))
        } else {
            Err("must start with sqlite:// or postgres://".into())
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    /// Never prints a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Url::parse(self.as_str()) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("[redacted]"));
                write!(f, "{url}")
            }
            _ => write!(f, "{}", self.as_str()),
        }
    }
}

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

#[derive(Clone, Debug)]
pub struct Config {
    pub env: Environment,
    pub database_url: DatabaseUrl,
    pub db_max_connections: u32,
    pub bind: SocketAddr,
    pub base_url: Url,
    /// Derives cookie and token keys. `None` only until [`Config::resolve_development_secret`].
    pub secret: Option<Secret>,
    pub data_dir: PathBuf,
    pub metrics_bind: Option<SocketAddr>,
    pub metrics_token: Option<Secret>,
    pub request_timeout: Duration,
    pub max_body_bytes: usize,
    pub password_hashing: PasswordHashing,
    pub contact_email: String,
}

/// Every problem found in the configuration, reported together.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Academy cannot start: {} configuration problem{}",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// The environment variables Academy reads, with their defaults, for `--help` and the README.
pub const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "DATABASE_URL",
        "sqlite://academy.db",
        "sqlite://FILE or postgres://USER@HOST/DB",
    ),
    ("ACADEMY_ENV", "development", "development or production"),
    (
        "ACADEMY_BIND",
        "127.0.0.1:8080",
        "address the site listens on",
    ),
    (
        "ACADEMY_BASE_URL",
        "http://<ACADEMY_BIND>",
        "public URL used in links (https in production)",
    ),
    (
        "ACADEMY_SECRET",
        "generated in development",
        "at least 32 characters; required in production",
    ),
    (
        "ACADEMY_DATA_DIR",
        "var",
        "folder for the development secret and local mail",
    ),
    (
        "ACADEMY_DB_MAX_CONNECTIONS",
        "10",
        "PostgreSQL pool size per process",
    ),
    (
        "ACADEMY_METRICS_BIND",
        "unset",
        "serve /metrics on this address only",
    ),
    (
        "ACADEMY_METRICS_TOKEN",
        "unset",
        "bearer token for /metrics on the main address",
    ),
    (
        "ACADEMY_REQUEST_TIMEOUT_SECS",
        "30",
        "longest a request may take",
    ),
    (
        "ACADEMY_MAX_BODY_BYTES",
        "1048576",
        "largest request body accepted",
    ),
    (
        "ACADEMY_ARGON2_MEMORY_KIB",
        "19456",
        "password hashing memory (production minimum 19456)",
    ),
    (
        "ACADEMY_ARGON2_ITERATIONS",
        "2",
        "password hashing passes (production minimum 2)",
    ),
    (
        "ACADEMY_CONTACT_EMAIL",
        "education@academy.example",
        "address shown on the contact page",
    ),
];

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads a fixed set of variables (tests).
    pub fn from_map(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    /// Parses and validates every variable, collecting all problems before failing.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut problems = Problems::default();
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let env = problems.check(
            "ACADEMY_ENV",
            match get("ACADEMY_ENV").as_deref() {
                None | Some("development") => Ok(Environment::Development),
                Some("production") => Ok(Environment::Production),
                Some(other) => Err(format!("must be development or production, not {other:?}")),
            },
        );
        let database_url = problems.check(
            "DATABASE_URL",
            DatabaseUrl::parse(
                &get("DATABASE_URL").unwrap_or_else(|| "sqlite://academy.db".into()),
            ),
        );
        let bind = problems.check(
            "ACADEMY_BIND",
            parse_socket_addr(get("ACADEMY_BIND").as_deref().unwrap_or("127.0.0.1:8080")),
        );
        let base_url = problems.check(
            "ACADEMY_BASE_URL",
            parse_base_url(get("ACADEMY_BASE_URL"), bind),
        );
        let secret = problems.check(
            "ACADEMY_SECRET",
            match get("ACADEMY_SECRET") {
                Some(s) if s.chars().count() < 32 => {
                    Err("must be at least 32 characters long".into())
                }
                other => Ok(other.map(Secret)),
            },
        );
        let metrics_bind = problems.check(
            "ACADEMY_METRICS_BIND",
            get("ACADEMY_METRICS_BIND")
                .map(|v| parse_socket_addr(&v))
                .transpose(),
        );
        let metrics_token = problems.check(
            "ACADEMY_METRICS_TOKEN",
            match get("ACADEMY_METRICS_TOKEN") {
                Some(t) if t.len() < 16 => Err("must be at least 16 characters long".into()),
                other => Ok(other.map(Secret)),
            },
        );
        let db_max_connections = problems.check(
            "ACADEMY_DB_MAX_CONNECTIONS",
            parse_number(get("ACADEMY_DB_MAX_CONNECTIONS"), 10, 1..=500),
        );
        let timeout_secs = problems.check(
            "ACADEMY_REQUEST_TIMEOUT_SECS",
            parse_number(get("ACADEMY_REQUEST_TIMEOUT_SECS"), 30, 1..=600),
        );
        let max_body_bytes = problems.check(
            "ACADEMY_MAX_BODY_BYTES",
            parse_number(
                get("ACADEMY_MAX_BODY_BYTES"),
                1024 * 1024,
                1024..=512 * 1024 * 1024,
            ),
        );
        let memory_kib = problems.check(
            "ACADEMY_ARGON2_MEMORY_KIB",
            parse_number(
                get("ACADEMY_ARGON2_MEMORY_KIB"),
                19 * 1024,
                8..=4 * 1024 * 1024,
            ),
        );
        let iterations = problems.check(
            "ACADEMY_ARGON2_ITERATIONS",
            parse_number(get("ACADEMY_ARGON2_ITERATIONS"), 2, 1..=100),
        );
        let contact_email = problems.check(
            "ACADEMY_CONTACT_EMAIL",
            match get("ACADEMY_CONTACT_EMAIL") {
                None => Ok("education@academy.example".to_owned()),
                Some(raw) => crate::domain::email::Email::parse(&raw)
                    .map(|e| e.as_str().to_owned())
                    .map_err(|e| format!("is not an email address: {e}")),
            },
        );

        if env == Some(Environment::Production) {
            if get("ACADEMY_SECRET").is_none() {
                problems.0.push(
                    "ACADEMY_SECRET is required in production (at least 32 random characters)"
                        .into(),
                );
            }
            match (&base_url, get("ACADEMY_BASE_URL")) {
                (_, None) => problems
                    .0
                    .push("ACADEMY_BASE_URL is required in production".into()),
                (Some(url), Some(_)) if url.scheme() != "https" => problems
                    .0
                    .push("ACADEMY_BASE_URL must use https in production".into()),
                _ => {}
            }
            let recommended = PasswordHashing::RECOMMENDED;
            if memory_kib.is_some_and(|m: u32| m < recommended.memory_kib) {
                problems.0.push(format!(
                    "ACADEMY_ARGON2_MEMORY_KIB must be at least {} in production",
                    recommended.memory_kib
                ));
            }
            if iterations.is_some_and(|t: u32| t < recommended.iterations) {
                problems.0.push(format!(
                    "ACADEMY_ARGON2_ITERATIONS must be at least {} in production",
                    recommended.iterations
                ));
            }
        }

        if !problems.0.is_empty() {
            return Err(ConfigError {
                problems: problems.0,
            });
        }
        // Every field is Some when no problem was recorded.
        let missing = || ConfigError {
            problems: vec!["internal: a configuration value was not set".into()],
        };
        Ok(Config {
            env: env.ok_or_else(missing)?,
            database_url: database_url.ok_or_else(missing)?,
            db_max_connections: db_max_connections.ok_or_else(missing)?,
            bind: bind.ok_or_else(missing)?,
            base_url: base_url.ok_or_else(missing)?,
            secret: secret.ok_or_else(missing)?,
            data_dir: PathBuf::from(get("ACADEMY_DATA_DIR").unwrap_or_else(|| "var".into())),
            metrics_bind: metrics_bind.ok_or_else(missing)?,
            metrics_token: metrics_token.ok_or_else(missing)?,
            request_timeout: Duration::from_secs(timeout_secs.ok_or_else(missing)?),
            max_body_bytes: max_body_bytes.ok_or_else(missing)?,
            password_hashing: PasswordHashing {
                memory_kib: memory_kib.ok_or_else(missing)?,
                iterations: iterations.ok_or_else(missing)?,
            },
            contact_email: contact_email.ok_or_else(missing)?,
        })
    }

    /// In development without `ACADEMY_SECRET`, keeps a generated secret in the data folder
    /// so that restarts keep sessions.
    pub fn resolve_development_secret(&mut self) -> anyhow::Result<()> {
        if self.secret.is_some() {
            return Ok(());
        }
        let path = self.data_dir.join("secret");
        self.secret = Some(Secret(load_or_create_secret(&path)?));
        tracing::info!(path = %path.display(), "using the development secret kept in the data folder");
        Ok(())
    }

    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }
}

/// Problems found so far, each prefixed with the variable's name.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn check<T>(&mut self, name: &str, result: Result<T, String>) -> Option<T> {
        result
            .map_err(|message| self.0.push(format!("{name} {message}")))
            .ok()
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

fn parse_socket_addr(raw: &str) -> Result<SocketAddr, String> {
    raw.parse()
        .map_err(|_| format!("must be an address and port such as 127.0.0.1:8080, not {raw:?}"))
}

fn parse_base_url(raw: Option<String>, bind: Option<SocketAddr>) -> Result<Url, String> {
    let raw = match (raw, bind) {
        (Some(raw), _) => raw,
        (None, Some(bind)) => format!("http://{bind}"),
        (None, None) => "http://127.0.0.1:8080".into(),
    };
    let url = Url::parse(&raw).map_err(|e| format!("is not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!(
            "must be an http or https URL such as https://academy.example, not {raw:?}"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment".into());
    }
    Ok(url)
}

fn parse_number<T>(
    raw: Option<String>,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    let Some(raw) = raw else { return Ok(default) };
    match raw.parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number from {} to {}, not {raw:?}",
            range.start(),
            range.end()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_map(&vars)
    }

    #[test]
    fn defaults_describe_a_local_sqlite_site() {
        let config = config(&[]).unwrap();
        assert_eq!(config.env, Environment::Development);
        assert_eq!(
            config.database_url,
            DatabaseUrl::Sqlite("sqlite://academy.db".into())
        );
        assert_eq!(config.bind, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.base_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(config.password_hashing, PasswordHashing::RECOMMENDED);
        assert!(config.secret.is_none());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let err = config(&[
            ("ACADEMY_ENV", "staging"),
            ("ACADEMY_BIND", "localhost"),
            ("DATABASE_URL", "mysql://x"),
            ("ACADEMY_DB_MAX_CONNECTIONS", "lots"),
            ("ACADEMY_SECRET", "short"),
        ])
        .unwrap_err();
        let text = err.to_string();
        assert_eq!(err.problems.len(), 5, "{text}");
        for name in [
            "ACADEMY_ENV",
            "ACADEMY_BIND",
            "DATABASE_URL",
            "ACADEMY_DB_MAX_CONNECTIONS",
            "ACADEMY_SECRET",
        ] {
            assert!(text.contains(name), "{name} missing from:\n{text}");
        }
        assert!(text.starts_with("Academy cannot start: 5 configuration problems"));
    }

    #[test]
    fn production_requires_secret_https_base_url_and_strong_hashing() {
        let err = config(&[
            ("ACADEMY_ENV", "production"),
            ("ACADEMY_BASE_URL", "http://academy.example"),
            ("ACADEMY_ARGON2_MEMORY_KIB", "64"),
        ])
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("ACADEMY_SECRET is required in production"),
            "{text}"
        );
        assert!(text.contains("must use https"), "{text}");
        assert!(
            text.contains("ACADEMY_ARGON2_MEMORY_KIB must be at least 19456"),
            "{text}"
        );

        let ok = config(&[
            ("ACADEMY_ENV", "production"),
            ("ACADEMY_BASE_URL", "https://academy.example"),
            ("ACADEMY_SECRET", "0123456789abcdef0123456789abcdef"),
            (
                "DATABASE_URL",
                "postgres://academy:pw@db.internal/academy?sslmode=require",
            ),
        ])
        .unwrap();
        assert!(ok.is_production());
        assert!(matches!(ok.database_url, DatabaseUrl::Postgres(_)));
    }

    #[test]
    fn debug_output_redacts_secrets_and_database_password() {
        let config = config(&[
            ("ACADEMY_SECRET", "super-secret-value-that-is-long-enough"),
            ("ACADEMY_METRICS_TOKEN", "metrics-token-1234567"),
            (
                "DATABASE_URL",
                "postgres://academy:hunter2hunter2@db/academy",
            ),
        ])
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("super-secret"), "{shown}");
        assert!(!shown.contains("metrics-token"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn in_memory_sqlite_and_odd_values_are_refused() {
        let err = config(&[
            ("DATABASE_URL", "sqlite::memory:"),
            ("ACADEMY_BASE_URL", "ftp://x"),
            ("ACADEMY_REQUEST_TIMEOUT_SECS", "0"),
            ("ACADEMY_CONTACT_EMAIL", "not an email"),
        ])
        .unwrap_err();
        assert_eq!(err.problems.len(), 4, "{err}");
    }

    #[test]
    fn development_secret_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dir_str = dir.path().to_str().unwrap();
        let mut first = config(&[("ACADEMY_DATA_DIR", dir_str)]).unwrap();
        first.resolve_development_secret().unwrap();
        let mut second = config(&[("ACADEMY_DATA_DIR", dir_str)]).unwrap();
        second.resolve_development_secret().unwrap();
        assert_eq!(first.secret, second.secret);
        assert!(first.secret.unwrap().expose().len() >= 32);
    }
}
