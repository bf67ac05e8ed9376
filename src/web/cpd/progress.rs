//! The CPD page's summary: progress for the current cycle against the learner's regulator,
//! worded as the regulator words it, or totals by year without one (or without a date).

use chrono::NaiveDate;

use crate::db::users::User;
use crate::domain::cpd::counting::Counted;
use crate::domain::cpd::hours::hours_text;
use crate::domain::cpd::regulator::{NoTarget, Overview, overview, reads_entries_from};

/// One requirement and where the learner stands.
pub struct Line {
    pub label: String,
    pub progress: String,
    pub met: bool,
}

/// One calendar year's totals.
pub struct Year {
    pub label: String,
    pub so_far: bool,
    pub hours: String,
    pub participatory: String,
    pub entries: usize,
}

/// What the summary shows.
pub enum Summary {
    Progress {
        regulator: &'static str,
        cycle: String,
        days_left: i64,
        lines: Vec<Line>,
        all_met: bool,
        notes: Vec<String>,
    },
    Totals {
        /// Why there is no target: `Some(regulator label)` when only the date is missing.
        needs_date: Option<&'static str>,
        years: Vec<Year>,
    },
}

/// The earliest end date of the entries [`summary`] needs for `user` on `today`.
pub fn reads_from(user: &User, today: NaiveDate) -> Option<NaiveDate> {
    reads_entries_from(
        user.professional_body.as_deref(),
        user.cpd_renewal_on,
        today,
    )
}

/// The summary for `user` from their entries (those from [`reads_from`] on), on `today`.
pub fn summary(user: &User, entries: &[Counted], today: NaiveDate) -> Summary {
    match overview(
        user.professional_body.as_deref(),
        user.cpd_renewal_on,
        entries,
        today,
    ) {
        Overview::Progress(progress) => Summary::Progress {
            regulator: progress.regulator.label(),
            cycle: progress.cycle.label(),
            days_left: progress.cycle.days_left(today),
            all_met: progress.all_met(),
            lines: progress
                .requirements
                .iter()
                .map(|r| Line {
                    label: r.label.clone(),
                    progress: r.progress_text(),
                    met: r.met,
                })
                .collect(),
            notes: progress.notes,
        },
        Overview::Totals { reason, years } => Summary::Totals {
            needs_date: match reason {
                NoTarget::NoDate(regulator) => Some(regulator.label()),
                NoTarget::NoRegulator => None,
            },
            years: years
                .iter()
                .map(|year| Year {
                    label: year.label.clone(),
                    so_far: year.so_far,
                    hours: hours_text(year.tally.minutes),
                    participatory: hours_text(year.tally.participatory_minutes),
                    entries: year.tally.entries,
                })
                .collect(),
        },
    }
}
