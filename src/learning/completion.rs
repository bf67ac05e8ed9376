//! Who completed the course: the preview of the course's rule for each learner on a
//! cohort's register, and the admin's decisions (complete one learner, everyone who meets
//! the rule, or "did not complete" with a reason). Each decision is one transaction that
//! moves the place (history and audit through `enrolment::seats::apply`), issues the
//! certificate of a completion, and queues the learner's email.

use chrono::{DateTime, Utc};

use crate::certificates::{CertificateError, issue_in};
use crate::db::attendance::{self, MarkRow, OnRegister};
use crate::db::cohorts::{self, Cohort, CohortSession};
use crate::db::courses::{self, Course};
use crate::db::enrolments::Changes;
use crate::db::{Db, DbError, Tx, evaluations};
use crate::domain::enrolment::{self as rules, Refused, Status, Step};
use crate::domain::learning::{
    Mark, Progress, Requirement, Shortfall, Verdict, assess, blocks_completion,
};
use crate::enrolment::notify::{facts, send};
use crate::enrolment::place::{Place, open_place, read_place};
use crate::enrolment::seats::apply;
use crate::enrolment::{EnrolmentCtx, EnrolmentError};

use super::mails::CourseNotCompleted;
use super::{Actor, over_at};

#[derive(Debug, thiserror::Error)]
pub enum CompletionError {
    #[error("no such cohort or enrolment")]
    NotFound,
    /// Only a confirmed place is completed or not (a waiting, cancelled or already
    /// decided one is refused).
    #[error("only a confirmed place can be marked completed or not completed")]
    NotConfirmed(#[from] Refused),
    /// Completion is decided once the cohort is over.
    #[error("the cohort is not over yet")]
    NotOver { over_at: DateTime<Utc> },
    /// The course asks for the evaluation first, and the learner has not sent it.
    #[error("the course requires the evaluation before completion, and it has not been sent")]
    EvaluationRequired,
    #[error("say why the learner did not complete the course")]
    ReasonRequired,
    /// "Everyone who meets the rule" on a course where an admin decides for each learner.
    #[error("on this course an admin decides for each learner")]
    AdminDecides,
    /// The place could not be moved or its mail queued (storage, mail, address).
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    /// The completion's certificate could not be issued.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl CompletionError {
    /// A failure underneath (a 500 on a page), not a refusal a person can act on.
    pub fn is_internal(&self) -> bool {
        match self {
            CompletionError::Enrolment(error) => error.is_internal(),
            // Issuing for a place just completed has no refusal a person could act on.
            CompletionError::Db(_) | CompletionError::Certificate(_) => true,
            _ => false,
        }
    }
}

/// One learner on the register with where they stand and what the rule says.
#[derive(Clone, Debug)]
pub struct Standing {
    pub learner: OnRegister,
    pub progress: Progress,
    pub verdict: Verdict,
}

/// The course's rule applied to everyone on a cohort's register.
#[derive(Clone, Debug)]
pub struct Preview {
    pub requirement: Requirement,
    /// The cohort's live sessions, and how many a learner must attend.
    pub sessions: i64,
    pub needed: i64,
    pub over_at: DateTime<Utc>,
    pub learners: Vec<Standing>,
}

impl Preview {
    /// Confirmed learners the rule completes: "mark everyone who meets the rule" does these.
    pub fn will_complete(&self) -> impl Iterator<Item = &Standing> {
        self.learners
            .iter()
            .filter(|s| s.learner.status == Status::Confirmed && s.verdict == Verdict::Completes)
    }
}

/// The preview as the cohort's page shows it.
pub async fn preview(db: &Db, cohort: &Cohort, course: &Course) -> Result<Preview, DbError> {
    let sessions = cohorts::sessions_for(db, &[cohort.cohort_id]).await?;
    let register = attendance::register(db, cohort.cohort_id).await?;
    let marks = attendance::marks_for_cohort(db, cohort.cohort_id).await?;
    let sent = evaluations::sent_in_cohort(db, cohort.cohort_id).await?;
    Ok(assemble(cohort, course, &sessions, register, &marks, &sent))
}

/// [`preview`] as this transaction sees it.
async fn preview_in(tx: &mut Tx, cohort: &Cohort, course: &Course) -> Result<Preview, DbError> {
    let sessions = cohorts::sessions_in(tx, cohort.cohort_id).await?;
    let register = attendance::register_in(tx, cohort.cohort_id).await?;
    let marks = attendance::marks_for_cohort_in(tx, cohort.cohort_id).await?;
    let sent = evaluations::sent_in_cohort_in(tx, cohort.cohort_id).await?;
    Ok(assemble(cohort, course, &sessions, register, &marks, &sent))
}

fn assemble(
    cohort: &Cohort,
    course: &Course,
    sessions: &[CohortSession],
    register: Vec<OnRegister>,
    marks: &[MarkRow],
    sent: &[i64],
) -> Preview {
    let requirement = course.requirement();
    let total = i64::try_from(sessions.len()).unwrap_or(i64::MAX);
    let learners = register
        .into_iter()
        .map(|learner| {
            let attended = marks
                .iter()
                .filter(|m| m.enrolment_id == learner.enrolment_id && m.mark == Mark::Present)
                .count();
            let progress = Progress {
                sessions: total,
                attended: i64::try_from(attended).unwrap_or(i64::MAX),
                evaluation_done: sent.contains(&learner.enrolment_id),
            };
            Standing {
                verdict: assess(&requirement, &progress),
                progress,
                learner,
            }
        })
        .collect();
    Preview {
        requirement,
        sessions: total,
        needed: requirement.sessions_needed(total),
        over_at: over_at(cohort, sessions),
        learners,
    }
}

/// What an admin decided about a learner.
#[derive(Clone, Copy, Debug)]
pub enum Outcome<'a> {
    Completed,
    NotCompleted { reason: &'a str },
}

/// Marks one learner as having completed the course. Their attendance may fall short of
/// the rule (the admin decides), but a required evaluation must have been sent.
pub async fn complete(
    ctx: EnrolmentCtx<'_>,
    by: Actor<'_>,
    enrolment_id: i64,
) -> Result<(), CompletionError> {
    let (mut tx, mut place) = open_decision(ctx, enrolment_id, Step::Completed).await?;
    let standing = preview_in(&mut tx, &place.cohort, &place.course)
        .await?
        .learners
        .into_iter()
        .find(|s| s.learner.enrolment_id == enrolment_id)
        .ok_or(CompletionError::NotFound)?;
    if let Some(Shortfall::EvaluationNotDone) =
        blocks_completion(&place.course.requirement(), &standing.progress)
    {
        return Err(CompletionError::EvaluationRequired);
    }
    record_outcome(ctx, &mut tx, &mut place, Outcome::Completed, by).await?;
    tx.commit().await?;
    Ok(())
}

/// Records that one learner did not complete the course, with the reason they are sent.
pub async fn not_complete(
    ctx: EnrolmentCtx<'_>,
    by: Actor<'_>,
    enrolment_id: i64,
    reason: &str,
) -> Result<(), CompletionError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CompletionError::ReasonRequired);
    }
    let (mut tx, mut place) = open_decision(ctx, enrolment_id, Step::NotCompleted).await?;
    let outcome = Outcome::NotCompleted { reason };
    record_outcome(ctx, &mut tx, &mut place, outcome, by).await?;
    tx.commit().await?;
    Ok(())
}

