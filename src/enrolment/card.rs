//! Card payments for held places: starting the provider's checkout, confirming places only
//! from its signed webhook (idempotent on the event id), and sending refunds.

use chrono::Duration;

use crate::config::CHECKOUT_MARGIN_MINUTES;
use crate::db::Tx;
use crate::db::cohorts;
use crate::db::enrolments::{self, Changes};
use crate::db::payments::{self, Payment, Series};
use crate::db::users::User;
use crate::domain::catalogue::CohortStatus;
use crate::domain::enrolment::{self as rules, Status, Step};
use crate::domain::london;
use crate::payments::{CheckoutRequest, WebhookEvent, WebhookKind};
use crate::state::AppState;

use super::learner::send_confirmation;
use super::mails::{LatePaymentRefunded, Receipt};
use super::{Actor, EnrolmentError, Place, apply, facts, money, notify_admins, send};

/// Stripe refuses checkout sessions shorter than this.
const SHORTEST_CHECKOUT: Duration = Duration::minutes(30);

/// Why checkout could not start.
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    #[error("the card payment service could not be reached: {0}")]
    Provider(String),
}

/// The provider's checkout page for a held place: the existing one while it lasts,
/// otherwise a new one that ends before the hold does.
pub async fn checkout_url(
    state: &AppState,
    learner: &User,
    enrolment_id: i64,
) -> Result<String, CheckoutError> {
    let provider = state
        .card
        .as_ref()
        .ok_or(EnrolmentError::FundingNotOffered)?;
    let view = enrolments::view(&state.db, enrolment_id)
        .await
        .map_err(EnrolmentError::from)?
        .filter(|v| v.enrolment.user_id == learner.user_id)
        .ok_or(EnrolmentError::NotFound)?;
    let status = view.enrolment.status();
    if status != Status::AwaitingPayment {
        return Err(EnrolmentError::Changed(rules::Refused {
            from: status,
            step: Step::CardPaid,
        })
        .into());
    }
    let payment = payments::for_enrolment(&state.db, enrolment_id)
        .await
        .map_err(EnrolmentError::from)?
        .filter(|p| p.method == "card" && p.status == "pending")
        .ok_or(EnrolmentError::NotFound)?;
    let now = state.clock.now();
    if let (Some(url), Some(until)) = (&payment.checkout_url, payment.checkout_expires_at) {
        if until > now + Duration::minutes(1) {
            return Ok(url.clone());
        }
        return Err(EnrolmentError::OfferEnded.into());
    }
    // No checkout yet (the provider was unreachable earlier): nothing can be paid against
    // this hold, so it may restart with the full time a checkout needs.
    let margin = Duration::minutes(CHECKOUT_MARGIN_MINUTES);
    let mut hold = view.enrolment.hold_expires_at.unwrap_or(now);
    if hold - margin < now + SHORTEST_CHECKOUT + Duration::minutes(1) {
        hold = now + state.config.enrolment.card_hold;
        enrolments::extend_hold(&state.db, enrolment_id, hold, now)
            .await
            .map_err(EnrolmentError::from)?;
    }
    let expires_at = hold - margin;
    let reference = rules::reference(enrolment_id);
    let description = format!("{}: {}", view.course_title, view.cohort_name);
    let site = state.site();
    let success_url = site.url(&format!("/enrolments/{enrolment_id}?notice=paid"));
    let cancel_url = site.url(&format!("/enrolments/{enrolment_id}"));
    let idempotency_key = format!("checkout-{}-{}", payment.payment_id, expires_at.timestamp());
    let request = CheckoutRequest {
        reference: &reference,
        description: &description,
        amount_pence: payment.amount_pence,
        customer_email: &learner.email,
        success_url: &success_url,
        cancel_url: &cancel_url,
        expires_at,
        idempotency_key: &idempotency_key,
    };
    let session = provider
        .create_checkout(&request)
        .await
        .map_err(|e| CheckoutError::Provider(e.to_string()))?;
    let recorded = payments::set_checkout(
        &state.db,
        payment.payment_id,
        &session.id,
        &session.url,
        expires_at,
        now,
    )
    .await
    .map_err(EnrolmentError::from)?;
    if recorded {
        return Ok(session.url);
    }
    // Another tab (or a change to the hold) got there first: only the recorded session may
    // be paid, since a webhook for any other would find no place.
    let current = payments::for_enrolment(&state.db, enrolment_id)
        .await
        .map_err(EnrolmentError::from)?;
    match current {
        Some(p) if p.checkout_session_id.as_deref() == Some(session.id.as_str()) => Ok(session.url),
        Some(p) if p.status == "pending" => p
            .checkout_url
            .ok_or_else(|| CheckoutError::Provider("the checkout changed; try again".into())),
        _ => Err(EnrolmentError::Changed(rules::Refused {
            from: status,
            step: Step::CardPaid,
        })
        .into()),
    }
}

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
    state: &AppState,
    event: &WebhookEvent,
) -> Result<WebhookOutcome, EnrolmentError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
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
            card_paid(
                state,
                &mut tx,
                session_id,
                payment_intent.as_deref(),
                *amount_pence,
            )
            .await?
        }
        // Expired checkouts need nothing: the hold lapses on its own schedule.
        _ => WebhookOutcome::Ignored,
    };
    tx.commit().await?;
    Ok(outcome)
}

