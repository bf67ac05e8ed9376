//! Enrolment workflows: taking, holding, paying for, queueing for and giving back places.
//!
//! Every change to a cohort's places runs in one transaction that first locks the cohort
//! (see [`crate::db::cohorts::lock`]), then moves the enrolment with a conditional write,
//! keeps the seat counter true, records the history and audit event, and queues the
//! learner's email. Each workflow takes an [`EnrolmentCtx`] (or only the [`Ctx`] when the
//! policy and the card provider play no part) and answers with an [`EnrolmentError`].
//!
//! Below the workflows ([`learner`], [`admin`], [`card`], [`jobs`]) sit the shared steps:
//! [`place`] (read and move one place), [`seats`] (a freed seat offered to the queue),
//! [`expiry`] (lapsed holds and offers), [`notify`] (the place's emails) and
//! [`settlement`] (the money when a place ends).

use chrono::{DateTime, Utc};

use crate::config::EnrolmentPolicy;
use crate::context::Ctx;
use crate::db::{Db, DbError};
use crate::domain::email::EmailProblem;
use crate::domain::enrolment::Refused;
use crate::email::Site;
use crate::payments::CardProvider;
use crate::published::PublishedContent;

pub mod admin;
pub mod card;
pub mod expiry;
pub mod jobs;
pub mod learner;
pub mod mails;
pub mod notify;
pub mod place;
pub mod seats;
pub mod settlement;

pub use crate::context::Actor;
pub use notify::{cohort_dates, date_range, money};
pub use seats::offer_free_seats;

/// What enrolment workflows work with: storage, the clock and links ([`Ctx`]), the
/// enrolment policy (holds, offers, the refund cut-off, VAT), the card provider when
/// one is configured, and the published content. Callers build it with
/// `AppState::enrolment`.
#[derive(Clone, Copy)]
pub struct EnrolmentCtx<'a> {
    pub ctx: Ctx<'a>,
    pub policy: &'a EnrolmentPolicy,
    pub card: Option<&'a CardProvider>,
    /// What a free seat is taken against: the course, cohort and sessions in memory (the
    /// transaction checks they are still at its version).
    pub published: &'a PublishedContent,
}

impl<'a> EnrolmentCtx<'a> {
    pub fn db(&self) -> &'a Db {
        self.ctx.db
    }

    pub fn site(&self) -> &'a Site {
        self.ctx.site
    }

    /// "Now" from the clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.ctx.now()
    }
}

/// Why an enrolment change did not happen, in terms a page can explain; the last three
/// are failures underneath (storage, mail, a payment that would not hold still).
#[derive(Debug, thiserror::Error)]
pub enum EnrolmentError {
    #[error("no such cohort or enrolment")]
    NotFound,
    #[error("this cohort is not open for enrolment")]
    NotEnrolling,
    #[error("confirm your email address before enrolling")]
    NotVerified,
    #[error("no account has that email address")]
    NoAccount,
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
    #[error("the learner's stored email address cannot be mailed")]
    LearnerAddress(#[source] EmailProblem),
    #[error("the payment of checkout {0} kept moving between cohorts")]
    PaymentKeptMoving(String),
    #[error("the email could not be queued")]
    Mail(#[source] anyhow::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl EnrolmentError {
    /// A failure underneath (a 500 on a page), not a refusal a person can act on.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            EnrolmentError::LearnerAddress(_)
                | EnrolmentError::PaymentKeptMoving(_)
                | EnrolmentError::Mail(_)
                | EnrolmentError::Db(_)
        )
    }
}
