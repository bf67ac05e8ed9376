//! Certificates: the learner's list and copies, the public check, and the admins' pages.

use super::encode;
use std::fmt::Display;

/// The signed-in learner's certificates.
pub const fn certificates() -> &'static str {
    "/certificates"
}

/// The public verification page of a certificate: the address printed on it.
pub fn certificate(code: impl Display) -> String {
    format!("/certificates/{code}")
}

/// The certificate itself as a page (its holder or an admin).
pub fn certificate_view(code: impl Display) -> String {
    format!("/certificates/{code}/view")
}

/// The certificate as a PDF (its holder or an admin).
pub fn certificate_pdf(code: impl Display) -> String {
    format!("/certificates/{code}/pdf")
}

pub const fn admin_certificates() -> &'static str {
    "/admin/certificates"
}

/// The admins' certificate search for a code, a name or a course.
pub fn admin_certificates_search(query: &str) -> String {
    format!("/admin/certificates?q={}", encode(query))
}

/// A cohort's certificates, from its roster.
pub fn admin_cohort_certificates(cohort_id: impl Display) -> String {
    format!("/admin/certificates?cohort={cohort_id}")
}

pub fn admin_certificate(certificate_id: impl Display) -> String {
    format!("/admin/certificates/{certificate_id}")
}

pub fn admin_certificate_revoke(certificate_id: impl Display) -> String {
    format!("/admin/certificates/{certificate_id}/revoke")
}

pub fn admin_certificate_reissue(certificate_id: impl Display) -> String {
    format!("/admin/certificates/{certificate_id}/reissue")
}
