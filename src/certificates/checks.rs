//! What the public check of a certificate reads, kept for a second by code (the rule is
//! [`crate::recent`]'s): a revocation or reissue made here shows on the next check, one
//! made by another process within a second.

use crate::clock::Clock;
use crate::db::certificates::{self, Certificate};
use crate::db::{Db, DbError};
use crate::domain::certificate::Code;
use crate::recent::Recent;

/// Codes kept at most; more checks within one second just read theirs.
const CAPACITY: u64 = 10_000;

/// A certificate as its check shows it.
#[derive(Clone, Debug)]
pub struct Checked {
    pub certificate: Certificate,
    /// The code of the certificate that replaced this one, if any.
    pub replaced_by: Option<String>,
}

#[derive(Debug)]
pub struct RecentChecks(Recent<String, Option<Checked>>);

impl RecentChecks {
    pub fn new(clock: Clock) -> RecentChecks {
        RecentChecks(Recent::new(clock, CAPACITY))
    }

    /// The certificate with this code (and its replacement's code), or `None`.
    pub async fn check(&self, db: &Db, code: &Code) -> Result<Option<Checked>, DbError> {
        if let Some(checked) = self.0.get(&code.as_str().to_owned()) {
            return Ok(checked);
        }
        let ticket = self.0.ticket();
        let checked = match certificates::find_by_code(db, code).await? {
            Some(certificate) => Some(Checked {
                replaced_by: match certificate.replaced_by_certificate_id {
                    Some(id) => certificates::find(db, id).await?.map(|next| next.code),
                    None => None,
                },
                certificate,
            }),
            None => None,
        };
        self.0
            .keep(ticket, code.as_str().to_owned(), checked.clone());
        Ok(checked)
    }
}
