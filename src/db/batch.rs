//! Inserts of many rows of one table (the scale data generator), inside the caller's
//! transaction: on SQLite multi-row `insert … values (…), (…)` statements, each within its
//! bind-parameter limit; on PostgreSQL one `copy … from stdin` of CSV, several times
//! faster than inserts of the same rows.

use super::binds::{Value, bind_values};
use super::{Backend, DbError, Tx, run};

/// The most bind parameters one statement may carry: SQLite's `SQLITE_MAX_VARIABLE_NUMBER`
/// in the bundled build (3.46), PostgreSQL's protocol limit (a 16-bit count).
pub fn max_binds(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 32_766,
        Backend::Postgres => 65_535,
    }
}

/// How many rows of `columns` values fit in one statement.
pub fn rows_per_statement(backend: Backend, columns: usize) -> usize {
    (max_binds(backend) / columns.max(1)).max(1)
}

/// What a batched insert did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Inserted {
    pub rows: u64,
    pub statements: u64,
}

/// Inserts `rows` into `table`, each row's values in the order of `columns`, in as few
/// statements as the backend allows. `table` and `columns` are spliced into the SQL: pass
/// names from the code, never input. Nothing is committed: the caller's transaction
/// decides, so a failure part-way leaves nothing behind once it rolls back.
pub async fn insert_rows<const N: usize>(
    tx: &mut Tx,
    table: &str,
    columns: [&str; N],
    rows: impl IntoIterator<Item = [Value; N]>,
) -> Result<Inserted, DbError> {
    insert_batched(tx, table, columns, rows, Ids::Generated).await
}

/// [`insert_rows`] for rows that carry their own value of the table's identity column (the
/// scale generator numbers rows so that others can refer to them): PostgreSQL takes one
/// in a `generated always` column only with `overriding system value`. The caller moves
/// the identity sequence past them afterwards.
pub async fn insert_rows_with_ids<const N: usize>(
    tx: &mut Tx,
    table: &str,
    columns: [&str; N],
    rows: impl IntoIterator<Item = [Value; N]>,
) -> Result<Inserted, DbError> {
    insert_batched(tx, table, columns, rows, Ids::Given).await
}

/// Whether the rows leave the identity column to the database or bring their own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ids {
    Generated,
    Given,
}

async fn insert_batched<const N: usize>(
    tx: &mut Tx,
    table: &str,
    columns: [&str; N],
    rows: impl IntoIterator<Item = [Value; N]>,
    ids: Ids,
) -> Result<Inserted, DbError> {
    const { assert!(N > 0, "an insert names at least one column") };
    let backend = tx.backend();
    if let Tx::Postgres(tx) = tx {
        // COPY writes the given value of an identity column, as `overriding system value`.
        let rows = copy_csv(tx, table, &columns, rows).await?;
        return Ok(Inserted {
            rows,
            statements: 1,
        });
    }
    let per_statement = rows_per_statement(backend, N);
    let mut done = Inserted::default();
    let mut full_statement: Option<String> = None;
    let mut chunk: Vec<[Value; N]> = Vec::with_capacity(per_statement.min(1024));
    for row in rows {
        chunk.push(row);
        if chunk.len() == per_statement {
            let sql = full_statement
                .get_or_insert_with(|| insert_sql(backend, table, &columns, per_statement, ids));
            done.rows += execute(tx, sql, &mut chunk).await?;
            done.statements += 1;
        }
    }
    if !chunk.is_empty() {
        let sql = insert_sql(backend, table, &columns, chunk.len(), ids);
        done.rows += execute(tx, &sql, &mut chunk).await?;
        done.statements += 1;
    }
    Ok(done)
}

/// CSV sent to PostgreSQL at a time.
const COPY_BUFFER_BYTES: usize = 1 << 20;

/// Streams `rows` into `table` with one `copy … from stdin (format csv)`.
async fn copy_csv<const N: usize>(
    tx: &mut sqlx::PgConnection,
    table: &str,
    columns: &[&str; N],
    rows: impl IntoIterator<Item = [Value; N]>,
) -> Result<u64, DbError> {
    let statement = format!(
        "copy {table} ({}) from stdin (format csv)",
        columns.join(", ")
    );
    let mut copy = tx.copy_in_raw(&statement).await?;
    let mut buffer = String::with_capacity(COPY_BUFFER_BYTES + 4096);
    for row in rows {
        csv_line(&mut buffer, &row);
        if buffer.len() >= COPY_BUFFER_BYTES {
            copy.send(std::mem::take(&mut buffer).into_bytes()).await?;
            buffer.reserve(COPY_BUFFER_BYTES + 4096);
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.into_bytes()).await?;
    }
    Ok(copy.finish().await?)
}

