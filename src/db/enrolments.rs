//! The `enrolments` and `enrolment_events` tables, and the seat counter on `cohorts` they
//! keep true: every seat change is a conditional write in the enrolment's transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Db, DbError, Tx, run};
use crate::domain::enrolment::{ACTIVE_SQL, Funding, HOLDING_SQL, Status};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Enrolment {
    pub enrolment_id: i64,
    pub user_id: i64,
    pub cohort_id: i64,
    pub status: String,
    pub funding: Option<String>,
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
        Status::parse(&self.status).unwrap_or(Status::Cancelled)
    }

    pub fn funding(&self) -> Option<Funding> {
        self.funding.as_deref().and_then(Funding::parse)
    }
}

const COLUMNS: &str = "enrolment_id, user_id, cohort_id, status, funding, fee_pence, over_capacity, \
     waitlist_number, hold_expires_at, offer_expires_at, moved_to_enrolment_id, created_at, updated_at";

/// `COLUMNS` qualified with a table alias, for joins.
fn columns_of(alias: &str) -> String {
    COLUMNS
        .split(", ")
        .map(|col| format!("{alias}.{col}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Takes a seat if one is free; false if the cohort is full.
pub async fn take_seat(tx: &mut Tx, cohort_id: i64) -> Result<bool, DbError> {
    let sql = "update cohorts set seats_taken = seats_taken + 1 \
               where cohort_id = $1 and seats_taken < capacity";
    Ok(
        run!(tx tx, |c| sqlx::query(sql).bind(cohort_id).execute(c).await.map(|d| d.rows_affected()))?
            == 1,
    )
}

/// Takes a seat beyond capacity (an admin's recorded override).
pub async fn take_seat_over_capacity(tx: &mut Tx, cohort_id: i64) -> Result<(), DbError> {
    let sql = "update cohorts set seats_taken = seats_taken + 1 where cohort_id = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(cohort_id).execute(c).await.map(|d| d.rows_affected()))?;
    Ok(())
}

/// Gives a seat back. Only ever called after the conditional transition that left a
/// seat-holding state succeeded, so a seat is released once.
pub async fn release_seat(tx: &mut Tx, cohort_id: i64) -> Result<(), DbError> {
    let sql = "update cohorts set seats_taken = seats_taken - 1 \
               where cohort_id = $1 and seats_taken > 0";
    run!(tx tx, |c| sqlx::query(sql).bind(cohort_id).execute(c).await.map(|d| d.rows_affected()))?;
    Ok(())
}

/// Whether anyone is waiting or holding an offer in the cohort.
pub async fn queue_exists(tx: &mut Tx, cohort_id: i64) -> Result<bool, DbError> {
    let sql = "select count(*) from enrolments where cohort_id = $1 \
               and status in ('waitlisted', 'offered')";
    let count: i64 = run!(tx tx, |c| sqlx::query_scalar(sql).bind(cohort_id).fetch_one(c).await)?;
    Ok(count > 0)
}

/// The next number in the cohort's waiting-list sequence.
pub async fn next_waitlist_number(tx: &mut Tx, cohort_id: i64) -> Result<i64, DbError> {
    let sql = "update cohorts set waitlist_last = waitlist_last + 1 where cohort_id = $1 \
               returning waitlist_last";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql).bind(cohort_id).fetch_one(c).await)?)
}

/// The longest-waiting learner of a cohort.
pub async fn first_waiting(tx: &mut Tx, cohort_id: i64) -> Result<Option<Enrolment>, DbError> {
    let sql = format!(
        "select {COLUMNS} from enrolments where cohort_id = $1 and status = 'waitlisted' \
         order by waitlist_number, enrolment_id limit 1"
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_optional(c).await)?)
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

/// Inserts an enrolment; `UniqueViolation` if the learner already has an active one here.
pub async fn insert(
    tx: &mut Tx,
    enrolment: &NewEnrolment,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into enrolments (user_id, cohort_id, status, funding, fee_pence, \
               over_capacity, waitlist_number, hold_expires_at, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning enrolment_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(enrolment.user_id)
        .bind(enrolment.cohort_id)
        .bind(enrolment.status.as_str())
        .bind(enrolment.funding.map(Funding::as_str))
        .bind(enrolment.fee_pence)
        .bind(enrolment.over_capacity)
        .bind(enrolment.waitlist_number)
        .bind(enrolment.hold_expires_at)
        .bind(now)
        .fetch_one(c)
        .await)?)
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
    let sql = "insert into enrolment_events (enrolment_id, from_status, to_status, actor_user_id, \
               note, occurred_at) values ($1, $2, $3, $4, $5, $6)";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(enrolment_id)
        .bind(from.map(Status::as_str))
        .bind(to.as_str())
        .bind(actor_user_id)
        .bind(note)
        .bind(now)
        .execute(c)
        .await.map(|d| d.rows_affected()))?;
    Ok(())
}

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct EnrolmentEvent {
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
    pub occurred_at: DateTime<Utc>,
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

/// A learner's place in the queue, counted among those still waiting: 1, 2, 3…
pub async fn waitlist_position(db: &Db, enrolment: &Enrolment) -> Result<Option<i64>, DbError> {
    let Some(number) = enrolment.waitlist_number else {
        return Ok(None);
    };
    if enrolment.status() != Status::Waitlisted {
        return Ok(None);
    }
    let sql = "select count(*) from enrolments where cohort_id = $1 and status = 'waitlisted' \
               and waitlist_number <= $2";
    let rank: i64 = run!(read db, |c| sqlx::query_scalar(sql)
        .bind(enrolment.cohort_id)
        .bind(number)
        .fetch_one(c)
        .await)?;
    Ok(Some(rank))
}

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
    pub learner_type: String,
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

/// Active enrolments of a cohort (for cancelling the whole cohort).
pub async fn active_in_cohort(tx: &mut Tx, cohort_id: i64) -> Result<Vec<Enrolment>, DbError> {
    let sql = format!(
        "select {COLUMNS} from enrolments where cohort_id = $1 and status in {ACTIVE_SQL} \
         order by enrolment_id"
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_all(c).await)?)
}

