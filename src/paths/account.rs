//! Signing in, emailed links and the learner's own account and dashboard.

use super::encode;

pub const fn login() -> &'static str {
    "/login"
}

/// The sign-in page, then back to `next` (a local path).
pub fn login_then(next: &str) -> String {
    format!("/login?next={}", encode(next))
}

pub const fn logout() -> &'static str {
    "/logout"
}

pub const fn register() -> &'static str {
    "/register"
}

pub const fn register_check_email() -> &'static str {
    "/register/check-email"
}

pub const fn forgot_password() -> &'static str {
    "/forgot-password"
}

pub const fn forgot_password_check_email() -> &'static str {
    "/forgot-password/check-email"
}

/// The page a verification link opens (its button posts back to the same address).
pub fn verify_email(token: &str) -> String {
    format!("/verify-email/{}", token)
}

pub const fn resend_verification() -> &'static str {
    "/verify-email/resend"
}

/// The page a reset link opens.
pub fn reset_password(token: &str) -> String {
    format!("/reset-password/{}", token)
}

/// Asking for a one-time sign-in link by email (the button the sign-in page offers past the
/// per-account ceiling on attempts).
pub const fn sign_in_link_request() -> &'static str {
    "/login/link"
}

pub const fn sign_in_link_sent() -> &'static str {
    "/login/link/sent"
}

/// The page a sign-in link opens (its button posts back to the same address).
pub fn sign_in_link(token: &str) -> String {
    format!("/login/link/{}", token)
}

pub const fn account() -> &'static str {
    "/account"
}

pub const fn account_profile() -> &'static str {
    "/account/profile"
}

/// The learner's CPD renewal or appraisal date and their reminders.
pub const fn account_cpd_date() -> &'static str {
    "/account/cpd-date"
}

pub const fn account_password() -> &'static str {
    "/account/password"
}

pub const fn account_email() -> &'static str {
    "/account/email"
}

pub const fn account_data() -> &'static str {
    "/account/data"
}

pub const fn account_delete() -> &'static str {
    "/account/delete"
}

pub const fn account_deleted() -> &'static str {
    "/account/deleted"
}

pub const fn sign_out_everywhere() -> &'static str {
    "/account/sign-out-everywhere"
}

pub const fn dashboard() -> &'static str {
    "/dashboard"
}
