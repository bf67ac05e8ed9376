//! Enrolments joined with what pages show beside them: the learner's view (cohort and
//! course) and a cohort's roster (each learner).

use chrono::NaiveDate;

use super::{Enrolment, columns_of};
use crate::db::statement::{self, Statement, Window};
use crate::db::{Db, DbError, run};
use crate::domain::enrolment::Status;

/// An enrolment with what the learner's pages show about its cohort and course.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EnrolmentView {
    #[sqlx(flatten)]
    pub enrolment: Enrolment,
    pub cohort_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub course_title: String,
    pub course_slug: String,
}

fn view_sql(filter: &str) -> String {
    format!(
        "select {cols}, h.name as cohort_name, h.starts_on, h.ends_on, c.title as course_title, \
         c.slug as course_slug from enrolments e join cohorts h on h.cohort_id = e.cohort_id \
         join courses c on c.course_id = h.course_id where {filter}",
        cols = columns_of("e")
    )
}

/// Every enrolment of a learner, soonest cohort first.
pub async fn views_for_user(db: &Db, user_id: i64) -> Result<Vec<EnrolmentView>, DbError> {
    let sql = view_sql("e.user_id = $1") + " order by h.starts_on, e.enrolment_id";
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(user_id).fetch_all(c).await)?)
}

pub async fn view(db: &Db, enrolment_id: i64) -> Result<Option<EnrolmentView>, DbError> {
    let sql = view_sql("e.enrolment_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(enrolment_id).fetch_optional(c).await)?)
}

/// An enrolment on a cohort's roster, with its learner.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RosterEntry {
    #[sqlx(flatten)]
    pub enrolment: Enrolment,
    pub full_name: String,
    pub email: String,
    pub organisation: String,
    pub learner_type: crate::domain::eligibility::LearnerType,
}

/// Everyone who ever enrolled on a cohort, queue order within each state.
pub async fn roster(db: &Db, cohort_id: i64) -> Result<Vec<RosterEntry>, DbError> {
    let sql = format!(
        "select {cols}, u.full_name, u.email, u.organisation, u.learner_type from enrolments e \
         join users u on u.user_id = e.user_id where e.cohort_id = $1 \
         order by e.waitlist_number, e.created_at, e.enrolment_id",
        cols = columns_of("e")
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_all(c).await)?)
}

/// A page of a cohort's roster: its places in the order of `groups` (each a list of
/// states), queue order within each, with their learners. The page's places are picked
/// from the cohort's index alone (`enrolments_cohort_idx` holds every sort column), so a
/// cohort of hundreds sorts narrow index entries and reads only the page's rows and
/// learners.
pub fn roster_page_statement(cohort_id: i64, groups: &[&[Status]], window: Window) -> Statement {
    let rank: String = groups
        .iter()
        .enumerate()
        .flat_map(|(n, states)| {
            states
                .iter()
                .map(move |status| format!(" when '{}' then {n}", status.as_str()))
        })
        .collect();
    let order = |e: &str| {
        format!("case {e}.status{rank} end, {e}.waitlist_number, {e}.created_at, {e}.enrolment_id")
    };
    let mut statement = Statement::new("");
    let cohort = statement.param(cohort_id);
    let limit = statement.param(window.limit);
    let offset = statement.param(window.offset);
    statement.sql = format!(
        "select {cols}, u.full_name, u.email, u.organisation, u.learner_type from enrolments e \
         join users u on u.user_id = e.user_id where e.enrolment_id in (select p.enrolment_id \
         from enrolments p where p.cohort_id = {cohort} order by {inner} \
         limit {limit} offset {offset}) order by {outer}",
        cols = columns_of("e"),
        inner = order("p"),
        outer = order("e"),
    );
    statement
}

pub async fn roster_page(db: &Db, statement: &Statement) -> Result<Vec<RosterEntry>, DbError> {
    statement::fetch_all(db, statement).await
}

/// How many places a cohort has in each state (none for a state it has none in).
pub const ROSTER_COUNTS: &str =
    "select status, count(*) from enrolments where cohort_id = $1 group by status";

pub async fn roster_counts(db: &Db, cohort_id: i64) -> Result<Vec<(Status, i64)>, DbError> {
    Ok(run!(read db, |c| sqlx::query_as(ROSTER_COUNTS).bind(cohort_id).fetch_all(c).await)?)
}
