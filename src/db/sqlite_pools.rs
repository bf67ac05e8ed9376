//! SQLite's pools: one connection writes, a few read (WAL lets them run alongside the
//! writer), two serve sessions, one copies the log back; and the writer's batch task.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};

use super::{checkpoint, pool, writer_batch};

/// SQLite allows one writer at a time: one connection writes, a few read (WAL lets them run
/// alongside the writer).
#[derive(Clone, Debug)]
pub struct SqlitePools {
    pub reader: SqlitePool,
    pub writer: SqlitePool,
    /// The session store's own pool: its single-statement writes wait on the busy timeout
    /// instead of queueing behind write transactions.
    pub sessions: SqlitePool,
    /// Copies the write-ahead log back into the database file ([`crate::db::checkpoint`]).
    pub checkpointer: SqlitePool,
    /// The last enrolment id this process handed out or saw written, -1 before it has
    /// looked: a free seat's place is written in one text that needs its id first
    /// ([`crate::db::enrolments::take_and_write`]).
    pub last_enrolment_id: Arc<AtomicI64>,
    /// Those texts, written in batches on the writer ([`crate::db::writer_batch`]).
    pub seat_batch: writer_batch::WriterBatch,
}

const SQLITE_READERS: u32 = 4;

/// The page cache of each SQLite connection that only reads (`pragma cache_size`, KiB).
/// SQLite's default of 2 MiB fills on every reader at scale, 12 MiB across the pools for
/// pages the operating system caches anyway; a page missing here costs one `pread`. At
/// 256 KiB the page benchmark's peak at scale fell from 98.7 to 93.1 MiB, pages as fast.
/// The writer keeps the default: its pages are the ones every transaction changes.
const SQLITE_READ_CACHE_KIB: u32 = 256;

impl SqlitePools {
    /// Opens the pools on `url`: the file is created if missing and switched to WAL.
    pub async fn open(url: &str) -> Result<SqlitePools, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .pragma("wal_autocheckpoint", checkpoint::COMMIT_PAGES.to_string());
        let writer = pool::sqlite(1).connect_with(options.clone()).await?;
        let small_cache = options.pragma("cache_size", format!("-{SQLITE_READ_CACHE_KIB}"));
        let reader = pool::sqlite(SQLITE_READERS)
            .connect_with(small_cache.clone().read_only(true))
            .await?;
        let sessions = pool::sqlite(2).connect_with(small_cache.clone()).await?;
        let checkpointer = pool::sqlite(1).connect_with(small_cache).await?;
        checkpoint::spawn(checkpointer.clone());
        let seat_batch = writer_batch::WriterBatch::start(writer.clone());
        Ok(SqlitePools {
            reader,
            writer,
            sessions,
            checkpointer,
            last_enrolment_id: Arc::new(AtomicI64::new(-1)),
            seat_batch,
        })
    }
}
