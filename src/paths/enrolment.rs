//! Enrolment: taking a place, offers, payment and documents.

use std::fmt::Display;

pub fn enrol(cohort_id: impl Display) -> String {
    format!("/cohorts/{cohort_id}/enrol")
}

pub fn enrolment(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}")
}

pub fn enrolment_offer(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/offer")
}

pub fn enrolment_pay(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/pay")
}

/// A printable document of a place: `proforma`, `invoice` or `receipt`.
pub fn enrolment_document(enrolment_id: impl Display, kind: &str) -> String {
    format!("/enrolments/{enrolment_id}/documents/{kind}")
}

pub fn enrolment_cancel(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/cancel")
}

pub fn enrolment_offer_accept(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/offer/accept")
}

pub fn enrolment_offer_decline(enrolment_id: impl Display) -> String {
    format!("/enrolments/{enrolment_id}/offer/decline")
}

/// An admin's copy of a place's document: `proforma`, `invoice` or `receipt`.
pub fn admin_enrolment_document(enrolment_id: impl Display, kind: &str) -> String {
    format!("/admin/enrolments/{enrolment_id}/documents/{kind}")
}

pub fn admin_enrolment_cancel(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}/cancel")
}

pub fn admin_enrolment_move(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}/move")
}

pub fn admin_enrolment_confirm_invoice(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}/confirm-invoice")
}

pub fn admin_enrolment_invoice_paid(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}/invoice-paid")
}

/// Where an admin adds a learner to a cohort's roster by hand.
pub fn admin_cohort_learners(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/learners")
}

pub fn admin_cohort_roster_csv(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}/roster.csv")
}
