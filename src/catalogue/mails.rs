//! The catalogue's emails: confirming a request to hear about a course, and telling the
//! list that a new cohort is open. Templates live in `emails/<kind>/`.

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
