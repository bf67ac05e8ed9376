//! The education team's pages.

use super::encode;
use std::fmt::Display;

pub const fn admin() -> &'static str {
    "/admin"
}

pub const fn admin_users() -> &'static str {
    "/admin/users"
}

pub fn admin_user(user_id: impl Display) -> String {
    format!("/admin/users/{user_id}")
}

pub fn admin_user_role(user_id: impl Display) -> String {
    format!("/admin/users/{user_id}/role")
}

pub fn admin_user_learner_type(user_id: impl Display) -> String {
    format!("/admin/users/{user_id}/learner-type")
}

pub fn admin_user_disable(user_id: impl Display) -> String {
    format!("/admin/users/{user_id}/disable")
}

pub fn admin_user_enable(user_id: impl Display) -> String {
    format!("/admin/users/{user_id}/enable")
}

pub const fn admin_audit() -> &'static str {
    "/admin/audit"
}

/// The audit log narrowed to what an account did.
pub fn admin_audit_by(user_id: impl Display) -> String {
    format!("/admin/audit?actor={user_id}")
}

/// The audit log narrowed to what was done to an account.
pub fn admin_audit_on_account(user_id: impl Display) -> String {
    format!("/admin/audit?subject=user&subject_id={user_id}")
}

/// The audit log as a spreadsheet (with the page's filters after `?`).
pub const fn admin_audit_csv() -> &'static str {
    "/admin/audit.csv"
}

pub const fn admin_emails() -> &'static str {
    "/admin/emails"
}

/// The outbox list filtered to one status (`queued`, `failed`, …).
pub fn admin_emails_with_status(status: &str) -> String {
    format!("/admin/emails?status={}", encode(status))
}

/// The outbox list after a retry, with its banner.
pub fn admin_emails_retried() -> String {
    format!("{}?retried=1", admin_emails())
}

pub fn admin_email_retry(email_id: impl Display) -> String {
    format!("/admin/emails/{email_id}/retry")
}

pub const fn admin_courses() -> &'static str {
    "/admin/courses"
}

pub fn admin_course(course_id: impl Display) -> String {
    format!("/admin/courses/{course_id}")
}

pub const fn admin_cohorts() -> &'static str {
    "/admin/cohorts"
}

pub fn admin_cohort(cohort_id: impl Display) -> String {
    format!("/admin/cohorts/{cohort_id}")
}

pub fn admin_enrolment(enrolment_id: impl Display) -> String {
    format!("/admin/enrolments/{enrolment_id}")
}

pub const fn admin_reports() -> &'static str {
    "/admin/reports"
}

pub fn admin_report(report_id: impl Display) -> String {
    format!("/admin/reports/{report_id}")
}

pub const fn admin_report_new() -> &'static str {
    "/admin/reports/new"
}

pub fn admin_report_edit(report_id: impl Display) -> String {
    format!("/admin/reports/{report_id}/edit")
}

/// The page that confirms a deletion (its button posts back to the same address).
pub fn admin_report_delete(report_id: impl Display) -> String {
    format!("/admin/reports/{report_id}/delete")
}

pub const fn admin_posts() -> &'static str {
    "/admin/posts"
}

pub fn admin_post(post_id: impl Display) -> String {
    format!("/admin/posts/{post_id}")
}

pub const fn admin_post_new() -> &'static str {
    "/admin/posts/new"
}

pub fn admin_post_edit(post_id: impl Display) -> String {
    format!("/admin/posts/{post_id}/edit")
}

/// The page that confirms a deletion (its button posts back to the same address).
pub fn admin_post_delete(post_id: impl Display) -> String {
    format!("/admin/posts/{post_id}/delete")
}

pub const fn admin_home() -> &'static str {
    "/admin/home"
}

pub const fn admin_uploads() -> &'static str {
    "/admin/uploads"
}

pub fn admin_upload(upload_id: impl Display) -> String {
    format!("/admin/uploads/{upload_id}")
}
