//! Runtime configuration: read from the environment (and `.env`), validated all at once.

mod enrolment;
pub use enrolment::{CHECKOUT_MARGIN_MINUTES, CardSettings, EnrolmentPolicy, Supplier};

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use crate::domain::eligibility::NhsDomains;
use crate::domain::email::Email;

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
    /// lettre's URL syntax; holds credentials, so it is a secret.
    pub smtp_url: Option<Secret>,
    pub mail_from: lettre::message::Mailbox,
    pub outbox_max_attempts: u32,
    pub mail_retention_days: u32,
    pub nhs_domains: NhsDomains,
    /// Proxies whose `X-Forwarded-For` is believed (addresses or CIDR ranges).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub remember_me_days: u32,
    /// Without "remember me", a session ends after this long without activity.
    pub session_idle_hours: u32,
    pub unverified_purge_days: u32,
    /// Sign-in, registration, reset and similar form posts allowed per client address per
    /// minute (generous: a whole NHS trust may share one address).
    pub address_attempts_per_minute: u32,
    pub enrolment: EnrolmentPolicy,
    pub supplier: Supplier,
    /// The card checkout provider; without one, card payment is not offered.
    pub card: Option<CardSettings>,
    /// The course the home page's Education block features.
    pub flagship_course: String,
    /// Largest image or PDF an admin may upload.
    pub max_upload_bytes: usize,
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
    (
        "ACADEMY_MAX_UPLOAD_BYTES",
        "10485760",
        "largest image or PDF an admin may upload",
    ),
    (
        "ACADEMY_FLAGSHIP_COURSE",
        "a-systems-approach-to-investigating-and-learning-from-patient-safety-incidents",
        "slug of the course the home page features",
    ),
    (
        "ACADEMY_CARD_HOLD_MINUTES",
        "40",
        "seat held for a card payment (at least 35)",
    ),
    (
        "ACADEMY_INVOICE_HOLD_DAYS",
        "14",
        "seat held while an invoice or purchase order is arranged",
    ),
    (
        "ACADEMY_OFFER_HOURS",
        "48",
        "how long a waiting-list offer stands",
    ),
    (
        "ACADEMY_REFUND_CUTOFF_DAYS",
        "14",
        "learners cancelling at least this many days before the start are refunded",
    ),
    (
        "ACADEMY_VAT_RATE",
        "0",
        "VAT percentage on invoices and receipts",
    ),
    (
        "ACADEMY_SUPPLIER_NAME",
        "Health Services Safety Investigations Body",
        "supplier on invoices and receipts",
    ),
    (
        "ACADEMY_SUPPLIER_ADDRESS",
        "a placeholder",
        "supplier's address (\\n between lines)",
    ),
    ("ACADEMY_VAT_NUMBER", "unset", "VAT registration number"),
    (
        "ACADEMY_STRIPE_SECRET_KEY",
        "unset",
        "card payments by Stripe Checkout (with the webhook secret)",
    ),
    (
        "ACADEMY_STRIPE_WEBHOOK_SECRET",
        "unset",
        "signing secret of the /payments/webhook endpoint",
    ),
    (
        "ACADEMY_STRIPE_API_BASE",
        "https://api.stripe.com",
        "the card provider's API",
    ),
    (
        "ACADEMY_STRIPE_CHECKOUT_ORIGIN",
        "https://checkout.stripe.com",
        "checkout pages, allowed as a form target",
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
        let mut vars = Reader {
            lookup: &lookup,
            problems: Vec::new(),
        };
        let env = vars.parse("ACADEMY_ENV", Environment::Development, |raw| match raw {
            "development" => Ok(Environment::Development),
            "production" => Ok(Environment::Production),
            other => Err(format!("must be development or production, not {other:?}")),
        });
        let default_db = DatabaseUrl::Sqlite("sqlite://academy.db".into());
        let database_url = vars.parse("DATABASE_URL", default_db, DatabaseUrl::parse);
        let default_bind = SocketAddr::from(([127, 0, 0, 1], 8080));
        let bind = vars.parse("ACADEMY_BIND", default_bind, parse_socket_addr);
        let default_base = Url::parse(&format!("http://{bind}")).expect("an address makes a URL");
        let base_url = vars.parse("ACADEMY_BASE_URL", default_base, parse_base_url);
        let secret = vars.parse("ACADEMY_SECRET", None, |raw| match raw.chars().count() {
            n if n < 32 => Err("must be at least 32 characters long".into()),
            _ => Ok(Some(Secret::new(raw))),
        });
        let metrics_bind = vars.parse("ACADEMY_METRICS_BIND", None, |raw| {
            parse_socket_addr(raw).map(Some)
        });
        let metrics_token = vars.parse("ACADEMY_METRICS_TOKEN", None, |raw| match raw.len() {
            n if n < 16 => Err("must be at least 16 characters long".into()),
            _ => Ok(Some(Secret::new(raw))),
        });
        let config = Config {
            env,
            database_url,
            db_max_connections: vars.number("ACADEMY_DB_MAX_CONNECTIONS", 10, 1..=500),
            bind,
            base_url,
            secret,
            data_dir: PathBuf::from(vars.raw("ACADEMY_DATA_DIR").unwrap_or_else(|| "var".into())),
            metrics_bind,
            metrics_token,
            request_timeout: Duration::from_secs(vars.number(
                "ACADEMY_REQUEST_TIMEOUT_SECS",
                30,
                1..=600,
            )),
            max_body_bytes: vars.number(
                "ACADEMY_MAX_BODY_BYTES",
                1024 * 1024,
                1024..=512 * 1024 * 1024,
            ),
            password_hashing: PasswordHashing {
                memory_kib: vars.number(
                    "ACADEMY_ARGON2_MEMORY_KIB",
                    19 * 1024,
                    8..=4 * 1024 * 1024,
                ),
                iterations: vars.number("ACADEMY_ARGON2_ITERATIONS", 2, 1..=100),
            },
            contact_email: vars.parse(
                "ACADEMY_CONTACT_EMAIL",
                "education@academy.example".into(),
                |raw| {
                    Email::parse(raw)
                        .map(|email| email.to_string())
                        .map_err(|e| format!("is not an email address: {e}"))
                },
            ),
            smtp_url: vars.parse("ACADEMY_SMTP_URL", None, |raw| {
                parse_smtp_url(raw).map(Some)
            }),
            mail_from: vars.parse("ACADEMY_MAIL_FROM", default_sender(), |raw| {
                raw.parse().map_err(|e| {
                    format!("must be an address such as Academy <no-reply@example.org> ({e})")
                })
            }),
            outbox_max_attempts: vars.number("ACADEMY_OUTBOX_MAX_ATTEMPTS", 10, 1..=100),
            mail_retention_days: vars.number("ACADEMY_MAIL_RETENTION_DAYS", 7, 1..=3650),
            nhs_domains: parse_nhs_domains(&mut vars),
            trusted_proxies: vars.parse("ACADEMY_TRUSTED_PROXIES", Vec::new(), parse_networks),
            remember_me_days: vars.number("ACADEMY_REMEMBER_ME_DAYS", 30, 1..=365),
            session_idle_hours: vars.number("ACADEMY_SESSION_IDLE_HOURS", 12, 1..=24 * 30),
            unverified_purge_days: vars.number("ACADEMY_UNVERIFIED_PURGE_DAYS", 30, 1..=3650),
            address_attempts_per_minute: vars.number(
                "ACADEMY_ADDRESS_ATTEMPTS_PER_MINUTE",
                300,
                1..=100_000,
            ),
            enrolment: enrolment::policy(&mut vars),
            supplier: enrolment::supplier(&mut vars),
            card: enrolment::card(&mut vars),
            max_upload_bytes: vars.number(
                "ACADEMY_MAX_UPLOAD_BYTES",
                10 * 1024 * 1024,
                1024..=100 * 1024 * 1024,
            ),
            flagship_course: vars.raw("ACADEMY_FLAGSHIP_COURSE").unwrap_or_else(|| {
                "a-systems-approach-to-investigating-and-learning-from-patient-safety-incidents"
                    .into()
            }),
        };
        if config.is_production() {
            config.check_production(&mut vars);
        }
        match vars.problems.is_empty() {
            true => Ok(config),
            false => Err(ConfigError {
                problems: vars.problems,
            }),
        }
    }

    /// What production needs beyond well-formed values.
    fn check_production(&self, vars: &mut Reader<'_>) {
        if vars.raw("ACADEMY_SECRET").is_none() {
            vars.problem(
                "ACADEMY_SECRET is required in production (at least 32 random characters)",
            );
        }
        if vars.raw("ACADEMY_BASE_URL").is_none() {
            vars.problem("ACADEMY_BASE_URL is required in production");
        } else if self.base_url.scheme() != "https" {
            vars.problem("ACADEMY_BASE_URL must use https in production");
        }
        match &self.smtp_url {
            None => vars.problem("ACADEMY_SMTP_URL is required in production"),
            Some(url) if sends_credentials_in_clear(url.expose()) => vars.problem(
                "ACADEMY_SMTP_URL sends a password over a plain connection: use smtps:// or add ?tls=required",
            ),
            Some(_) => {}
        }
        let recommended = PasswordHashing::RECOMMENDED;
        if self.password_hashing.memory_kib < recommended.memory_kib {
            vars.problem(&format!(
                "ACADEMY_ARGON2_MEMORY_KIB must be at least {} in production",
                recommended.memory_kib
            ));
        }
        if self.password_hashing.iterations < recommended.iterations {
            vars.problem(&format!(
                "ACADEMY_ARGON2_ITERATIONS must be at least {} in production",
                recommended.iterations
            ));
        }
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

/// Reads variables, recording each problem (prefixed with the variable's name) and standing
/// in the default so that every other variable is still checked.
struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<String>,
}

