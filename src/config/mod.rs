//! Runtime configuration: read from the environment (and `.env`), validated all at once.
//!
//! `Config` and how it is read are here; each group of settings, the reader, the checks
//! and the `--help` list are in the files beside.

mod database;
mod enrolment;
mod mail;
mod network;
mod problems;
mod reader;
mod secrets;
#[cfg(test)]
mod tests;
mod variables;

pub use database::DatabaseUrl;
pub use enrolment::{CHECKOUT_MARGIN_MINUTES, CardSettings, EnrolmentPolicy, Supplier};
pub use problems::ConfigError;
pub use secrets::{PasswordHashing, Secret};
pub use variables::VARIABLES;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::domain::eligibility::NhsDomains;
use crate::domain::email::Email;
use mail::{default_sender, parse_smtp_url};
use network::{parse_base_url, parse_networks, parse_socket_addr};
use reader::Reader;

/// Which kind of deployment this is; production is strict about secrets and transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
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
    /// Any session, "remember me" or not, ends this long after signing in.
    pub session_max_days: u32,
    pub unverified_purge_days: u32,
    /// Sign-in, registration, reset and similar form posts allowed per client address per
    /// minute (generous: a whole NHS trust may share one address).
    pub address_attempts_per_minute: u32,
    /// Public certificate checks allowed per client address per minute, counted in memory.
    pub verify_per_minute: u32,
    pub enrolment: EnrolmentPolicy,
    pub supplier: Supplier,
    /// The card checkout provider; without one, card payment is not offered.
    pub card: Option<CardSettings>,
    /// The course the home page's Education block features.
    pub flagship_course: String,
    /// Largest image or PDF an admin may upload.
    pub max_upload_bytes: usize,
}

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
            session_max_days: vars.number("ACADEMY_SESSION_MAX_DAYS", 90, 1..=3650),
            unverified_purge_days: vars.number("ACADEMY_UNVERIFIED_PURGE_DAYS", 30, 1..=3650),
            address_attempts_per_minute: vars.number(
                "ACADEMY_ADDRESS_ATTEMPTS_PER_MINUTE",
                300,
                1..=100_000,
            ),
            verify_per_minute: vars.number("ACADEMY_VERIFY_PER_MINUTE", 60, 1..=1_000_000),
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

    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }
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
