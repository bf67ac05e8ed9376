//! Writing the planned rows, table by table, in batches as large as each backend takes (`db::batch`)
//! (parents before children, so every foreign key finds its row), with what was added.

use chrono::Duration;

use super::audit::{self, AUDIT_COLUMNS};
use super::catalogue::{COHORT_COLUMNS, SESSION_COLUMNS, cohort_row, session_rows};
use super::certificates::{
    CERTIFICATE_COLUMNS, VERIFIED_ENTRY_COLUMNS, certificate_row, earns_certificate,
    verified_entry_row,
};
use super::content::{self, FINDING_COLUMNS, POST_COLUMNS, REPORT_COLUMNS, Slugs};
use super::cpd::{self, ENTRY_COLUMNS, entries_of};
use super::enrolments::{ENROLMENT_COLUMNS, EVENT_COLUMNS, PAYMENT_COLUMNS};
use super::enrolments::{enrolment_row, event_rows, has_payment, payment_row};
use super::people::USER_COLUMNS;
use super::plan::Size;
use super::{Progress, World, ids};
use crate::db::batch::{self, insert_rows, insert_rows_with_ids};
use crate::db::binds::Value;
use crate::db::{Backend, Db, DbError, Tx, run};

/// Rows handed to the batch writer at a time: many statements, a bounded amount of memory.
const CHUNK_ROWS: usize = 40_000;

/// What a run added.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Added {
    pub learners: u64,
    pub courses: u64,
    pub cohorts: u64,
    pub sessions: u64,
    pub enrolments: u64,
    pub enrolment_events: u64,
    pub payments: u64,
    pub certificates: u64,
    pub cpd_entries: u64,
    pub reports: u64,
    pub findings: u64,
    pub posts: u64,
    pub audit_events: u64,
    pub seconds: f64,
}

/// The lines `seed-scale` prints.
pub fn describe(added: &Added) -> String {
    format!(
        "Added the scale data in {:.0} s:\n  {} learners (they cannot sign in) and 1 admin, {ADMIN}\n  \
         {} courses, {} cohorts with {} live sessions\n  {} enrolments with {} history rows, \
         {} card payments and {} certificates\n  {} CPD entries\n  {} reports ({} findings) \
         and {} news items, blogs and events\n  {} audit events\n",
        added.seconds,
        added.learners,
        added.courses,
        added.cohorts,
        added.sessions,
        added.enrolments,
        added.enrolment_events,
        added.payments,
        added.certificates,
        added.cpd_entries,
        added.reports,
        added.findings,
        added.posts,
        added.audit_events,
        ADMIN = super::ADMIN_EMAIL,
    )
}

/// Writes `rows` (`count` of them) into `table` through `db::batch`, showing progress.
/// `own_ids`: the rows carry the value of this identity column.
async fn write<const N: usize>(
    tx: &mut Tx,
    progress: &mut Progress,
    table: &'static str,
    columns: [&str; N],
    own_ids: Option<&str>,
    (count, rows): (usize, impl Iterator<Item = [Value; N]>),
) -> Result<u64, DbError> {
    progress.table(table, count as u64);
    let per_statement = batch::rows_per_statement(tx.backend(), N);
    // Whole statements per chunk: only the very last statement has an odd size.
    let chunk = per_statement * (CHUNK_ROWS / per_statement).max(1);
    let mut rows = rows;
    let mut written = 0;
    loop {
        let part: Vec<[Value; N]> = rows.by_ref().take(chunk).collect();
        let Some(len) = std::num::NonZeroUsize::new(part.len()) else {
            break;
        };
        written += match own_ids {
            Some(_) => insert_rows_with_ids(tx, table, columns, part).await?.rows,
            None => insert_rows(tx, table, columns, part).await?.rows,
        };
        progress.advance(len.get() as u64);
    }
    if let Some(id) = own_ids
        && written > 0
    {
        ids::move_sequence_past(tx, table, id).await?;
    }
    Ok(written)
}

/// How many rows each pass will write, counted from the plan before anything is written.
#[derive(Default)]
struct Census {
    joined: Vec<Option<chrono::DateTime<chrono::Utc>>>,
    places: usize,
    steps: usize,
    payments: usize,
    certificates: usize,
    audit: usize,
    sessions: usize,
}

