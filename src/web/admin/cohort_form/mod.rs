//! The cohort form: dates as day, month and year, London times, and live-session rows that
//! can be added and removed without JavaScript (repeated fields), checked into a
//! [`CohortInput`].

mod sessions;

use serde::Deserialize;

use crate::catalogue::cohorts::CohortInput;
use crate::catalogue::launch::CohortDraft;
use crate::domain::london;
use crate::error::AppError;
pub(crate) use crate::web::dates::instant;
pub use crate::web::dates::parse_date;
use crate::web::dates::{clock, date, parts};
use crate::web::forms::{FormErrors, rows_complete};
pub use sessions::{SessionRow, session_field};

/// The form as typed: every single field is always sent (see `web::forms::Form`). Session
/// rows arrive as parallel lists, as many as `session_rows` says.
#[derive(Debug, Default, Deserialize)]
pub struct CohortForm {
    pub name: String,
    pub starts_day: String,
    pub starts_month: String,
    pub starts_year: String,
    pub ends_day: String,
    pub ends_month: String,
    pub ends_year: String,
    pub opens_day: String,
    pub opens_month: String,
    pub opens_year: String,
    pub opens_time: String,
    pub closes_day: String,
    pub closes_month: String,
    pub closes_year: String,
    pub closes_time: String,
    pub capacity: String,
    pub delivery_notes: String,
    /// How many session rows the page showed (a hidden field): a cohort without sessions
    /// sends 0, so a body that lost its rows cannot delete them.
    pub session_rows: usize,
    /// The stored id of each row (empty for a new one), so an edit keeps calendar UIDs.
    #[serde(default)]
    pub session_id: Vec<String>,
    #[serde(default)]
    pub session_title: Vec<String>,
    #[serde(default)]
    pub session_day: Vec<String>,
    #[serde(default)]
    pub session_month: Vec<String>,
    #[serde(default)]
    pub session_year: Vec<String>,
    #[serde(default)]
    pub session_start: Vec<String>,
    #[serde(default)]
    pub session_end: Vec<String>,
    /// "save" or "add_session": the button pressed (none for "Remove", or when a script
    /// submits the form).
    #[serde(default)]
    pub action: String,
    /// The row whose "Remove" button was pressed.
    pub remove: Option<usize>,
    /// "yes" when the confirmed learners are to be emailed what the edit changed.
    #[serde(default)]
    pub tell_learners: String,
}

/// The form's fields top to bottom, for the error summary (session rows come last, in order).
const FIELD_ORDER: [&str; 8] = [
    "name",
    "starts",
    "ends",
    "opens",
    "closes",
    "capacity",
    "delivery_notes",
    "sessions",
];

impl CohortForm {
    /// The form filled in from a cohort on UK clocks: one as stored, or the next one.
    pub fn from_draft(draft: &CohortDraft) -> CohortForm {
        let mut form = CohortForm {
            name: draft.name.clone(),
            opens_time: clock(draft.enrol_opens.time()),
            closes_time: clock(draft.enrol_closes.time()),
            capacity: draft.capacity.to_string(),
            delivery_notes: draft.delivery_notes.clone(),
            ..CohortForm::default()
        };
        (form.starts_day, form.starts_month, form.starts_year) = parts(draft.starts_on);
        (form.ends_day, form.ends_month, form.ends_year) = parts(draft.ends_on);
        (form.opens_day, form.opens_month, form.opens_year) = parts(draft.enrol_opens.date());
        (form.closes_day, form.closes_month, form.closes_year) = parts(draft.enrol_closes.date());
        for session in &draft.sessions {
            let (day, month, year) = parts(session.day);
            form.push_row(SessionRow {
                id: session
                    .session_id
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
                title: session.title.clone(),
                day,
                month,
                year,
                start: clock(session.start),
                end: clock(session.end),
            });
        }
        form
    }

    /// Every session row arrived whole (else the 422 of `web::forms::missing`).
    pub fn rows_complete(&self) -> Result<(), AppError> {
        rows_complete(
            self.session_rows,
            &[
                ("session_id", self.session_id.len()),
                ("session_title", self.session_title.len()),
                ("session_day", self.session_day.len()),
                ("session_month", self.session_month.len()),
                ("session_year", self.session_year.len()),
                ("session_start", self.session_start.len()),
                ("session_end", self.session_end.len()),
            ],
        )
    }

    /// Checks everything; `seats_taken` bounds the capacity of an existing cohort.
    pub fn check(&self, seats_taken: i64) -> Result<CohortInput, FormErrors> {
        let mut errors = FormErrors::default();
        let name = errors.text(
            "name",
            &self.name,
            Some("Enter a name for the cohort, like Spring 2026"),
            100,
        );
        let starts_on = date(
            &mut errors,
            "starts",
            "start date",
            [&self.starts_day, &self.starts_month, &self.starts_year],
        );
        let ends_on = date(
            &mut errors,
            "ends",
            "end date",
            [&self.ends_day, &self.ends_month, &self.ends_year],
        );
        let opens = instant(
            &mut errors,
            "opens",
            "date enrolment opens",
            [&self.opens_day, &self.opens_month, &self.opens_year],
            &self.opens_time,
        );
        let closes = instant(
            &mut errors,
            "closes",
            "date enrolment closes",
            [&self.closes_day, &self.closes_month, &self.closes_year],
            &self.closes_time,
        );
        if let (Some(start), Some(end)) = (starts_on, ends_on)
            && end < start
        {
            errors.add(
                "ends",
                "The end date must be the same as or after the start date",
            );
        }
        if let (Some(opens), Some(closes)) = (opens, closes)
            && closes <= opens
        {
            errors.add("closes", "Enrolment must close after it opens");
        }
        if let (Some(closes), Some(end)) = (closes, ends_on)
            && london::day_of(closes) > end
        {
            errors.add("closes", "Enrolment must close before the cohort ends");
        }
        let capacity = self.capacity.trim().parse::<i64>().ok();
        let capacity_problem = match capacity {
            None => Some("Enter the number of places as a whole number, like 24".to_owned()),
            Some(n) if n < 1 => Some("Enter a capacity of at least 1".to_owned()),
            Some(n) if n > 10_000 => Some("Enter a capacity of 10,000 or fewer".to_owned()),
            Some(n) if n < seats_taken => Some(format!(
                "{seats_taken} places are already taken, so the capacity cannot be lower"
            )),
            Some(_) => None,
        };
        if let Some(problem) = capacity_problem {
            errors.add("capacity", problem);
        }
        let capacity = capacity.unwrap_or(0);
        let delivery_notes = errors.multiline("delivery_notes", &self.delivery_notes, None, 2_000);
        let sessions = self.check_sessions(&mut errors, starts_on, ends_on);
        match (starts_on, ends_on, opens, closes) {
            (Some(starts_on), Some(ends_on), Some(enrol_opens_at), Some(enrol_closes_at))
                if errors.is_empty() =>
            {
                Ok(CohortInput {
                    name,
                    starts_on,
                    ends_on,
                    enrol_opens_at,
                    enrol_closes_at,
                    capacity,
                    delivery_notes,
                    sessions,
                })
            }
            _ => Err(errors.in_field_order(&FIELD_ORDER)),
        }
    }
}
