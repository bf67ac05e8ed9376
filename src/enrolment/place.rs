//! One place and one step on it: reading the place under its cohort's lock, and moving its
//! enrolment with the conditional write, the history, the audit event and the seat taken.

use crate::context::{Actor, Ctx};
use crate::db::Tx;
use crate::db::audit::{self, AuditEvent};
use crate::db::cohorts::{self, Cohort};
use crate::db::courses::{self, Course};
use crate::db::enrolments::{self, Changes, Enrolment};
use crate::db::users::{self, User};
use crate::domain::audit::SubjectKind;
use crate::domain::enrolment::{self as rules, Refused, Status, Step};

use super::EnrolmentError;

/// Everything a change to one enrolment needs, read inside its transaction.
pub struct Place {
    pub enrolment: Enrolment,
    pub cohort: Cohort,
    pub course: Course,
    pub learner: User,
}

/// Starts a transaction, locks the enrolment's cohort and reads the place as it is now.
pub async fn open_place(ctx: Ctx<'_>, enrolment_id: i64) -> Result<(Tx, Place), EnrolmentError> {
    let cohort_id = enrolments::find(ctx.db, enrolment_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?
        .cohort_id;
    let mut tx = ctx.db.begin().await?;
    let cohort = cohorts::lock(&mut tx, cohort_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let place = read_place(&mut tx, enrolment_id, cohort).await?;
    Ok((tx, place))
}

/// The place of an enrolment whose cohort this transaction has locked.
pub async fn read_place(
    tx: &mut Tx,
    enrolment_id: i64,
    cohort: Cohort,
) -> Result<Place, EnrolmentError> {
    let enrolment = enrolments::find_in(tx, enrolment_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let course = courses::find_in(tx, cohort.course_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let learner = users::find_in(tx, enrolment.user_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    Ok(Place {
        enrolment,
        cohort,
        course,
        learner,
    })
}

/// Takes `step` without giving a seat back (see [`super::seats::apply`] for that): the
/// state change, history, audit, and a seat taken when the new state holds one.
pub async fn record_step(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    place: &mut Place,
    step: Step,
    changes: Changes,
    actor: Actor<'_>,
    note: &str,
) -> Result<Status, EnrolmentError> {
    let now = ctx.now();
    let from = place.enrolment.status();
    let to = rules::next(from, step)?;
    let enrolment_id = place.enrolment.enrolment_id;
    if !from.holds_seat()
        && to.holds_seat()
        && !enrolments::take_seat(tx, place.cohort.cohort_id).await?
    {
        return Err(EnrolmentError::CohortFull);
    }
    if !enrolments::transition(tx, enrolment_id, from, to, &changes, now).await? {
        return Err(Refused { from, step }.into());
    }
    enrolments::record_event(tx, enrolment_id, Some(from), to, actor.user_id, note, now).await?;
    let detail = format!(
        "{} {} -> {}",
        rules::reference(enrolment_id),
        from.as_str(),
        to.as_str()
    );
    let action = format!("enrolment.{}", step.name());
    let event = AuditEvent::new(&action)
        .by(actor.user_id, actor.client)
        .about(Some(place.enrolment.user_id))
        .on(SubjectKind::Enrolment, enrolment_id)
        .detail(&detail);
    audit::record(tx, &event, now).await?;
    place.enrolment = enrolments::find_in(tx, enrolment_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    Ok(to)
}
