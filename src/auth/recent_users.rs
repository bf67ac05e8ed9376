//! The user rows signed-in requests read in the last second, so a signed-in page's viewer
//! costs no query while nothing is being written (the rule is [`crate::recent`]'s): a
//! sign-out everywhere, password change, role change, disabling or deletion made here
//! applies on the next request, and one made by another process within a second.

use crate::clock::Clock;
use crate::db::users::{self, User};
use crate::db::{Db, DbError};
use crate::recent::Recent;

pub use crate::recent::FRESH_FOR;

/// Rows kept at most; more users active within one second just read theirs.
const CAPACITY: u64 = 10_000;

#[derive(Debug)]
pub struct RecentUsers(Recent<i64, User>);

impl RecentUsers {
    pub fn new(clock: Clock) -> RecentUsers {
        RecentUsers(Recent::new(clock, CAPACITY))
    }

    /// The user's row: from memory if read less than [`FRESH_FOR`] ago with nothing written
    /// since, otherwise from the database (and kept).
    pub async fn find(&self, db: &Db, user_id: i64) -> Result<Option<User>, DbError> {
        if let Some(user) = self.0.get(&user_id) {
            return Ok(Some(user));
        }
        let ticket = self.0.ticket();
        let user = users::find(db, user_id).await?;
        if let Some(user) = &user {
            self.0.keep(ticket, user_id, user.clone());
        }
        Ok(user)
    }
}
