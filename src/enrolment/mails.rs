//! The emails about a place: confirmations, holds, documents, the waiting list, offers,
//! cancellations, moves, reminders, and notices to the education team.

use askama::Template;

use crate::email::templates::{OutgoingEmail, RenderedEmail, Site, outgoing_email};

/// What every email about a place says about it.
#[derive(Clone, Debug)]
pub struct PlaceFacts {
    pub name: String,
    pub course_title: String,
    pub cohort_name: String,
    /// "12 January to 9 February 2027".
    pub dates: String,
    pub reference: String,
    pub enrolment_url: String,
}

pub struct PlaceConfirmed {
    pub p: PlaceFacts,
    /// The first live session in UK time, or empty.
    pub first_session: String,
    /// "£250.00" when paid, or empty.
    pub paid: String,
}
outgoing_email!(PlaceConfirmed, "place_confirmed", token: false,
    "place_confirmed/subject.txt", "place_confirmed/body.txt", "place_confirmed/body.html");

pub struct PaymentNeeded {
    pub p: PlaceFacts,
    pub by_card: bool,
    pub amount: String,
    pub hold_until: String,
    /// A reminder that the hold is about to end.
    pub expiring: bool,
}
outgoing_email!(PaymentNeeded, "payment_needed", token: false,
    "payment_needed/subject.txt", "payment_needed/body.txt", "payment_needed/body.html");

pub struct ProForma {
    pub p: PlaceFacts,
    pub number: String,
    pub amount: String,
    pub hold_until: String,
    pub document_url: String,
}
outgoing_email!(ProForma, "proforma", token: false,
    "proforma/subject.txt", "proforma/body.txt", "proforma/body.html");

pub struct Receipt {
    pub p: PlaceFacts,
    pub number: String,
    pub amount: String,
    pub document_url: String,
}
outgoing_email!(Receipt, "receipt", token: false,
    "receipt/subject.txt", "receipt/body.txt", "receipt/body.html");

pub struct WaitlistJoined {
    pub p: PlaceFacts,
    pub position: i64,
}
outgoing_email!(WaitlistJoined, "waitlist_joined", token: false,
    "waitlist_joined/subject.txt", "waitlist_joined/body.txt", "waitlist_joined/body.html");

pub struct OfferMade {
    pub p: PlaceFacts,
    pub offer_until: String,
    pub offer_url: String,
}
outgoing_email!(OfferMade, "offer_made", token: false,
    "offer_made/subject.txt", "offer_made/body.txt", "offer_made/body.html");

pub struct OfferExpired {
    pub p: PlaceFacts,
    pub courses_url: String,
}
outgoing_email!(OfferExpired, "offer_expired", token: false,
    "offer_expired/subject.txt", "offer_expired/body.txt", "offer_expired/body.html");

pub struct HoldExpired {
    pub p: PlaceFacts,
    pub courses_url: String,
}
outgoing_email!(HoldExpired, "hold_expired", token: false,
    "hold_expired/subject.txt", "hold_expired/body.txt", "hold_expired/body.html");

pub struct PlaceCancelled {
    pub p: PlaceFacts,
    pub by_learner: bool,
    pub cohort_cancelled: bool,
    /// The admin's reason or the cohort's cancellation message.
    pub reason: String,
    /// What happens to the money, or empty.
    pub refund: String,
    pub courses_url: String,
}
outgoing_email!(PlaceCancelled, "place_cancelled", token: false,
    "place_cancelled/subject.txt", "place_cancelled/body.txt", "place_cancelled/body.html");

pub struct PlaceMoved {
    /// The new place.
    pub p: PlaceFacts,
    pub from_cohort: String,
}
outgoing_email!(PlaceMoved, "place_moved", token: false,
    "place_moved/subject.txt", "place_moved/body.txt", "place_moved/body.html");

pub struct SessionReminder {
    pub p: PlaceFacts,
    /// "tomorrow" or "in 6 days".
    pub when: String,
    pub first_session: String,
}
outgoing_email!(SessionReminder, "session_reminder", token: false,
    "session_reminder/subject.txt", "session_reminder/body.txt", "session_reminder/body.html");

pub struct LatePaymentRefunded {
    pub p: PlaceFacts,
    pub amount: String,
    pub courses_url: String,
}
outgoing_email!(LatePaymentRefunded, "late_payment_refunded", token: false,
    "late_payment_refunded/subject.txt", "late_payment_refunded/body.txt", "late_payment_refunded/body.html");

/// To every admin: something about money needs a person.
pub struct AdminNotice {
    pub headline: String,
    pub detail: String,
    pub roster_url: String,
}
outgoing_email!(AdminNotice, "admin_notice", token: false,
    "admin_notice/subject.txt", "admin_notice/body.txt", "admin_notice/body.html");
