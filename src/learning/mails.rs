//! Learning's emails: a new material for a cohort, the evaluation request, and "you did not
//! complete" with the reason (a completion's news is its certificate's "ready" mail, from
//! `certificates`). Templates in `emails/<kind>/`.

use askama::Template;

use crate::email::templates::{OutgoingEmail, RenderedEmail, Site, outgoing_email};

/// Tells a confirmed learner that a material is ready. It links to their enrolment page
/// (where they sign in), never to the file itself.
pub struct MaterialAdded {
    pub name: String,
    pub course_title: String,
    pub cohort_name: String,
    pub title: String,
    /// "file", "link" or "note", as the sentence names it.
    pub what: &'static str,
    pub enrolment_url: String,
}
outgoing_email!(MaterialAdded, "material_added", token: false,
    "material_added/subject.txt", "material_added/body.txt", "material_added/body.html");

use crate::enrolment::mails::PlaceFacts;

/// After the last live session: asks for the course evaluation, once.
pub struct EvaluationRequest {
    pub p: PlaceFacts,
    pub evaluation_url: String,
    /// The course asks for it before completion (and the certificate).
    pub required: bool,
}
outgoing_email!(EvaluationRequest, "evaluation_request", token: false,
    "evaluation_request/subject.txt", "evaluation_request/body.txt", "evaluation_request/body.html");

pub struct CourseNotCompleted {
    pub p: PlaceFacts,
    /// The admin's reason, sent as written.
    pub reason: String,
}
outgoing_email!(CourseNotCompleted, "course_not_completed", token: false,
    "course_not_completed/subject.txt", "course_not_completed/body.txt", "course_not_completed/body.html");
