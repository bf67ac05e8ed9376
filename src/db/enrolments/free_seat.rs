//! A free seat taken and its place written in one go: on SQLite one text from `BEGIN
//! IMMEDIATE` to `COMMIT` (one hand-off to the writer's thread), on PostgreSQL one
//! autocommit statement. The cohort's lock is then held only while the database itself
//! works, not while this process waits to be scheduled between statements (on SQLite, a
//! tenth to a half more places a second than four statements, in runs side by side).
//!
//! On SQLite the text joins the writer's next batch ([`crate::db::writer_batch`]): the
//! places of many requests commit together, each text in a savepoint of its own.
//!
//! All or nothing without a round trip to decide: the place's insert takes its learner from
//! the seat's update (`changes()` on SQLite, the update's `returning` on PostgreSQL), so
//! when no seat was taken it inserts a null learner, which the column refuses, and the
//! error stops the text (SQLite runs a text's statements only until one fails) or the one
//! statement. Nothing else is written, and the caller goes the long way.

use std::sync::atomic::Ordering;

use super::{Enrolment, push_insert_with_user};
use crate::db::binds::{Value, bind_values};
use crate::db::writer_batch::{Ran, Text};
use crate::db::writes::{Writes, with_parts};
use crate::db::{Backend, Db, DbError, SqlitePools, pool, wrote};
use crate::domain::enrolment::ACTIVE_SQL;

/// What must still be so for the seat to be taken, besides a free seat and nobody queueing.
#[derive(Clone, Copy, Debug)]
pub struct SeatClaim {
    pub cohort_id: i64,
    pub user_id: i64,
    /// The cohort's course, still published at this fee.
    pub course_id: i64,
    pub fee_pence: i64,
    /// The published content the caller read the cohort from: an edit since sends the
    /// request the long way.
    pub content_version: i64,
}

/// The seat's condition: `$1` cohort, `$2` learner, `$3` course, `$4` fee, `$5` content
/// version. A place held by someone queueing (waitlisted or offered) keeps the seat theirs.
///
/// On PostgreSQL an update that waited for the row re-checks it, but reads the queue as it
/// stood when the statement began: a learner who joined the queue meanwhile can be missed,
/// which only means a free seat is taken beside their offer (never a seat too many, and a
/// second place for one learner is refused by the unique index).
fn seat_condition() -> String {
    format!(
        "cohort_id = $1 and seats_taken < capacity and course_id = $3 \
         and exists (select 1 from courses where course_id = $3 and published \
                     and fee_pence = $4) \
         and not exists (select 1 from enrolments where cohort_id = $1 \
                         and status in ('waitlisted', 'offered')) \
         and not exists (select 1 from enrolments where cohort_id = $1 and user_id = $2 \
                         and status in {ACTIVE_SQL}) \
         and (select version from content_version where id = 1) = $5"
    )
}

/// The highest enrolment id SQLite has handed out (`autoincrement` never reuses one).
const SQLITE_LAST_ID: &str =
    "select coalesce(max(seq), 0) from sqlite_sequence where name = 'enrolments'";

/// Takes a seat on `claim.cohort_id` and writes the place `place` makes for the new place's
/// id (the enrolment row, and the writes that follow it), all or nothing. `place` must
/// only build (it may be called twice).
/// Answers the id, or `None` when the seat was not taken (full, a queue, a place already,
/// the content or course changed, or on PostgreSQL a connection lost before the answer):
/// nothing was written then, and the caller takes the long way, which decides and
/// explains. The learner's second place committed meanwhile fails with `UniqueViolation`.
pub async fn take_and_write<E: From<DbError>>(
    db: &Db,
    claim: SeatClaim,
    mut place: impl FnMut(i64) -> Result<(Enrolment, Writes), E>,
) -> Result<Option<i64>, E> {
    let backend = db.backend();
    let mut writes_for = |id: i64| -> Result<Writes, E> {
        let (enrolment, follow) = place(id)?;
        let user = match backend {
            Backend::Sqlite => "(select $2 where changes() = 1)",
            Backend::Postgres => "(select $2 from seat)",
        };
        let mut writes = Writes::new(backend);
        push_insert_with_user(&mut writes, &enrolment, user);
        writes.append(follow);
        Ok(writes.after_values(leading_values(claim, id)))
    };
    match db {
        Db::Sqlite(pools) => on_sqlite(pools, &mut writes_for).await,
        Db::Postgres(pg) => on_postgres(pg, &mut writes_for).await,
    }
}

