//! Where a learner's click leads: their place, or, for a card hold just taken, the
//! provider's checkout (or their place with word of why it could not start).

use crate::context::Actor;
use crate::db::users::User;
use crate::domain::enrolment::Status;
use crate::enrolment::card::{Checkout, start_checkout};
use crate::enrolment::{EnrolmentCtx, EnrolmentError};

use super::enrol::{Choice, enrol};
use super::offer::accept_offer;

/// What follows a learner's enrol or accept.
#[derive(Debug, PartialEq, Eq)]
pub enum NextStep {
    /// The enrolment page says where the place stands.
    Place(i64),
    /// A card hold: to the provider's checkout, or back to the place if it did not start.
    Pay(i64, Checkout),
}

/// [`enrol`], then the checkout for a new card hold.
pub async fn take_place(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    cohort_id: i64,
    choice: Choice,
    actor: Actor<'_>,
) -> Result<NextStep, EnrolmentError> {
    let enrolled = enrol(ctx, learner, cohort_id, choice, actor).await?;
    let id = enrolled.enrolment_id;
    if enrolled.status != Status::AwaitingPayment || enrolled.existing {
        return Ok(NextStep::Place(id));
    }
    Ok(NextStep::Pay(id, start_checkout(ctx, learner, id).await))
}

/// [`accept_offer`], then the checkout when the learner chose to pay by card.
pub async fn take_offer(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    enrolment_id: i64,
    choice: Choice,
    actor: Actor<'_>,
) -> Result<NextStep, EnrolmentError> {
    match accept_offer(ctx, learner, enrolment_id, choice, actor).await? {
        Status::AwaitingPayment => Ok(NextStep::Pay(
            enrolment_id,
            start_checkout(ctx, learner, enrolment_id).await,
        )),
        _ => Ok(NextStep::Place(enrolment_id)),
    }
}
