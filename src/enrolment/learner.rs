//! What learners do: enrol (free, by card, by invoice, or into the queue), answer an offer,
//! and cancel.

use crate::db::cohorts;
use crate::db::courses;
use crate::db::enrolments::{self, Changes, NewEnrolment};
use crate::db::outbox::Attachment;
use crate::db::payments::{self, Billing, Series};
use crate::db::users::User;
use crate::db::{DbError, Tx};
use crate::domain::eligibility::LearnerType;
use crate::domain::email::Email;
use crate::domain::enrolment::{self as rules, Funding, Placement, Status, Step};
use crate::domain::london;
use crate::state::AppState;

use super::mails::{
    HoldExpired, OfferExpired, PaymentNeeded, PlaceCancelled, PlaceConfirmed, ProForma,
    WaitlistJoined,
};
use super::{
    Actor, EnrolmentError, Place, apply, facts, money, offer_free_seats, open_place, send,
};

/// How the learner asked to take a place.
#[derive(Clone, Debug)]
pub enum Choice {
    /// A free place (NHS learners, or a course without a fee).
    Free,
    Card,
    Invoice(Billing),
    /// The cohort looked full: join the queue (an offer follows at once if a seat is free).
    WaitingList,
}

/// The outcome of asking for a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Enrolled {
    pub enrolment_id: i64,
    pub status: Status,
    /// The learner already had this enrolment (a second click on Enrol).
    pub existing: bool,
}

/// How a learner pays for a seat on a course, or why their choice is not offered.
pub fn funding_for(
    state: &AppState,
    learner: &User,
    fee_pence: i64,
    choice: &Choice,
) -> Result<Option<Funding>, EnrolmentError> {
    if learner.learner_type() == LearnerType::Nhs {
        return Ok(Some(Funding::NhsFree));
    }
    if fee_pence == 0 {
        return Ok(Some(Funding::Waived));
    }
    match choice {
        Choice::Card if state.config.card.is_some() => Ok(Some(Funding::Card)),
        Choice::Invoice(_) => Ok(Some(Funding::Invoice)),
        Choice::WaitingList => Ok(None),
        Choice::Card | Choice::Free => Err(EnrolmentError::FundingNotOffered),
    }
}

