//! Taking the register of a live session: a mark (present, absent, excused with a note)
//! for each learner on the cohort's register, saved together with one audit event.

use chrono::{DateTime, Utc};

use crate::context::{Actor, Ctx};
use crate::db::audit::{self, AuditEvent};
use crate::db::{DbError, attendance, cohorts};
use crate::domain::audit::SubjectKind;
use crate::domain::catalogue::CohortStatus;
use crate::domain::learning::{Mark, note_required};

/// One learner's row of the register as the admin left it.
#[derive(Clone, Debug)]
pub struct MarkInput {
    pub enrolment_id: i64,
    /// `None`: not recorded (a stored mark is taken off).
    pub mark: Option<Mark>,
    pub note: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AttendanceError {
    #[error("no such live session")]
    NotFound,
    /// A register is taken from the moment the session starts.
    #[error("the register opens when the session starts")]
    NotStarted { starts_at: DateTime<Utc> },
    #[error("a cancelled cohort has no register")]
    CohortCancelled,
    /// Only learners who took part (a confirmed place, or completed or not) are marked.
    #[error("enrolment {0} is not on this session's register")]
    NotOnRegister(i64),
    #[error("an excused absence needs a note saying why")]
    NoteRequired(i64),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What one save left on the register.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recorded {
    pub present: usize,
    pub absent: usize,
    pub excused: usize,
    pub not_recorded: usize,
}

/// Saves the marks of one session's register. The cohort is locked first, so nobody's
/// place changes while their mark is written; every learner named must be on the
/// register, and an excused absence needs its note. One audit event for the save.
pub async fn record(
    ctx: Ctx<'_>,
    by: Actor<'_>,
    session_id: i64,
    marks: &[MarkInput],
) -> Result<Recorded, AttendanceError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let session = attendance::find_session_in(&mut tx, session_id)
        .await?
        .ok_or(AttendanceError::NotFound)?;
    let cohort = cohorts::lock(&mut tx, session.cohort_id)
        .await?
        .ok_or(AttendanceError::NotFound)?;
    if cohort.status() == CohortStatus::Cancelled {
        return Err(AttendanceError::CohortCancelled);
    }
    if now < session.starts_at {
        return Err(AttendanceError::NotStarted {
            starts_at: session.starts_at,
        });
    }
    let register = attendance::register_in(&mut tx, cohort.cohort_id).await?;
    let mut recorded = Recorded::default();
    for input in marks {
        if !register
            .iter()
            .any(|l| l.enrolment_id == input.enrolment_id)
        {
            return Err(AttendanceError::NotOnRegister(input.enrolment_id));
        }
        let note = input.note.trim();
        match input.mark {
            Some(mark) if note_required(mark) && note.is_empty() => {
                return Err(AttendanceError::NoteRequired(input.enrolment_id));
            }
            Some(mark) => {
                attendance::set(
                    &mut tx,
                    session_id,
                    input.enrolment_id,
                    mark,
                    note,
                    by.user_id,
                    now,
                )
                .await?;
                match mark {
                    Mark::Present => recorded.present += 1,
                    Mark::Absent => recorded.absent += 1,
                    Mark::Excused => recorded.excused += 1,
                }
            }
            None => {
                attendance::clear(&mut tx, session_id, input.enrolment_id).await?;
                recorded.not_recorded += 1;
            }
        }
    }
    let detail = format!(
        "session {session_id} of cohort {}: {} present, {} absent, {} excused, {} not recorded",
        cohort.cohort_id,
        recorded.present,
        recorded.absent,
        recorded.excused,
        recorded.not_recorded
    );
    let event = AuditEvent::new("attendance_recorded")
        .by(by.user_id, by.client)
        .on(SubjectKind::Session, session_id)
        .detail(&detail);
    audit::record(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(recorded)
}
