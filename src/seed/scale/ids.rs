//! Ids the generator hands out itself (so rows of one table can name rows of another
//! without reading them back), the identity sequences moved past them, and gap-free
//! document numbers taken in a block. Each runs in the seeding transaction.

use crate::db::{Backend, DbError, Tx, run};

/// The first id after every one the table has used (deleted rows' ids are never reused:
/// audit events name deleted accounts by id). `table` and `column` come from the code.
pub async fn first_free(tx: &mut Tx, table: &str, column: &str) -> Result<i64, DbError> {
    let used: i64 = match tx.backend() {
        // AUTOINCREMENT keeps the highest id ever used in sqlite_sequence.
        Backend::Sqlite => {
            let sql = format!(
                "select max(coalesce((select seq from sqlite_sequence where name = $1), 0), \
                 coalesce((select max({column}) from {table}), 0))"
            );
            run!(tx tx, |c| sqlx::query_scalar(&sql).bind(table).fetch_one(c).await)?
        }
        // Takes one value of the identity sequence: everything after it is free.
        Backend::Postgres => {
            let sql = "select nextval(pg_get_serial_sequence($1, $2))";
            run!(tx tx, |c| sqlx::query_scalar(sql).bind(table).bind(column).fetch_one(c).await)?
        }
    };
    Ok(used + 1)
}

/// After rows brought their own ids: the next generated id comes after them. SQLite's
/// AUTOINCREMENT has followed them already.
pub async fn move_sequence_past(tx: &mut Tx, table: &str, column: &str) -> Result<(), DbError> {
    if tx.backend() == Backend::Postgres {
        let sql = format!(
            "select setval(pg_get_serial_sequence($1, $2), \
             greatest((select max({column}) from {table}), 1))"
        );
        run!(tx tx, |c| sqlx::query_scalar::<_, i64>(&sql)
            .bind(table)
            .bind(column)
            .fetch_one(c)
            .await)?;
    }
    Ok(())
}

/// Takes `count` numbers of a document series at once (its counter row stays locked until
/// the transaction ends, as `db::payments::next_number` keeps it). Returns the first.
pub async fn take_numbers(tx: &mut Tx, series: &str, count: i64) -> Result<i64, DbError> {
    let sql = "update document_counters set last_number = last_number + $2 where series = $1 \
               returning last_number";
    let last: i64 =
        run!(tx tx, |c| sqlx::query_scalar(sql).bind(series).bind(count).fetch_one(c).await)?;
    Ok(last - count + 1)
}

/// Slugs already taken in `table` (reports or posts).
pub async fn slugs(tx: &mut Tx, table: &str) -> Result<Vec<String>, DbError> {
    let sql = format!("select slug from {table}");
    Ok(run!(tx tx, |c| sqlx::query_scalar(&sql).fetch_all(c).await)?)
}
