//! Storage: the SQLite/PostgreSQL pools, transactions, migrations and the one dispatch macro.
//!
//! SQL is written once with `$1` placeholders and run through [`run!`], which expands the
//! query once per driver so both are type-checked by every build. The helpers beside it:
//! [`locking`] (row locks), [`stream`] (rows one at a time), [`batch`] (many-row inserts),
//! [`binds`] (values bound at run time), [`checkpoint`] (SQLite's log copied back off the
//! writer), [`writer_batch`] (SQLite texts of many requests committed together),
//! [`text_column`] (domain enums as text),
//! [`migrate`] (applying migrations), [`pool`] (how connections are handed out, and
//! replaced after the server closed them) and [`statement`] (SQL built at run time with its
//! binds, which list queries hand out for their plans to be checked).

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::migrate::Migrator;
use sqlx::postgres::PgPool;
use sqlx::{Postgres, Sqlite, Transaction};

use crate::config::DatabaseUrl;
pub use sqlite_pools::SqlitePools;

pub mod attendance;
pub mod audit;
pub mod audit_log;
pub mod batch;
pub mod binds;
pub mod certificates;
pub mod checkpoint;
pub mod cohorts;
pub mod courses;
pub mod cpd;
pub mod enrolments;
pub mod evaluations;
pub mod home;
pub mod interests;
pub mod link_requests;
pub mod locking;
pub mod materials;
pub mod migrate;
pub mod outbox;
pub mod payments;
pub mod pool;
pub mod posts;
pub mod publishable;
pub mod published;
pub mod reports;
pub mod slugs;
mod sqlite_pools;
pub mod statement;
pub mod stream;
pub mod text_column;
pub mod throttles;
pub mod tokens;
pub mod uploads;
pub mod user_accounts;
pub mod users;
pub mod writer_batch;
pub mod writes;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Runs one query body against whichever backend `Db` or `Tx` holds.
/// Exported so integration tests can read tables the same way.
///
/// - `run!(read db, |c| …)` uses the reader pool (on PostgreSQL run again once if the
///   connection turns out to be lost),
/// - `run!(write db, |c| …)` a single autocommit write (SQLite's one writer connection),
/// - `run!(tx tx, |c| …)` the open transaction.
#[macro_export]
macro_rules! run_query {
    (read $db:expr, |$c:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(pools) => {
                let $c = &pools.reader;
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                let $c = pool;
                // A read on a connection the server closed runs once more, on a fresh one
                // (`db::pool`); a read is safe to repeat.
                let mut again = true;
                loop {
                    let result = $body;
                    if again && $crate::db::pool::lost_connection(&result) {
                        again = false;
                        continue;
                    }
                    break result;
                }
            }
        }
    };
    (write $db:expr, |$c:ident| $body:expr) => {{
        let written = match $db {
            $crate::db::Db::Sqlite(pools) => {
                let $c = &pools.writer;
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                let $c = pool;
                $body
            }
        };
        $crate::db::wrote();
        written
    }};
    (tx $tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(tx) => {
                let $c = &mut **tx;
                $body
            }
            $crate::db::Tx::Postgres(tx) => {
                let $c = &mut **tx;
                $body
            }
        }
    };
}
pub(crate) use crate::run_query as run;

/// Which database a `Db` talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePools),
    Postgres(PgPool),
}

/// An open write transaction. SQLite's starts `BEGIN IMMEDIATE` so it never fails half-way
/// with "database is locked".
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Storage errors, mapped once by kind so callers match on meaning, not driver messages.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no such row")]
    NotFound,
    #[error("unique constraint violated: {0}")]
    UniqueViolation(String),
    /// No connection came free in time, or SQLite's writer stayed locked past the busy
    /// timeout: the server is overloaded, and the same request may well work shortly.
    #[error("database busy")]
    Busy(#[source] sqlx::Error),
    #[error(transparent)]
    Other(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        // A lost connection is noted, so the pool stops handing out its siblings.
        pool::is_lost(&error);
        match &error {
            sqlx::Error::RowNotFound => DbError::NotFound,
            sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation => {
                DbError::UniqueViolation(db.constraint().unwrap_or(db.message()).to_owned())
            }
            _ if is_overload(&error) => DbError::Busy(error),
            _ => DbError::Other(error),
        }
    }
}

