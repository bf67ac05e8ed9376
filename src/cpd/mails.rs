//! The CPD record's email: the reminder before the renewal or appraisal date.

use askama::Template;

use crate::email::templates::{OutgoingEmail, RenderedEmail, Site, outgoing_email};

/// One line of a reminder: a requirement (or the year's total) and the learner's figure.
pub struct ReminderLine {
    pub label: String,
    pub progress: String,
    pub met: bool,
}

/// Before the renewal or appraisal date: progress for the cycle and what is missing.
pub struct CpdReminder {
    pub name: String,
    /// "NMC renewal date", "GMC appraisal date", or "renewal or appraisal date".
    pub date_kind: String,
    pub date: String,
    pub days_left: i64,
    /// The cycle's dates in words; empty without a regulator.
    pub cycle: String,
    pub lines: Vec<ReminderLine>,
    pub all_met: bool,
    pub record_url: String,
    pub settings_url: String,
}
outgoing_email!(CpdReminder, "cpd_reminder", token: false,
    "cpd_reminder/subject.txt", "cpd_reminder/body.txt", "cpd_reminder/body.html");