impl Reader<'_> {
    /// The trimmed value, `None` when unset or blank.
    fn raw(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn problem(&mut self, message: &str) {
        self.problems.push(message.to_owned());
    }

    fn parse<T>(
        &mut self,
        name: &str,
        default: T,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> T {
        let Some(raw) = self.raw(name) else {
            return default;
        };
        parse(&raw).unwrap_or_else(|message| {
            self.problems.push(format!("{name} {message}"));
            default
        })
    }

    fn number<T>(&mut self, name: &str, default: T, range: std::ops::RangeInclusive<T>) -> T
    where
        T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
    {
        self.parse(name, default, |raw| match raw.parse::<T>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(format!(
                "must be a whole number from {} to {}, not {raw:?}",
                range.start(),
                range.end()
            )),
        })
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

fn parse_nhs_domains(vars: &mut Reader<'_>) -> NhsDomains {
    let default = || {
        NhsDomains::parse(NhsDomains::DEFAULT_ALLOW, NhsDomains::DEFAULT_DENY)
            .expect("valid defaults")
    };
    let allow = vars
        .raw("ACADEMY_NHS_DOMAINS")
        .unwrap_or_else(|| NhsDomains::DEFAULT_ALLOW.into());
    let deny = vars
        .raw("ACADEMY_NHS_DENY_DOMAINS")
        .unwrap_or_else(|| NhsDomains::DEFAULT_DENY.into());
    NhsDomains::parse(&allow, &deny).unwrap_or_else(|e| {
        vars.problem(&format!(
            "ACADEMY_NHS_DOMAINS / ACADEMY_NHS_DENY_DOMAINS: {e}"
        ));
        default()
    })
}

fn parse_networks(raw: &str) -> Result<Vec<ipnet::IpNet>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("must list addresses or ranges such as 10.0.0.0/8, not {s:?}"))
        })
        .collect()
}