/// Asks for a place on a cohort: a seat if one is free and nobody is queueing, otherwise
/// the waiting list. A learner who already has an active enrolment gets that one back.
pub async fn enrol(
    state: &AppState,
    learner: &User,
    cohort_id: i64,
    choice: Choice,
    actor: Actor<'_>,
) -> Result<Enrolled, EnrolmentError> {
    if !learner.is_verified() {
        return Err(EnrolmentError::NotVerified);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let cohort = cohorts::lock(&mut tx, cohort_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let course = courses::find_in(&mut tx, cohort.course_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    if !course.published || cohort.status() == crate::domain::catalogue::CohortStatus::Draft {
        return Err(EnrolmentError::NotFound);
    }
    if let Some(existing) = enrolments::find_active(&mut tx, learner.user_id, cohort_id).await? {
        return Ok(Enrolled {
            enrolment_id: existing.enrolment_id,
            status: existing.status(),
            existing: true,
        });
    }
    if !cohort.facts().is_enrolling(now) {
        return Err(EnrolmentError::NotEnrolling);
    }
    let funding = funding_for(state, learner, course.fee_pence, &choice)?;
    let seat_free = cohort.seats_taken < cohort.capacity;
    let queue_exists = enrolments::queue_exists(&mut tx, cohort_id).await?;
    let placement = match funding {
        Some(funding) => rules::place(funding, seat_free, queue_exists),
        None => Placement::WaitingList,
    };
    let placement = match placement {
        Placement::Seat(status) if enrolments::take_seat(&mut tx, cohort_id).await? => {
            Placement::Seat(status)
        }
        _ => Placement::WaitingList,
    };
    let fee_pence = match funding {
        Some(Funding::Card | Funding::Invoice) => course.fee_pence,
        _ => 0,
    };
    let (status, waitlist_number, hold_expires_at) = match placement {
        Placement::Seat(status) => (status, None, hold_until(state, status)),
        Placement::WaitingList => (
            Status::Waitlisted,
            Some(enrolments::next_waitlist_number(&mut tx, cohort_id).await?),
            None,
        ),
    };
    let new = NewEnrolment {
        user_id: learner.user_id,
        cohort_id,
        status,
        funding: match status {
            Status::Waitlisted => funding.filter(|f| *f == Funding::NhsFree),
            _ => funding,
        },
        fee_pence,
        over_capacity: false,
        waitlist_number,
        hold_expires_at,
    };
    let enrolment_id = match enrolments::insert(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(DbError::UniqueViolation(_)) => return Err(EnrolmentError::AlreadyEnrolled(0)),
        Err(other) => return Err(other.into()),
    };
    enrolments::record_event(&mut tx, enrolment_id, None, status, actor.user_id, "", now).await?;
    crate::db::audit::audit(
        &mut tx,
        actor.user_id,
        Some(learner.user_id),
        "enrolment.created",
        &format!("{} {}", rules::reference(enrolment_id), status.as_str()),
        actor.client,
        now,
    )
    .await?;
    let mut place = super::read_place(&mut tx, enrolment_id, cohort).await?;
    match status {
        Status::Waitlisted => {
            let position = waiting_position(&mut tx, &place).await?;
            let mail = WaitlistJoined {
                p: facts(state, &place),
                position,
            };
            send(state, &mut tx, &place, "waitlisted", &mail).await?;
            offer_free_seats(state, &mut tx, cohort_id).await?;
            place.enrolment = enrolments::find_in(&mut tx, enrolment_id)
                .await?
                .ok_or(EnrolmentError::NotFound)?;
        }
        _ => seat_taken(state, &mut tx, &place, &choice).await?,
    }
    tx.commit().await?;
    Ok(Enrolled {
        enrolment_id,
        status: place.enrolment.status(),
        existing: false,
    })
}

/// When a hold in `status` ends, if it is a hold.
fn hold_until(state: &AppState, status: Status) -> Option<chrono::DateTime<chrono::Utc>> {
    let now = state.clock.now();
    match status {
        Status::AwaitingPayment => Some(now + state.config.enrolment.card_hold),
        Status::AwaitingInvoice => Some(now + state.config.enrolment.invoice_hold),
        _ => None,
    }
}

async fn waiting_position(tx: &mut Tx, place: &Place) -> Result<i64, EnrolmentError> {
    let sql = "select count(*) from enrolments where cohort_id = $1 and status = 'waitlisted' \
               and waitlist_number <= $2";
    let rank: i64 = crate::db::run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(place.enrolment.cohort_id)
        .bind(place.enrolment.waitlist_number)
        .fetch_one(c)
        .await)
    .map_err(DbError::from)?;
    Ok(rank)
}

/// What follows taking a seat: the payment record and the learner's email.
async fn seat_taken(
    state: &AppState,
    tx: &mut Tx,
    place: &Place,
    choice: &Choice,
) -> Result<(), EnrolmentError> {
    let now = state.clock.now();
    let enrolment = &place.enrolment;
    let hold_until = enrolment
        .hold_expires_at
        .map(london::date_time)
        .unwrap_or_default();
    let description = format!(
        "{}: {} ({})",
        place.course.title,
        place.cohort.name,
        rules::reference(enrolment.enrolment_id)
    );
    match enrolment.status() {
        Status::Confirmed => send_confirmation(state, tx, place, None).await,
        Status::AwaitingPayment => {
            payments::insert_card(
                tx,
                enrolment.enrolment_id,
                &description,
                enrolment.fee_pence,
                now,
            )
            .await?;
            let mail = PaymentNeeded {
                p: facts(state, place),
                by_card: true,
                amount: money(enrolment.fee_pence),
                hold_until,
                expiring: false,
            };
            send(state, tx, place, "payment_needed", &mail).await
        }
        Status::AwaitingInvoice => {
            let Choice::Invoice(billing) = choice else {
                return Err(EnrolmentError::FundingNotOffered);
            };
            let number = payments::next_number(tx, Series::ProForma).await?;
            payments::insert_invoice(
                tx,
                enrolment.enrolment_id,
                &description,
                enrolment.fee_pence,
                billing,
                &number,
                now,
            )
            .await?;
            let mail = ProForma {
                p: facts(state, place),
                number,
                amount: money(enrolment.fee_pence),
                hold_until,
                document_url: state.site().url(&format!(
                    "/enrolments/{}/documents/proforma",
                    enrolment.enrolment_id
                )),
            };
            send(state, tx, place, "proforma", &mail).await?;
            // The pro-forma also goes to whoever pays it.
            match Email::parse(&billing.billing_email) {
                Ok(billing_contact) => {
                    super::send_copy(state, tx, place, "proforma", &billing_contact, &mail).await
                }
                Err(_) => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// The "place confirmed" email, with the cohort's calendar attached when it has sessions.
pub async fn send_confirmation(
    state: &AppState,
    tx: &mut Tx,
    place: &Place,
    paid_pence: Option<i64>,
) -> Result<(), EnrolmentError> {
    let sessions = cohorts::sessions_in(tx, place.cohort.cohort_id).await?;
    let attachment = (!sessions.is_empty()).then(|| Attachment {
        filename: format!("academy-cohort-{}.ics", place.cohort.cohort_id),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        body: crate::calendar::cohort_calendar(
            state.site(),
            &place.course.title,
            &place.cohort,
            &sessions,
        ),
    });
    let mail = PlaceConfirmed {
        p: facts(state, place),
        first_session: sessions
            .first()
            .map(|s| london::date_time(s.starts_at))
            .unwrap_or_default(),
        paid: paid_pence.map(money).unwrap_or_default(),
    };
    super::send_with_attachment(state, tx, place, "confirmed", &mail, attachment.as_ref()).await
}

/// Accepts an offered place: free, or held while the learner pays.
pub async fn accept_offer(
    state: &AppState,
    learner: &User,
    enrolment_id: i64,
    choice: Choice,
    actor: Actor<'_>,
) -> Result<Status, EnrolmentError> {
    let (mut tx, mut place) = open_place(state, enrolment_id).await?;
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
    if offer_has_ended(state, &place) {
        expire(state, &mut tx, &mut place).await?;
        tx.commit().await?;
        return Err(EnrolmentError::OfferEnded);
    }
    let funding = funding_for(state, learner, place.course.fee_pence, &choice)?
        .ok_or(EnrolmentError::FundingNotOffered)?;
    let paying = matches!(funding, Funding::Card | Funding::Invoice);
    let changes = Changes {
        funding: Some(funding),
        fee_pence: Some(if paying { place.course.fee_pence } else { 0 }),
        hold_expires_at: match funding {
            Funding::Card => hold_until(state, Status::AwaitingPayment),
            Funding::Invoice => hold_until(state, Status::AwaitingInvoice),
            _ => None,
        },
        ..Changes::default()
    };
    let status = apply(
        state,
        &mut tx,
        &mut place,
        Step::OfferAccepted(funding),
        changes,
        actor,
        "",
    )
    .await?;
    seat_taken(state, &mut tx, &place, &choice).await?;
    tx.commit().await?;
    Ok(status)
}

fn offer_has_ended(state: &AppState, place: &Place) -> bool {
    place
        .enrolment
        .offer_expires_at
        .is_some_and(|until| until <= state.clock.now())
}

/// Declines an offer; the seat goes to the next person waiting.
pub async fn decline_offer(
    state: &AppState,
    learner: &User,
    enrolment_id: i64,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    let (mut tx, mut place) = open_place(state, enrolment_id).await?;
    if place.enrolment.user_id != learner.user_id {
        return Err(EnrolmentError::NotFound);
    }
    apply(
        state,
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

/// Ends a lapsed hold or offer (called by the expiry job, and when someone acts on an
/// offer that has just ended). The seat goes to the waiting list.
pub async fn expire(
    state: &AppState,
    tx: &mut Tx,
    place: &mut Place,
) -> Result<(), EnrolmentError> {
    let courses_url = state.site().url("/courses");
    match place.enrolment.status() {
        Status::Offered => {
            apply(
                state,
                tx,
                place,
                Step::OfferExpired,
                Changes::default(),
                Actor::SYSTEM,
                "",
            )
            .await?;
            let mail = OfferExpired {
                p: facts(state, place),
                courses_url,
            };
            send(state, tx, place, "offer_expired", &mail).await
        }
        Status::AwaitingPayment | Status::AwaitingInvoice => {
            apply(
                state,
                tx,
                place,
                Step::HoldExpired,
                Changes::default(),
                Actor::SYSTEM,
                "",
            )
            .await?;
            super::settlement::settle_payment(state, tx, place, 0).await?;
            let mail = HoldExpired {
                p: facts(state, place),
                courses_url,
            };
            send(state, tx, place, "hold_expired", &mail).await
        }
        other => Err(rules::Refused {
            from: other,
            step: Step::HoldExpired,
        }
        .into()),
    }
}

/// Cancels the learner's own place (or leaves the queue) before the cohort starts; paid card
/// places are refunded in full up to the cut-off.
pub async fn cancel(
    state: &AppState,
    learner: &User,
    enrolment_id: i64,
    actor: Actor<'_>,
) -> Result<(), EnrolmentError> {
    let (mut tx, mut place) = open_place(state, enrolment_id).await?;
    if place.enrolment.user_id != learner.user_id {
        return Err(EnrolmentError::NotFound);
    }
    let now = state.clock.now();
    let from = place.enrolment.status();
    if !rules::learner_may_cancel(from, place.cohort.starts_on, now) {
        return match from.is_active() {
            true => Err(EnrolmentError::TooLateToCancel),
            false => Err(rules::Refused {
                from,
                step: Step::LearnerCancelled,
            }
            .into()),
        };
    }
    apply(
        state,
        &mut tx,
        &mut place,
        Step::LearnerCancelled,
        Changes::default(),
        actor,
        "",
    )
    .await?;
    let paid = place.enrolment.fee_pence;
    let refund = rules::learner_refund(
        paid,
        place.cohort.starts_on,
        state.config.enrolment.refund_cutoff_days,
        now,
    );
    let refund_text = super::settlement::settle_payment(state, &mut tx, &place, refund).await?;
    let mail = PlaceCancelled {
        p: facts(state, &place),
        by_learner: true,
        cohort_cancelled: false,
        reason: String::new(),
        refund: refund_text,
        courses_url: state.site().url("/courses"),
    };
    send(state, &mut tx, &place, "cancelled", &mail).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every active place of a learner who is deleting their account, in the deletion's
/// transaction: seats go to the waiting list and paid card places are refunded under the
/// usual policy. (No email: the account and its mail are erased with it.)
pub async fn end_places_of_deleted_account(
    state: &AppState,
    tx: &mut Tx,
    user_id: i64,
) -> Result<(), EnrolmentError> {
    let now = state.clock.now();
    for enrolment in enrolments::active_of_user(tx, user_id).await? {
        let cohort = cohorts::lock(tx, enrolment.cohort_id)
            .await?
            .ok_or(EnrolmentError::NotFound)?;
        let mut place = super::read_place(tx, enrolment.enrolment_id, cohort).await?;
        let actor = Actor {
            user_id: Some(user_id),
            client: None,
        };
        apply(
            state,
            tx,
            &mut place,
            Step::LearnerCancelled,
            Changes::default(),
            actor,
            "account deleted",
        )
        .await?;
        let refund = rules::learner_refund(
            place.enrolment.fee_pence,
            place.cohort.starts_on,
            state.config.enrolment.refund_cutoff_days,
            now,
        );
        super::settlement::settle_payment(state, tx, &place, refund).await?;
    }
    Ok(())
}
