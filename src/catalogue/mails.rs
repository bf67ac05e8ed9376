//! The catalogue's emails: confirming a request to hear about a course, telling the list
//! that a new cohort is open, and telling a cohort's learners that its dates changed.
//! Templates live in `emails/<kind>/`.

use askama::Template;

use crate::email::templates::{OutgoingEmail, RenderedEmail, Site, outgoing_email};

/// Confirms a request to hear about a course's next cohort.
pub struct InterestConfirm {
    pub course_title: String,
    pub confirm_url: String,
    pub unsubscribe_url: String,
}
outgoing_email!(InterestConfirm, "interest_confirm", token: true,
    "interest_confirm/subject.txt", "interest_confirm/body.txt", "interest_confirm/body.html");

/// Tells someone on the list that a new cohort is open.
pub struct CohortOpened {
    pub course_title: String,
    pub cohort_name: String,
    pub starts: String,
    pub course_url: String,
    pub unsubscribe_url: String,
}
outgoing_email!(CohortOpened, "cohort_opened", token: true,
    "cohort_opened/subject.txt", "cohort_opened/body.txt", "cohort_opened/body.html");

/// Tells a confirmed learner what an edit changed in their cohort's dates (a service
/// message about a booked place: no unsubscribe link).
pub struct SessionsChanged {
    pub name: String,
    pub course_title: String,
    pub cohort_name: String,
    /// One sentence per change.
    pub changes: Vec<String>,
    pub delivery_notes: String,
    pub enrolment_url: String,
}
outgoing_email!(SessionsChanged, "sessions_changed", token: false,
    "sessions_changed/subject.txt", "sessions_changed/body.txt", "sessions_changed/body.html");
