//! Enrolment workflows: taking, holding, paying for, queueing for and giving back places.
//!
//! Every change to a cohort's places runs in one transaction that first locks the cohort
//! (see [`cohorts::lock`]), then moves the enrolment with a conditional write, keeps the
//! seat counter true, records the history and audit event, and queues the learner's email.

use chrono::{DateTime, Utc};

use crate::db::audit::audit;
use crate::db::cohorts::{self, Cohort};
use crate::db::courses::{self, Course};
use crate::db::enrolments::{self, Changes, Enrolment};
use crate::db::users::{self, User};
use crate::db::{DbError, Tx};
use crate::domain::catalogue::CohortStatus;
use crate::domain::email::Email;
use crate::domain::enrolment::{self as rules, Refused, Status, Step};
use crate::domain::london;
use crate::domain::money::format_pence;
use crate::email::outbox::{Envelope, queue, queue_with_attachment};
use crate::email::templates::OutgoingEmail;
use crate::error::AppError;
use crate::state::AppState;

pub mod admin;
pub mod card;
pub mod jobs;
pub mod learner;
pub mod mails;
pub mod settlement;

use mails::{OfferMade, PlaceFacts};

/// Why an enrolment change did not happen, in terms a page can explain.
#[derive(Debug, thiserror::Error)]
pub enum EnrolmentError {
    #[error("no such cohort or enrolment")]
    NotFound,
    #[error("this cohort is not open for enrolment")]
    NotEnrolling,
    #[error("confirm your email address before enrolling")]
    NotVerified,
    #[error("that way of paying is not available for this place")]
    FundingNotOffered,
    #[error("this enrolment has changed since the page was loaded")]
    Changed(#[from] Refused),
    #[error("the cohort has started, so the place can no longer be cancelled online")]
    TooLateToCancel,
    #[error("the offer has ended")]
    OfferEnded,
    #[error("the cohort is full")]
    CohortFull,
    #[error("the learner already has a place or a place in the queue on that cohort")]
    AlreadyEnrolled(i64),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<DbError> for EnrolmentError {
    fn from(error: DbError) -> Self {
        EnrolmentError::Internal(error.into())
    }
}

impl From<EnrolmentError> for AppError {
    fn from(error: EnrolmentError) -> Self {
        match error {
            EnrolmentError::NotFound => AppError::NotFound,
            EnrolmentError::Internal(error) => AppError::Internal(error),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

/// Everything a change to one enrolment needs, read inside its transaction.
pub struct Place {
    pub enrolment: Enrolment,
    pub cohort: Cohort,
    pub course: Course,
    pub learner: User,
}

/// Starts a transaction, locks the enrolment's cohort and reads the place as it is now.
pub async fn open_place(
    state: &AppState,
    enrolment_id: i64,
) -> Result<(Tx, Place), EnrolmentError> {
    let cohort_id = enrolments::find(&state.db, enrolment_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?
        .cohort_id;
    let mut tx = state.db.begin().await?;
    let cohort = cohorts::lock(&mut tx, cohort_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let place = read_place(&mut tx, enrolment_id, cohort).await?;
    Ok((tx, place))
}

async fn read_place(
    tx: &mut Tx,
    enrolment_id: i64,
    cohort: Cohort,
) -> Result<Place, EnrolmentError> {
    let enrolment = enrolments::find_in(tx, enrolment_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let course = courses::find_in(tx, cohort.course_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    let learner = users::find_in(tx, enrolment.user_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    Ok(Place {
        enrolment,
        cohort,
        course,
        learner,
    })
}

pub use crate::context::Actor;

/// Takes `step` on the place's enrolment: the conditional state change, the history, the
/// audit event and the seat counter. A seat given back goes to the waiting list.
pub async fn apply(
    state: &AppState,
    tx: &mut Tx,
    place: &mut Place,
    step: Step,
    changes: Changes,
    actor: Actor<'_>,
    note: &str,
) -> Result<Status, EnrolmentError> {
    let from = place.enrolment.status();
    let to = record_step(state, tx, place, step, changes, actor, note).await?;
    if from.holds_seat() && !to.holds_seat() {
        enrolments::release_seat(tx, place.cohort.cohort_id).await?;
        offer_free_seats(state, tx, place.cohort.cohort_id).await?;
    }
    Ok(to)
}

/// [`apply`] without giving a seat back: the state change, history, audit and a seat taken
/// when the new state holds one.
async fn record_step(
    state: &AppState,
    tx: &mut Tx,
    place: &mut Place,
    step: Step,
    changes: Changes,
    actor: Actor<'_>,
    note: &str,
) -> Result<Status, EnrolmentError> {
    let now = state.clock.now();
    let from = place.enrolment.status();
    let to = rules::next(from, step)?;
    let enrolment_id = place.enrolment.enrolment_id;
    if !from.holds_seat()
        && to.holds_seat()
        && !enrolments::take_seat(tx, place.cohort.cohort_id).await?
    {
        return Err(EnrolmentError::CohortFull);
    }
    if !enrolments::transition(tx, enrolment_id, from, to, &changes, now).await? {
        return Err(Refused { from, step }.into());
    }
    enrolments::record_event(tx, enrolment_id, Some(from), to, actor.user_id, note, now).await?;
    let detail = format!(
        "{} {} -> {}",
        rules::reference(enrolment_id),
        from.as_str(),
        to.as_str()
    );
    audit(
        tx,
        actor.user_id,
        Some(place.enrolment.user_id),
        &format!("enrolment.{}", step.name()),
        &detail,
        actor.client,
        now,
    )
    .await?;
    place.enrolment = enrolments::find_in(tx, enrolment_id)
        .await?
        .ok_or(EnrolmentError::NotFound)?;
    Ok(to)
}

/// Offers free seats to the waiting list, first come first served, while the cohort is
/// open and has not started. Each offer holds its seat until accepted, declined or expired.
pub async fn offer_free_seats(
    state: &AppState,
    tx: &mut Tx,
    cohort_id: i64,
) -> Result<(), EnrolmentError> {
    let now = state.clock.now();
    loop {
        let cohort = cohorts::lock(tx, cohort_id)
            .await?
            .ok_or(EnrolmentError::NotFound)?;
        let still_running =
            cohort.status() == CohortStatus::Open && now < london::start_of_day(cohort.starts_on);
        if !still_running || cohort.seats_taken >= cohort.capacity {
            return Ok(());
        }
        let Some(waiting) = enrolments::first_waiting(tx, cohort_id).await? else {
            return Ok(());
        };
        let mut place = read_place(tx, waiting.enrolment_id, cohort).await?;
        let offer_expires_at = now + state.config.enrolment.offer_time;
        let changes = Changes {
            offer_expires_at: Some(offer_expires_at),
            ..Changes::default()
        };
        record_step(
            state,
            tx,
            &mut place,
            Step::OfferMade,
            changes,
            Actor::SYSTEM,
            "",
        )
        .await?;
        let mail = OfferMade {
            p: facts(state, &place),
            offer_until: london::date_time(offer_expires_at),
            offer_url: state.site().url(&format!(
                "/enrolments/{}/offer",
                place.enrolment.enrolment_id
            )),
        };
        send(state, tx, &place, "offer", &mail).await?;
    }
}

/// What every email about this place says.
pub fn facts(state: &AppState, place: &Place) -> PlaceFacts {
    PlaceFacts {
        name: place.learner.full_name.clone(),
        course_title: place.course.title.clone(),
        cohort_name: place.cohort.name.clone(),
        dates: cohort_dates(&place.cohort),
        reference: rules::reference(place.enrolment.enrolment_id),
        enrolment_url: state
            .site()
            .url(&format!("/enrolments/{}", place.enrolment.enrolment_id)),
    }
}

/// "12 January to 9 February 2027".
pub fn cohort_dates(cohort: &Cohort) -> String {
    format!(
        "{} to {}",
        london::date(cohort.starts_on),
        london::date(cohort.ends_on)
    )
}

/// "£250.00".
pub fn money(pence: i64) -> String {
    format_pence(pence)
}

/// Queues a mail to the place's learner. The key names the event, so a retried
/// transaction never mails twice: `enrolment:<id>:<event>:<updated_at>`.
pub async fn send<E: OutgoingEmail>(
    state: &AppState,
    tx: &mut Tx,
    place: &Place,
    event: &str,
    mail: &E,
) -> Result<(), EnrolmentError> {
    send_with_attachment(state, tx, place, event, mail, None).await
}

pub async fn send_with_attachment<E: OutgoingEmail>(
    state: &AppState,
    tx: &mut Tx,
    place: &Place,
    event: &str,
    mail: &E,
    attachment: Option<&crate::db::outbox::Attachment>,
) -> Result<(), EnrolmentError> {
    let to = Email::parse(&place.learner.email).map_err(|e| anyhow::anyhow!("{e}"))?;
    deliver(state, tx, place, event, &to, mail, attachment).await
}

/// The same mail to someone else about this place (an invoice's billing contact).
pub async fn send_copy<E: OutgoingEmail>(
    state: &AppState,
    tx: &mut Tx,
    place: &Place,
    event: &str,
    to: &Email,
    mail: &E,
) -> Result<(), EnrolmentError> {
    if to.as_str() == place.learner.email {
        return Ok(());
    }
    deliver(state, tx, place, &format!("{event}:copy"), to, mail, None).await
}

async fn deliver<E: OutgoingEmail>(
    state: &AppState,
    tx: &mut Tx,
    place: &Place,
    event: &str,
    to: &Email,
    mail: &E,
    attachment: Option<&crate::db::outbox::Attachment>,
) -> Result<(), EnrolmentError> {
    let envelope = Envelope {
        to,
        user_id: Some(place.learner.user_id),
        idempotency_key: format!(
            "enrolment:{}:{event}:{}",
            place.enrolment.enrolment_id,
            place.enrolment.updated_at.timestamp_micros()
        ),
    };
    let now = state.clock.now();
    queue_with_attachment(tx, state.site(), &envelope, mail, attachment, now).await?;
    Ok(())
}

/// Tells every active admin about something that needs a person (a refund after a late
/// payment, a cancelled invoice).
pub async fn notify_admins(
    state: &AppState,
    tx: &mut Tx,
    key: &str,
    headline: String,
    detail: String,
    cohort_id: Option<i64>,
) -> Result<(), EnrolmentError> {
    let roster = cohort_id.map_or("/admin/cohorts".to_owned(), |id| {
        format!("/admin/cohorts/{id}")
    });
    let mail = mails::AdminNotice {
        headline,
        detail,
        roster_url: state.site().url(&roster),
    };
    let now = state.clock.now();
    for admin in users::active_admins(tx).await? {
        let Ok(to) = Email::parse(&admin.email) else {
            continue;
        };
        let envelope = Envelope {
            to: &to,
            user_id: Some(admin.user_id),
            idempotency_key: format!("{key}:admin:{}", admin.user_id),
        };
        queue(tx, state.site(), &envelope, &mail, now).await?;
    }
    Ok(())
}

/// "3 March 2026 at 9:30am" for the first live session of a cohort, if it has one.
pub async fn first_session(
    tx: &mut Tx,
    cohort_id: i64,
) -> Result<Option<DateTime<Utc>>, EnrolmentError> {
    Ok(cohorts::first_session_start(tx, cohort_id).await?)
}
