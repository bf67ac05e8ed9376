//! The cohort form's live-session rows: shown again as typed, added and removed by buttons
//! (no JavaScript), and checked one by one against the cohort's dates.

use chrono::NaiveDate;

use super::CohortForm;
use crate::catalogue::cohorts::SessionInput;
use crate::domain::london;
use crate::web::dates::parse_date;
use crate::web::forms::FormErrors;

const MAX_SESSIONS: usize = 60;

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

impl CohortForm {
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

    /// Every row that is not left empty, checked; a problem goes beside its row.
    pub(super) fn check_sessions(
        &self,
        errors: &mut FormErrors,
        starts_on: Option<NaiveDate>,
        ends_on: Option<NaiveDate>,
    ) -> Vec<SessionInput> {
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
                (Ok(starts_at), Ok(ends_at)) => sessions.push(SessionInput {
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
