//! Learning's emails: a new material for a cohort. Templates live in `emails/<kind>/`.

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