fn leading_values(claim: SeatClaim, enrolment_id: i64) -> Vec<Value> {
    vec![
        claim.cohort_id.into(),
        claim.user_id.into(),
        claim.course_id.into(),
        claim.fee_pence.into(),
        claim.content_version.into(),
        enrolment_id.into(),
    ]
}

/// Whether `error` is the place's insert refusing the null learner of a seat not taken.
fn seat_not_taken(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db)
        if db.kind() == sqlx::error::ErrorKind::NotNullViolation)
}

/// The id is the next this process hands out (`SqlitePools::last_enrolment_id`), and the
/// text runs in the writer's next batch ([`WriterBatch`](crate::db::writer_batch)), which
/// runs its texts in order of id. The update checks that no id as high was written yet,
/// so a place written another way meanwhile (the long way, another process), or a text
/// that reached the writer after a higher id had, is found out: the figure is read again
/// and the seat asked for once more with a new id.
async fn on_sqlite<E: From<DbError>>(
    pools: &SqlitePools,
    writes_for: &mut impl FnMut(i64) -> Result<Writes, E>,
) -> Result<Option<i64>, E> {
    let handed_out = &pools.last_enrolment_id;
    if handed_out.load(Ordering::Acquire) < 0 {
        let last: i64 = sqlx::query_scalar(SQLITE_LAST_ID)
            .fetch_one(&pools.reader)
            .await
            .map_err(DbError::from)?;
        let _ = handed_out.compare_exchange(-1, last, Ordering::AcqRel, Ordering::Acquire);
    }
    for _ in 0..2 {
        let id = handed_out.fetch_add(1, Ordering::AcqRel) + 1;
        let writes = writes_for(id)?;
        let sql = format!(
            "update cohorts set seats_taken = seats_taken + 1 where {} \
             and ({SQLITE_LAST_ID}) < $6;\n{}",
            seat_condition(),
            writes.parts().join(";\n"),
        );
        let text = Text {
            sql,
            binds: writes.into_binds(),
            order: id,
            after_failure: SQLITE_LAST_ID,
        };
        match pools.seat_batch.run(text).await {
            Ran::Written => {
                wrote();
                return Ok(Some(id));
            }
            Ran::NotRun => return Ok(None),
            Ran::Failed { error, then } if seat_not_taken(&error) => {
                if then < id {
                    // The seat itself was not to be had.
                    return Ok(None);
                }
                handed_out.fetch_max(then, Ordering::AcqRel);
            }
            Ran::Failed { error, .. } => return Err(DbError::from(error).into()),
        }
    }
    Ok(None)
}

async fn on_postgres<E: From<DbError>>(
    pg: &sqlx::PgPool,
    writes_for: &mut impl FnMut(i64) -> Result<Writes, E>,
) -> Result<Option<i64>, E> {
    // The id first, outside any lock (a seat not taken leaves a gap, as a rollback would).
    let next = "select nextval(pg_get_serial_sequence('enrolments', 'enrolment_id'))";
    let id: i64 = match sqlx::query_scalar(next).fetch_one(pg).await {
        Err(error) if pool::is_lost(&error) => return Ok(None),
        fetched => fetched.map_err(DbError::from)?,
    };
    let writes = writes_for(id)?;
    let sql = format!(
        "with seat as (update cohorts set seats_taken = seats_taken + 1 where {} \
         returning cohort_id), {} select 1",
        seat_condition(),
        with_parts(writes.parts()).join(", "),
    );
    let ran = bind_values!(sqlx::query(&sql), writes.into_binds())
        .execute(pg)
        .await;
    match ran {
        Ok(_) => {
            wrote();
            Ok(Some(id))
        }
        Err(error) if seat_not_taken(&error) => Ok(None),
        // It may or may not have committed: the long way finds the place if it did.
        Err(error) if pool::is_lost(&error) => Ok(None),
        Err(error) => Err(DbError::from(error).into()),
    }
}
