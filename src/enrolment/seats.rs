//! Seats changing hands: a step that may give a seat back, and the waiting list that takes
//! it (each free seat is offered to the longest-waiting learner, who has a while to answer).

use crate::context::Actor;
use crate::db::Tx;
use crate::db::cohorts;
use crate::db::enrolments::{self, Changes};
use crate::domain::catalogue::CohortStatus;
use crate::domain::enrolment::{Status, Step};
use crate::domain::london;
use crate::paths;

use super::mails::OfferMade;
use super::notify::{facts, send};
use super::place::{Place, read_place, record_step};
use super::{EnrolmentCtx, EnrolmentError};

/// Takes `step` on the place's enrolment: the conditional state change, the history, the
/// audit event and the seat counter. A seat given back goes to the waiting list.
pub async fn apply(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    place: &mut Place,
    step: Step,
    changes: Changes,
    actor: Actor<'_>,
    note: &str,
) -> Result<Status, EnrolmentError> {
    let from = place.enrolment.status();
    let to = record_step(ctx.ctx, tx, place, step, changes, actor, note).await?;
    if from.holds_seat() && !to.holds_seat() {
        enrolments::release_seat(tx, place.cohort.cohort_id).await?;
        offer_free_seats(ctx, tx, place.cohort.cohort_id).await?;
    }
    Ok(to)
}

/// Offers free seats to the waiting list, first come first served, while the cohort is
/// open and has not started. Each offer holds its seat until accepted, declined or expired.
pub async fn offer_free_seats(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    cohort_id: i64,
) -> Result<(), EnrolmentError> {
    let now = ctx.now();
    loop {
        let cohort = cohorts::lock(tx, cohort_id)
            .await?
            .ok_or(EnrolmentError::NotFound)?;
        let still_running =
            cohort.status() == CohortStatus::Open && now < london::start_of_day(cohort.starts_on);
        if !still_running || cohort.seats_taken >= cohort.capacity {
            return Ok(());
        }
        let Some(waiting) = enrolments::first_waiting(tx, cohort_id).await? else {
            return Ok(());
        };
        let mut place = read_place(tx, waiting.enrolment_id, cohort).await?;
        let offer_expires_at = now + ctx.policy.offer_time;
        let changes = Changes {
            offer_expires_at: Some(offer_expires_at),
            ..Changes::default()
        };
        record_step(
            ctx.ctx,
            tx,
            &mut place,
            Step::OfferMade,
            changes,
            Actor::SYSTEM,
            "",
        )
        .await?;
        let mail = OfferMade {
            p: facts(ctx.site(), &place),
            offer_until: london::date_time(offer_expires_at),
            offer_url: ctx
                .site()
                .url(&paths::enrolment_offer(place.enrolment.enrolment_id)),
        };
        send(ctx.ctx, tx, &place, "offer", &mail).await?;
    }
}
