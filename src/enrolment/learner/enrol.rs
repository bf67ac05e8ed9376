//! Asking for a place: how the learner pays (or why their choice is not offered), and a
//! seat or the waiting list (what follows a seat is in [`super::seat_taken`]).

use chrono::{DateTime, Utc};

use crate::context::Actor;
use crate::db::cohorts::{self, Cohort};
use crate::db::courses::{self, Course};
use crate::db::enrolments::{self, NewEnrolment};
use crate::db::payments::Billing;
use crate::db::users::User;
use crate::db::{DbError, Tx};
use crate::domain::catalogue::CohortStatus;
use crate::domain::eligibility::LearnerType;
use crate::domain::enrolment::{self as rules, Funding, Placement, Status};

use crate::enrolment::mails::WaitlistJoined;
use crate::enrolment::notify::{facts, send};
use crate::enrolment::place::Place;
use crate::enrolment::seats::offer_free_seats;
use crate::enrolment::{EnrolmentCtx, EnrolmentError};

use super::seat_taken::seat_taken;

/// How the learner asked to take a place.
#[derive(Clone, Debug)]
pub enum Choice {
    /// A free place (NHS learners, or a course without a fee).
    Free,
    Card,
    Invoice(Billing),
    /// The cohort looked full: join the queue (an offer follows at once if a seat is free).
    WaitingList,
}

/// The outcome of asking for a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Enrolled {
    pub enrolment_id: i64,
    pub status: Status,
    /// The learner already had this enrolment (a second click on Enrol).
    pub existing: bool,
}

/// How a learner pays for a seat on a course, or why their choice is not offered.
pub fn funding_for(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    fee_pence: i64,
    choice: &Choice,
) -> Result<Option<Funding>, EnrolmentError> {
    if learner.learner_type() == LearnerType::Nhs {
        return Ok(Some(Funding::NhsFree));
    }
    if fee_pence == 0 {
        return Ok(Some(Funding::Waived));
    }
    match choice {
        Choice::Card if ctx.card.is_some() => Ok(Some(Funding::Card)),
        Choice::Invoice(_) => Ok(Some(Funding::Invoice)),
        Choice::WaitingList => Ok(None),
        Choice::Card | Choice::Free => Err(EnrolmentError::FundingNotOffered),
    }
}

/// When a hold in `status` ends, if it is a hold.
pub(super) fn hold_until(ctx: EnrolmentCtx<'_>, status: Status) -> Option<DateTime<Utc>> {
    let now = ctx.now();
    match status {
        Status::AwaitingPayment => Some(now + ctx.policy.card_hold),
        Status::AwaitingInvoice => Some(now + ctx.policy.invoice_hold),
        _ => None,
    }
}

