//! The catalogue's write paths: courses, their cohorts and live sessions, the cohorts'
//! lifecycle, and the list of people waiting to hear about a course's next cohort (and, read
//! only, the admins' course filter kept for a second: [`choices`]).
//!
//! Each action is one function that owns its transaction, its audit event and its mail,
//! and returns its own error enum; pages (and later the API and the CLI) call the same one.

pub mod choices;
pub mod cohorts;
pub mod courses;
pub mod interest;
pub mod launch;
pub mod lifecycle;
pub mod mails;
pub mod schedule_notice;

use crate::context::Actor;

/// The admin making a change, and the client address it came from (for the audit trail).
#[derive(Clone, Copy, Debug)]
pub struct Admin<'a> {
    pub user_id: i64,
    pub client: &'a str,
}

impl<'a> Admin<'a> {
    pub fn new(user_id: i64, client: &'a str) -> Self {
        Admin { user_id, client }
    }

    /// The same person as an [`Actor`], for workflows that record any actor.
    pub fn actor(self) -> Actor<'a> {
        Actor {
            user_id: Some(self.user_id),
            client: Some(self.client),
        }
    }
}