/// Holds (card or invoice) and offers whose time ran out: (enrolment id, cohort id).
pub async fn lapsed(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<(i64, i64)>, DbError> {
    let sql = "select enrolment_id, cohort_id from enrolments where \
               (status in ('awaiting_payment', 'awaiting_invoice') and hold_expires_at <= $1) \
               or (status = 'offered' and offer_expires_at <= $1) \
               order by enrolment_id limit $2";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(now).bind(limit).fetch_all(c).await)?)
}

/// Seat-holding enrolments counted per cohort: the invariant `seats_taken` must equal.
pub async fn holding_count(db: &Db, cohort_id: i64) -> Result<i64, DbError> {
    let sql =
        format!("select count(*) from enrolments where cohort_id = $1 and status in {HOLDING_SQL}");
    Ok(run!(read db, |c| sqlx::query_scalar(&sql).bind(cohort_id).fetch_one(c).await)?)
}

/// Restarts a card hold that has no checkout yet (the provider was unreachable before).
pub async fn extend_hold(
    db: &Db,
    enrolment_id: i64,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update enrolments set hold_expires_at = $2, updated_at = $3 \
               where enrolment_id = $1 and status = 'awaiting_payment'";
    run!(write db, |c| sqlx::query(sql)
        .bind(enrolment_id)
        .bind(until)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(())
}

/// Confirmed places whose first live session is within `within` of now and that have not
/// had this reminder: (enrolment id, cohort id).
pub async fn due_reminders(
    db: &Db,
    week: bool,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(i64, i64)>, DbError> {
    let column = if week {
        "reminded_week_at"
    } else {
        "reminded_day_at"
    };
    let sql = format!(
        "select e.enrolment_id, e.cohort_id from enrolments e where e.status = 'confirmed' \
         and e.{column} is null and exists (select 1 from cohort_sessions s \
           where s.cohort_id = e.cohort_id and s.starts_at > $1 and s.starts_at <= $2 \
           and not exists (select 1 from cohort_sessions t where t.cohort_id = s.cohort_id \
             and t.starts_at < s.starts_at)) \
         order by e.enrolment_id limit $3"
    );
    Ok(
        run!(read db, |c| sqlx::query_as(&sql).bind(now).bind(until).bind(limit).fetch_all(c).await)?,
    )
}

/// Marks a reminder sent; false if another process sent it first.
pub async fn mark_reminded(
    tx: &mut Tx,
    enrolment_id: i64,
    week: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let column = if week {
        "reminded_week_at"
    } else {
        "reminded_day_at"
    };
    let sql =
        format!("update enrolments set {column} = $2 where enrolment_id = $1 and {column} is null");
    let updated = run!(tx tx, |c| sqlx::query(&sql)
        .bind(enrolment_id)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Invoice holds ending within `within` that have not been warned: (enrolment id, cohort id).
pub async fn holds_to_warn(
    db: &Db,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(i64, i64)>, DbError> {
    let sql = "select enrolment_id, cohort_id from enrolments where status = 'awaiting_invoice' \
               and hold_warned_at is null and hold_expires_at > $1 and hold_expires_at <= $2 \
               order by enrolment_id limit $3";
    Ok(run!(read db, |c| sqlx::query_as(sql)
        .bind(now)
        .bind(until)
        .bind(limit)
        .fetch_all(c)
        .await)?)
}

pub async fn mark_hold_warned(
    tx: &mut Tx,
    enrolment_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update enrolments set hold_warned_at = $2 where enrolment_id = $1 \
               and hold_warned_at is null";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(enrolment_id)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Removes a deleted account's enrolments and their history; payments keep their record
/// (their link to the enrolment becomes null).
pub async fn delete_for_user(tx: &mut Tx, user_id: i64) -> Result<(), DbError> {
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
