//! The session records this process read in the last second, so a signed-in request reads
//! no session row: its one query is the user's row, read fresh every time, so a new session
//! epoch (sign out everywhere, a password change, disabling), a role change or a deletion
//! applies at once in every process. What may lag here is only the session row itself
//! when another process deletes or rewrites it: for at most a second. This process's own
//! writes forget their entry at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use tower_sessions::session::{Id, Record};

use crate::clock::Clock;

/// How long a record read from the database is used without reading it again.
pub const FRESH_FOR: chrono::Duration = chrono::Duration::seconds(1);

/// Records kept at most; more sessions active within one second just read their row.
const CAPACITY: u64 = 10_000;

pub struct RecentSessions {
    entries: moka::sync::Cache<Id, Arc<Entry>>,
    /// Bumped by every write through this process's store: a read that started before one
    /// may hold the old row, and is not kept.
    writes: AtomicU64,
    clock: Clock,
}

struct Entry {
    record: Record,
    read_at: DateTime<Utc>,
}

/// Taken before reading a row from the database; see [`RecentSessions::keep`].
#[derive(Clone, Copy, Debug)]
pub struct Ticket(u64);

impl RecentSessions {
    /// Freshness follows `clock` (so tests can move it), and entries also leave memory a
    /// second after they were read by the real clock.
    pub fn new(clock: Clock) -> RecentSessions {
        RecentSessions::with_lifetime(clock, std::time::Duration::from_secs(1))
    }

    fn with_lifetime(clock: Clock, lifetime: std::time::Duration) -> RecentSessions {
        RecentSessions {
            entries: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(lifetime)
                .build(),
            writes: AtomicU64::new(0),
            clock,
        }
    }

    /// The record read less than [`FRESH_FOR`] ago, unless it has expired since (the store
    /// itself reads only unexpired rows).
    pub fn get(&self, id: &Id) -> Option<Record> {
        let entry = self.entries.get(id)?;
        let age = self.clock.now() - entry.read_at;
        let fresh = age >= chrono::Duration::zero() && age < FRESH_FOR;
        let unexpired = entry.record.expiry_date > time::OffsetDateTime::now_utc();
        match fresh && unexpired {
            true => Some(entry.record.clone()),
            false => {
                self.entries.invalidate(id);
                None
            }
        }
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(self.writes.load(Ordering::SeqCst))
    }

    /// Keeps `record`, read from the database after `ticket` was taken. If this process
    /// wrote any session meanwhile, the entry is dropped again: either that write's own
    /// [`forget`](Self::forget) comes after this insert, or its count is seen here.
    pub fn keep(&self, ticket: Ticket, record: &Record) {
        let entry = Entry {
            record: record.clone(),
            read_at: self.clock.now(),
        };
        self.entries.insert(record.id, Arc::new(entry));
        if self.writes.load(Ordering::SeqCst) != ticket.0 {
            self.entries.invalidate(&record.id);
        }
    }

    /// After this process saved or deleted the session `id`.
    pub fn forget(&self, id: &Id) {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.entries.invalidate(id);
    }
}

/// Never prints a record: it holds the CSRF token.
impl std::fmt::Debug for RecentSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecentSessions")
            .field("entries", &self.entries.entry_count())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn record(expires_in: time::Duration) -> Record {
        Record {
            id: Id::default(),
            data: [("user_id".to_owned(), serde_json::json!(7))].into(),
            expiry_date: time::OffsetDateTime::now_utc() + expires_in,
        }
    }

    /// Freshness by the manual clock alone: the real-time lifetime is out of the way.
    fn recent() -> (RecentSessions, Clock) {
        let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
        let lifetime = std::time::Duration::from_secs(3600);
        (
            RecentSessions::with_lifetime(clock.clone(), lifetime),
            clock,
        )
    }

    #[test]
    fn a_record_is_used_for_less_than_a_second() {
        let (recent, clock) = recent();
        let record = record(time::Duration::hours(1));
        recent.keep(recent.ticket(), &record);
        clock.advance(Duration::milliseconds(999));
        assert_eq!(recent.get(&record.id).map(|r| r.data), Some(record.data));
        clock.advance(Duration::milliseconds(1));
        assert!(recent.get(&record.id).is_none(), "a second old: read again");
    }

    #[test]
    fn a_clock_moved_back_reads_again() {
        let (recent, clock) = recent();
        let record = record(time::Duration::hours(1));
        recent.keep(recent.ticket(), &record);
        clock.advance(Duration::milliseconds(-1));
        assert!(recent.get(&record.id).is_none());
    }

    #[test]
    fn an_expired_record_is_never_served() {
        let (recent, _) = recent();
        let record = record(time::Duration::seconds(-1));
        recent.keep(recent.ticket(), &record);
        assert!(recent.get(&record.id).is_none());
    }

    #[test]
    fn a_write_in_this_process_forgets_the_record_at_once() {
        let (recent, _) = recent();
        let record = record(time::Duration::hours(1));
        recent.keep(recent.ticket(), &record);
        recent.forget(&record.id);
        assert!(recent.get(&record.id).is_none());
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let (recent, _) = recent();
        let record = record(time::Duration::hours(1));
        let ticket = recent.ticket();
        // Another request saves or deletes a session while this one reads its row.
        recent.forget(&Id::default());
        recent.keep(ticket, &record);
        assert!(recent.get(&record.id).is_none());
        recent.keep(recent.ticket(), &record);
        assert!(recent.get(&record.id).is_some(), "a read after it is kept");
    }
}
