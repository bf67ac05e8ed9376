//! Moving a learner's place to another cohort of the same course: both cohorts locked in
//! id order, the target's seat rules applied, and the payment carried over.

use crate::context::Actor;
use crate::db::cohorts::{self, Cohort};
use crate::db::enrolments::{self, Changes, NewEnrolment};
use crate::db::{Tx, payments};
use crate::domain::catalogue::CohortStatus;
use crate::domain::enrolment::{self as rules, Step};
use crate::enrolment::mails::PlaceMoved;
use crate::enrolment::notify::{facts, send};
use crate::enrolment::place::read_place;
use crate::enrolment::seats::apply;
use crate::enrolment::{EnrolmentCtx, EnrolmentError};

/// Moves a learner's place (confirmed or held) to another cohort of the same course. The
/// target's seat rules apply: a full target refuses. Payment carries over. A target that
/// does not exist, is another course's or has ended is `NotEnrolling`.
pub async fn move_place(
    ctx: EnrolmentCtx<'_>,
    enrolment_id: i64,
    target_cohort_id: i64,
    actor: Actor<'_>,
) -> Result<i64, EnrolmentError> {
    let source_cohort_id = enrolments::find(ctx.db(), enrolment_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?
        .cohort_id;
    if source_cohort_id == target_cohort_id {
        return Err(EnrolmentError::NotEnrolling);
    }
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    // Lock both cohorts in id order, so two moves in opposite directions cannot deadlock.
    let (source, target) = lock_pair(&mut tx, source_cohort_id, target_cohort_id).await?;
    let source = source.ok_or(EnrolmentError::NotFound)?;
    let target = target.ok_or(EnrolmentError::NotEnrolling)?;
    let mut place = read_place(&mut tx, enrolment_id, source).await?;
    let target_open = matches!(target.status(), CohortStatus::Open | CohortStatus::Closed);
    if target.course_id != place.cohort.course_id || !target_open {
        return Err(EnrolmentError::NotEnrolling);
    }
    if let Some(existing) =
        enrolments::find_active(&mut tx, place.learner.user_id, target.cohort_id).await?
    {
        return Err(EnrolmentError::AlreadyEnrolled(existing.enrolment_id));
    }
    let status = place.enrolment.status();
    rules::next(status, Step::MovedToAnotherCohort)?;
    // The target's seat rules: a free seat, and nobody queueing for it.
    if enrolments::queue_exists(&mut tx, target.cohort_id).await?
        || !enrolments::take_seat(&mut tx, target.cohort_id).await?
    {
        return Err(EnrolmentError::CohortFull);
    }
    let new = NewEnrolment {
        user_id: place.learner.user_id,
        cohort_id: target.cohort_id,
        status,
        funding: place.enrolment.funding(),
        fee_pence: place.enrolment.fee_pence,
        over_capacity: false,
        waitlist_number: None,
        hold_expires_at: place.enrolment.hold_expires_at,
    };
    let new_id = enrolments::insert(&mut tx, &new, now).await?.enrolment_id;
    let note = format!(
        "moved from {} ({})",
        place.cohort.name,
        rules::reference(enrolment_id)
    );
    enrolments::record_event(&mut tx, new_id, None, status, actor.user_id, &note, now).await?;
    let changes = Changes {
        moved_to_enrolment_id: Some(new_id),
        ..Changes::default()
    };
    let to_note = format!("moved to {} ({})", target.name, rules::reference(new_id));
    let from_cohort = place.cohort.name.clone();
    apply(
        ctx,
        &mut tx,
        &mut place,
        Step::MovedToAnotherCohort,
        changes,
        actor,
        &to_note,
    )
    .await?;
    payments::move_to(&mut tx, enrolment_id, new_id).await?;
    let moved = read_place(&mut tx, new_id, target).await?;
    let mail = PlaceMoved {
        p: facts(ctx.site(), &moved),
        from_cohort,
    };
    send(ctx.ctx, &mut tx, &moved, "moved", &mail).await?;
    tx.commit().await?;
    Ok(new_id)
}

/// Locks cohorts `a` and `b` in id order; each is None if it does not exist.
async fn lock_pair(
    tx: &mut Tx,
    a: i64,
    b: i64,
) -> Result<(Option<Cohort>, Option<Cohort>), EnrolmentError> {
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    let first = cohorts::lock(tx, first).await?;
    let second = cohorts::lock(tx, second).await?;
    Ok(if a < b {
        (first, second)
    } else {
        (second, first)
    })
}
