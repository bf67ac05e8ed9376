//! The cohort form: dates as day, month and year, London times, and live-session rows that
//! can be added and removed without JavaScript (repeated fields).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;

use crate::db::cohorts::{Cohort, CohortSession};
use crate::domain::london;
use crate::web::forms::FormErrors;

/// The form as typed. Session rows arrive as parallel lists.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
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
    /// The stored id of each row (empty for a new one), so an edit keeps calendar UIDs.
    pub session_id: Vec<String>,
    pub session_title: Vec<String>,
    pub session_day: Vec<String>,
    pub session_month: Vec<String>,
    pub session_year: Vec<String>,
    pub session_start: Vec<String>,
    pub session_end: Vec<String>,
    /// "save" or "add_session".
    pub action: String,
    /// The row whose "Remove" button was pressed.
    pub remove: Option<usize>,
}

/// One session row as typed, for showing the form again.
#[derive(Clone, Debug, Default)]
pub struct SessionRow {
    pub id: String,
    pub title: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub start: String,
    pub end: String,
}

/// A session that passed every check.
pub struct CheckedSession {
    /// The stored session this row edits, if any.
    pub session_id: Option<i64>,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The whole form, checked.
pub struct CheckedCohort {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrol_opens_at: DateTime<Utc>,
    pub enrol_closes_at: DateTime<Utc>,
    pub capacity: i64,
    pub delivery_notes: String,
    pub sessions: Vec<CheckedSession>,
}

const MAX_SESSIONS: usize = 60;

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
    /// The form for a cohort as stored, in London time.
    pub fn from_cohort(cohort: &Cohort, sessions: &[CohortSession]) -> CohortForm {
        let mut form = CohortForm::moved(cohort, sessions, chrono::Days::new(0));
        form.session_id = sessions
            .iter()
            .map(|s| s.cohort_session_id.to_string())
            .collect();
        form
    }

    /// The form for the next cohort: the same, with every date moved on by `by` and every
    /// UK clock time kept (so a session at 9:30am stays at 9:30am across a clock change).
    pub fn moved(cohort: &Cohort, sessions: &[CohortSession], by: chrono::Days) -> CohortForm {
        let shift = |day: NaiveDate| day.checked_add_days(by).unwrap_or(day);
        let mut form = CohortForm {
            name: cohort.name.clone(),
            opens_time: london_clock(cohort.enrol_opens_at),
            closes_time: london_clock(cohort.enrol_closes_at),
            capacity: cohort.capacity.to_string(),
            delivery_notes: cohort.delivery_notes.clone(),
            ..CohortForm::default()
        };
        (form.starts_day, form.starts_month, form.starts_year) = parts(shift(cohort.starts_on));
        (form.ends_day, form.ends_month, form.ends_year) = parts(shift(cohort.ends_on));
        (form.opens_day, form.opens_month, form.opens_year) =
            parts(shift(london::day_of(cohort.enrol_opens_at)));
        (form.closes_day, form.closes_month, form.closes_year) =
            parts(shift(london::day_of(cohort.enrol_closes_at)));
        for session in sessions {
            let (day, month, year) = parts(shift(london::day_of(session.starts_at)));
            form.push_row(SessionRow {
                id: String::new(),
                title: session.title.clone(),
                day,
                month,
                year,
                start: london_clock(session.starts_at),
                end: london_clock(session.ends_at),
            });
        }
        form
    }

    pub fn push_row(&mut self, row: SessionRow) {
        self.session_id.push(row.id);
        self.session_title.push(row.title);
        self.session_day.push(row.day);
        self.session_month.push(row.month);
        self.session_year.push(row.year);
        self.session_start.push(row.start);
        self.session_end.push(row.end);
    }

    pub fn rows(&self) -> Vec<SessionRow> {
        let at = |list: &Vec<String>, i: usize| list.get(i).cloned().unwrap_or_default();
        (0..self
            .session_title
            .len()
            .max(self.session_day.len())
            .min(MAX_SESSIONS + 1))
            .map(|i| SessionRow {
                id: at(&self.session_id, i),
                title: at(&self.session_title, i),
                day: at(&self.session_day, i),
                month: at(&self.session_month, i),
                year: at(&self.session_year, i),
                start: at(&self.session_start, i),
                end: at(&self.session_end, i),
            })
            .collect()
    }

    /// Applies "add another session" or "remove session N"; true when the form is to be
    /// shown again rather than saved.
    pub fn edit_rows(&mut self) -> bool {
        let mut rows = self.rows();
        match (self.remove, self.action.as_str()) {
            (Some(index), _) => {
                if index < rows.len() {
                    rows.remove(index);
                }
            }
            (None, "add_session") => {
                if rows.len() < MAX_SESSIONS {
                    rows.push(SessionRow::default());
                }
            }
            _ => return false,
        }
        for list in [
            &mut self.session_id,
            &mut self.session_title,
            &mut self.session_day,
            &mut self.session_month,
            &mut self.session_year,
            &mut self.session_start,
            &mut self.session_end,
        ] {
            list.clear();
        }
        for row in rows {
            self.push_row(row);
        }
        true
    }

