//! The learner's entries as the regulators' rules count them ([`Counted`]), reading only the
//! columns the rules look at: a long log's reflections and outcomes stay on disk.

use chrono::NaiveDate;

use super::FROM;
use crate::db::binds::{Value, bind_values};
use crate::db::{Db, DbError, run};
use crate::domain::cpd::counting::Counted;
use crate::domain::cpd::entry::{CodeTheme, EntryKind, Flags, Method, Planning};

/// A reflection part is written when its text is not empty: the services store text
/// trimmed, so this agrees with [`super::Entry::counted`]. A verified entry stops counting
/// when its certificate is revoked.
const COLUMNS: &str = "e.kind, e.method, e.started_on, e.ended_on, e.minutes, \
     e.participatory_minutes, e.planning, \
     (e.reflection_learned <> '' and e.reflection_practice <> '' \
      and e.reflection_benefit <> '') as reflection_complete, \
     e.code_theme, e.hcpc_standards, e.gmp_domains, \
     (c.status is null or c.status <> 'revoked') as counts";

#[derive(sqlx::FromRow)]
struct Row {
    kind: EntryKind,
    method: Option<Method>,
    started_on: NaiveDate,
    ended_on: NaiveDate,
    minutes: i64,
    participatory_minutes: i64,
    planning: Option<Planning>,
    reflection_complete: bool,
    code_theme: Option<CodeTheme>,
    hcpc_standards: String,
    gmp_domains: String,
    counts: bool,
}

impl Row {
    fn counted(self) -> Counted {
        Counted {
            kind: self.kind,
            method: self.method,
            started_on: self.started_on,
            ended_on: self.ended_on,
            minutes: self.minutes,
            participatory_minutes: self.participatory_minutes,
            planning: self.planning,
            reflection_complete: self.reflection_complete,
            code_theme: self.code_theme,
            hcpc_standards: Flags::from_stored(&self.hcpc_standards).unwrap_or_default(),
            gmp_domains: Flags::from_stored(&self.gmp_domains).unwrap_or_default(),
            counts: self.counts,
        }
    }
}

/// The learner's entries that ended on or after `ended_from` (all of them with `None`), as
/// the rules count them, oldest first. `domain::cpd::regulator::reads_entries_from` says
/// which are needed for the progress shown.
pub async fn counted_for_user(
    db: &Db,
    user_id: i64,
    ended_from: Option<NaiveDate>,
) -> Result<Vec<Counted>, DbError> {
    let mut clause = "where e.user_id = $1".to_owned();
    let mut values = Vec::new();
    if let Some(day) = ended_from {
        clause.push_str(" and e.ended_on >= $2");
        values.push(Value::Date(Some(day)));
    }
    counted_where(db, user_id, &clause, values).await
}

/// The entries `clause` (over `e`, the learner bound as `$1`, `values` from `$2`) keeps.
pub(super) async fn counted_where(
    db: &Db,
    user_id: i64,
    clause: &str,
    values: Vec<Value>,
) -> Result<Vec<Counted>, DbError> {
    let sql = format!("select {COLUMNS} {FROM} {clause} order by e.ended_on");
    let rows: Vec<Row> = run!(read db, |c| bind_values!(
        sqlx::query_as(&sql).bind(user_id),
        values.clone()
    )
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(Row::counted).collect())
}
