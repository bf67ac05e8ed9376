//! The learner's list of entries: which the filters keep, a page of them newest first,
//! all of them one at a time (downloads).

use chrono::NaiveDate;

use super::{COLUMNS, Entry, FROM};
use crate::db::binds::{Value, bind_values};
use crate::db::stream::{RowStream, fetch_stream};
use crate::db::{Db, DbError, run};
use crate::domain::cpd::entry::{EntryKind, Method};
use crate::domain::search;

/// Which of the learner's entries the list shows. `None` is "any".
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Entries ending on or after this day.
    pub from: Option<NaiveDate>,
    /// Entries starting on or before this day.
    pub to: Option<NaiveDate>,
    pub method: Option<Method>,
    /// Verified (true) or self-declared (false).
    pub verified: Option<bool>,
    pub kind: Option<EntryKind>,
    /// One tag, normalised as stored.
    pub tag: Option<String>,
    /// Words of the title, provider, topic or tags.
    pub query: Option<String>,
}

impl Filter {
    /// `where …` over `e`, and its binds from `$2` (`$1` is the learner).
    fn clause(&self) -> (String, Vec<Value>) {
        let mut conditions = vec!["e.user_id = $1".to_owned()];
        let mut values = Vec::new();
        let mut add = |condition: &str, value: Value| {
            values.push(value);
            conditions.push(condition.replace('?', &format!("${}", values.len() + 1)));
        };
        if let Some(from) = self.from {
            add("e.ended_on >= ?", Value::Date(Some(from)));
        }
        if let Some(to) = self.to {
            add("e.started_on <= ?", Value::Date(Some(to)));
        }
        if let Some(method) = self.method {
            add(
                "e.method = ?",
                Value::Text(Some(method.as_str().to_owned())),
            );
        }
        if let Some(kind) = self.kind {
            add("e.kind = ?", Value::Text(Some(kind.as_str().to_owned())));
        }
        if let Some(tag) = &self.tag {
            let pattern = format!("%,{},%", search::escape_like(tag));
            add("e.tags like ? escape '\\'", Value::Text(Some(pattern)));
        }
        if let Some(query) = self.query.as_deref().filter(|q| !q.trim().is_empty()) {
            let pattern = search::contains_pattern(query);
            add(
                "e.search_text like ? escape '\\'",
                Value::Text(Some(pattern)),
            );
        }
        match self.verified {
            Some(true) => conditions.push("e.certificate_id is not null".to_owned()),
            Some(false) => conditions.push("e.certificate_id is null".to_owned()),
            None => {}
        }
        (format!("where {}", conditions.join(" and ")), values)
    }
}

/// How many of the learner's entries the filter keeps.
pub async fn count(db: &Db, user_id: i64, filter: &Filter) -> Result<i64, DbError> {
    let (clause, values) = filter.clause();
    let sql = format!("select count(*) from cpd_entries e {clause}");
    Ok(run!(read db, |c| bind_values!(
        sqlx::query_scalar(&sql).bind(user_id),
        values.clone()
    )
    .fetch_one(c)
    .await)?)
}

/// One page of the learner's entries the filter keeps, newest (by end date) first.
pub async fn list(
    db: &Db,
    user_id: i64,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Entry>, DbError> {
    let (clause, values) = filter.clause();
    let next = values.len() + 2;
    let sql = format!(
        "select {COLUMNS} {FROM} {clause} \
         order by e.ended_on desc, e.started_on desc, e.entry_id desc limit ${next} offset ${}",
        next + 1
    );
    Ok(run!(read db, |c| bind_values!(
        sqlx::query_as(&sql).bind(user_id),
        values.clone()
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(c)
    .await)?)
}

/// Every entry of the learner the filter keeps, in the list's order: the query a download
/// reads [`Selection::rows`] from, one row at a time.
pub struct Selection {
    sql: String,
    binds: Vec<Value>,
}

impl Selection {
    pub fn of(user_id: i64, filter: &Filter) -> Selection {
        let (clause, mut values) = filter.clause();
        values.insert(0, Value::Int(Some(user_id)));
        Selection {
            sql: format!(
                "select {COLUMNS} {FROM} {clause} \
                 order by e.ended_on desc, e.started_on desc, e.entry_id desc"
            ),
            binds: values,
        }
    }

    /// The entries as they arrive from the database; nothing holds them all.
    pub fn rows<'a>(&'a self, db: &'a Db) -> RowStream<'a, Entry> {
        fetch_stream(db, &self.sql, self.binds.clone())
    }
}
