//! Acting on the provider's verified events, once per event id: a paid checkout confirms
//! its held place (or a lapsed one, while a seat is free); otherwise the money goes back.

use chrono::{DateTime, Utc};

use crate::context::Actor;
use crate::db::Tx;
use crate::db::cohorts::{self, Cohort};
use crate::db::enrolments::{self, Changes};
use crate::db::payments::{self, Payment, Series};
use crate::domain::catalogue::CohortStatus;
use crate::domain::enrolment::{Status, Step};
use crate::domain::london;
use crate::enrolment::mails::Receipt;
use crate::enrolment::notify::{facts, money, send, send_confirmation};
use crate::enrolment::place::{Place, read_place};
use crate::enrolment::seats::apply;
use crate::enrolment::{EnrolmentCtx, EnrolmentError};
use crate::paths;
use crate::payments::{WebhookEvent, WebhookKind};

use super::refunds::{refund_late_payment, refund_orphan_payment, refund_unknown_session};

/// What a verified webhook event did.
#[derive(Debug, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// Seen before: nothing changed.
    Replay,
    /// Not about a payment we know, or a kind we do not act on.
    Ignored,
    Confirmed,
    /// The hold had lapsed and a seat was still free.
    ConfirmedLate,
    /// Paid for a place that could not be given: refunded, admins told.
    Refunded,
}

/// Acts on a verified provider event, once per event id.
pub async fn handle_event(
    ctx: EnrolmentCtx<'_>,
    event: &WebhookEvent,
) -> Result<WebhookOutcome, EnrolmentError> {
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let kind = match &event.kind {
        WebhookKind::CheckoutCompleted { .. } => "checkout.session.completed",
        WebhookKind::CheckoutExpired { .. } => "checkout.session.expired",
        WebhookKind::Other(name) => name.as_str(),
    };
    if !payments::first_sight_of_event(&mut tx, &event.id, kind, now).await? {
        return Ok(WebhookOutcome::Replay);
    }
    let outcome = match &event.kind {
        WebhookKind::CheckoutCompleted {
            session_id,
            payment_intent,
            amount_pence,
            paid: true,
            ..
        } => {
            let paid = CardPaid {
                session_id,
                payment_intent: payment_intent.as_deref(),
                amount_pence: *amount_pence,
            };
            card_paid(ctx, &mut tx, &paid).await?
        }
        // Expired checkouts need nothing: the hold lapses on its own schedule.
        _ => WebhookOutcome::Ignored,
    };
    tx.commit().await?;
    Ok(outcome)
}

/// A completed, paid checkout as the provider reported it.
struct CardPaid<'a> {
    session_id: &'a str,
    payment_intent: Option<&'a str>,
    amount_pence: i64,
}

async fn card_paid(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    paid: &CardPaid<'_>,
) -> Result<WebhookOutcome, EnrolmentError> {
    let Some((payment, cohort)) = lock_payment(tx, paid.session_id).await? else {
        refund_unknown_session(
            ctx.ctx,
            tx,
            paid.session_id,
            paid.payment_intent,
            paid.amount_pence,
        )
        .await?;
        return Ok(WebhookOutcome::Refunded);
    };
    if !matches!(payment.status.as_str(), "pending" | "void") {
        return Ok(WebhookOutcome::Ignored);
    }
    let Some((enrolment_id, cohort)) = payment.enrolment_id.zip(cohort) else {
        // The learner deleted their account while the checkout was open.
        refund_orphan_payment(ctx.ctx, tx, &payment, paid.payment_intent).await?;
        return Ok(WebhookOutcome::Refunded);
    };
    let mut place = read_place(tx, enrolment_id, cohort).await?;
    let receipt = payments::next_number(tx, Series::Receipt).await?;
    let now = ctx.now();
    payments::mark_paid(tx, payment.payment_id, paid.payment_intent, &receipt, now).await?;
    let (step, note, outcome) = match place.enrolment.status() {
        Status::AwaitingPayment => (
            Step::CardPaid,
            "card payment received",
            WebhookOutcome::Confirmed,
        ),
        Status::Expired if seat_for_late_payment(tx, &place, now).await? => (
            Step::LateCardPaid,
            "card payment received after the hold lapsed",
            WebhookOutcome::ConfirmedLate,
        ),
        _ => {
            refund_late_payment(ctx.ctx, tx, &place, &payment).await?;
            return Ok(WebhookOutcome::Refunded);
        }
    };
    apply(
        ctx,
        tx,
        &mut place,
        step,
        Changes::default(),
        Actor::SYSTEM,
        note,
    )
    .await?;
    send_confirmation(ctx.ctx, tx, &place, Some(payment.amount_pence)).await?;
    let mail = Receipt {
        p: facts(ctx.site(), &place),
        number: receipt,
        amount: money(payment.amount_pence),
        document_url: ctx.site().url(&paths::enrolment_document(
            place.enrolment.enrolment_id,
            "receipt",
        )),
    };
    send(ctx.ctx, tx, &place, "receipt", &mail).await?;
    Ok(outcome)
}

/// The payment of a checkout session with its enrolment's cohort locked, read again under
/// the lock: an admin moving the place meanwhile carries the payment to another cohort.
/// None if no payment has this session; a payment whose account was deleted has no cohort.
async fn lock_payment(
    tx: &mut Tx,
    session_id: &str,
) -> Result<Option<(Payment, Option<Cohort>)>, EnrolmentError> {
    for _ in 0..3 {
        let Some(payment) = payments::find_by_checkout(tx, session_id).await? else {
            return Ok(None);
        };
        let enrolment = match payment.enrolment_id {
            Some(id) => enrolments::find_in(tx, id).await?,
            None => None,
        };
        let Some(enrolment) = enrolment else {
            return Ok(Some((payment, None)));
        };
        let cohort = cohorts::lock(tx, enrolment.cohort_id)
            .await?
            .ok_or(EnrolmentError::NotFound)?;
        let settled = payments::find_by_checkout(tx, session_id)
            .await?
            .ok_or(EnrolmentError::NotFound)?;
        if settled.enrolment_id == payment.enrolment_id {
            return Ok(Some((settled, Some(cohort))));
        }
    }
    Err(EnrolmentError::PaymentKeptMoving(session_id.to_owned()))
}

/// A payment after the hold lapsed keeps the place only if a seat is free, nobody is
/// queueing for it, the cohort still runs, and the learner has not enrolled again.
async fn seat_for_late_payment(
    tx: &mut Tx,
    place: &Place,
    now: DateTime<Utc>,
) -> Result<bool, EnrolmentError> {
    let cohort = &place.cohort;
    let running =
        cohort.status() == CohortStatus::Open && now < london::start_of_day(cohort.starts_on);
    Ok(running
        && cohort.seats_taken < cohort.capacity
        && !enrolments::queue_exists(tx, cohort.cohort_id).await?
        && enrolments::find_active(tx, place.learner.user_id, cohort.cohort_id)
            .await?
            .is_none())
}
