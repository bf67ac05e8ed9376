//! What is wrong with a configuration: every problem reported together, and the checks
//! production needs beyond well-formed values.

use std::fmt;

use super::mail::sends_credentials_in_clear;
use super::reader::Reader;
use super::{Config, PasswordHashing};

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

impl Config {
    /// What production needs beyond well-formed values.
    pub(super) fn check_production(&self, vars: &mut Reader<'_>) {
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
        // Invoices and receipts are legal documents: they name the real supplier, never the
        // development placeholder.
        for name in ["ACADEMY_SUPPLIER_NAME", "ACADEMY_SUPPLIER_ADDRESS"] {
            if vars.raw(name).is_none() {
                vars.problem(&format!(
                    "{name} is required in production (printed on every invoice and receipt)"
                ));
            }
        }
        if self.enrolment.vat_basis_points > 0 && vars.raw("ACADEMY_VAT_NUMBER").is_none() {
            vars.problem(
                "ACADEMY_VAT_NUMBER is required in production when ACADEMY_VAT_RATE is set",
            );
        }
    }
}
