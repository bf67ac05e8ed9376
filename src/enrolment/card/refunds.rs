//! Card money going back: payments that found no place (an unknown checkout, a deleted
//! account, a lapsed hold with no seat free), and the job that sends due refunds.

use crate::context::Ctx;
use crate::db::Tx;
use crate::db::payments::{self, Payment, Series};
use crate::domain::enrolment as rules;
use crate::enrolment::mails::LatePaymentRefunded;
use crate::enrolment::notify::{facts, money, notify_admins, send};
use crate::enrolment::place::Place;
use crate::enrolment::{EnrolmentCtx, EnrolmentError};
use crate::paths;

/// A payment for a checkout we have no record of (its session was never saved): kept as a
/// payment to refund, and the admins are told.
pub(super) async fn refund_unknown_session(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    session_id: &str,
    payment_intent: Option<&str>,
    amount_pence: i64,
) -> Result<(), EnrolmentError> {
    tracing::warn!(
        session_id,
        "payment for an unknown checkout session: refunding it"
    );
    let payment_id = payments::insert_unknown_card_refund(
        tx,
        session_id,
        payment_intent,
        amount_pence,
        ctx.now(),
    )
    .await?;
    notify_admins(
        ctx,
        tx,
        &format!("unknown-checkout:{payment_id}"),
        "a card payment arrived for an unknown checkout".into(),
        format!(
            "{} was paid through checkout {session_id}, which no enrolment holds. It is being refunded in full.",
            money(amount_pence)
        ),
        None,
    )
    .await
}

/// A card payment for a held place that had lapsed with no seat left: refunded in full,
/// the admins and the learner told.
pub(super) async fn refund_late_payment(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    place: &Place,
    payment: &Payment,
) -> Result<(), EnrolmentError> {
    refund_in_full(ctx, tx, payment).await?;
    let reference = rules::reference(place.enrolment.enrolment_id);
    notify_admins(
        ctx,
        tx,
        &format!("late-payment:{}", payment.payment_id),
        format!("a late card payment is being refunded ({reference})"),
        format!(
            "{} ({}) paid {} for {}: {} after their held place had ended ({}), and no place was free. The payment is being refunded in full.",
            place.learner.full_name,
            place.learner.email,
            money(payment.amount_pence),
            place.course.title,
            place.cohort.name,
            place.enrolment.status().label(),
        ),
        Some(place.cohort.cohort_id),
    )
    .await?;
    let mail = LatePaymentRefunded {
        p: facts(ctx.site, place),
        amount: money(payment.amount_pence),
        courses_url: ctx.site.url(paths::courses()),
    };
    send(ctx, tx, place, "late_payment_refunded", &mail).await
}

/// A card payment whose learner deleted their account while the checkout was open: recorded
/// as paid, refunded in full, and the admins told.
pub(super) async fn refund_orphan_payment(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    payment: &Payment,
    payment_intent: Option<&str>,
) -> Result<(), EnrolmentError> {
    let receipt = payments::next_number(tx, Series::Receipt).await?;
    payments::mark_paid(tx, payment.payment_id, payment_intent, &receipt, ctx.now()).await?;
    refund_in_full(ctx, tx, payment).await?;
    notify_admins(
        ctx,
        tx,
        &format!("orphan-payment:{}", payment.payment_id),
        "a card payment arrived for a deleted account".into(),
        format!(
            "{} was paid for {} after the learner deleted their account. It is being refunded in full.",
            money(payment.amount_pence),
            payment.description
        ),
        None,
    )
    .await
}

/// Marks a payment that has just been paid as due a full refund.
async fn refund_in_full(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    payment: &Payment,
) -> Result<(), EnrolmentError> {
    let mut paid = payment.clone();
    paid.status = "paid".into();
    payments::settle_for_cancellation(tx, &paid, payment.amount_pence, ctx.now()).await?;
    Ok(())
}

/// Sends the refunds that are due to the provider; failures are retried on the next run.
pub async fn send_refunds(ctx: EnrolmentCtx<'_>) -> Result<usize, EnrolmentError> {
    let Some(provider) = ctx.card else {
        return Ok(0);
    };
    let db = ctx.db();
    let mut sent = 0;
    for payment in payments::refunds_due(db, 50).await? {
        let Some(intent) = payment.payment_intent.as_deref() else {
            give_up_refund(ctx.ctx, &payment, "no payment intent was recorded").await?;
            continue;
        };
        let key = format!("refund-{}", payment.payment_id);
        match provider.refund(intent, payment.refund_pence, &key).await {
            Ok(refund_id) => {
                payments::mark_refunded(db, payment.payment_id, &refund_id, ctx.now()).await?;
                sent += 1;
            }
            Err(error) => {
                tracing::warn!(payment = payment.payment_id, %error, "refund not sent");
                // The provider's words are kept with the payment and shown to the admins.
                let reason = error.to_string();
                if payment.refund_attempts + 1 >= payments::MAX_REFUND_ATTEMPTS {
                    give_up_refund(ctx.ctx, &payment, &reason).await?;
                } else {
                    payments::refund_failed(db, payment.payment_id, &reason).await?;
                }
            }
        }
    }
    Ok(sent)
}

/// Stops trying a refund the provider keeps refusing, and tells the admins to do it by hand.
async fn give_up_refund(
    ctx: Ctx<'_>,
    payment: &Payment,
    error: &str,
) -> Result<(), EnrolmentError> {
    let mut tx = ctx.db.begin().await?;
    payments::refund_given_up(&mut tx, payment.payment_id, error).await?;
    notify_admins(
        ctx,
        &mut tx,
        &format!("refund-given-up:{}", payment.payment_id),
        "a card refund needs doing by hand".into(),
        format!(
            "The refund of {} for {} could not be sent to the card provider ({error}). Please refund it from the provider's dashboard.",
            money(payment.refund_pence),
            payment.description
        ),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