/// Asks for a place on a cohort: a seat if one is free and nobody is queueing, otherwise
/// the waiting list. A learner who already has an active enrolment gets that one back.
pub async fn enrol(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    cohort_id: i64,
    choice: Choice,
    actor: Actor<'_>,
) -> Result<Enrolled, EnrolmentError> {
    if !learner.is_verified() {
        return Err(EnrolmentError::NotVerified);
    }
    if let Some(enrolled) = on_a_free_seat(ctx, learner, cohort_id, &choice, actor).await? {
        return Ok(enrolled);
    }
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let cohort = cohorts::lock(&mut tx, cohort_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let course = courses::find_in(&mut tx, cohort.course_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    if !course.published || cohort.status() == CohortStatus::Draft {
        return Err(EnrolmentError::NotFound);
    }
    if let Some(existing) = enrolments::find_active(&mut tx, learner.user_id, cohort_id).await? {
        return Ok(Enrolled {
            enrolment_id: existing.enrolment_id,
            status: existing.status(),
            existing: true,
        });
    }
    if !cohort.facts().is_enrolling(now) {
        return Err(EnrolmentError::NotEnrolling);
    }
    let funding = funding_for(ctx, learner, course.fee_pence, &choice)?;
    let seat_free = cohort.seats_taken < cohort.capacity;
    let queue_exists = enrolments::queue_exists(&mut tx, cohort_id).await?;
    let placement = match funding {
        Some(funding) => rules::place(funding, seat_free, queue_exists),
        None => Placement::WaitingList,
    };
    let placement = match placement {
        Placement::Seat(status) if enrolments::take_seat(&mut tx, cohort_id).await? => {
            Placement::Seat(status)
        }
        _ => Placement::WaitingList,
    };
    let status = match placement {
        Placement::Seat(status) => status,
        Placement::WaitingList => Status::Waitlisted,
    };
    let waitlist_number = match status {
        Status::Waitlisted => Some(enrolments::next_waitlist_number(&mut tx, cohort_id).await?),
        _ => None,
    };
    let new = new_enrolment(
        ctx,
        learner,
        &course,
        cohort_id,
        funding,
        status,
        waitlist_number,
    );
    let taking = Taking {
        learner,
        cohort,
        course,
        choice: &choice,
        actor,
    };
    record_new_place(ctx, tx, taking, new).await
}

/// The common case in a few statements: the course read before the transaction (so the
/// only writer on SQLite is not held for it), then the seat taken by the conditional update
/// (which also locks the cohort, and checks nobody is queueing, the learner has no place
/// there yet and the course is still published at that fee), then the cohort enrolling.
/// Any "no" rolls back and answers None, and the step-by-step path in [`enrol`] decides and
/// explains.
async fn on_a_free_seat(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    cohort_id: i64,
    choice: &Choice,
    actor: Actor<'_>,
) -> Result<Option<Enrolled>, EnrolmentError> {
    if matches!(choice, Choice::WaitingList) {
        return Ok(None);
    }
    let Some((course, funding)) = course_and_funding(ctx, learner, cohort_id, choice).await? else {
        return Ok(None);
    };
    let mut tx = ctx.db().begin().await?;
    let Some((cohort, new)) =
        free_seat_taken(ctx, &mut tx, learner, cohort_id, &course, funding).await?
    else {
        // Now, not when the connection is next used: on PostgreSQL the cohort's row stays
        // locked until then, and the step-by-step path is about to lock it.
        tx.rollback().await?;
        return Ok(None);
    };
    let taking = Taking {
        learner,
        cohort,
        course,
        choice,
        actor,
    };
    record_new_place(ctx, tx, taking, new).await.map(Some)
}

/// The cohort's course, if it is published and offers this learner a seat with their
/// choice, and how the seat is funded.
async fn course_and_funding(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    cohort_id: i64,
    choice: &Choice,
) -> Result<Option<(Course, Funding)>, EnrolmentError> {
    let Some(course) = courses::of_cohort(ctx.db(), cohort_id).await? else {
        return Ok(None);
    };
    if !course.published {
        return Ok(None);
    }
    match funding_for(ctx, learner, course.fee_pence, choice) {
        Ok(Some(funding)) => Ok(Some((course, funding))),
        _ => Ok(None),
    }
}

/// The seat taken in `tx` and the new place's row, or None when the free-seat path does
/// not apply (the seat update may then need rolling back).
async fn free_seat_taken(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    learner: &User,
    cohort_id: i64,
    course: &Course,
    funding: Funding,
) -> Result<Option<(Cohort, NewEnrolment)>, EnrolmentError> {
    let Placement::Seat(status) = rules::place(funding, true, false) else {
        return Ok(None);
    };
    let checked = cohorts::SeatCourse {
        course_id: course.course_id,
        fee_pence: course.fee_pence,
    };
    let Some(cohort) = cohorts::lock_taking_seat(tx, cohort_id, learner.user_id, checked).await?
    else {
        return Ok(None);
    };
    if !cohort.facts().is_enrolling(ctx.now()) {
        return Ok(None);
    }
    let new = new_enrolment(ctx, learner, course, cohort_id, Some(funding), status, None);
    Ok(Some((cohort, new)))
}

/// What a new place is taken with, read or decided under the cohort's lock.
struct Taking<'a> {
    learner: &'a User,
    cohort: Cohort,
    course: Course,
    choice: &'a Choice,
    actor: Actor<'a>,
}

/// The row for a new place in `status`: what it costs, how it is funded and how long a hold
/// lasts.
fn new_enrolment(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    course: &Course,
    cohort_id: i64,
    funding: Option<Funding>,
    status: Status,
    waitlist_number: Option<i64>,
) -> NewEnrolment {
    NewEnrolment {
        user_id: learner.user_id,
        cohort_id,
        status,
        funding: match status {
            Status::Waitlisted => funding.filter(|f| *f == Funding::NhsFree),
            _ => funding,
        },
        fee_pence: match funding {
            Some(Funding::Card | Funding::Invoice) => course.fee_pence,
            _ => 0,
        },
        over_capacity: false,
        waitlist_number,
        hold_expires_at: hold_until(ctx, status),
    }
}

/// Writes the new place with its history and audit event, queues its email (and, for a
/// place in the queue, offers any free seat), and commits.
async fn record_new_place(
    ctx: EnrolmentCtx<'_>,
    mut tx: Tx,
    taking: Taking<'_>,
    new: NewEnrolment,
) -> Result<Enrolled, EnrolmentError> {
    let now = ctx.now();
    let Taking {
        learner,
        cohort,
        course,
        choice,
        actor,
    } = taking;
    let enrolment = match enrolments::insert(&mut tx, &new, now).await {
        Ok(enrolment) => enrolment,
        Err(DbError::UniqueViolation(_)) => {
            // A second click committed first: that enrolment is the answer.
            drop(tx);
            return existing_enrolment(ctx, learner, new.cohort_id).await;
        }
        Err(other) => return Err(other.into()),
    };
    let (enrolment_id, status) = (enrolment.enrolment_id, enrolment.status());
    enrolments::record_event(&mut tx, enrolment_id, None, status, actor.user_id, "", now).await?;
    crate::db::audit::audit(
        &mut tx,
        actor.user_id,
        Some(learner.user_id),
        "enrolment.created",
        &format!("{} {}", rules::reference(enrolment_id), status.as_str()),
        actor.client,
        now,
    )
    .await?;
    let mut place = Place {
        enrolment,
        cohort,
        course,
        learner: learner.clone(),
    };
    match status {
        Status::Waitlisted => {
            let position = enrolments::waiting_rank(&mut tx, &place.enrolment).await?;
            let mail = WaitlistJoined {
                p: facts(ctx.site(), &place),
                position,
            };
            send(ctx.ctx, &mut tx, &place, "waitlisted", &mail).await?;
            offer_free_seats(ctx, &mut tx, place.cohort.cohort_id).await?;
            place.enrolment = enrolments::find_in(&mut tx, enrolment_id)
                .await?
                .ok_or(EnrolmentError::NotFound)?;
        }
        _ => seat_taken(ctx.ctx, &mut tx, &place, choice).await?,
    }
    tx.commit().await?;
    Ok(Enrolled {
        enrolment_id,
        status: place.enrolment.status(),
        existing: false,
    })
}

/// The learner's active enrolment on a cohort, read after a concurrent enrol committed.
async fn existing_enrolment(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    cohort_id: i64,
) -> Result<Enrolled, EnrolmentError> {
    let enrolment_id = enrolments::active_for_user(ctx.db(), learner.user_id)
        .await?
        .into_iter()
        .find(|(cohort, ..)| *cohort == cohort_id)
        .map(|(_, enrolment_id, _)| enrolment_id)
        .ok_or(EnrolmentError::NotFound)?;
    let enrolment = enrolments::find(ctx.db(), enrolment_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    Ok(Enrolled {
        enrolment_id,
        status: enrolment.status(),
        existing: true,
    })
}
