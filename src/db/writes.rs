//! Rows of one transaction sent to the database together: on SQLite as one text of several
//! statements (one hand-off to the connection's thread instead of one each, which is most
//! of a short transaction's cost), on PostgreSQL as one statement whose writes are `with`
//! parts (one round trip). Each part is written with its own `$1…$n` and renumbered here.

use super::binds::{Value, bind_values};
use super::{Backend, DbError, Tx, run};

/// Writes waiting to be sent in a transaction, in order. Parts return nothing the caller
/// reads; a write whose answer matters (an id it makes, whether it changed a row) runs on
/// its own.
#[derive(Debug)]
pub struct Writes {
    backend: Backend,
    parts: Vec<String>,
    binds: Vec<Value>,
}

impl Writes {
    pub fn new(backend: Backend) -> Writes {
        Writes {
            backend,
            parts: Vec::new(),
            binds: Vec::new(),
        }
    }

    /// Which database the parts are written for (a part may differ by backend).
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Adds one insert, update or delete, written with placeholders `$1…$n` for `values`.
    pub fn push(&mut self, sql: &str, values: Vec<Value>) {
        self.parts.push(renumbered(sql, self.binds.len()));
        self.binds.extend(values);
    }

    /// Sends every part.
    pub async fn run(self, tx: &mut Tx) -> Result<(), DbError> {
        if self.parts.is_empty() {
            return Ok(());
        }
        let sql = self.text(None);
        run!(tx tx, |c| bind_values!(sqlx::query(&sql), self.binds.iter().cloned())
            .execute(c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Sends every part, then reads the one number `select` (no placeholders) gives,
    /// after them and in the same hand-off.
    pub async fn run_then_read(self, tx: &mut Tx, select: &str) -> Result<i64, DbError> {
        let sql = self.text(Some(select));
        match tx {
            // Parts with `returning` give rows too: the read's is the last.
            Tx::Sqlite(tx) => {
                let rows = bind_values!(sqlx::query(&sql), self.binds.iter().cloned())
                    .fetch_all(&mut **tx)
                    .await?;
                let last = rows.last().ok_or(DbError::NotFound)?;
                Ok(sqlx::Row::try_get(last, 0)?)
            }
            Tx::Postgres(tx) => Ok(bind_values!(
                sqlx::query_scalar::<_, i64>(&sql),
                self.binds.iter().cloned()
            )
            .fetch_one(&mut **tx)
            .await?),
        }
    }

    fn text(&self, then: Option<&str>) -> String {
        match self.backend {
            Backend::Sqlite => {
                let mut statements = self.parts.clone();
                statements.extend(then.map(str::to_owned));
                statements.join(";\n")
            }
            Backend::Postgres => {
                let (with, last) = match then {
                    Some(select) => (&self.parts[..], select),
                    None => match self.parts.split_last() {
                        Some((last, rest)) => (rest, last.as_str()),
                        None => (&self.parts[..], ""),
                    },
                };
                let parts: Vec<String> = with
                    .iter()
                    .enumerate()
                    .map(|(n, part)| format!("write_{n} as ({part})"))
                    .collect();
                match parts.is_empty() {
                    true => last.to_owned(),
                    false => format!("with {} {last}", parts.join(", ")),
                }
            }
        }
    }
}

/// `sql` with each placeholder `$n` moved on to `$(n + by)`.
fn renumbered(sql: &str, by: usize) -> String {
    if by == 0 {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        out.push(ch);
        if ch != '$' {
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while let Some((j, d)) = chars.peek().copied() {
            if !d.is_ascii_digit() {
                break;
            }
            end = j + 1;
            chars.next();
        }
        if end > start {
            let n: usize = sql[start..end].parse().unwrap_or(0);
            out.push_str(&(n + by).to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_move_on_by_the_values_before_them() {
        assert_eq!(
            renumbered("insert into t (a, b) values ($1, $2)", 3),
            "insert into t (a, b) values ($4, $5)"
        );
        assert_eq!(renumbered("values ($10, $1)", 0), "values ($10, $1)");
        assert_eq!(renumbered("values ($10, $1)", 2), "values ($12, $3)");
        assert_eq!(renumbered("price $ or $x", 2), "price $ or $x");
    }

    fn two_inserts(backend: Backend) -> Writes {
        let mut writes = Writes::new(backend);
        writes.push("insert into a (x) values ($1)", vec![Value::from(1_i64)]);
        writes.push(
            "insert into b (y, z) values ($1, $2)",
            vec![Value::from(2_i64), Value::from("z")],
        );
        writes
    }

    #[test]
    fn sqlite_gets_one_text_of_statements() {
        let writes = two_inserts(Backend::Sqlite);
        assert_eq!(
            writes.text(None),
            "insert into a (x) values ($1);\ninsert into b (y, z) values ($2, $3)"
        );
        assert_eq!(
            writes.text(Some("select 1")),
            "insert into a (x) values ($1);\ninsert into b (y, z) values ($2, $3);\nselect 1"
        );
        assert_eq!(writes.binds.len(), 3);
    }

    #[test]
    fn postgres_gets_one_statement_with_the_writes_as_with_parts() {
        let writes = two_inserts(Backend::Postgres);
        assert_eq!(
            writes.text(None),
            "with write_0 as (insert into a (x) values ($1)) insert into b (y, z) values ($2, $3)"
        );
        assert_eq!(
            writes.text(Some("select 1")),
            "with write_0 as (insert into a (x) values ($1)), \
             write_1 as (insert into b (y, z) values ($2, $3)) select 1"
        );
    }
}
