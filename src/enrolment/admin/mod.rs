//! What admins do to places: cancel one or a whole cohort's, add a learner by hand, move a
//! place ([`moving`]) and confirm invoices ([`invoices`]).

use crate::context::Actor;
use crate::db::enrolments::{self, Changes, NewEnrolment};
use crate::db::users;
use crate::db::{Tx, cohorts};
use crate::domain::audit::SubjectKind;
use crate::domain::catalogue::CohortStatus;
use crate::domain::eligibility::LearnerType;
use crate::domain::email::Email;
use crate::domain::enrolment::{self as rules, Funding, Status, Step};
use crate::enrolment::mails::PlaceCancelled;
use crate::enrolment::notify::{facts, send, send_confirmation};
use crate::enrolment::place::{Place, open_place, read_place};
use crate::enrolment::seats::apply;
use crate::enrolment::settlement::settle_payment;
use crate::enrolment::{EnrolmentCtx, EnrolmentError};
use crate::paths;

mod invoices;
mod moving;

pub use invoices::{confirm_invoice, record_invoice_paid};
pub use moving::move_place;

/// Cancels any active enrolment, with the admin's reason; paid card places are refunded
/// in full.
pub async fn cancel(
    ctx: EnrolmentCtx<'_>,
    enrolment_id: i64,
    reason: &str,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    let (mut tx, mut place) = open_place(ctx.ctx, enrolment_id).await?;
    let ending = Ending {
        step: Step::AdminCancelled,
        reason,
        event: "cancelled",
    };
    end_place(ctx, &mut tx, &mut place, &ending, actor).await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels every active enrolment of a cohort the admin has just cancelled (in the same
/// transaction), refunding card payments and mailing each learner once.
pub async fn cancel_cohort_places(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    cohort_id: i64,
    message: &str,
    actor: Actor<'_>,
) -> Result<usize, EnrolmentError> {
    let cohort = cohorts::lock(tx, cohort_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let active = enrolments::active_in_cohort(tx, cohort_id).await?;
    let ending = Ending {
        step: Step::CohortCancelled,
        reason: message,
        event: "cohort_cancelled",
    };
    for enrolment in &active {
        let mut place = read_place(tx, enrolment.enrolment_id, cohort.clone()).await?;
        end_place(ctx, tx, &mut place, &ending, actor).await?;
    }
    Ok(active.len())
}

/// How an admin ends a place: the step, the reason the learner is sent, the mail's event.
struct Ending<'a> {
    step: Step,
    reason: &'a str,
    event: &'a str,
}

/// Ends the place with a full refund of a card payment, and tells the learner why.
async fn end_place(
    ctx: EnrolmentCtx<'_>,
    tx: &mut Tx,
    place: &mut Place,
    ending: &Ending<'_>,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    apply(
        ctx,
        tx,
        place,
        ending.step,
        Changes::default(),
        actor,
        ending.reason,
    )
    .await?;
    let refund_text = settle_payment(ctx, tx, place, place.enrolment.fee_pence).await?;
    let mail = PlaceCancelled {
        p: facts(ctx.site(), place),
        by_learner: false,
        cohort_cancelled: ending.step == Step::CohortCancelled,
        reason: ending.reason.to_owned(),
        refund: refund_text,
        courses_url: ctx.site().url(paths::courses()),
    };
    send(ctx.ctx, tx, place, ending.event, &mail).await
}

/// Adds the learner with this email address by hand with a confirmed free (NHS) or
/// fee-waived place. Beyond capacity only when the admin says so, and that is recorded.
pub async fn add_learner(
    ctx: EnrolmentCtx<'_>,
    email: &Email,
    cohort_id: i64,
    over_capacity: bool,
    actor: Actor<'_>,
) -> Result<i64, EnrolmentError> {
    let learner = users::find_by_email(ctx.db(), email)
        .await?
        .ok_or(EnrolmentError::NoAccount)?;
    if !learner.is_verified() {
        return Err(EnrolmentError::NotVerified);
    }
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
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
    let enrolment_id = enrolments::insert(&mut tx, &new, now).await?.enrolment_id;
    let (note, action) = match seated {
        true => ("added by an admin", "enrolment.added"),
        false => (
            "added by an admin beyond capacity",
            "enrolment.added_over_capacity",
        ),
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
    let detail = rules::reference(enrolment_id);
    let event = crate::db::audit::AuditEvent::new(action)
        .by(actor.user_id, actor.client)
        .about(Some(learner.user_id))
        .on(SubjectKind::Enrolment, enrolment_id)
        .detail(&detail);
    crate::db::audit::record(&mut tx, &event, now).await?;
    let place = read_place(&mut tx, enrolment_id, cohort).await?;
    send_confirmation(ctx.ctx, &mut tx, &place, None).await?;
    tx.commit().await?;
    Ok(enrolment_id)
}
