//! Answering a waiting-list offer: accepting it (free, or held while the learner pays) or
//! declining it, which passes the seat to the next person waiting.

use crate::context::Actor;
use crate::db::enrolments::Changes;
use crate::db::users::User;
use crate::domain::enrolment::{self as rules, Funding, Status, Step};
use crate::enrolment::expiry::{expire, offer_has_ended};
use crate::enrolment::place::open_place;
use crate::enrolment::seats::apply;
use crate::enrolment::{EnrolmentCtx, EnrolmentError};

use super::enrol::{Choice, funding_for, hold_until};
use super::seat_taken::seat_taken;

/// Accepts an offered place: free, or held while the learner pays. An offer that has just
/// ended is expired instead (its seat goes on down the queue) and refused.
pub async fn accept_offer(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    enrolment_id: i64,
    choice: Choice,
    actor: Actor<'_>,
) -> Result<Status, EnrolmentError> {
    let (mut tx, mut place) = open_place(ctx.ctx, enrolment_id).await?;
    if place.enrolment.user_id != learner.user_id {
        return Err(EnrolmentError::NotFound);
    }
    if place.enrolment.status() != Status::Offered {
        return Err(rules::Refused {
            from: place.enrolment.status(),
            step: Step::OfferAccepted(Funding::NhsFree),
        }
        .into());
    }
    if offer_has_ended(ctx.ctx, &place) {
        expire(ctx, &mut tx, &mut place).await?;
        tx.commit().await?;
        return Err(EnrolmentError::OfferEnded);
    }
    let funding = funding_for(ctx, learner, place.course.fee_pence, &choice)?
        .ok_or(EnrolmentError::FundingNotOffered)?;
    let paying = matches!(funding, Funding::Card | Funding::Invoice);
    let changes = Changes {
        funding: Some(funding),
        fee_pence: Some(if paying { place.course.fee_pence } else { 0 }),
        hold_expires_at: match funding {
            Funding::Card => hold_until(ctx, Status::AwaitingPayment),
            Funding::Invoice => hold_until(ctx, Status::AwaitingInvoice),
            _ => None,
        },
        ..Changes::default()
    };
    let status = apply(
        ctx,
        &mut tx,
        &mut place,
        Step::OfferAccepted(funding),
        changes,
        actor,
        "",
    )
    .await?;
    seat_taken(ctx.ctx, &mut tx, &place, &choice).await?;
    tx.commit().await?;
    Ok(status)
}

/// Declines an offer; the seat goes to the next person waiting.
pub async fn decline_offer(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    enrolment_id: i64,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    let (mut tx, mut place) = open_place(ctx.ctx, enrolment_id).await?;
    if place.enrolment.user_id != learner.user_id {
        return Err(EnrolmentError::NotFound);
    }
    apply(
        ctx,
        &mut tx,
        &mut place,
        Step::OfferDeclined,
        Changes::default(),
        actor,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