fn default_sender() -> lettre::message::Mailbox {
    lettre::message::Mailbox::new(
        Some("Academy".into()),
        "no-reply@academy.example".parse().expect("a valid address"),
    )
}

fn parse_smtp_url(raw: &str) -> Result<Secret, String> {
    let url = Url::parse(raw).map_err(|_| "is not a valid URL".to_owned())?;
    if !matches!(url.scheme(), "smtp" | "smtps") {
        return Err("must start with smtp:// or smtps://".into());
    }
    // lettre decides what it accepts (e.g. it refuses ?tls=none); never echo the URL back.
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(raw)
        .map_err(|_| "is not a URL lettre accepts (see the README for examples)".to_owned())?;
    Ok(Secret::new(raw))
}

/// `smtp://user:pass@host` without `tls=required` would send the password in clear.
fn sends_credentials_in_clear(raw: &str) -> bool {
    let Ok(url) = Url::parse(raw) else {
        return false;
    };
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    let tls_required = url
        .query_pairs()
        .any(|(k, v)| k == "tls" && v == "required");
    url.scheme() == "smtp" && has_credentials && !tls_required
}

fn parse_base_url(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw).map_err(|e| format!("is not a valid URL ({e})"))?;
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
        assert!(
            text.contains("ACADEMY_SMTP_URL is required in production"),
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
            ("ACADEMY_SMTP_URL", "smtps://academy:pw@mail.example:465"),
        ])
        .unwrap();
        assert!(ok.is_production());
        assert!(matches!(ok.database_url, DatabaseUrl::Postgres(_)));
    }

    #[test]
    fn smtp_urls_follow_lettre_and_production_refuses_clear_passwords() {
        for good in [
            "smtps://u:p@mail.example:465",
            "smtp://u:p@mail.example:587?tls=required",
            "smtp://relay.local:2525",
        ] {
            assert!(config(&[("ACADEMY_SMTP_URL", good)]).is_ok(), "{good}");
        }
        for bad in [
            "http://mail.example",
            "smtp://mail.example?tls=none",
            "not a url",
        ] {
            let err = config(&[("ACADEMY_SMTP_URL", bad)]).unwrap_err();
            assert!(
                err.problems[0].starts_with("ACADEMY_SMTP_URL"),
                "{bad}: {err}"
            );
            assert!(
                !err.to_string().contains("mail.example"),
                "the URL is never echoed: {err}"
            );
        }
        let production = |smtp: &str| {
            config(&[
                ("ACADEMY_ENV", "production"),
                ("ACADEMY_BASE_URL", "https://academy.example"),
                ("ACADEMY_SECRET", "0123456789abcdef0123456789abcdef"),
                ("ACADEMY_SMTP_URL", smtp),
            ])
        };
        let err = production("smtp://u:p@mail.example:587").unwrap_err();
        assert!(err.to_string().contains("plain connection"), "{err}");
        assert!(production("smtp://u:p@mail.example:587?tls=required").is_ok());
        assert!(
            production("smtp://relay.local:2525").is_ok(),
            "a local relay without credentials"
        );
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
