//! Learning and completion: registers, the completion page, evaluations.

use std::fmt::Display;

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
