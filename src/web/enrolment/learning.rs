//! What a learner's enrolment page shows of their learning: their attendance at each live
//! session, the course evaluation (due, sent or not yet open), and how the course ended
//! for them (completed, or not completed and why).

use crate::db::cohorts::{self, CohortSession};
use crate::db::enrolments::{self, EnrolmentView};
use crate::db::{attendance, courses, evaluations};
use crate::domain::catalogue::cohort_over_at;
use crate::domain::enrolment::Status;
use crate::domain::learning::took_part;
use crate::domain::london;
use crate::error::AppError;
use crate::state::AppState;

/// One session's mark as the learner sees it.
pub struct AttendanceRow {
    pub title: String,
    pub when: String,
    /// "Present", "Absent", "Excused: …" or "Not recorded yet".
    pub mark: String,
}

/// Where the learner's evaluation stands.
pub enum EvaluationState {
    /// Not for this place (it never took part).
    None,
    /// Opens after the last live session.
    NotYet {
        opens: String,
    },
    /// Open, not sent: `required` before completion.
    Due {
        required: bool,
    },
    Sent {
        on: String,
    },
}

pub struct LearningSection {
    pub attendance: Vec<AttendanceRow>,
    pub evaluation: EvaluationState,
    /// How the course ended for them: (when, the admin's reason if not completed).
    pub outcome: Option<(String, String)>,
}

pub async fn section(state: &AppState, view: &EnrolmentView) -> Result<LearningSection, AppError> {
    let status = view.enrolment.status();
    if !took_part(status) {
        return Ok(LearningSection {
            attendance: Vec::new(),
            evaluation: EvaluationState::None,
            outcome: None,
        });
    }
    let id = view.enrolment.enrolment_id;
    let sessions: Vec<CohortSession> =
        cohorts::sessions_for(&state.db, &[view.enrolment.cohort_id]).await?;
    let marks = attendance::marks_for_enrolment(&state.db, id).await?;
    let now = state.clock.now();
    let attendance = sessions
        .iter()
        .map(|s| {
            let mark = marks
                .iter()
                .find(|m| m.cohort_session_id == s.cohort_session_id);
            AttendanceRow {
                title: s.title.clone(),
                when: london::date_time(s.starts_at),
                mark: match mark {
                    Some(m) if m.note.is_empty() => m.mark.label().to_owned(),
                    Some(m) => format!("{}: {}", m.mark.label(), m.note),
                    None if now < s.starts_at => "Not yet".to_owned(),
                    None => "Not recorded yet".to_owned(),
                },
            }
        })
        .collect();
    let over_at = cohort_over_at(sessions.iter().map(|s| s.ends_at).max(), view.ends_on);
    let evaluation = match evaluations::for_enrolment(&state.db, id).await? {
        Some(sent) => EvaluationState::Sent {
            on: london::date(london::day_of(sent.submitted_at)),
        },
        None if now < over_at => EvaluationState::NotYet {
            opens: london::date_time(over_at),
        },
        None => {
            let cohort = cohorts::find(&state.db, view.enrolment.cohort_id).await?;
            let course = match cohort {
                Some(c) => courses::find(&state.db, c.course_id).await?,
                None => None,
            };
            EvaluationState::Due {
                required: status == Status::Confirmed
                    && course.is_some_and(|c| c.evaluation_required),
            }
        }
    };
    let outcome = match status {
        Status::Completed | Status::NotCompleted => enrolments::events(&state.db, id)
            .await?
            .into_iter()
            .rev()
            .find(|e| e.to_status == status.as_str())
            .map(|e| (london::date(london::day_of(e.occurred_at)), e.note)),
        _ => None,
    };
    Ok(LearningSection {
        attendance,
        evaluation,
        outcome,
    })
}
