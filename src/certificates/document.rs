//! A certificate in words: what its page, its PDF and its public check print, formatted
//! once so the three always agree.

use crate::db::certificates::Certificate;
use crate::domain::catalogue::{cohort_dates, cpd_hours};
use crate::domain::certificate::CertificateState;
use crate::domain::london;
use crate::email::Site;
use crate::paths;

/// What a reader is shown for a certificate whose holder closed their account.
pub const HOLDER_CLOSED: &str = "Issued to a learner whose account was closed";

/// The printed facts of one certificate.
#[derive(Clone, Debug)]
pub struct CertificateText {
    pub code: String,
    /// The holder's name; empty once their account was closed (see [`HOLDER_CLOSED`]).
    pub learner_name: String,
    pub course_title: String,
    pub level: &'static str,
    pub cohort_name: String,
    /// "4 May 2026 to 1 June 2026"
    pub dates: String,
    pub completed_on: String,
    /// "18 hours"
    pub cpd: String,
    /// "6 hours", or "None" for a course with no live sessions.
    pub participatory: String,
    pub accreditation: String,
    pub accreditation_reference: String,
    pub outcomes: Vec<String>,
    pub provider: String,
    pub issued_on: String,
    /// The absolute verification address, printed and in the QR code.
    pub verify_url: String,
    pub state: CertificateState,
    /// When it was revoked or replaced, in UK time.
    pub revoked_on: Option<String>,
    pub replaced_on: Option<String>,
    /// The reason shown to anyone checking a revoked certificate, if an admin gave one.
    pub public_reason: Option<String>,
}

impl CertificateText {
    pub fn of(certificate: &Certificate, site: &Site) -> CertificateText {
        CertificateText {
            code: certificate.code.clone(),
            learner_name: certificate.learner_name.clone(),
            course_title: certificate.course_title.clone(),
            level: certificate.course_level.label(),
            cohort_name: certificate.cohort_name.clone(),
            dates: cohort_dates(certificate.starts_on, certificate.ends_on),
            completed_on: london::date(certificate.completed_on),
            cpd: cpd_hours(certificate.cpd_minutes),
            participatory: match certificate.participatory_minutes {
                0 => "None".to_owned(),
                minutes => cpd_hours(minutes),
            },
            accreditation: certificate.accreditation.clone(),
            accreditation_reference: certificate.accreditation_reference.clone(),
            outcomes: certificate
                .outcomes()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            provider: certificate.provider.clone(),
            issued_on: london::date(london::day_of(certificate.issued_at)),
            verify_url: site.url(&paths::certificate(&certificate.code)),
            state: certificate.state(),
            revoked_on: certificate
                .revoked_at
                .map(|at| london::date(london::day_of(at))),
            replaced_on: certificate
                .replaced_at
                .map(|at| london::date(london::day_of(at))),
            public_reason: certificate.public_reason.clone(),
        }
    }

    /// What a copy of a certificate that no longer stands says above everything else.
    pub fn invalid_notice(&self) -> Option<String> {
        match self.state {
            CertificateState::Valid => None,
            CertificateState::Revoked => Some(format!(
                "This certificate is not valid: it was revoked on {}.",
                self.revoked_on.as_deref().unwrap_or("an earlier date")
            )),
            CertificateState::Replaced => Some(format!(
                "This certificate is not valid: it was replaced on {} by a corrected certificate.",
                self.replaced_on.as_deref().unwrap_or("an earlier date")
            )),
        }
    }

    /// The holder as printed: their name, or [`HOLDER_CLOSED`].
    pub fn holder(&self) -> &str {
        match self.learner_name.is_empty() {
            true => HOLDER_CLOSED,
            false => &self.learner_name,
        }
    }

    /// "18 hours, of which 6 hours participatory (live sessions)".
    pub fn cpd_line(&self) -> String {
        match self.participatory.as_str() {
            "None" => format!("{} (none of it in live sessions)", self.cpd),
            live => format!(
                "{}, of which {live} participatory (live sessions)",
                self.cpd
            ),
        }
    }

    /// The accreditation with its reference, or empty when the course has none.
    pub fn accreditation_line(&self) -> String {
        match (
            self.accreditation.is_empty(),
            self.accreditation_reference.is_empty(),
        ) {
            (true, true) => String::new(),
            (false, true) => self.accreditation.clone(),
            (true, false) => format!("Reference {}", self.accreditation_reference),
            (false, false) => format!(
                "{}, reference {}",
                self.accreditation, self.accreditation_reference
            ),
        }
    }
}
