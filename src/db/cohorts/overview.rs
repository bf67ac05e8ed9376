//! The admin overview of cohorts: pages of them, soonest first, by status and course, with
//! each one's waiting and finished counts.

use super::{COHORT_COLUMNS, Cohort};
use crate::db::statement::{self, Statement, Window};
use crate::db::{Db, DbError};
use crate::domain::catalogue::CohortStatus;

/// A cohort in the overview, with its course's title.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CohortOverview {
    #[sqlx(flatten)]
    pub cohort: Cohort,
    pub course_title: String,
    pub waitlist: i64,
    /// Places of learners whose course has ended (completed or not): used, though their
    /// seats are no longer held.
    pub finished: i64,
}

/// What the cohort overview is narrowed to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CohortFilter {
    pub status: Option<CohortStatus>,
    pub course_id: Option<i64>,
}

impl CohortFilter {
    /// The conditions this filter needs (and only those, so each combination is a plain
    /// statement an index serves: `cohorts_starts_idx`, `cohorts_status_idx`,
    /// `cohorts_course_idx`).
    fn conditions(&self, statement: &mut Statement) -> String {
        let mut conditions = Vec::new();
        if let Some(status) = self.status {
            conditions.push(format!("h.status = {}", statement.param(status.as_str())));
        }
        if let Some(course_id) = self.course_id {
            conditions.push(format!("h.course_id = {}", statement.param(course_id)));
        }
        statement::where_all(&conditions)
    }
}

/// A page of the overview, soonest first, with each cohort's waiting and finished counts
/// (kept on the cohort's row: `db::enrolments` moves them with every place).
pub fn overview_statement(filter: &CohortFilter, window: Window) -> Statement {
    let columns = COHORT_COLUMNS
        .split(", ")
        .map(|col| format!("h.{col}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut statement = Statement::default();
    let conditions = filter.conditions(&mut statement);
    statement.sql = format!(
        "select {columns}, c.title as course_title, h.waitlisted as waitlist, h.finished \
         from cohorts h join courses c on c.course_id = h.course_id{conditions} \
         order by h.starts_on, h.cohort_id"
    );
    statement.page(window)
}

pub fn overview_count_statement(filter: &CohortFilter) -> Statement {
    let mut statement = Statement::default();
    let conditions = filter.conditions(&mut statement);
    statement.sql = format!("select count(*) from cohorts h{conditions}");
    statement
}

pub async fn overview(
    db: &Db,
    filter: &CohortFilter,
    window: Window,
) -> Result<Vec<CohortOverview>, DbError> {
    statement::fetch_all(db, &overview_statement(filter, window)).await
}

/// How many cohorts the filter lets through.
pub async fn overview_count(db: &Db, filter: &CohortFilter) -> Result<i64, DbError> {
    statement::fetch_count(db, &overview_count_statement(filter)).await
}
