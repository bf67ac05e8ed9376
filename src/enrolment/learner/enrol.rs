//! Asking for a place: how the learner pays (or why their choice is not offered), and a
//! seat or the waiting list (what follows a seat is in [`super::seat_taken`]).

use chrono::{DateTime, Utc};

use crate::context::Actor;
use crate::db::audit::{self, AuditEvent};
use crate::db::cohorts::{self, Cohort, CohortSession};
use crate::db::courses::{self, Course};
use crate::db::enrolments::{self, Enrolment, NewEnrolment};
use crate::db::payments::Billing;
use crate::db::users::User;
use crate::db::writes::Writes;
use crate::db::{Backend, DbError, Tx};
use crate::domain::audit::SubjectKind;
use crate::domain::catalogue::CohortStatus;
use crate::domain::eligibility::LearnerType;
use crate::domain::enrolment::{self as rules, Funding, Placement, Status};

use crate::enrolment::mails::WaitlistJoined;
use crate::enrolment::notify::{facts, push_confirmation, send};
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
    let enrolment = new.with_id(enrolments::next_id(&mut tx).await?, now);
    let (writes, mut place) =
        place_rows(ctx, tx.backend(), learner, cohort, course, enrolment, actor);
    if let Err(error) = writes.run(&mut tx).await {
        return after_failed_insert(ctx, tx, learner, cohort_id, error).await;
    }
    match status {
        Status::Waitlisted => {
            let position = enrolments::waiting_rank(&mut tx, &place.enrolment).await?;
            let mail = WaitlistJoined {
                p: facts(ctx.site(), &place),
                position,
            };
            send(ctx.ctx, &mut tx, &place, "waitlisted", &mail).await?;
            offer_free_seats(ctx, &mut tx, cohort_id).await?;
            place.enrolment = enrolments::find_in(&mut tx, place.enrolment.enrolment_id)
                .await?
                .ok_or(EnrolmentError::NotFound)?;
        }
        _ => seat_taken(ctx.ctx, &mut tx, &place, &choice).await?,
    }
    tx.commit().await?;
    Ok(Enrolled {
        enrolment_id: place.enrolment.enrolment_id,
        status: place.enrolment.status(),
        existing: false,
    })
}

/// The common case, a free confirmed place, in one go: the course, cohort and sessions
/// come from the published content in memory (so nothing is read first), and the seat,
/// the place, its history, audit event and confirmation email are one text on SQLite and
/// one statement on PostgreSQL ([`enrolments::take_and_write`]), written only if the seat
/// is still free, nobody is queueing, the learner has no place there yet, the course is
/// still published at that fee and the content unchanged since it was loaded. Any "no"
/// writes nothing and answers None, and the step-by-step path in [`enrol`] decides and
/// explains. Holds (card, invoice) take that path too: their payment rows follow the seat.
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
    let content = ctx.published.latest();
    let (Some(entry), Some(cohort)) = (
        content.course_of_cohort(cohort_id),
        content.cohort(cohort_id),
    ) else {
        return Ok(None);
    };
    let course = &entry.course;
    if !cohort.facts().is_enrolling(ctx.now()) {
        return Ok(None);
    }
    let Ok(Some(funding)) = funding_for(ctx, learner, course.fee_pence, choice) else {
        return Ok(None);
    };
    if rules::place(funding, true, false) != Placement::Seat(Status::Confirmed) {
        return Ok(None);
    }
    let claim = enrolments::SeatClaim {
        cohort_id,
        user_id: learner.user_id,
        course_id: course.course_id,
        fee_pence: course.fee_pence,
        content_version: content.version,
    };
    let sessions: Vec<CohortSession> = content
        .sessions(cohort_id)
        .iter()
        .map(|entry| entry.session.clone())
        .collect();
    let new = new_enrolment(
        ctx,
        learner,
        course,
        cohort_id,
        Some(funding),
        Status::Confirmed,
        None,
    );
    let backend = ctx.db().backend();
    let place_for = |enrolment_id| {
        let enrolment = new.with_id(enrolment_id, ctx.now());
        let mut follow = Writes::new(backend);
        push_follow_ups(ctx, &mut follow, learner, &enrolment, actor);
        let place = Place {
            enrolment,
            cohort: cohort.clone(),
            course: course.clone(),
            learner: learner.clone(),
        };
        push_confirmation(ctx.ctx, &mut follow, &place, &sessions)?;
        Ok::<_, EnrolmentError>((place.enrolment, follow))
    };
    match enrolments::take_and_write(ctx.db(), claim, place_for).await {
        Ok(taken) => Ok(taken.map(|enrolment_id| Enrolled {
            enrolment_id,
            status: Status::Confirmed,
            existing: false,
        })),
        // A second click committed first.
        Err(EnrolmentError::Db(DbError::UniqueViolation(_))) => {
            existing_enrolment(ctx, learner, cohort_id).await.map(Some)
        }
        Err(error) => Err(error),
    }
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

/// The writes of a new place (its row, history and audit event), and the place they make.
fn place_rows(
    ctx: EnrolmentCtx<'_>,
    backend: Backend,
    learner: &User,
    cohort: Cohort,
    course: Course,
    enrolment: Enrolment,
    actor: Actor<'_>,
) -> (Writes, Place) {
    let mut writes = Writes::new(backend);
    enrolments::push_insert(&mut writes, &enrolment);
    push_follow_ups(ctx, &mut writes, learner, &enrolment, actor);
    let place = Place {
        enrolment,
        cohort,
        course,
        learner: learner.clone(),
    };
    (writes, place)
}

/// What follows a new place's row: its history and audit event.
fn push_follow_ups(
    ctx: EnrolmentCtx<'_>,
    writes: &mut Writes,
    learner: &User,
    enrolment: &Enrolment,
    actor: Actor<'_>,
) {
    let now = ctx.now();
    let (enrolment_id, status) = (enrolment.enrolment_id, enrolment.status());
    enrolments::push_event(writes, enrolment_id, (None, status), actor.user_id, "", now);
    let detail = format!("{} {}", rules::reference(enrolment_id), status.as_str());
    let event = AuditEvent::new("enrolment.created")
        .by(actor.user_id, actor.client)
        .about(Some(learner.user_id))
        .on(SubjectKind::Enrolment, enrolment_id)
        .detail(&detail);
    audit::push(writes, &event, now);
}

/// A new place's writes failed: if a second click committed first, that enrolment is the
/// answer.
async fn after_failed_insert(
    ctx: EnrolmentCtx<'_>,
    tx: Tx,
    learner: &User,
    cohort_id: i64,
    error: DbError,
) -> Result<Enrolled, EnrolmentError> {
    match error {
        DbError::UniqueViolation(_) => {
            tx.rollback().await?;
            existing_enrolment(ctx, learner, cohort_id).await
        }
        other => Err(other.into()),
    }
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
