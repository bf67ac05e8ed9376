//! Learning in a cohort: its materials (for admins and the cohort's learners), registers,
//! the completion page, evaluations.

use std::fmt::Display;

/// A cohort's materials, as admins manage them.
pub fn admin_cohort_materials(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/materials")
}

/// Adding a file (a multipart form).
pub fn admin_material_new_file(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/materials/file")
}

pub fn admin_material_new_link(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/materials/link")
}

pub fn admin_material_new_note(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/materials/note")
}

/// Where an edit is saved.
pub fn admin_material(material_id: impl Display) -> String {
    format!("/admin/materials/{material_id}")
}

pub fn admin_material_edit(material_id: impl Display) -> String {
    format!("/admin/materials/{material_id}/edit")
}

pub fn admin_material_move(material_id: impl Display) -> String {
    format!("/admin/materials/{material_id}/move")
}

/// The page that confirms a deletion (its button posts back to the same address).
pub fn admin_material_delete(material_id: impl Display) -> String {
    format!("/admin/materials/{material_id}/delete")
}

/// An admin's copy of a file material, available or not.
pub fn admin_material_file(material_id: impl Display) -> String {
    format!("/admin/materials/{material_id}/file")
}

/// A file material, for a confirmed learner of its cohort.
pub fn enrolment_material(enrolment_id: impl Display, material_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/materials/{material_id}")
}

/// The materials on a learner's enrolment page.
pub fn enrolment_materials(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}#materials")
}

/// The learner's course evaluation of one enrolment.
pub fn enrolment_evaluation(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/evaluation")
}

/// A cohort's live sessions with their registers.
pub fn admin_cohort_attendance(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/attendance")
}

/// One live session's register.
pub fn admin_session_attendance(session_id: impl Display) -> String {
    format!("/admin/sessions/{session_id}/attendance")
}

/// Who completes a cohort's course and why (its form completes everyone who meets the rule).
pub fn admin_cohort_completion(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/completion")
}

/// Marks the cohort itself completed.
pub fn admin_cohort_complete(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/complete")
}

pub fn admin_enrolment_complete(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}/complete")
}

/// The "did not complete" form, with its reason.
pub fn admin_enrolment_not_completed(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}/not-completed")
}

pub fn admin_cohort_evaluations(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/evaluations")
}

pub fn admin_cohort_evaluations_csv(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/evaluations.csv")
}