/// No connection came free in time, or SQLite stayed busy or locked past the busy timeout
/// (SQLITE_BUSY, SQLITE_LOCKED; PostgreSQL's codes are five characters).
pub fn is_overload(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("5" | "6")),
        _ => false,
    }
}

/// Why the database is not ready to serve.
#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    #[error("database unreachable: {0}")]
    Unreachable(#[from] sqlx::Error),
    #[error("{0} migration(s) not applied")]
    PendingMigrations(usize),
}

impl Db {
    /// Opens the pools. SQLite files are created if missing and switched to WAL.
    pub async fn connect(url: &DatabaseUrl, max_connections: u32) -> Result<Db, sqlx::Error> {
        match url {
            DatabaseUrl::Sqlite(url) => Ok(Db::Sqlite(SqlitePools::open(url).await?)),
            DatabaseUrl::Postgres(url) => {
                let pool = pool::postgres(max_connections).connect(url).await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies pending migrations. On PostgreSQL sqlx takes an advisory lock, so several
    /// processes starting at once migrate once; on SQLite they run with foreign keys off
    /// and every key is checked after (see [`migrate`]).
    pub async fn migrate(&self) -> Result<(), migrate::MigrationError> {
        match self {
            Db::Sqlite(pools) => migrate::sqlite(&pools.writer, self.migrator()).await,
            Db::Postgres(pool) => Ok(self.migrator().run(pool).await?),
        }
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        Ok(match self {
            Db::Sqlite(pools) => Tx::Sqlite(pools.writer.begin_with("BEGIN IMMEDIATE").await?),
            // Nothing has run yet, so a lost connection is simply replaced (`db::pool`).
            Db::Postgres(pool) => Tx::Postgres(match pool.begin().await {
                Err(error) if pool::is_lost(&error) => pool.begin().await?,
                begun => begun?,
            }),
        })
    }

    /// Reachable, and every migration this build knows has been applied.
    pub async fn check_ready(&self) -> Result<(), NotReady> {
        let sql = "select version from _sqlx_migrations where success = true";
        let applied: Vec<i64> = run!(read self, |c| sqlx::query_scalar(sql).fetch_all(c).await)?;
        let pending = self
            .migrator()
            .iter()
            .filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version))
            .count();
        if pending > 0 {
            return Err(NotReady::PendingMigrations(pending));
        }
        Ok(())
    }

    /// Pool sizes for the metrics page: (pool name, open connections, idle connections).
    pub fn pool_stats(&self) -> Vec<(&'static str, u32, usize)> {
        match self {
            Db::Sqlite(pools) => vec![
                (
                    "sqlite_reader",
                    pools.reader.size(),
                    pools.reader.num_idle(),
                ),
                (
                    "sqlite_writer",
                    pools.writer.size(),
                    pools.writer.num_idle(),
                ),
            ],
            Db::Postgres(pool) => vec![("postgres", pool.size(), pool.num_idle())],
        }
    }

    /// SQLite's own advice for long-lived connections: refresh the planner's statistics now
    /// and then. PostgreSQL's autovacuum does this by itself.
    pub async fn optimize(&self) -> Result<(), DbError> {
        if let Db::Sqlite(pools) = self {
            sqlx::query("pragma optimize")
                .execute(&pools.writer)
                .await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pools) => {
                pools.reader.close().await;
                pools.writer.close().await;
                pools.sessions.close().await;
                pools.checkpointer.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Writes this process has made: transactions committed and autocommit writes. What is
/// kept in memory from the database checks it, so a write shows on this process's next
/// request without a query per request: the read model of published content re-reads the
/// content version after any, and a recent user row is read again. Process-wide rather than
/// per `Db`: several apps in one process (tests) only cost each other a spare read.
static WRITES: AtomicU64 = AtomicU64::new(0);

/// How many writes this process has made.
pub fn writes() -> u64 {
    WRITES.load(Ordering::Acquire)
}

/// Counts an autocommit write (`run!(write …)` does, once it has run).
#[doc(hidden)]
pub fn wrote() {
    WRITES.fetch_add(1, Ordering::Release);
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        WRITES.fetch_add(1, Ordering::Release);
        Ok(())
    }

    /// Ends the transaction now, releasing its locks before the caller writes elsewhere
    /// (dropping it rolls back too, but only once the connection is next used).
    pub async fn rollback(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}
