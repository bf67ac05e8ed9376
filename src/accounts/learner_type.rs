//! Who decided an account's learner type: an admin (whose decision stands until an admin
//! changes it) or the NHS domain rule (which follows the account's proven address).

use crate::db::users::{LearnerType, User};
use crate::domain::eligibility::NhsDomains;
use crate::domain::email::Email;

/// How an admin's decision is recorded as the learner-type reason.
const SET_BY_AN_ADMIN: &str = "Set by an admin: ";

/// The reason recorded for an admin's decision, shown to the learner.
pub fn admin_reason(reason: &str) -> String {
    format!("{SET_BY_AN_ADMIN}{reason}")
}

/// Whether a stored reason records an admin's decision (any other reason came from the
/// domain rule, registration or the demo data, and may be decided again).
pub fn is_admin_decision(stored_reason: &str) -> bool {
    stored_reason.starts_with(SET_BY_AN_ADMIN)
}

/// The type and reason an account has once `email` is its proven address: an admin's
/// decision is kept, anything else follows the address.
pub fn once_proven(user: &User, email: &Email, nhs: &NhsDomains) -> (LearnerType, String) {
    if is_admin_decision(&user.learner_type_reason) {
        (user.learner_type(), user.learner_type_reason.clone())
    } else {
        nhs.decide(email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_admin_reason_counts_as_an_admin_decision() {
        assert!(is_admin_decision(&admin_reason("Saw a contract letter")));
        assert!(!is_admin_decision(
            "Email address on an NHS domain (nhs.net)"
        ));
        assert!(!is_admin_decision(
            "Decided when the email address is confirmed"
        ));
        assert!(!is_admin_decision("Demo learner"));
    }
}
