//! The `enrolments` and `enrolment_events` tables, and the seat counter on `cohorts` they
//! keep true: every seat change is a conditional write in the enrolment's transaction.
//!
//! Here: the row, its inserts, transitions and history, and lookups by id, learner and
//! cohort. Seats and the queue are in [`seats`], joined views in [`views`], timed work in
//! [`schedule`].

use chrono::{DateTime, Utc};

use super::writes::Writes;
use super::{Backend, Db, DbError, Tx, run};
use crate::domain::enrolment::{ACTIVE_SQL, Funding, Status};

mod free_seat;
mod place_counts;
mod schedule;
mod seats;
mod views;

pub use free_seat::{SeatClaim, take_and_write};
pub use place_counts::recount as recount_place_counts;
pub use schedule::{
    due_reminders, extend_hold, holds_to_warn, lapsed, mark_hold_warned, mark_reminded,
};
pub use seats::{
    first_waiting, holding_count, next_waitlist_number, queue_exists, release_seat, take_seat,
    take_seat_over_capacity, waiting_rank, waitlist_position,
};
pub use views::{
    EnrolmentView, ROSTER_COUNTS, RosterEntry, roster, roster_counts, roster_page,
    roster_page_statement, view, views_for_user,
};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Enrolment {
    pub enrolment_id: i64,
    pub user_id: i64,
    pub cohort_id: i64,
    pub status: Status,
    pub funding: Option<Funding>,
    pub fee_pence: i64,
    pub over_capacity: bool,
    pub waitlist_number: Option<i64>,
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub moved_to_enrolment_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Enrolment {
    pub fn status(&self) -> Status {
        self.status
    }

    pub fn funding(&self) -> Option<Funding> {
        self.funding
    }
}

pub(super) const COLUMNS: &str = "enrolment_id, user_id, cohort_id, status, funding, fee_pence, over_capacity, \
     waitlist_number, hold_expires_at, offer_expires_at, moved_to_enrolment_id, created_at, updated_at";

/// `COLUMNS` qualified with a table alias, for joins.
pub(super) fn columns_of(alias: &str) -> String {
    COLUMNS
        .split(", ")
        .map(|col| format!("{alias}.{col}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub struct NewEnrolment {
    pub user_id: i64,
    pub cohort_id: i64,
    pub status: Status,
    pub funding: Option<Funding>,
    pub fee_pence: i64,
    pub over_capacity: bool,
    pub waitlist_number: Option<i64>,
    pub hold_expires_at: Option<DateTime<Utc>>,
}

impl NewEnrolment {
    /// The row this becomes as `enrolment_id`, written at `now`.
    pub fn with_id(&self, enrolment_id: i64, now: DateTime<Utc>) -> Enrolment {
        Enrolment {
            enrolment_id,
            user_id: self.user_id,
            cohort_id: self.cohort_id,
            status: self.status,
            funding: self.funding,
            fee_pence: self.fee_pence,
            over_capacity: self.over_capacity,
            waitlist_number: self.waitlist_number,
            hold_expires_at: self.hold_expires_at,
            offer_expires_at: None,
            moved_to_enrolment_id: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// The id the next enrolment takes, as an SQL expression read in the transaction that
/// inserts it: on SQLite under its one writer's lock (past any id ever used, as
/// `autoincrement` keeps it), on PostgreSQL from the identity's sequence.
pub fn next_id_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "(select coalesce(max(seq), 0) + 1 from sqlite_sequence where name = 'enrolments')"
        }
        Backend::Postgres => "nextval(pg_get_serial_sequence('enrolments', 'enrolment_id'))",
    }
}

/// An id for a new enrolment, to write with [`push_insert`].
pub async fn next_id(tx: &mut Tx) -> Result<i64, DbError> {
    let sql = format!("select {}", next_id_sql(tx.backend()));
    Ok(run!(tx tx, |c| sqlx::query_scalar(&sql).fetch_one(c).await)?)
}

/// Adds the insert of `enrolment` (its id from [`next_id_sql`]) and what it adds to its
/// cohort's counts. The learner's second active place there fails the whole write with
/// `UniqueViolation`.
pub fn push_insert(writes: &mut Writes, enrolment: &Enrolment) {
    push_insert_with_user(writes, enrolment, "$2");
}

/// [`push_insert`] with `user` as the SQL of the `user_id` value (`$2` is the learner's id).
fn push_insert_with_user(writes: &mut Writes, enrolment: &Enrolment, user: &str) {
    let identity = match writes.backend() {
        Backend::Sqlite => "",
        Backend::Postgres => " overriding system value",
    };
    let sql = format!(
        "insert into enrolments (enrolment_id, user_id, cohort_id, status, funding, fee_pence, \
         over_capacity, waitlist_number, hold_expires_at, created_at, updated_at){identity} \
         values ($1, {user}, $3, $4, $5, $6, $7, $8, $9, $10, $10)"
    );
    writes.push(
        &sql,
        vec![
            enrolment.enrolment_id.into(),
            enrolment.user_id.into(),
            enrolment.cohort_id.into(),
            enrolment.status.as_str().into(),
            enrolment.funding.map(Funding::as_str).into(),
            enrolment.fee_pence.into(),
            enrolment.over_capacity.into(),
            enrolment.waitlist_number.into(),
            enrolment.hold_expires_at.into(),
            enrolment.created_at.into(),
        ],
    );
    place_counts::push_added(writes, enrolment.cohort_id, enrolment.status);
}

/// Inserts an enrolment, answering with the row; `UniqueViolation` if the learner already
/// has an active one here.
pub async fn insert(
    tx: &mut Tx,
    enrolment: &NewEnrolment,
    now: DateTime<Utc>,
) -> Result<Enrolment, DbError> {
    let row = enrolment.with_id(next_id(tx).await?, now);
    let mut writes = Writes::new(tx.backend());
    push_insert(&mut writes, &row);
    writes.run(tx).await?;
    Ok(row)
}

/// What a transition writes besides the new state.
#[derive(Clone, Copy, Debug, Default)]
pub struct Changes {
    pub funding: Option<Funding>,
    pub fee_pence: Option<i64>,
    /// Set (or cleared with `None`) on every transition: only holding states have one.
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub moved_to_enrolment_id: Option<i64>,
}

/// Moves an enrolment from `from` to `to` if it is still in `from`; false otherwise (someone
/// else got there first), in which case nothing was written.
pub async fn transition(
    tx: &mut Tx,
    enrolment_id: i64,
    from: Status,
    to: Status,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update enrolments set status = $3, funding = coalesce($4, funding), \
               fee_pence = coalesce($5, fee_pence), hold_expires_at = $6, offer_expires_at = $7, \
               moved_to_enrolment_id = coalesce($8, moved_to_enrolment_id), updated_at = $9 \
               where enrolment_id = $1 and status = $2";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(enrolment_id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(changes.funding.map(Funding::as_str))
        .bind(changes.fee_pence)
        .bind(changes.hold_expires_at)
        .bind(changes.offer_expires_at)
        .bind(changes.moved_to_enrolment_id)
        .bind(now)
        .execute(c)
        .await.map(|d| d.rows_affected()))?;
    if updated == 1 {
        place_counts::moved(tx, enrolment_id, from, to).await?;
    }
    Ok(updated == 1)
}

/// Appends to an enrolment's history.
pub async fn record_event(
    tx: &mut Tx,
    enrolment_id: i64,
    from: Option<Status>,
    to: Status,
    actor_user_id: Option<i64>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut writes = Writes::new(tx.backend());
    push_event(
        &mut writes,
        enrolment_id,
        (from, to),
        actor_user_id,
        note,
        now,
    );
    writes.run(tx).await
}

/// Adds a line of history (from, to) to writes sent together.
pub fn push_event(
    writes: &mut Writes,
    enrolment_id: i64,
    (from, to): (Option<Status>, Status),
    actor_user_id: Option<i64>,
    note: &str,
    now: DateTime<Utc>,
) {
    let sql = "insert into enrolment_events (enrolment_id, from_status, to_status, actor_user_id, \
               note, occurred_at) values ($1, $2, $3, $4, $5, $6)";
    writes.push(
        sql,
        vec![
            enrolment_id.into(),
            from.map(Status::as_str).into(),
            to.as_str().into(),
            actor_user_id.into(),
            note.into(),
            now.into(),
        ],
    );
}

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct EnrolmentEvent {
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
    pub occurred_at: DateTime<Utc>,
}

impl EnrolmentEvent {
    /// What the enrolment became, as pages say it ("Confirmed"); the stored name if unknown.
    pub fn to_label(&self) -> String {
        Status::parse(&self.to_status).map_or(self.to_status.clone(), |s| s.label().to_owned())
    }
}

pub async fn events(db: &Db, enrolment_id: i64) -> Result<Vec<EnrolmentEvent>, DbError> {
    let sql = "select from_status, to_status, note, occurred_at from enrolment_events \
               where enrolment_id = $1 order by enrolment_event_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(enrolment_id).fetch_all(c).await)?)
}

pub async fn find(db: &Db, enrolment_id: i64) -> Result<Option<Enrolment>, DbError> {
    let sql = format!("select {COLUMNS} from enrolments where enrolment_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(enrolment_id).fetch_optional(c).await)?)
}

/// The enrolment as this transaction sees it (after the cohort lock, the truth).
pub async fn find_in(tx: &mut Tx, enrolment_id: i64) -> Result<Option<Enrolment>, DbError> {
    let sql = format!("select {COLUMNS} from enrolments where enrolment_id = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(enrolment_id).fetch_optional(c).await)?)
}

/// The learner's active enrolment on a cohort, if any.
pub async fn find_active(
    tx: &mut Tx,
    user_id: i64,
    cohort_id: i64,
) -> Result<Option<Enrolment>, DbError> {
    let sql = format!(
        "select {COLUMNS} from enrolments where user_id = $1 and cohort_id = $2 \
         and status in {ACTIVE_SQL}"
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql)
        .bind(user_id)
        .bind(cohort_id)
        .fetch_optional(c)
        .await)?)
}

/// The learner's active enrolments among some cohorts: (cohort id, enrolment id, status).
pub async fn active_for_user(db: &Db, user_id: i64) -> Result<Vec<(i64, i64, String)>, DbError> {
    let sql = format!(
        "select cohort_id, enrolment_id, status from enrolments \
         where user_id = $1 and status in {ACTIVE_SQL}"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(user_id).fetch_all(c).await)?)
}

/// Active enrolments of a cohort (for cancelling the whole cohort).
pub async fn active_in_cohort(tx: &mut Tx, cohort_id: i64) -> Result<Vec<Enrolment>, DbError> {
    let sql = format!(
        "select {COLUMNS} from enrolments where cohort_id = $1 and status in {ACTIVE_SQL} \
         order by enrolment_id"
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_all(c).await)?)
}

/// Removes a deleted account's enrolments and their history; payments keep their record
/// (their link to the enrolment becomes null).
pub async fn delete_for_user(tx: &mut Tx, user_id: i64) -> Result<(), DbError> {
    place_counts::removing_user(tx, user_id).await?;
    let sql = "delete from enrolments where user_id = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(user_id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A learner's active enrolments, by cohort (the order cohorts are locked in).
pub async fn active_of_user(tx: &mut Tx, user_id: i64) -> Result<Vec<Enrolment>, DbError> {
    let sql = format!(
        "select {COLUMNS} from enrolments where user_id = $1 and status in {ACTIVE_SQL} \
         order by cohort_id"
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(user_id).fetch_all(c).await)?)
}
