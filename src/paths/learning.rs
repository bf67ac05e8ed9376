//! Learning in a cohort: its materials, for admins and for the cohort's learners.

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