/// One row in PostgreSQL's CSV: an unquoted empty field is null, text is always quoted (so
/// an empty string stays one), bytes are bytea's hex form.
fn csv_line(line: &mut String, row: &[Value]) {
    use std::fmt::Write;
    for (n, value) in row.iter().enumerate() {
        if n > 0 {
            line.push(',');
        }
        // Writing to a String cannot fail.
        let _ = match value {
            Value::Int(Some(v)) => write!(line, "{v}"),
            Value::Bool(Some(v)) => write!(line, "{v}"),
            Value::Time(Some(v)) => write!(
                line,
                "{}",
                v.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            ),
            Value::Date(Some(v)) => write!(line, "{}", v.format("%Y-%m-%d")),
            Value::Text(Some(v)) => {
                line.push('"');
                line.push_str(&v.replace('"', "\"\""));
                line.push('"');
                Ok(())
            }
            Value::Bytes(Some(v)) => write!(line, "\"\\x{}\"", hex::encode(v)),
            Value::Int(None)
            | Value::Bool(None)
            | Value::Time(None)
            | Value::Date(None)
            | Value::Text(None)
            | Value::Bytes(None) => Ok(()),
        };
    }
    line.push('\n');
}

/// Runs one statement with the chunk's values, leaving the chunk empty for the next rows.
async fn execute<const N: usize>(
    tx: &mut Tx,
    sql: &str,
    chunk: &mut Vec<[Value; N]>,
) -> Result<u64, DbError> {
    let values = chunk.drain(..).flatten();
    Ok(run!(tx tx, |c| bind_values!(sqlx::query(sql), values)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?)
}

/// `insert into table (a, b) values ($1, $2), ($3, $4), …` for `rows` rows. SQLite gets
/// anonymous `?` instead: it looks each named `$n` up in a list, which makes a statement
/// of 30,000 of them take seconds to prepare and bind.
fn insert_sql(backend: Backend, table: &str, columns: &[&str], rows: usize, ids: Ids) -> String {
    let overriding = match (backend, ids) {
        (Backend::Postgres, Ids::Given) => " overriding system value",
        _ => "",
    };
    let mut sql = format!(
        "insert into {table} ({}){overriding} values ",
        columns.join(", ")
    );
    let mut placeholder = 0;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns.len() {
            if column > 0 {
                sql.push_str(", ");
            }
            placeholder += 1;
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&placeholder.to_string());
                }
            }
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_every_value_in_order() {
        assert_eq!(
            insert_sql(Backend::Postgres, "t", &["a", "b"], 2, Ids::Generated),
            "insert into t (a, b) values ($1, $2), ($3, $4)"
        );
        assert_eq!(
            insert_sql(Backend::Sqlite, "t", &["a", "b"], 2, Ids::Generated),
            "insert into t (a, b) values (?, ?), (?, ?)"
        );
        assert_eq!(
            insert_sql(Backend::Postgres, "t", &["t_id", "b"], 1, Ids::Given),
            "insert into t (t_id, b) overriding system value values ($1, $2)"
        );
        assert_eq!(
            insert_sql(Backend::Sqlite, "t", &["t_id", "b"], 1, Ids::Given),
            "insert into t (t_id, b) values (?, ?)"
        );
    }

    #[test]
    fn copy_lines_tell_null_from_empty_and_quote_what_needs_it() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T09:00:00.25Z")
            .unwrap()
            .to_utc();
        let mut line = String::new();
        csv_line(
            &mut line,
            &[
                Value::Int(Some(-7)),
                Value::Text(Some("say \"hi\", then\nleave".into())),
                Value::Text(Some(String::new())),
                Value::Text(None),
                Value::Bool(Some(true)),
                Value::Time(Some(at)),
                Value::Date(at.date_naive().into()),
                Value::Bytes(Some(vec![0, 255])),
            ],
        );
        assert_eq!(
            line,
            "-7,\"say \"\"hi\"\", then\nleave\",\"\",,true,2026-03-01T09:00:00.250Z,2026-03-01,\"\\x00ff\"\n"
        );
    }

    #[test]
    fn statements_stay_within_each_backends_limit() {
        assert_eq!(rows_per_statement(Backend::Sqlite, 4), 8_191);
        assert_eq!(rows_per_statement(Backend::Postgres, 4), 16_383);
        assert!(rows_per_statement(Backend::Sqlite, 7) * 7 <= 32_766);
        assert_eq!(rows_per_statement(Backend::Postgres, 70_000), 1);
    }
}
