//! Giving a place back: the learner cancelling (or leaving the queue) before the start, and
//! every place of an account being deleted; card places are refunded under the policy.

use crate::context::Actor;
use crate::db::enrolments::{self, Changes};
use crate::db::users::User;
use crate::db::{Tx, cohorts};
use crate::domain::enrolment::{self as rules, Step};
use crate::enrolment::mails::PlaceCancelled;
use crate::enrolment::notify::{facts, send};
use crate::enrolment::place::{Place, open_place, read_place};
use crate::enrolment::seats::apply;
use crate::enrolment::settlement::settle_payment;
use crate::enrolment::{EnrolmentCtx, EnrolmentError};
use crate::paths;

/// Cancels the learner's own place (or leaves the queue) before the cohort starts; paid card
/// places are refunded in full up to the cut-off.
pub async fn cancel(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    enrolment_id: i64,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    let (mut tx, mut place) = open_place(ctx.ctx, enrolment_id).await?;
    if place.enrolment.user_id != learner.user_id {
        return Err(EnrolmentError::NotFound);
    }
    let from = place.enrolment.status();
    if !rules::learner_may_cancel(from, place.cohort.starts_on, ctx.now()) {
        return match from.is_active() {
            true => Err(EnrolmentError::TooLateToCancel),
            false => Err(rules::Refused {
                from,
                step: Step::LearnerCancelled,
            }
            .into()),
        };
    }
    let refund_text = give_back(ctx, &mut tx, &mut place, actor, "").await?;
    let mail = PlaceCancelled {
        p: facts(ctx.site(), &place),
        by_learner: true,
        cohort_cancelled: false,
        reason: String::new(),
        refund: refund_text,
        courses_url: ctx.site().url(paths::courses()),
    };
    send(ctx.ctx, &mut tx, &place, "cancelled", &mail).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every active place of a learner who is deleting their account, in the deletion's
/// transaction: seats go to the waiting list and paid card places are refunded under the
/// usual policy. (No email: the account and its mail are erased with it.)
pub async fn end_places_of_deleted_account(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    user_id: i64,
) -> Result<(), EnrolmentError> {
    for enrolment in enrolments::active_of_user(tx, user_id).await? {
        let cohort = cohorts::lock(tx, enrolment.cohort_id)
            .await?
            .ok_or(EnrolmentError::NotFound)?;
        let mut place = read_place(tx, enrolment.enrolment_id, cohort).await?;
        let actor = Actor {
            user_id: Some(user_id),
            client: None,
        };
        give_back(ctx, tx, &mut place, actor, "account deleted").await?;
    }
    Ok(())
}

/// The learner's cancellation and its refund under the cut-off; returns what the
/// learner's email says about the money.
async fn give_back(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    place: &mut Place,
    actor: Actor<'_>,
    note: &str,
) -> Result<String, EnrolmentError> {
    apply(
        ctx,
        tx,
        place,
        Step::LearnerCancelled,
        Changes::default(),
        actor,
        note,
    )
    .await?;
    let refund = rules::learner_refund(
        place.enrolment.fee_pence,
        place.cohort.starts_on,
        ctx.policy.refund_cutoff_days,
        ctx.now(),
    );
    settle_payment(ctx, tx, place, refund).await
}
