//! Launching the next cohort: a copy of a cohort moved to a new start date, as a draft for
//! the admin to check and save (saving it is [`super::cohorts::create`]).

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::context::Ctx;
use crate::db::DbError;
use crate::db::cohorts::{self, Cohort, CohortSession};

/// A cohort as its form shows it, on UK clocks.
#[derive(Clone, Debug)]
pub struct CohortDraft {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrol_opens: NaiveDateTime,
    pub enrol_closes: NaiveDateTime,
    pub capacity: i64,
    pub delivery_notes: String,
    pub sessions: Vec<SessionDraft>,
}

/// A live session on UK clocks.
#[derive(Clone, Debug)]
pub struct SessionDraft {
    /// The stored session, when the draft is of the cohort itself.
    pub session_id: Option<i64>,
    pub title: String,
    pub day: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl CohortDraft {
    /// The cohort as stored, on UK clocks.
    pub fn of(cohort: &Cohort, sessions: &[CohortSession]) -> CohortDraft {
        CohortDraft {
            name: cohort.name.clone(),
            starts_on: cohort.starts_on,
            ends_on: cohort.ends_on,
            enrol_opens: on_uk_clocks(cohort.enrol_opens_at),
            enrol_closes: on_uk_clocks(cohort.enrol_closes_at),
            capacity: cohort.capacity,
            delivery_notes: cohort.delivery_notes.clone(),
            sessions: sessions
                .iter()
                .map(|session| SessionDraft {
                    session_id: Some(session.cohort_session_id),
                    title: session.title.clone(),
                    day: on_uk_clocks(session.starts_at).date(),
                    start: on_uk_clocks(session.starts_at).time(),
                    end: on_uk_clocks(session.ends_at).time(),
                })
                .collect(),
        }
    }

    /// Every date moved on by `by`, every UK clock time kept (so a session at 9:30am stays
    /// at 9:30am across a clock change), and the sessions new.
    fn moved(mut self, by: Days) -> CohortDraft {
        let shift = |day: NaiveDate| day.checked_add_days(by).unwrap_or(day);
        self.starts_on = shift(self.starts_on);
        self.ends_on = shift(self.ends_on);
        self.enrol_opens = shift(self.enrol_opens.date()).and_time(self.enrol_opens.time());
        self.enrol_closes = shift(self.enrol_closes.date()).and_time(self.enrol_closes.time());
        for session in &mut self.sessions {
            session.session_id = None;
            session.day = shift(session.day);
        }
        self
    }
}

fn on_uk_clocks(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&chrono_tz::Europe::London).naive_local()
}

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("no such cohort")]
    NotFound,
    #[error("the next cohort must start after this one")]
    StartNotAfter,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The next cohort after `cohort_id`, starting on `new_start`: its dates and timetable
/// moved on by the same number of days, named for its month. Nothing is saved.
pub async fn plan_next(
    ctx: Ctx<'_>,
    cohort_id: i64,
    new_start: NaiveDate,
) -> Result<CohortDraft, LaunchError> {
    let cohort = cohorts::find(ctx.db, cohort_id)
        .await?
        .ok_or(LaunchError::NotFound)?;
    if new_start <= cohort.starts_on {
        return Err(LaunchError::StartNotAfter);
    }
    let sessions = cohorts::sessions_for(ctx.db, &[cohort_id]).await?;
    let days = u64::try_from((new_start - cohort.starts_on).num_days()).unwrap_or(0);
    let mut draft = CohortDraft::of(&cohort, &sessions).moved(Days::new(days));
    draft.name = format!("{} cohort", new_start.format("%B %Y"));
    Ok(draft)
}
