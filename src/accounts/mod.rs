//! Account services: every write to an account, from registering to deleting it, and the
//! admins' actions on accounts. Each takes a [`Ctx`](crate::context::Ctx) (plus the password
//! hasher or the NHS domain rule where it needs one), owns its transaction with its audit
//! event and mail, and returns its own error.

pub mod admin;
pub mod cpd_date;
pub mod deletion;
pub mod email_change;
pub mod export;
pub mod first_admin;
pub mod learner_type;
pub mod link_requests;
pub mod links;
pub mod mails;
pub mod password;
pub mod profile;
pub mod register;
pub mod reset;
pub mod sign_in;
pub mod sign_in_link;
pub mod verify;

pub use links::{RESET_FOR, VERIFY_FOR, send_reset, send_verification};
