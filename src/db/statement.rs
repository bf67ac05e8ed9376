//! A statement built at run time with its bind values: the list queries build only the
//! conditions a filter needs (no `$1 is null or …`, no `like` for an empty search box), and
//! hand out the very statement they run so `tests/it/query_plans.rs` checks its plan.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use super::binds::{Value, bind_values};
use super::{Db, DbError, run};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Statement {
    pub sql: String,
    pub binds: Vec<Value>,
}

impl Statement {
    /// A statement with no bind values yet.
    pub fn new(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            binds: Vec::new(),
        }
    }

    /// Adds a bind value and gives back its placeholder (`$3`), for SQL still being written.
    pub fn param(&mut self, value: impl Into<Value>) -> String {
        self.binds.push(value.into());
        format!("${}", self.binds.len())
    }

    /// Appends ` limit $n offset $m`.
    pub fn page(mut self, window: Window) -> Statement {
        let limit = self.param(window.limit);
        let offset = self.param(window.offset);
        self.sql
            .push_str(&format!(" limit {limit} offset {offset}"));
        self
    }
}

/// ` where a and b`, or nothing when there is no condition.
pub fn where_all(conditions: &[String]) -> String {
    match conditions.is_empty() {
        true => String::new(),
        false => format!(" where {}", conditions.join(" and ")),
    }
}

/// Which rows of a list a page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub limit: i64,
    pub offset: i64,
}

impl Window {
    /// A list read in two parts, each in an order an index gives (drafts, then the rest by
    /// date): the windows of each part that make up this one, when `first` rows come first.
    pub fn split(self, first: i64) -> (Option<Window>, Option<Window>) {
        let from_first = (first - self.offset).clamp(0, self.limit);
        let head = (from_first > 0).then_some(Window {
            limit: from_first,
            offset: self.offset,
        });
        let rest = self.limit - from_first;
        let tail = (rest > 0).then_some(Window {
            limit: rest,
            offset: (self.offset - first).max(0),
        });
        (head, tail)
    }
}

/// The rows a statement selects.
pub async fn fetch_all<T>(db: &Db, statement: &Statement) -> Result<Vec<T>, DbError>
where
    T: Send + Unpin + for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
{
    let Statement { sql, binds } = statement;
    Ok(
        run!(read db, |c| bind_values!(sqlx::query_as::<_, T>(sql), binds.iter().cloned())
        .fetch_all(c)
        .await)?,
    )
}

/// The one number a `select count(*) …` statement gives.
pub async fn fetch_count(db: &Db, statement: &Statement) -> Result<i64, DbError> {
    let Statement { sql, binds } = statement;
    Ok(
        run!(read db, |c| bind_values!(sqlx::query_scalar::<_, i64>(sql), binds.iter().cloned())
        .fetch_one(c)
        .await)?,
    )
}

/// Reports and posts as the admin lists show them: drafts first, newest first, then by
/// publication time, latest first. Each part is its own statement in an order the
/// `(publish_at, id)` index gives (one `order by publish_at is null desc, …` would sort the
/// whole table), and the page takes its rows from one or both. `drafts` is how many drafts
/// there are.
pub async fn drafts_first<T>(
    db: &Db,
    drafts: i64,
    window: Window,
    drafts_part: fn(Window) -> Statement,
    dated_part: fn(Window) -> Statement,
) -> Result<Vec<T>, DbError>
where
    T: Send + Unpin + for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
{
    let (head, tail) = window.split(drafts);
    let mut rows = Vec::new();
    if let Some(head) = head {
        rows.extend(fetch_all(db, &drafts_part(head)).await?);
    }
    if let Some(tail) = tail {
        rows.extend(fetch_all(db, &dated_part(tail)).await?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(limit: i64, offset: i64) -> Window {
        Window { limit, offset }
    }

    #[test]
    fn a_page_splits_across_the_two_parts() {
        // 30 drafts: page 1 is all drafts, page 2 ends them and starts the rest, page 3 is
        // all rest.
        assert_eq!(window(25, 0).split(30), (Some(window(25, 0)), None));
        assert_eq!(
            window(25, 25).split(30),
            (Some(window(5, 25)), Some(window(20, 0)))
        );
        assert_eq!(window(25, 50).split(30), (None, Some(window(25, 20))));
        assert_eq!(window(25, 0).split(0), (None, Some(window(25, 0))));
    }

    #[test]
    fn placeholders_follow_the_binds() {
        let mut statement = Statement::new("");
        let a = statement.param("open");
        let b = statement.param(7_i64);
        statement.sql = format!(
            "select 1 from t{}",
            where_all(&[format!("s = {a}"), format!("c = {b}")])
        );
        let statement = statement.page(window(25, 50));
        assert_eq!(
            statement.sql,
            "select 1 from t where s = $1 and c = $2 limit $3 offset $4"
        );
        assert_eq!(statement.binds.len(), 4);
        assert_eq!(where_all(&[]), "");
    }
}
