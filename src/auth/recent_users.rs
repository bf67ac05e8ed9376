//! The user rows signed-in requests read in the last second, so a signed-in page's viewer
//! costs no query while nothing is being written. An entry is used only while it is under a
//! second old and this process has written nothing since it was read ([`db::writes`]): a
//! sign-out everywhere, password change, role change, disabling or deletion made here
//! applies on the next request, and one made by another process within a second.
//!
//! [`db::writes`]: crate::db::writes

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::db::users::{self, User};
use crate::db::{Db, DbError};

/// How long a user row read from the database is used without reading it again.
pub const FRESH_FOR: chrono::Duration = chrono::Duration::seconds(1);

/// Rows kept at most; more users active within one second just read theirs.
const CAPACITY: u64 = 10_000;

pub struct RecentUsers {
    entries: moka::sync::Cache<i64, Arc<Entry>>,
    clock: Clock,
}

struct Entry {
    user: User,
    read_at: DateTime<Utc>,
    /// `db::writes()` before the row was read.
    writes: u64,
}

impl RecentUsers {
    /// Freshness follows `clock` (so tests can move it); entries also leave memory a second
    /// after they were read by the real clock.
    pub fn new(clock: Clock) -> RecentUsers {
        RecentUsers {
            entries: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(std::time::Duration::from_secs(1))
                .build(),
            clock,
        }
    }

    /// The user's row: from memory if read less than [`FRESH_FOR`] ago with nothing written
    /// since, otherwise from the database (and kept).
    pub async fn find(&self, db: &Db, user_id: i64) -> Result<Option<User>, DbError> {
        if let Some(user) = self.get(user_id) {
            return Ok(Some(user));
        }
        let writes_before = crate::db::writes();
        let user = users::find(db, user_id).await?;
        if let Some(user) = &user {
            self.keep(user, writes_before);
        }
        Ok(user)
    }

    /// The row read less than [`FRESH_FOR`] ago, if this process has written nothing since.
    fn get(&self, user_id: i64) -> Option<User> {
        let entry = self.entries.get(&user_id)?;
        let age = self.clock.now() - entry.read_at;
        let fresh = age >= chrono::Duration::zero() && age < FRESH_FOR;
        match fresh && entry.writes == crate::db::writes() {
            true => Some(entry.user.clone()),
            false => {
                self.entries.invalidate(&user_id);
                None
            }
        }
    }

    /// Keeps `user`, read after `writes_before` was taken from [`crate::db::writes`]: a write
    /// that raced the read leaves an entry [`get`](Self::get) will not use.
    fn keep(&self, user: &User, writes_before: u64) {
        let entry = Entry {
            user: user.clone(),
            read_at: self.clock.now(),
            writes: writes_before,
        };
        self.entries.insert(user.user_id, Arc::new(entry));
    }
}

impl std::fmt::Debug for RecentUsers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecentUsers")
            .field("entries", &self.entries.entry_count())
            .finish()
    }
}