/// Completes every confirmed learner of the cohort who meets the course's rule now (the
/// rule is read again under the cohort's lock), in one transaction. Returns how many.
pub async fn complete_everyone_who_meets_the_rule(
    ctx: EnrolmentCtx<'_>,
    by: Actor<'_>,
    cohort_id: i64,
) -> Result<usize, CompletionError> {
    let mut tx = ctx.db().begin().await?;
    let cohort = cohorts::lock(&mut tx, cohort_id)
        .await?
        .ok_or(CompletionError::NotFound)?;
    let course = courses::find_in(&mut tx, cohort.course_id)
        .await?
        .ok_or(CompletionError::NotFound)?;
    if course.requirement().rule == crate::domain::learning::CompletionRule::AdminDecides {
        return Err(CompletionError::AdminDecides);
    }
    let preview = preview_in(&mut tx, &cohort, &course).await?;
    if ctx.now() < preview.over_at {
        return Err(CompletionError::NotOver {
            over_at: preview.over_at,
        });
    }
    let meeting: Vec<i64> = preview
        .will_complete()
        .map(|s| s.learner.enrolment_id)
        .collect();
    for enrolment_id in &meeting {
        let mut place = read_place(&mut tx, *enrolment_id, cohort.clone()).await?;
        record_outcome(ctx, &mut tx, &mut place, Outcome::Completed, by).await?;
    }
    tx.commit().await?;
    Ok(meeting.len())
}

/// Opens the place under its cohort's lock, and refuses a decision its state does not
/// allow or that comes before the cohort is over.
async fn open_decision(
    ctx: EnrolmentCtx<'_>,
    enrolment_id: i64,
    step: Step,
) -> Result<(Tx, Place), CompletionError> {
    let (mut tx, place) = open_place(ctx.ctx, enrolment_id)
        .await
        .map_err(|error| match error {
            EnrolmentError::NotFound => CompletionError::NotFound,
            other => other.into(),
        })?;
    rules::next(place.enrolment.status(), step)?;
    let sessions = cohorts::sessions_in(&mut tx, place.cohort.cohort_id).await?;
    let over_at = over_at(&place.cohort, &sessions);
    if ctx.now() < over_at {
        return Err(CompletionError::NotOver { over_at });
    }
    Ok((tx, place))
}

/// Every completion and non-completion passes through here, in the caller's
/// transaction: the place moves (the conditional state change, its history row with the
/// reason, the audit event, the seat count: `seats::apply`), and the learner is emailed.
pub async fn record_outcome(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    place: &mut Place,
    outcome: Outcome<'_>,
    by: Actor<'_>,
) -> Result<(), CompletionError> {
    match outcome {
        Outcome::Completed => {
            apply(ctx, tx, place, Step::Completed, Changes::default(), by, "").await?;
            // The certificate's "ready" mail is the learner's news of the completion: it
            // congratulates them, gives the CPD time and links the certificate.
            let now = ctx.ctx.now();
            issue_in(tx, ctx.ctx, place.enrolment.enrolment_id, now).await?;
        }
        Outcome::NotCompleted { reason } => {
            let step = Step::NotCompleted;
            apply(ctx, tx, place, step, Changes::default(), by, reason).await?;
            let mail = CourseNotCompleted {
                p: facts(ctx.site(), place),
                reason: reason.to_owned(),
            };
            send(ctx.ctx, tx, place, "not_completed", &mail).await?;
        }
    }
    Ok(())
}