async fn card_paid(
    state: &AppState,
    tx: &mut Tx,
    session_id: &str,
    payment_intent: Option<&str>,
    amount_pence: i64,
) -> Result<WebhookOutcome, EnrolmentError> {
    let Some((payment, cohort)) = lock_payment(tx, session_id).await? else {
        refund_unknown_session(state, tx, session_id, payment_intent, amount_pence).await?;
        return Ok(WebhookOutcome::Refunded);
    };
    if !matches!(payment.status.as_str(), "pending" | "void") {
        return Ok(WebhookOutcome::Ignored);
    }
    let Some((enrolment_id, cohort)) = payment.enrolment_id.zip(cohort) else {
        // The learner deleted their account while the checkout was open.
        refund_orphan_payment(state, tx, &payment, payment_intent).await?;
        return Ok(WebhookOutcome::Refunded);
    };
    let mut place = super::read_place(tx, enrolment_id, cohort).await?;
    let receipt = payments::next_number(tx, Series::Receipt).await?;
    let now = state.clock.now();
    payments::mark_paid(tx, payment.payment_id, payment_intent, &receipt, now).await?;
    let outcome = match place.enrolment.status() {
        Status::AwaitingPayment => {
            apply(
                state,
                tx,
                &mut place,
                Step::CardPaid,
                Changes::default(),
                Actor::SYSTEM,
                "card payment received",
            )
            .await?;
            WebhookOutcome::Confirmed
        }
        Status::Expired if seat_for_late_payment(tx, &place, now).await? => {
            apply(
                state,
                tx,
                &mut place,
                Step::LateCardPaid,
                Changes::default(),
                Actor::SYSTEM,
                "card payment received after the hold lapsed",
            )
            .await?;
            WebhookOutcome::ConfirmedLate
        }
        _ => {
            refund_late_payment(state, tx, &place, &payment).await?;
            return Ok(WebhookOutcome::Refunded);
        }
    };
    send_confirmation(state, tx, &place, Some(payment.amount_pence)).await?;
    let mail = Receipt {
        p: facts(state, &place),
        number: receipt,
        amount: money(payment.amount_pence),
        document_url: state.site().url(&format!(
            "/enrolments/{}/documents/receipt",
            place.enrolment.enrolment_id
        )),
    };
    send(state, tx, &place, "receipt", &mail).await?;
    Ok(outcome)
}

