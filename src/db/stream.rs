//! Reads that yield rows one at a time (CSV exports of 100,000+ rows), on both backends.
//!
//! The rows are decoded as they arrive: SQLite's driver steps the statement on its worker
//! thread into a small bounded channel, PostgreSQL's reads them off the socket. Nothing
//! holds the whole result, and dropping the stream part-way stops the read and gives the
//! connection back to the pool.

use futures_util::stream::{BoxStream, StreamExt};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use super::binds::{Value, bind_values};
use super::{Db, DbError};

/// The rows of a streamed read, in the query's order; an error ends it.
pub type RowStream<'a, T> = BoxStream<'a, Result<T, DbError>>;

/// Runs `sql` (written once with `$1` placeholders) on the reader pool and yields its
/// rows one at a time. The stream holds one pooled connection until it ends or is dropped.
pub fn fetch_stream<'a, T>(db: &'a Db, sql: &'a str, binds: Vec<Value>) -> RowStream<'a, T>
where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin + 'a,
{
    match db {
        Db::Sqlite(pools) => bind_values!(sqlx::query_as(sql), binds)
            .fetch(&pools.reader)
            .map(|row| row.map_err(DbError::from))
            .boxed(),
        Db::Postgres(pool) => bind_values!(sqlx::query_as(sql), binds)
            .fetch(pool)
            .map(|row| row.map_err(DbError::from))
            .boxed(),
    }
}
