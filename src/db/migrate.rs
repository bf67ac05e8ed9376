//! Applying the migrations: on SQLite with foreign keys off for the run and every key
//! checked afterwards, so a migration may rebuild a table others refer to.
//!
//! SQLite cannot alter a check constraint; the table is rebuilt instead (create, copy,
//! drop, rename). With foreign keys on, `drop table` first deletes every row, and that
//! delete cascades into the tables that refer to it. `pragma foreign_keys` has no effect
//! inside a transaction, and sqlx 0.8's SQLite driver runs every migration in one (it
//! ignores `-- no-transaction`), so the pragma is set on the connection before the run.

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::SqlitePool;
use sqlx::{Connection, SqliteConnection};

/// Why migrating failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    /// After the run some row refers to one that does not exist (table, row id, parent).
    #[error("after migrating, {count} row(s) break a foreign key, the first in {first}")]
    ForeignKeys { count: usize, first: String },
    #[error("while preparing or checking the migration: {0}")]
    Connection(#[from] sqlx::Error),
}

/// Runs `migrator` on SQLite's writer connection with foreign keys off, then turns them
/// back on and, when a migration ran, checks every key (a start with nothing to apply skips
/// that read of the whole database). A connection that could not be put back is closed, so
/// the pool never hands out one without foreign keys.
pub(super) async fn sqlite(writer: &SqlitePool, migrator: &Migrator) -> Result<(), MigrationError> {
    let mut conn = writer.acquire().await?;
    sqlx::query("pragma foreign_keys = off")
        .execute(&mut *conn)
        .await?;
    let before = applied(&mut conn).await;
    let migrated = migrator.run(&mut *conn).await;
    let check = applied(&mut conn).await != before || migrated.is_err();
    let restored = restore_foreign_keys(&mut conn, check).await;
    if restored.is_err() {
        let _ = conn.detach().close().await;
    }
    migrated?;
    restored
}

/// Migrations recorded as applied (none before the first run made their table).
async fn applied(conn: &mut SqliteConnection) -> i64 {
    sqlx::query_scalar("select count(*) from _sqlx_migrations")
        .fetch_one(&mut *conn)
        .await
        .unwrap_or(0)
}

async fn restore_foreign_keys(
    conn: &mut SqliteConnection,
    check_keys: bool,
) -> Result<(), MigrationError> {
    sqlx::query("pragma foreign_keys = on")
        .execute(&mut *conn)
        .await?;
    let on: i64 = sqlx::query_scalar("pragma foreign_keys")
        .fetch_one(&mut *conn)
        .await?;
    if on != 1 {
        // Still inside a transaction a failed migration left open: roll it back first.
        let _ = sqlx::query("rollback").execute(&mut *conn).await;
        return Err(MigrationError::Connection(sqlx::Error::Protocol(
            "foreign keys could not be turned back on".into(),
        )));
    }
    if !check_keys {
        return Ok(());
    }
    let broken: Vec<(String, Option<i64>, String)> =
        sqlx::query_as("select \"table\", rowid, parent from pragma_foreign_key_check")
            .fetch_all(&mut *conn)
            .await?;
    match broken.first() {
        None => Ok(()),
        Some((table, rowid, parent)) => Err(MigrationError::ForeignKeys {
            count: broken.len(),
            first: format!("{table} row {rowid:?} (refers to {parent})"),
        }),
    }
}
