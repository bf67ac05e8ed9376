//! How the pools hand out connections: no ping before each query, and on PostgreSQL a
//! connection the server has closed (a restart, `pg_terminate_backend`) is found and
//! replaced instead of failing pages.
//!
//! sqlx's default pings every connection before handing it out (`test_before_acquire`):
//! one extra round trip per query. Instead a PostgreSQL connection is pinged only when it
//! has sat idle for [`PING_IDLE_AFTER`] (quiet periods are when servers restart and idle
//! connections get cut); one in steady use goes straight to its query. A connection that
//! died in the gap fails its query with a "connection lost" error: [`lost_connection`]
//! notes the time, every connection opened before it is then closed instead of handed out
//! (a restart or a mass termination kills them all), and the read path (`run!(read …)`),
//! [`super::Db::begin`] and the session store's read try once more, on a fresh connection.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::Connection;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;

/// A PostgreSQL connection idle at least this long is pinged before it is used.
pub const PING_IDLE_AFTER: Duration = Duration::from_secs(1);

const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The instant the times below count from.
fn base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

/// When this process last saw a PostgreSQL connection lost, in microseconds after
/// [`base`] plus one (0: never; an instant before the base counts as 1). Process-wide rather than per pool: several apps in one
/// process (tests) only cost each other a reconnect.
static LAST_LOSS: AtomicU64 = AtomicU64::new(0);

fn micros_since_base(at: Instant) -> u64 {
    at.saturating_duration_since(base()).as_micros() as u64 + 1
}

fn note_loss() {
    LAST_LOSS.fetch_max(micros_since_base(Instant::now()), Ordering::AcqRel);
}

/// Whether a connection opened `age` ago was opened before the last loss seen (or in the
/// same microsecond: better one reconnection too many than a dead connection handed out).
fn opened_before_last_loss(age: Duration) -> bool {
    let last = LAST_LOSS.load(Ordering::Acquire);
    if last == 0 {
        return false;
    }
    let opened = Instant::now().checked_sub(age).unwrap_or_else(base);
    micros_since_base(opened) <= last
}

/// Whether `error` says the connection itself is gone (the server closed it, or the socket
/// broke), rather than that the statement failed. Notes the loss when it is.
pub fn is_lost(error: &sqlx::Error) -> bool {
    let lost = match error {
        sqlx::Error::Io(_) => true,
        // 08: connection exception; 57P01–57P03: the server is shutting down, crashed or
        // starting (`pg_terminate_backend` sends 57P01).
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    };
    if lost {
        note_loss();
    }
    lost
}

/// For a failure that comes without its `sqlx::Error` (the session store's are text):
/// treated as a lost connection, so that trying again gets a fresh one. Rare enough that
/// reopening the pool's connections costs nothing worth counting.
pub fn assume_lost() {
    note_loss();
}

/// [`is_lost`] for a query's result: whether it is worth running again on another connection.
pub fn lost_connection<T>(result: &Result<T, sqlx::Error>) -> bool {
    result.as_ref().err().is_some_and(is_lost)
}

/// A SQLite pool: no ping (there is no server to lose; a ping is a thread hand-off).
pub fn sqlite(max_connections: u32) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
}

/// The PostgreSQL pool: a ping only after [`PING_IDLE_AFTER`] idle, and no connection
/// from before a loss. sqlx's own idle timeout (10 minutes) and lifetime (30 minutes)
/// still retire connections.
pub fn postgres(max_connections: u32) -> PgPoolOptions {
    // Times count from before any of the pool's connections opens.
    base();
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if opened_before_last_loss(meta.age) {
                    return Ok(false);
                }
                if meta.idle_for >= PING_IDLE_AFTER
                    && let Err(error) = conn.ping().await
                {
                    is_lost(&error);
                    return Err(error);
                }
                Ok(true)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test: the loss time is process-wide, so two tests noting losses side by side
    // would see each other's.
    #[test]
    fn a_lost_connection_refuses_only_connections_opened_before_it() {
        assert!(!is_lost(&sqlx::Error::RowNotFound));
        assert!(!lost_connection::<()>(&Err(sqlx::Error::PoolTimedOut)));
        let _ = base();
        std::thread::sleep(Duration::from_millis(5));
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
        assert!(is_lost(&io), "noted");
        assert!(opened_before_last_loss(Duration::from_secs(3600)));
        std::thread::sleep(Duration::from_millis(5));
        assert!(!opened_before_last_loss(Duration::from_millis(1)));
    }
}
