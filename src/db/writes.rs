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
        let sql = self.text();
        run!(tx tx, |c| bind_values!(sqlx::query(&sql), self.binds.iter().cloned())
            .execute(c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The same writes after `leading` values: those become `$1…$n` and every part's
    /// placeholders move past them (for a statement written around the parts).
    pub fn after_values(self, leading: Vec<Value>) -> Writes {
        let mut writes = Writes {
            backend: self.backend,
            parts: Vec::new(),
            binds: leading,
        };
        writes.append(self);
        writes
    }

    /// Adds `other`'s parts after these.
    pub fn append(&mut self, other: Writes) {
        let by = self.binds.len();
        self.parts
            .extend(other.parts.iter().map(|part| renumbered(part, by)));
        self.binds.extend(other.binds);
    }

    pub fn parts(&self) -> &[String] {
        &self.parts
    }

    pub fn binds(&self) -> &[Value] {
        &self.binds
    }

    /// The values themselves, once the text is written (no copy of large bodies).
    pub fn into_binds(self) -> Vec<Value> {
        self.binds
    }

    fn text(&self) -> String {
        match self.backend {
            Backend::Sqlite => self.parts.join(";\n"),
            Backend::Postgres => match self.parts.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    format!("with {} {last}", with_parts(rest).join(", "))
                }
                _ => self.parts.concat(),
            },
        }
    }
}

/// PostgreSQL: `parts` as the `with` parts of one statement, `write_0 as (…)` and on.
pub fn with_parts(parts: &[String]) -> Vec<String> {
    parts
        .iter()
        .enumerate()
        .map(|(n, part)| format!("write_{n} as ({part})"))
        .collect()
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
            writes.text(),
            "insert into a (x) values ($1);\ninsert into b (y, z) values ($2, $3)"
        );
        assert_eq!(writes.binds.len(), 3);
    }

    #[test]
    fn postgres_gets_one_statement_with_the_writes_as_with_parts() {
        let writes = two_inserts(Backend::Postgres);
        assert_eq!(
            writes.text(),
            "with write_0 as (insert into a (x) values ($1)) insert into b (y, z) values ($2, $3)"
        );
    }

    #[test]
    fn leading_values_move_the_parts_placeholders_on() {
        let writes = two_inserts(Backend::Sqlite).after_values(vec![Value::from(9_i64)]);
        assert_eq!(
            writes.text(),
            "insert into a (x) values ($2);\ninsert into b (y, z) values ($3, $4)"
        );
        assert_eq!(writes.binds()[0], Value::from(9_i64));
        assert_eq!(writes.binds().len(), 4);
    }

    #[test]
    fn appended_parts_number_on_from_the_values_before_them() {
        let mut writes = two_inserts(Backend::Sqlite);
        writes.append(two_inserts(Backend::Sqlite));
        assert_eq!(
            writes.text(),
            "insert into a (x) values ($1);\ninsert into b (y, z) values ($2, $3);\n\
             insert into a (x) values ($4);\ninsert into b (y, z) values ($5, $6)"
        );
        assert_eq!(writes.binds().len(), 6);
    }
}
