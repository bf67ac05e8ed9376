//! Pure rules with no I/O: parse-validated values and the policies built on them.

pub mod catalogue;
pub mod eligibility;
pub mod email;
pub mod london;
pub mod money;
pub mod password;
pub mod redirect;
pub mod search;
pub mod slug;
pub mod throttle;
