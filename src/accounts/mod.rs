//! Account services: every write to an account, from registering to deleting it.

mod links;

pub use links::{RESET_FOR, VERIFY_FOR, send_reset, send_verification};
