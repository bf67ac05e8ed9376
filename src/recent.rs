//! Values read in the last second, used again only while this process has written nothing
//! since they were read ([`db::writes`]): what this process changes shows on its next
//! request, what another process changes within a second.
//!
//! [`db::writes`]: crate::db::writes

use std::hash::Hash;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::clock::Clock;

/// How long a value is used without reading it again.
pub const FRESH_FOR: chrono::Duration = chrono::Duration::seconds(1);

pub struct Recent<K, V> {
    entries: moka::sync::Cache<K, Arc<Entry<V>>>,
    clock: Clock,
    /// The count of writes: [`crate::db::writes`], but for this module's own tests.
    writes: fn() -> u64,
}

struct Entry<V> {
    value: V,
    read_at: DateTime<Utc>,
    /// `db::writes()` before the value was read.
    writes: u64,
}

type Builder<K, V> =
    moka::sync::CacheBuilder<K, Arc<Entry<V>>, moka::sync::Cache<K, Arc<Entry<V>>>>;

/// Taken before reading a value; see [`Recent::keep`].
#[derive(Clone, Copy, Debug)]
pub struct Ticket(u64);

impl<K, V> Recent<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// At most `capacity` values. Freshness follows `clock` (so tests can move it); values
    /// also leave memory a second after they were read by the real clock.
    pub fn new(clock: Clock, capacity: u64) -> Recent<K, V> {
        Recent::from_builder(clock, moka::sync::Cache::builder().max_capacity(capacity))
    }

    /// At most `capacity` of whatever `weigh` counts (bytes, say).
    pub fn weighed(clock: Clock, capacity: u64, weigh: fn(&K, &V) -> u32) -> Recent<K, V> {
        let builder = moka::sync::Cache::builder()
            .max_capacity(capacity)
            .weigher(move |key: &K, entry: &Arc<Entry<V>>| weigh(key, &entry.value));
        Recent::from_builder(clock, builder)
    }

    fn from_builder(clock: Clock, builder: Builder<K, V>) -> Recent<K, V> {
        Recent {
            entries: builder
                .time_to_live(std::time::Duration::from_secs(1))
                .build(),
            clock,
            writes: crate::db::writes,
        }
    }

    /// Take one before reading what [`keep`](Self::keep) will hold.
    pub fn ticket(&self) -> Ticket {
        Ticket((self.writes)())
    }

    /// The value read less than [`FRESH_FOR`] ago, if this process has written nothing since.
    pub fn get(&self, key: &K) -> Option<V> {
        let entry = self.entries.get(key)?;
        let age = self.clock.now() - entry.read_at;
        let fresh = age >= chrono::Duration::zero() && age < FRESH_FOR;
        match fresh && entry.writes == (self.writes)() {
            true => Some(entry.value.clone()),
            false => {
                self.entries.invalidate(key);
                None
            }
        }
    }

    /// Keeps `value`, read after `ticket` was taken: a write that raced the read leaves an
    /// entry [`get`](Self::get) will not use.
    pub fn keep(&self, ticket: Ticket, key: K, value: V) {
        let entry = Entry {
            value,
            read_at: self.clock.now(),
            writes: ticket.0,
        };
        self.entries.insert(key, Arc::new(entry));
    }

    /// The value read less than [`FRESH_FOR`] ago, or what `read` gives now (and kept).
    pub async fn get_or_read<E>(
        &self,
        key: K,
        read: impl std::future::Future<Output = Result<V, E>>,
    ) -> Result<V, E> {
        if let Some(value) = self.get(&key) {
            return Ok(value);
        }
        let ticket = self.ticket();
        let value = read.await?;
        self.keep(ticket, key, value.clone());
        Ok(value)
    }

    pub fn entry_count(&self) -> u64 {
        self.entries.entry_count()
    }
}

/// How many values are kept (the values themselves may be anyone's).
impl<K, V> std::fmt::Debug for Recent<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recent")
            .field("entries", &self.entries.entry_count())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    /// Each test's own count, so other tests' writes cannot reach it.
    fn recent(writes: fn() -> u64) -> (Recent<i64, &'static str>, Clock) {
        let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
        let mut recent = Recent::new(clock.clone(), 10);
        recent.writes = writes;
        (recent, clock)
    }

    fn none() -> u64 {
        0
    }

    #[test]
    fn a_value_is_used_for_less_than_a_second() {
        let (recent, clock) = recent(none);
        recent.keep(recent.ticket(), 1, "read");
        clock.advance(Duration::milliseconds(999));
        assert_eq!(recent.get(&1), Some("read"));
        clock.advance(Duration::milliseconds(1));
        assert_eq!(recent.get(&1), None, "a second old: read again");
    }

    #[test]
    fn a_clock_moved_back_reads_again() {
        let (recent, clock) = recent(none);
        recent.keep(recent.ticket(), 1, "read");
        clock.advance(Duration::milliseconds(-1));
        assert_eq!(recent.get(&1), None);
    }

    #[test]
    fn a_write_since_the_ticket_was_taken_makes_the_value_unusable() {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let (recent, _) = recent(|| WRITES.load(Ordering::SeqCst));
        let wrote = || WRITES.fetch_add(1, Ordering::SeqCst);
        let ticket = recent.ticket();
        wrote();
        recent.keep(ticket, 1, "raced a write");
        assert_eq!(
            recent.get(&1),
            None,
            "kept after a write it may not have seen"
        );
        recent.keep(recent.ticket(), 2, "read");
        assert_eq!(recent.get(&2), Some("read"));
        wrote();
        assert_eq!(recent.get(&2), None, "written since");
    }
}