/// The payment of a checkout session with its enrolment's cohort locked, read again under
/// the lock: an admin moving the place meanwhile carries the payment to another cohort.
/// None if no payment has this session; a payment whose account was deleted has no cohort.
async fn lock_payment(
    tx: &mut Tx,
    session_id: &str,
) -> Result<Option<(Payment, Option<cohorts::Cohort>)>, EnrolmentError> {
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
    Err(anyhow::anyhow!("the payment of checkout {session_id} kept moving").into())
}

/// A payment for a checkout we have no record of (its session was never saved): kept as a
/// payment to refund, and the admins are told.
async fn refund_unknown_session(
    state: &AppState,
    tx: &mut Tx,
    session_id: &str,
    payment_intent: Option<&str>,
    amount_pence: i64,
) -> Result<(), EnrolmentError> {
    tracing::warn!(
        session_id,
        "payment for an unknown checkout session: refunding it"
    );
    let now = state.clock.now();
    let payment_id =
        payments::insert_unknown_card_refund(tx, session_id, payment_intent, amount_pence, now)
            .await?;
    notify_admins(
        state,
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

/// A payment after the hold lapsed keeps the place only if a seat is free, nobody is
/// queueing for it, the cohort still runs, and the learner has not enrolled again.
async fn seat_for_late_payment(
    tx: &mut Tx,
    place: &Place,
    now: chrono::DateTime<chrono::Utc>,
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

async fn refund_late_payment(
    state: &AppState,
    tx: &mut Tx,
    place: &Place,
    payment: &Payment,
) -> Result<(), EnrolmentError> {
    let now = state.clock.now();
    let mut paid = payment.clone();
    paid.status = "paid".into();
    payments::settle_for_cancellation(tx, &paid, payment.amount_pence, now).await?;
    let reference = rules::reference(place.enrolment.enrolment_id);
    notify_admins(
        state,
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
        p: facts(state, place),
        amount: money(payment.amount_pence),
        courses_url: state.site().url("/courses"),
    };
    send(state, tx, place, "late_payment_refunded", &mail).await
}

async fn refund_orphan_payment(
    state: &AppState,
    tx: &mut Tx,
    payment: &Payment,
    payment_intent: Option<&str>,
) -> Result<(), EnrolmentError> {
    let now = state.clock.now();
    let receipt = payments::next_number(tx, Series::Receipt).await?;
    payments::mark_paid(tx, payment.payment_id, payment_intent, &receipt, now).await?;
    let mut paid = payment.clone();
    paid.status = "paid".into();
    payments::settle_for_cancellation(tx, &paid, payment.amount_pence, now).await?;
    notify_admins(
        state,
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

/// Sends the refunds that are due to the provider; failures are retried on the next run.
pub async fn send_refunds(state: &AppState) -> anyhow::Result<usize> {
    let Some(provider) = state.card.as_ref() else {
        return Ok(0);
    };
    let mut sent = 0;
    for payment in payments::refunds_due(&state.db, 50).await? {
        let Some(intent) = payment.payment_intent.as_deref() else {
            give_up_refund(state, &payment, "no payment intent was recorded").await?;
            continue;
        };
        let key = format!("refund-{}", payment.payment_id);
        match provider.refund(intent, payment.refund_pence, &key).await {
            Ok(refund_id) => {
                payments::mark_refunded(
                    &state.db,
                    payment.payment_id,
                    &refund_id,
                    state.clock.now(),
                )
                .await?;
                sent += 1;
            }
            Err(error) => {
                tracing::warn!(payment = payment.payment_id, %error, "refund not sent");
                if payment.refund_attempts + 1 >= payments::MAX_REFUND_ATTEMPTS {
                    give_up_refund(state, &payment, &error.to_string()).await?;
                } else {
                    payments::refund_failed(&state.db, payment.payment_id, &error.to_string())
                        .await?;
                }
            }
        }
    }
    Ok(sent)
}

/// Stops trying a refund the provider keeps refusing, and tells the admins to do it by hand.
async fn give_up_refund(state: &AppState, payment: &Payment, error: &str) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await?;
    payments::refund_given_up(&mut tx, payment.payment_id, error).await?;
    notify_admins(
        state,
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
