//! The end of a lapsed hold or offer: the place expires, its payment is settled, the
//! learner is told, and the seat goes to the waiting list.

use crate::context::{Actor, Ctx};
use crate::db::Tx;
use crate::db::enrolments::Changes;
use crate::domain::enrolment::{self as rules, Status, Step};
use crate::paths;

use super::mails::{HoldExpired, OfferExpired};
use super::notify::{facts, send};
use super::place::Place;
use super::seats::apply;
use super::settlement::settle_payment;
use super::{EnrolmentCtx, EnrolmentError};

/// Whether the place's offer has run out by now.
pub fn offer_has_ended(ctx: Ctx<'_>, place: &Place) -> bool {
    place
        .enrolment
        .offer_expires_at
        .is_some_and(|until| until <= ctx.now())
}

/// Whether the place's hold or offer has run out by now (another process, or a late
/// payment, may have moved it on already).
pub fn has_lapsed(ctx: Ctx<'_>, place: &Place) -> bool {
    let now = ctx.now();
    match place.enrolment.status() {
        Status::Offered => place.enrolment.offer_expires_at.is_some_and(|t| t <= now),
        Status::AwaitingPayment | Status::AwaitingInvoice => {
            place.enrolment.hold_expires_at.is_some_and(|t| t <= now)
        }
        _ => false,
    }
}

/// Ends a lapsed hold or offer (called by the expiry job, and when someone acts on an
/// offer that has just ended). The seat goes to the waiting list.
pub async fn expire(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    place: &mut Place,
) -> Result<(), EnrolmentError> {
    let courses_url = ctx.site().url(paths::courses());
    match place.enrolment.status() {
        Status::Offered => {
            apply(
                ctx,
                tx,
                place,
                Step::OfferExpired,
                Changes::default(),
                Actor::SYSTEM,
                "",
            )
            .await?;
            let mail = OfferExpired {
                p: facts(ctx.site(), place),
                courses_url,
            };
            send(ctx.ctx, tx, place, "offer_expired", &mail).await
        }
        Status::AwaitingPayment | Status::AwaitingInvoice => {
            apply(
                ctx,
                tx,
                place,
                Step::HoldExpired,
                Changes::default(),
                Actor::SYSTEM,
                "",
            )
            .await?;
            settle_payment(ctx, tx, place, 0).await?;
            let mail = HoldExpired {
                p: facts(ctx.site(), place),
                courses_url,
            };
            send(ctx.ctx, tx, place, "hold_expired", &mail).await
        }
        other => Err(rules::Refused {
            from: other,
            step: Step::HoldExpired,
        }
        .into()),
    }
}
