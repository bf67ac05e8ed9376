//! Starting the provider's checkout for a held card place: the existing session while it
//! lasts, otherwise a new one that ends before the hold does.

use chrono::Duration;

use crate::config::CHECKOUT_MARGIN_MINUTES;
use crate::db::enrolments;
use crate::db::payments;
use crate::db::users::User;
use crate::domain::enrolment::{self as rules, Status, Step};
use crate::enrolment::{EnrolmentCtx, EnrolmentError};
use crate::paths;
use crate::payments::{CheckoutRequest, ProviderError};

/// Stripe refuses checkout sessions shorter than this.
const SHORTEST_CHECKOUT: Duration = Duration::minutes(30);

/// The banner the enrolment page shows after a paid checkout (`web::notice`'s "paid").
const PAID_NOTICE: &str = "paid";

/// Why checkout could not start.
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    #[error("the card payment service could not be reached")]
    Provider(#[from] ProviderError),
    /// Another tab recorded a different session meanwhile, and it has no page to go to.
    #[error("the checkout changed; try again")]
    Superseded,
}

/// Where a learner paying by card goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Checkout {
    /// The provider's checkout page.
    Open(String),
    /// The hold ends too soon for a new checkout, and the old one has closed.
    Closed,
    /// The checkout did not start (the provider was unreachable); the seat stays held.
    Failed,
}

/// The checkout to send the learner to, with a failure logged and told apart: a closed
/// checkout, or one that could not start.
pub async fn start_checkout(ctx: EnrolmentCtx<'_>, learner: &User, enrolment_id: i64) -> Checkout {
    match checkout_url(ctx, learner, enrolment_id).await {
        Ok(url) => Checkout::Open(url),
        Err(error) => {
            tracing::warn!(enrolment = enrolment_id, error = ?error, "checkout not started");
            match error {
                CheckoutError::Enrolment(EnrolmentError::OfferEnded) => Checkout::Closed,
                _ => Checkout::Failed,
            }
        }
    }
}

/// The provider's checkout page for a held place: the existing one while it lasts,
/// otherwise a new one that ends before the hold does.
pub async fn checkout_url(
    ctx: EnrolmentCtx<'_>,
    learner: &User,
    enrolment_id: i64,
) -> Result<String, CheckoutError> {
    let provider = ctx.card.ok_or(EnrolmentError::FundingNotOffered)?;
    let db = ctx.db();
    let view = enrolments::view(db, enrolment_id)
        .await
        .map_err(EnrolmentError::from)?
        .filter(|v| v.enrolment.user_id == learner.user_id)
        .ok_or(EnrolmentError::NotFound)?;
    let status = view.enrolment.status();
    let changed = || {
        EnrolmentError::Changed(rules::Refused {
            from: status,
            step: Step::CardPaid,
        })
    };
    if status != Status::AwaitingPayment {
        return Err(changed().into());
    }
    let payment = payments::for_enrolment(db, enrolment_id)
        .await
        .map_err(EnrolmentError::from)?
        .filter(|p| p.method == "card" && p.status == "pending")
        .ok_or(EnrolmentError::NotFound)?;
    let now = ctx.now();
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
        hold = now + ctx.policy.card_hold;
        enrolments::extend_hold(db, enrolment_id, hold, now)
            .await
            .map_err(EnrolmentError::from)?;
    }
    let expires_at = hold - margin;
    let reference = rules::reference(enrolment_id);
    let description = format!("{}: {}", view.course_title, view.cohort_name);
    let place = paths::enrolment(enrolment_id);
    let success_url = ctx.site().url(&paths::with_notice(&place, PAID_NOTICE));
    let cancel_url = ctx.site().url(&place);
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
    let session = provider.create_checkout(&request).await?;
    let recorded = payments::set_checkout(
        db,
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
    let current = payments::for_enrolment(db, enrolment_id)
        .await
        .map_err(EnrolmentError::from)?;
    match current {
        Some(p) if p.checkout_session_id.as_deref() == Some(session.id.as_str()) => Ok(session.url),
        Some(p) if p.status == "pending" => p.checkout_url.ok_or(CheckoutError::Superseded),
        _ => Err(changed().into()),
    }
}
