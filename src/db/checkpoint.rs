//! SQLite's checkpoints, off the writer: copying the write-ahead log back into the database
//! file (with its `fsync`s) runs once a second on a connection of its own.
//!
//! Left to SQLite, the commit that takes the log past 1,000 pages runs the checkpoint
//! itself, and the one writer waits meanwhile: under enrolment load that was about six times
//! a second, each holding every write behind it some 20 ms on this machine's disk. A
//! passive checkpoint on another connection runs beside the writer instead. A commit still
//! checkpoints by itself past [`COMMIT_PAGES`] (a burst faster than the timer, or a process
//! whose timer is not running), so the log stays bounded either way.

use std::time::Duration;

use sqlx::SqlitePool;

/// How often the log is copied back. Four times a second was slower (more `fsync`s).
pub const EVERY: Duration = Duration::from_secs(1);

/// The log's size in pages past which a commit checkpoints by itself (SQLite's
/// `wal_autocheckpoint`, whose default is 1,000): about 40 MB.
pub const COMMIT_PAGES: u32 = 10_000;

/// Checkpoints on `pool` every [`EVERY`] until the pool is closed.
pub fn spawn(pool: SqlitePool) {
    tokio::spawn(async move {
        let mut timer = tokio::time::interval(EVERY);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            timer.tick().await;
            if pool.is_closed() {
                break;
            }
            let done = sqlx::query("pragma wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await;
            match done {
                Err(_) if pool.is_closed() => break,
                Err(error) => {
                    tracing::warn!(error = ?error, "SQLite checkpoint failed; it runs again in a second")
                }
                Ok(_) => {}
            }
        }
    });
}