    /// Checks everything; `seats_taken` bounds the capacity of an existing cohort.
    pub fn check(&self, seats_taken: i64) -> Result<CheckedCohort, FormErrors> {
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
                Ok(CheckedCohort {
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

    fn check_sessions(
        &self,
        errors: &mut FormErrors,
        starts_on: Option<NaiveDate>,
        ends_on: Option<NaiveDate>,
    ) -> Vec<CheckedSession> {
        let mut sessions = Vec::new();
        let rows = self.rows();
        if rows.len() > MAX_SESSIONS {
            errors.add(
                "sessions",
                format!("A cohort can have up to {MAX_SESSIONS} live sessions"),
            );
            return sessions;
        }
        for (i, row) in rows.iter().enumerate() {
            let blank = [
                &row.title, &row.day, &row.month, &row.year, &row.start, &row.end,
            ]
            .iter()
            .all(|v| v.trim().is_empty());
            if blank {
                continue;
            }
            let field = session_field(i);
            let n = i + 1;
            let mut problem = |message: String| errors.add(field, message);
            let title = row.title.trim();
            if title.is_empty()
                || title.chars().count() > 100
                || title.chars().any(char::is_control)
            {
                problem(format!(
                    "Session {n}: enter a title of up to 100 characters"
                ));
                continue;
            }
            let Some(day) = parse_date([&row.day, &row.month, &row.year]) else {
                problem(format!("Session {n}: enter a real date"));
                continue;
            };
            let (Some(start), Some(end)) =
                (london::parse_time(&row.start), london::parse_time(&row.end))
            else {
                problem(format!(
                    "Session {n}: enter start and end times like 9:30am or 14:00"
                ));
                continue;
            };
            if end <= start {
                problem(format!(
                    "Session {n}: the end time must be after the start time"
                ));
                continue;
            }
            if starts_on.is_some_and(|s| day < s) || ends_on.is_some_and(|e| day > e) {
                problem(format!(
                    "Session {n}: the date must be within the cohort's dates"
                ));
                continue;
            }
            match (london::to_utc(day, start), london::to_utc(day, end)) {
                (Ok(starts_at), Ok(ends_at)) => sessions.push(CheckedSession {
                    session_id: row.id.trim().parse().ok(),
                    title: title.to_owned(),
                    starts_at,
                    ends_at,
                }),
                (Err(problem_at), _) | (_, Err(problem_at)) => {
                    problem(format!("Session {n}: {problem_at}"))
                }
            }
        }
        sessions
    }
}

/// The id of a session row's first field, for the error summary's link.
pub fn session_field(index: usize) -> &'static str {
    const IDS: [&str; 10] = [
        "session_title_0",
        "session_title_1",
        "session_title_2",
        "session_title_3",
        "session_title_4",
        "session_title_5",
        "session_title_6",
        "session_title_7",
        "session_title_8",
        "session_title_9",
    ];
    IDS.get(index).copied().unwrap_or("sessions")
}

fn parts(day: NaiveDate) -> (String, String, String) {
    use chrono::Datelike;
    (
        day.day().to_string(),
        day.month().to_string(),
        day.year().to_string(),
    )
}

fn london_clock(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::London)
        .format("%H:%M")
        .to_string()
}

pub fn parse_date([day, month, year]: [&String; 3]) -> Option<NaiveDate> {
    let number = |s: &String| s.trim().parse::<u32>().ok();
    let year = year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))?;
    NaiveDate::from_ymd_opt(year, number(month)?, number(day)?)
}

fn date(
    errors: &mut FormErrors,
    field: &'static str,
    label: &str,
    values: [&String; 3],
) -> Option<NaiveDate> {
    if values.iter().all(|v| v.trim().is_empty()) {
        errors.add(field, format!("Enter the {label}"));
        return None;
    }
    let parsed = parse_date(values);
    if parsed.is_none() {
        errors.add(
            field,
            format!("The {label} must be a real date, like 27 3 2026"),
        );
    }
    parsed
}

pub(crate) fn instant(
    errors: &mut FormErrors,
    field: &'static str,
    label: &str,
    values: [&String; 3],
    time: &str,
) -> Option<DateTime<Utc>> {
    let day = date(errors, field, label, values)?;
    let Some(at) = london::parse_time(time).or_else(|| {
        time.trim()
            .is_empty()
            .then(|| NaiveTime::from_hms_opt(9, 0, 0))
            .flatten()
    }) else {
        errors.add(
            field,
            format!("Enter the time for the {label} like 9:00am or 17:00"),
        );
        return None;
    };
    london::to_utc(day, at)
        .map_err(|problem| errors.add(field, problem.to_string()))
        .ok()
}
