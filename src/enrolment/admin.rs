//! What admins do to places: cancel one or a whole cohort's, move a learner, add one by
//! hand, and confirm invoices; and what happens to the money when a place ends.

use crate::db::Tx;
use crate::db::cohorts::{self, Cohort};
use crate::db::enrolments::{self, Changes, NewEnrolment};
use crate::db::payments::{self, Series};
use crate::db::users::User;
use crate::domain::catalogue::CohortStatus;
use crate::domain::eligibility::LearnerType;
use crate::domain::enrolment::{self as rules, Funding, Status, Step};
use crate::state::AppState;

use super::learner::send_confirmation;
use super::mails::{PlaceCancelled, PlaceMoved, Receipt};
use super::settlement::settle_payment;
use super::{Actor, EnrolmentError, apply, facts, money, open_place, send};

/// Cancels any active enrolment, with the admin's reason; paid card places are refunded
/// in full.
pub async fn cancel(
    state: &AppState,
    enrolment_id: i64,
    reason: &str,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    let (mut tx, mut place) = open_place(state, enrolment_id).await?;
    apply(
        state,
        &mut tx,
        &mut place,
        Step::AdminCancelled,
        Changes::default(),
        actor,
        reason,
    )
    .await?;
    let refund_text = settle_payment(state, &mut tx, &place, place.enrolment.fee_pence).await?;
    let mail = PlaceCancelled {
        p: facts(state, &place),
        by_learner: false,
        cohort_cancelled: false,
        reason: reason.to_owned(),
        refund: refund_text,
        courses_url: state.site().url("/courses"),
    };
    send(state, &mut tx, &place, "cancelled", &mail).await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels every active enrolment of a cohort the admin has just cancelled (in the same
/// transaction), refunding card payments and mailing each learner once.
pub async fn cancel_cohort_places(
    state: &AppState,
    tx: &mut Tx,
    cohort_id: i64,
    message: &str,
    actor: Actor<'_>,
) -> Result<usize, EnrolmentError> {
    let cohort = cohorts::lock(tx, cohort_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let active = enrolments::active_in_cohort(tx, cohort_id).await?;
    for enrolment in &active {
        let mut place = super::read_place(tx, enrolment.enrolment_id, cohort.clone()).await?;
        apply(
            state,
            tx,
            &mut place,
            Step::CohortCancelled,
            Changes::default(),
            actor,
            message,
        )
        .await?;
        let refund_text = settle_payment(state, tx, &place, place.enrolment.fee_pence).await?;
        let mail = PlaceCancelled {
            p: facts(state, &place),
            by_learner: false,
            cohort_cancelled: true,
            reason: message.to_owned(),
            refund: refund_text,
            courses_url: state.site().url("/courses"),
        };
        send(state, tx, &place, "cohort_cancelled", &mail).await?;
    }
    Ok(active.len())
}

/// Moves a learner's place (confirmed or held) to another cohort of the same course. The
/// target's seat rules apply: a full target refuses. Payment carries over.
pub async fn move_place(
    state: &AppState,
    enrolment_id: i64,
    target_cohort_id: i64,
    actor: Actor<'_>,
) -> Result<i64, EnrolmentError> {
    let source_cohort_id = enrolments::find(&state.db, enrolment_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?
        .cohort_id;
    if source_cohort_id == target_cohort_id {
        return Err(EnrolmentError::NotEnrolling);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Lock both cohorts in id order, so two moves in opposite directions cannot deadlock.
    let (source, target) = lock_pair(&mut tx, source_cohort_id, target_cohort_id).await?;
    let mut place = super::read_place(&mut tx, enrolment_id, source).await?;
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
    let new_id = enrolments::insert(&mut tx, &new, now).await?;
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
        state,
        &mut tx,
        &mut place,
        Step::MovedToAnotherCohort,
        changes,
        actor,
        &to_note,
    )
    .await?;
    payments::move_to(&mut tx, enrolment_id, new_id).await?;
    let moved = super::read_place(&mut tx, new_id, target).await?;
    let mail = PlaceMoved {
        p: facts(state, &moved),
        from_cohort,
    };
    send(state, &mut tx, &moved, "moved", &mail).await?;
    tx.commit().await?;
    Ok(new_id)
}

async fn lock_pair(tx: &mut Tx, a: i64, b: i64) -> Result<(Cohort, Cohort), EnrolmentError> {
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    let first = cohorts::lock(tx, first)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let second = cohorts::lock(tx, second)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    Ok(if a < b {
        (first, second)
    } else {
        (second, first)
    })
}

/// Adds a learner by hand with a confirmed free (NHS) or fee-waived place. Beyond capacity
/// only when the admin says so, and that is recorded.
pub async fn add_learner(
    state: &AppState,
    learner: &User,
    cohort_id: i64,
    over_capacity: bool,
    actor: Actor<'_>,
) -> Result<i64, EnrolmentError> {
    if !learner.is_verified() {
        return Err(EnrolmentError::NotVerified);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let cohort = cohorts::lock(&mut tx, cohort_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    if matches!(
        cohort.status(),
        CohortStatus::Cancelled | CohortStatus::Completed
    ) {
        return Err(EnrolmentError::NotEnrolling);
    }
    if let Some(existing) = enrolments::find_active(&mut tx, learner.user_id, cohort_id).await? {
        return Err(EnrolmentError::AlreadyEnrolled(existing.enrolment_id));
    }
    let seated = enrolments::take_seat(&mut tx, cohort_id).await?;
    if !seated {
        if !over_capacity {
            return Err(EnrolmentError::CohortFull);
        }
        enrolments::take_seat_over_capacity(&mut tx, cohort_id).await?;
    }
    let funding = match learner.learner_type() {
        LearnerType::Nhs => Funding::NhsFree,
        LearnerType::External => Funding::Waived,
    };
    let new = NewEnrolment {
        user_id: learner.user_id,
        cohort_id,
        status: Status::Confirmed,
        funding: Some(funding),
        fee_pence: 0,
        over_capacity: !seated,
        waitlist_number: None,
        hold_expires_at: None,
    };
    let enrolment_id = enrolments::insert(&mut tx, &new, now).await?;
    let note = match seated {
        true => "added by an admin",
        false => "added by an admin beyond capacity",
    };
    enrolments::record_event(
        &mut tx,
        enrolment_id,
        None,
        Status::Confirmed,
        actor.user_id,
        note,
        now,
    )
    .await?;
    crate::db::audit::audit(
        &mut tx,
        actor.user_id,
        Some(learner.user_id),
        if seated {
            "enrolment.added"
        } else {
            "enrolment.added_over_capacity"
        },
        &rules::reference(enrolment_id),
        actor.client,
        now,
    )
    .await?;
    let place = super::read_place(&mut tx, enrolment_id, cohort).await?;
    send_confirmation(state, &mut tx, &place, None).await?;
    tx.commit().await?;
    Ok(enrolment_id)
}

/// The purchase order arrived: the place is confirmed and the invoice issued.
pub async fn confirm_invoice(
    state: &AppState,
    enrolment_id: i64,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    let (mut tx, mut place) = open_place(state, enrolment_id).await?;
    apply(
        state,
        &mut tx,
        &mut place,
        Step::InvoiceConfirmed,
        Changes::default(),
        actor,
        "purchase order confirmed",
    )
    .await?;
    if let Some(payment) = payments::for_enrolment_in(&mut tx, enrolment_id).await? {
        let number = payments::next_number(&mut tx, Series::Invoice).await?;
        payments::set_invoice_number(&mut tx, payment.payment_id, &number, state.clock.now())
            .await?;
    }
    send_confirmation(state, &mut tx, &place, None).await?;
    tx.commit().await?;
    Ok(())
}

/// The invoice was paid: a receipt is issued (and the place confirmed if it was still held).
pub async fn record_invoice_paid(
    state: &AppState,
    enrolment_id: i64,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    let (mut tx, mut place) = open_place(state, enrolment_id).await?;
    let refused = rules::Refused {
        from: place.enrolment.status(),
        step: Step::InvoiceConfirmed,
    };
    let payment = payments::for_enrolment_in(&mut tx, enrolment_id)
        .await?
        .filter(|p| p.method == "invoice" && p.status == "pending")
        .ok_or(EnrolmentError::Changed(refused))?;
    let now = state.clock.now();
    if place.enrolment.status() == Status::AwaitingInvoice {
        apply(
            state,
            &mut tx,
            &mut place,
            Step::InvoiceConfirmed,
            Changes::default(),
            actor,
            "invoice paid",
        )
        .await?;
        send_confirmation(state, &mut tx, &place, Some(payment.amount_pence)).await?;
    } else if place.enrolment.status() != Status::Confirmed {
        return Err(rules::Refused {
            from: place.enrolment.status(),
            step: Step::InvoiceConfirmed,
        }
        .into());
    }
    if payment.invoice_number.is_none() {
        let number = payments::next_number(&mut tx, Series::Invoice).await?;
        payments::set_invoice_number(&mut tx, payment.payment_id, &number, now).await?;
    }
    let receipt = payments::next_number(&mut tx, Series::Receipt).await?;
    payments::mark_paid(&mut tx, payment.payment_id, None, &receipt, now).await?;
    let mail = Receipt {
        p: facts(state, &place),
        number: receipt,
        amount: money(payment.amount_pence),
        document_url: state
            .site()
            .url(&format!("/enrolments/{enrolment_id}/documents/receipt")),
    };
    send(state, &mut tx, &place, "receipt", &mail).await?;
    tx.commit().await?;
    Ok(())
}
