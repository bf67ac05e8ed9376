//! The course evaluation: asking each learner once, by email, after their cohort's last
//! live session, and storing what they send (final once sent: feedback is not rewritten
//! after the education team may have read it).

use chrono::{DateTime, Duration, Utc};

use crate::context::{Actor, Ctx};
use crate::db::audit::{self, AuditEvent};
use crate::db::evaluations::{self, NewEvaluation};
use crate::db::{DbError, cohorts, courses, enrolments};
use crate::domain::audit::SubjectKind;
use crate::domain::enrolment::{Status, reference};
use crate::domain::learning::{RATINGS, took_part};
use crate::domain::london;
use crate::enrolment::EnrolmentError;
use crate::enrolment::notify::{facts, send};
use crate::enrolment::place::open_place;
use crate::paths;

use super::mails::EvaluationRequest;
use super::over_at;

/// A cohort over longer ago than this is not asked: a new installation does not mail the
/// learners of every past cohort.
const ASK_WITHIN: Duration = Duration::days(30);
const BATCH: i64 = 100;

/// What a learner sent, checked by the form.
#[derive(Clone, Debug)]
pub struct EvaluationInput {
    /// 1 to 5.
    pub overall: i64,
    /// How far each of the course's learning outcomes was met, 1 to 5, in its order.
    pub outcomes: Vec<i64>,
    pub practice: String,
    pub comments: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EvaluationError {
    #[error("no such enrolment")]
    NotFound,
    /// Only learners who took part (a confirmed place, completed or not) are evaluated.
    #[error("only a learner who took part in the cohort can send its evaluation")]
    NotTakingPart(Status),
    #[error("the evaluation opens after the last live session")]
    NotOpenYet { opens_at: DateTime<Utc> },
    #[error("the evaluation has already been sent")]
    AlreadySent,
    /// The course's learning outcomes changed since the form was shown.
    #[error("the course's learning outcomes have changed since the form was shown")]
    OutcomesChanged,
    #[error("a rating must be from 1 to 5")]
    BadRating,
    /// Reading the place or queueing the request mail failed.
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Stores the learner's evaluation of their enrolment's course, with one audit event.
pub async fn submit(
    ctx: Ctx<'_>,
    learner_id: i64,
    enrolment_id: i64,
    input: &EvaluationInput,
    by: Actor<'_>,
) -> Result<(), EvaluationError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let enrolment = enrolments::find_in(&mut tx, enrolment_id)
        .await?
        .filter(|e| e.user_id == learner_id)
        .ok_or(EvaluationError::NotFound)?;
    if !took_part(enrolment.status()) {
        return Err(EvaluationError::NotTakingPart(enrolment.status()));
    }
    let cohort = cohorts::find_in(&mut tx, enrolment.cohort_id)
        .await?
        .ok_or(EvaluationError::NotFound)?;
    let course = courses::find_in(&mut tx, cohort.course_id)
        .await?
        .ok_or(EvaluationError::NotFound)?;
    let sessions = cohorts::sessions_in(&mut tx, cohort.cohort_id).await?;
    let opens_at = over_at(&cohort, &sessions);
    if now < opens_at {
        return Err(EvaluationError::NotOpenYet { opens_at });
    }
    if evaluations::sent_in(&mut tx, enrolment_id).await? {
        return Err(EvaluationError::AlreadySent);
    }
    let outcomes = course.outcomes();
    if outcomes.len() != input.outcomes.len() {
        return Err(EvaluationError::OutcomesChanged);
    }
    let ratings = std::iter::once(&input.overall).chain(&input.outcomes);
    if ratings.into_iter().any(|r| !RATINGS.contains(r)) {
        return Err(EvaluationError::BadRating);
    }
    let rated: Vec<(String, i64)> = outcomes
        .iter()
        .map(|o| (*o).to_owned())
        .zip(input.outcomes.iter().copied())
        .collect();
    let new = NewEvaluation {
        enrolment_id,
        overall_rating: input.overall,
        practice: input.practice.trim(),
        comments: input.comments.trim(),
        outcomes: &rated,
    };
    evaluations::insert(&mut tx, &new, now)
        .await
        .map_err(|error| match error {
            DbError::UniqueViolation(_) => EvaluationError::AlreadySent,
            other => other.into(),
        })?;
    let detail = reference(enrolment_id);
    let event = AuditEvent::new("evaluation_sent")
        .by(by.user_id, by.client)
        .about(Some(learner_id))
        .on(SubjectKind::Enrolment, enrolment_id)
        .detail(&detail);
    audit::record(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Asks each learner whose cohort is now over (within the last 30 days) for the
/// evaluation, once: the request is recorded and its email queued in one transaction, so
/// two processes running this at once ask once. Returns how many were asked.
pub async fn request_due(ctx: Ctx<'_>) -> Result<usize, EvaluationError> {
    let now = ctx.now();
    let since = now - ASK_WITHIN;
    let due = evaluations::due_requests(
        ctx.db,
        now,
        london::day_of(now),
        since,
        london::day_of(since),
        BATCH,
    )
    .await?;
    let mut asked = 0;
    for enrolment_id in due {
        let (mut tx, place) = open_place(ctx, enrolment_id).await?;
        let still_asked = matches!(
            place.enrolment.status(),
            Status::Confirmed | Status::Completed
        );
        if !still_asked || !evaluations::mark_requested(&mut tx, enrolment_id, now).await? {
            continue;
        }
        let mail = EvaluationRequest {
            p: facts(ctx.site, &place),
            evaluation_url: ctx.site.url(&paths::enrolment_evaluation(enrolment_id)),
            required: place.course.evaluation_required,
        };
        send(ctx, &mut tx, &place, "evaluation_request", &mail).await?;
        tx.commit().await?;
        asked += 1;
    }
    Ok(asked)
}
