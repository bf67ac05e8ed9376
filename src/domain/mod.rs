//! Pure rules with no I/O: parse-validated values and the policies built on them.

pub mod eligibility;
pub mod email;
pub mod password;
pub mod redirect;
pub mod search;
pub mod throttle;