fn census(world: &World) -> Census {
    let mut census = Census {
        joined: vec![None; world.people.learners],
        sessions: world.cohorts.iter().map(|c| c.sessions.len()).sum(),
        ..Census::default()
    };
    for (_, place) in world.places() {
        let first = &mut census.joined[place.learner];
        *first = Some(first.map_or(place.created_at(), |t| t.min(place.created_at())));
        census.places += 1;
        census.steps += place.steps.len();
        census.payments += usize::from(has_payment(&place));
        census.certificates += usize::from(earns_certificate(&place));
        census.audit += audit::events_of(&place);
    }
    census
}

/// Every table's rows, in an order that satisfies the foreign keys.
pub async fn everything(
    tx: &mut Tx,
    world: &World,
    size: &Size,
    progress: &mut Progress,
) -> Result<Added, DbError> {
    let census = census(world);
    let (reports, posts) = content::split(size.content);
    let findings: usize = (0..reports)
        .map(|r| content::finding_rows(r, 0, world.now).len())
        .sum();
    let own_entries = size.cpd_entries.saturating_sub(census.certificates);
    let audit_events = size.audit_events.min(census.audit);
    let learners = world.people.learners;
    progress.expect(
        (learners
            + 1
            + world.cohorts.len()
            + census.sessions
            + census.places
            + census.steps
            + census.payments
            + 2 * census.certificates
            + own_entries
            + reports * 2
            + findings
            + posts
            + audit_events
            + 1) as u64,
    );
    let mut added = Added {
        courses: world.courses.len() as u64,
        ..Added::default()
    };
    // A learner registered a while before their first place (or at some point, without one).
    let joined = |n: usize| match census.joined[n] {
        Some(first) => first - Duration::days(1 + (n % 120) as i64),
        None => world.now - Duration::days(30 + (n % 900) as i64),
    };
    let users = world.people.rows(joined, world.now);
    added.learners = write(
        tx,
        progress,
        "users",
        USER_COLUMNS,
        Some("user_id"),
        (learners + 1, users),
    )
    .await?
        - 1;
    let cohorts = world
        .cohorts
        .iter()
        .map(|c| cohort_row(c, world.cohort_id(c), world.courses[c.course].course_id));
    added.cohorts = write(
        tx,
        progress,
        "cohorts",
        COHORT_COLUMNS,
        Some("cohort_id"),
        (world.cohorts.len(), cohorts),
    )
    .await?;
    let sessions = world
        .cohorts
        .iter()
        .flat_map(|c| session_rows(c, world.cohort_id(c)));
    added.sessions = write(
        tx,
        progress,
        "cohort_sessions",
        SESSION_COLUMNS,
        None,
        (census.sessions, sessions),
    )
    .await?;

    let places = world.places().map(|(c, p)| enrolment_row(world, c, &p));
    added.enrolments = write(
        tx,
        progress,
        "enrolments",
        ENROLMENT_COLUMNS,
        Some("enrolment_id"),
        (census.places, places),
    )
    .await?;
    let events = world
        .places()
        .flat_map(|(_, p)| event_rows(world, &p).collect::<Vec<_>>());
    added.enrolment_events = write(
        tx,
        progress,
        "enrolment_events",
        EVENT_COLUMNS,
        None,
        (census.steps, events),
    )
    .await?;
    if census.payments > 0 {
        let first_receipt = ids::take_numbers(tx, "receipt", census.payments as i64).await?;
        let payments = world
            .places()
            .filter(|(_, p)| has_payment(p))
            .enumerate()
            .filter_map(|(k, (c, p))| payment_row(world, c, &p, first_receipt + k as i64));
        added.payments = write(
            tx,
            progress,
            "payments",
            PAYMENT_COLUMNS,
            None,
            (census.payments, payments),
        )
        .await?;
    }

    let first_certificate = ids::first_free(tx, "certificates", "certificate_id").await?;
    let earned = || {
        world
            .places()
            .filter(|(_, p)| earns_certificate(p))
            .enumerate()
            .map(move |(k, (c, p))| (c, p, first_certificate + k as i64))
    };
    let certificates = earned().map(|(c, p, id)| certificate_row(world, c, &p, id));
    added.certificates = write(
        tx,
        progress,
        "certificates",
        CERTIFICATE_COLUMNS,
        Some("certificate_id"),
        (census.certificates, certificates),
    )
    .await?;
    let verified = earned().map(|(c, p, id)| verified_entry_row(world, c, &p, id));
    added.cpd_entries = write(
        tx,
        progress,
        "cpd_entries",
        VERIFIED_ENTRY_COLUMNS,
        None,
        (census.certificates, verified),
    )
    .await?;
    let own = (0..learners).flat_map(|k| {
        let user_id = world.people.user_id(k);
        (0..entries_of(k, learners, own_entries))
            .map(move |e| cpd::entry_row(k, user_id, e, world.today, world.now))
    });
    added.cpd_entries += write(
        tx,
        progress,
        "cpd_entries",
        ENTRY_COLUMNS,
        None,
        (own_entries, own),
    )
    .await?;

    let first_report = ids::first_free(tx, "reports", "report_id").await?;
    let mut report_slugs = Slugs::new(ids::slugs(tx, "reports").await?);
    let rows = (0..reports)
        .map(|r| content::report_row(r, first_report + r as i64, &mut report_slugs, world.now));
    added.reports = write(
        tx,
        progress,
        "reports",
        REPORT_COLUMNS,
        Some("report_id"),
        (reports, rows),
    )
    .await?;
    let rows =
        (0..reports).flat_map(|r| content::finding_rows(r, first_report + r as i64, world.now));
    added.findings = write(
        tx,
        progress,
        "report_findings",
        FINDING_COLUMNS,
        None,
        (findings, rows),
    )
    .await?;
    let links = (0..reports).map(|r| {
        let course = &world.courses[content::linked_course(r, world.courses.len())];
        [(first_report + r as i64).into(), course.course_id.into()]
    });
    write(
        tx,
        progress,
        "report_courses",
        ["report_id", "course_id"],
        None,
        (reports, links),
    )
    .await?;
    let mut post_slugs = Slugs::new(ids::slugs(tx, "posts").await?);
    let rows = (0..posts).map(|p| content::post_row(p, &mut post_slugs, world.now));
    added.posts = write(tx, progress, "posts", POST_COLUMNS, None, (posts, rows)).await?;

    let rows = audit::rows(world, census.audit, audit_events, first_certificate);
    added.audit_events = write(
        tx,
        progress,
        "audit_events",
        AUDIT_COLUMNS,
        None,
        (audit_events, rows),
    )
    .await?;
    let detail = format!(
        "scale data: {} learners, {} courses, {} cohorts, {} enrolments, {} reports and posts, \
         {} audit events, {} CPD entries",
        added.learners,
        added.courses,
        added.cohorts,
        added.enrolments,
        added.reports + added.posts,
        added.audit_events,
        added.cpd_entries
    );
    progress.note("recording the run");
    let marker = std::iter::once(audit::seeded_row(world, detail));
    insert_rows(tx, "audit_events", AUDIT_COLUMNS, marker).await?;
    progress.advance(1);
    Ok(added)
}

/// SQLite: a page cache large enough that the indexes being filled stay in memory.
pub async fn bigger_cache(tx: &mut Tx) -> Result<(), DbError> {
    if tx.backend() == Backend::Sqlite {
        run!(tx tx, |c| sqlx::query("pragma cache_size = -262144").execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// The planner's statistics, so the first queries on the new rows use their indexes; on
/// SQLite also the log folded into the file and the writer's cache back to its usual size.
pub async fn after_commit(db: &Db) -> Result<(), DbError> {
    match db.backend() {
        Backend::Sqlite => {
            // The write-ahead log grew to the size of the data: fold it in and truncate it.
            for sql in [
                "pragma cache_size = -2000",
                "pragma wal_checkpoint(truncate)",
                "pragma analysis_limit = 1000",
                "analyze",
            ] {
                run!(write db, |c| sqlx::query(sql).execute(c).await.map(|_| ()))?;
            }
        }
        Backend::Postgres => {
            // As after any bulk load: statistics for the planner, and the visibility map,
            // so counts and index-only scans need not visit every new row's page (what
            // autovacuum would do later, unseen, on a live database).
            run!(write db, |c| sqlx::query("vacuum analyze").execute(c).await.map(|_| ()))?;
        }
    }
    Ok(())
}
