//! Learning in a cohort: the materials confirmed learners are given (files, links and
//! notes, each available from a time) and their announcement by email, the register of each
//! live session ([`attendance`]), the course evaluation ([`evaluation`]) and who completed
//! the course ([`completion`]).
//!
//! Each action is one function that owns its transaction, its audit event and its mail,
//! and answers with its own error enum; pages, jobs and the demo seed call the same one.
//! Changes to a place (completed, not completed) go through the enrolment machinery
//! (`enrolment::seats::apply`), so the history, the audit event and the seat count stay as
//! every other step keeps them.

pub mod announce;
pub mod attendance;
pub mod completion;
pub mod evaluation;
pub mod mails;
pub mod materials;

use chrono::{DateTime, Utc};

use crate::db::cohorts::{Cohort, CohortSession};
use crate::domain::catalogue::cohort_over_at;

pub use crate::context::Actor;
pub use materials::MaterialError;

/// When the cohort is over, from its sessions (see `domain::catalogue::cohort_over_at`).
pub fn over_at(cohort: &Cohort, sessions: &[CohortSession]) -> DateTime<Utc> {
    cohort_over_at(sessions.iter().map(|s| s.ends_at).max(), cohort.ends_on)
}
