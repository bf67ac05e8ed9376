//! The storage layer behaves the same on both backends: error kinds, timestamps, writers,
//! streamed reads, batched inserts and enums stored as text.

use academy::clock::Clock;
use academy::db::batch::{self, Inserted};
use academy::db::binds::Value;
use academy::db::stream::fetch_stream;
use academy::db::users::{self, LearnerType, NewUser, Role};
use academy::db::{Backend, Db, DbError};
use academy::domain::catalogue::CohortStatus;
use academy::domain::email::Email;
use academy::domain::enrolment::Status;
use academy::run_query;
use chrono::{DateTime, TimeZone, Utc};
use futures_util::StreamExt;

use crate::backend_tests;
use crate::support::TestDatabase;

async fn migrated(database: &TestDatabase) -> Db {
    let db = database.connect().await;
    db.migrate().await.expect("migrations apply");
    db
}

fn learner<'a>(email: &'a Email, name: &'a str) -> NewUser<'a> {
    NewUser {
        email,
        password_hash: "$argon2id$not-a-real-hash",
        full_name: name,
        role: Role::Learner,
        organisation: "",
        job_role: "",
        professional_body: None,
        registration_number: None,
        learner_type: LearnerType::External,
        learner_type_reason: "test",
        email_verified_at: None,
    }
}

backend_tests! {
    async fn duplicate_email_is_a_unique_violation_and_missing_rows_are_not_found(backend) {
        let database = TestDatabase::create(backend).await;
        let db = migrated(&database).await;
        let now = Clock::system().now();
        let email = Email::parse("Dup@Example.org").unwrap();

        let mut tx = db.begin().await.unwrap();
        users::insert(&mut tx, &learner(&email, "First"), now).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = db.begin().await.unwrap();
        let again = Email::parse("dup@example.ORG").unwrap();
        match users::insert(&mut tx, &learner(&again, "Second"), now).await {
            Err(DbError::UniqueViolation(_)) => {}
            other => panic!("expected a unique violation, got {other:?}"),
        }
        drop(tx);

        match users::promote_to_admin(&mut db.begin().await.unwrap(), 999_999, "Nobody", "x", "nobody@example.org", now).await {
            Err(DbError::NotFound) => {}
            other => panic!("expected not found, got {other:?}"),
        }
        assert!(users::find_by_email(&db, &Email::parse("nobody@example.org").unwrap()).await.unwrap().is_none());
        assert_eq!(users::count(&db).await.unwrap(), 1, "the rolled-back insert left nothing");
    }

    async fn timestamps_read_back_exactly_as_written(backend) {
        let database = TestDatabase::create(backend).await;
        let db = migrated(&database).await;
        let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap());
        clock.advance(chrono::Duration::nanoseconds(123_456_789));
        let written = clock.now();
        let email = Email::parse("time@example.org").unwrap();
        let mut tx = db.begin().await.unwrap();
        users::insert(&mut tx, &NewUser { email_verified_at: Some(written), ..learner(&email, "Time") }, written).await.unwrap();
        tx.commit().await.unwrap();
        let user = users::find_by_email(&db, &email).await.unwrap().unwrap();
        assert_eq!(user.created_at, written);
        assert_eq!(user.email_verified_at, Some(written));
        assert_eq!(written.timestamp_subsec_micros(), 123_456);
    }

    async fn concurrent_write_transactions_all_succeed(backend) {
        let database = TestDatabase::create(backend).await;
        let db = migrated(&database).await;
        let now = Clock::system().now();
        let writers = (0..50).map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let email = Email::parse(&format!("writer{i}@example.org")).unwrap();
                let mut tx = db.begin().await?;
                // Read then write in one transaction: the pattern that fails under deferred
                // SQLite transactions with "database is locked".
                if users::find_by_email_in(&mut tx, &email).await?.is_none() {
                    users::insert(&mut tx, &learner(&email, "Writer"), now).await?;
                }
                tx.commit().await
            })
        });
        for writer in writers.collect::<Vec<_>>() {
            writer.await.unwrap().expect("no write transaction fails");
        }
        assert_eq!(users::count(&db).await.unwrap(), 50);
    }
}

/// A table of the tests' own, the same on both backends.
async fn bulk_table(db: &Db) {
    let sql = "create table bulk_rows (n bigint primary key, label text not null, \
               flag boolean not null, written_at timestamptz)";
    run_query!(write db, |c| sqlx::query(sql).execute(c).await.map(|_| ()))
        .expect("create bulk_rows");
}

fn bulk_row(n: i64, at: DateTime<Utc>) -> [Value; 4] {
    [
        n.into(),
        format!("row {n}").into(),
        (n % 2 == 0).into(),
        (n % 3 == 0).then_some(at).into(),
    ]
}

async fn count_bulk_rows(db: &Db) -> i64 {
    let sql = "select count(*) from bulk_rows";
    run_query!(read db, |c| sqlx::query_scalar(sql).fetch_one(c).await).unwrap()
}

const BULK: i64 = 20_000;

backend_tests! {
    async fn batched_inserts_split_at_the_bind_limit_inside_one_transaction(backend) {
        let database = TestDatabase::create(backend).await;
        let db = migrated(&database).await;
        bulk_table(&db).await;
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let columns = ["n", "label", "flag", "written_at"];

        // 20,000 rows of 4 values: 80,000 binds, more than either backend takes at once.
        let mut tx = db.begin().await.unwrap();
        let done = batch::insert_rows(&mut tx, "bulk_rows", columns, (1..=BULK).map(|n| bulk_row(n, at)))
            .await
            .unwrap();
        let statements = match backend {
            Backend::Sqlite => 3,   // 8,191 rows (32,764 binds) a statement
            Backend::Postgres => 1, // one COPY, which has no bind limit
        };
        assert_eq!(done, Inserted { rows: BULK as u64, statements });
        assert!(batch::rows_per_statement(backend, 4) * 4 <= batch::max_binds(backend));
        tx.commit().await.unwrap();
        assert_eq!(count_bulk_rows(&db).await, BULK);

        let sql = "select n, label, flag, written_at from bulk_rows where n in ($1, $2, $3) order by n";
        let rows: Vec<(i64, String, bool, Option<DateTime<Utc>>)> = run_query!(read &db, |c| sqlx::query_as(sql)
            .bind(1_i64).bind(8_192_i64).bind(BULK).fetch_all(c).await).unwrap();
        assert_eq!(rows, vec![
            (1, "row 1".into(), false, None),
            (8_192, "row 8192".into(), true, None),
            (BULK, format!("row {BULK}"), true, None),
        ]);
        let sql = "select written_at from bulk_rows where n = 9999";
        let written: Option<DateTime<Utc>> = run_query!(read &db, |c| sqlx::query_scalar(sql).fetch_one(c).await).unwrap();
        assert_eq!(written, Some(at));

        // Text that CSV must quote, an empty string (not null) and a fraction of a second
        // come back as they went in.
        let tricky = "say \"hi\", then\nleave; \\x00 ünïcode";
        let precise = at + chrono::Duration::microseconds(123_456);
        let mut tx = db.begin().await.unwrap();
        batch::insert_rows(&mut tx, "bulk_rows", columns, [
            [(-1_i64).into(), tricky.to_owned().into(), true.into(), Some(precise).into()],
            [(-2_i64).into(), String::new().into(), false.into(), None::<DateTime<Utc>>.into()],
        ]).await.unwrap();
        tx.commit().await.unwrap();
        let sql = "select n, label, flag, written_at from bulk_rows where n < 0 order by n";
        let rows: Vec<(i64, String, bool, Option<DateTime<Utc>>)> = run_query!(read &db, |c| sqlx::query_as(sql).fetch_all(c).await).unwrap();
        assert_eq!(rows, vec![(-2, String::new(), false, None), (-1, tricky.to_owned(), true, Some(precise))]);
        let sql = "delete from bulk_rows where n < 0";
        run_query!(write &db, |c| sqlx::query(sql).execute(c).await.map(|_| ())).unwrap();

        // A failure in a later statement (n = 1 again) takes the earlier ones with it.
        let mut tx = db.begin().await.unwrap();
        let rows = (BULK + 1..=2 * BULK).chain([1]).map(|n| bulk_row(n, at));
        match batch::insert_rows(&mut tx, "bulk_rows", columns, rows).await {
            Err(DbError::UniqueViolation(_)) => {}
            other => panic!("expected a unique violation, got {other:?}"),
        }
        drop(tx);
        assert_eq!(count_bulk_rows(&db).await, BULK, "the rolled-back batch left nothing");
    }

    async fn streamed_reads_yield_rows_one_at_a_time_in_order(backend) {
        let database = TestDatabase::create(backend).await;
        let db = migrated(&database).await;
        bulk_table(&db).await;
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let mut tx = db.begin().await.unwrap();
        batch::insert_rows(&mut tx, "bulk_rows", ["n", "label", "flag", "written_at"], (1..=BULK).map(|n| bulk_row(n, at)))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // Every row, in order, counted as it arrives: nothing collects them.
        let sql = "select n, label from bulk_rows where n > $1 order by n";
        let mut rows = fetch_stream::<(i64, String)>(&db, sql, vec![Value::from(0_i64)]);
        let mut seen = 0_i64;
        while let Some(row) = rows.next().await {
            let (n, label) = row.unwrap();
            seen += 1;
            assert_eq!(n, seen, "rows arrive in the query's order");
            assert_eq!(label, format!("row {n}"));
        }
        assert_eq!(seen, BULK);
        drop(rows);

        // Taking the first row and dropping the stream stops the read and frees the
        // connection; the pool serves the next query as usual.
        for _ in 0..8 {
            let mut rows = fetch_stream::<(i64,)>(&db, "select n from bulk_rows order by n", vec![]);
            assert_eq!(rows.next().await.unwrap().unwrap(), (1,));
        }
        assert_eq!(count_bulk_rows(&db).await, BULK);

        // A statement that fails at its 15,000th row has already handed over the 14,999
        // rows before it: rows reach the caller while the query is still running.
        let failing_late = match backend {
            Backend::Sqlite => "with recursive numbers(n) as (select 1 union all select n + 1 \
                                from numbers where n < 20000) select n from numbers \
                                where json(case when n = 15000 then '{' else '1' end) is not null",
            Backend::Postgres => "select n::bigint from generate_series(1, 20000) as n \
                                  where 1 / (n - 15000) is not null or n > 15000",
        };
        let mut rows = fetch_stream::<(i64,)>(&db, failing_late, vec![]);
        let mut before_failure = 0_i64;
        let failure = loop {
            match rows.next().await {
                Some(Ok((n,))) => {
                    before_failure += 1;
                    assert_eq!(n, before_failure);
                }
                Some(Err(error)) => break error,
                None => panic!("the statement should fail at row 15,000"),
            }
        };
        assert_eq!(before_failure, 14_999, "rows before the failing one arrive first ({failure})");
    }

    async fn enums_round_trip_as_text_and_unknown_values_are_errors(backend) {
        let database = TestDatabase::create(backend).await;
        let db = migrated(&database).await;
        let sql = "create table typed_rows (id bigint primary key, status text not null, cohort text)";
        run_query!(write &db, |c| sqlx::query(sql).execute(c).await.map(|_| ())).unwrap();
        let mut tx = db.begin().await.unwrap();
        for (id, status) in Status::ALL.iter().enumerate() {
            let sql = "insert into typed_rows (id, status, cohort) values ($1, $2, $3)";
            let cohort = (id % 2 == 0).then_some(CohortStatus::Open);
            run_query!(tx &mut tx, |c| sqlx::query(sql).bind(id as i64).bind(*status).bind(cohort).execute(c).await.map(|_| ())).unwrap();
        }
        tx.commit().await.unwrap();

        let sql = "select status, cohort from typed_rows order by id";
        let read: Vec<(Status, Option<CohortStatus>)> =
            run_query!(read &db, |c| sqlx::query_as(sql).fetch_all(c).await).unwrap();
        let expected: Vec<_> = Status::ALL
            .iter()
            .enumerate()
            .map(|(id, status)| (*status, (id % 2 == 0).then_some(CohortStatus::Open)))
            .collect();
        assert_eq!(read, expected);
        let sql = "select status from typed_rows where status = $1";
        let stored: String = run_query!(read &db, |c| sqlx::query_scalar(sql).bind(Status::AwaitingPayment).fetch_one(c).await).unwrap();
        assert_eq!(stored, "awaiting_payment", "stored as its text, matched by it");

        // The account columns read back as the domain's types.
        let email = Email::parse("typed@example.org").unwrap();
        let mut tx = db.begin().await.unwrap();
        users::insert(&mut tx, &NewUser { role: Role::Admin, learner_type: LearnerType::Nhs, ..learner(&email, "Typed") }, Clock::system().now()).await.unwrap();
        tx.commit().await.unwrap();
        let sql = "select role, learner_type from users";
        let account: (Role, LearnerType) = run_query!(read &db, |c| sqlx::query_as(sql).fetch_one(c).await).unwrap();
        assert_eq!(account, (Role::Admin, LearnerType::Nhs));

        // A value the type does not know is a decode error naming it, never a default.
        let sql = "insert into typed_rows (id, status) values (99, 'lost_in_the_post')";
        run_query!(write &db, |c| sqlx::query(sql).execute(c).await.map(|_| ())).unwrap();
        let sql = "select status from typed_rows where id = 99";
        let result: Result<Status, DbError> =
            run_query!(read &db, |c| sqlx::query_scalar(sql).fetch_one(c).await).map_err(DbError::from);
        match result {
            Err(DbError::Other(sqlx::Error::ColumnDecode { source, .. })) => {
                let message = source.to_string();
                assert!(message.contains("lost_in_the_post") && message.contains("Status"), "{message}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        let sql = "select status from typed_rows order by id";
        let all: Result<Vec<Status>, sqlx::Error> = run_query!(read &db, |c| sqlx::query_scalar(sql).fetch_all(c).await);
        assert!(all.is_err(), "one unknown row fails the read rather than being skipped");
    }
}

backend_tests! {
    async fn an_enrolment_with_an_unknown_stored_status_fails_to_read(backend) {
        use academy::db::cohorts::{self, CohortFields};
        use academy::db::courses::{self, CourseFields};
        use academy::db::enrolments::{self, NewEnrolment};
        use academy::domain::catalogue::{Format, Level};
        use chrono::{Duration, NaiveDate};

        let database = TestDatabase::create(backend).await;
        let db = migrated(&database).await;
        let now = Clock::system().now();
        let email = Email::parse("unknown-status@example.org").unwrap();
        let mut tx = db.begin().await.unwrap();
        let user_id = users::insert(&mut tx, &learner(&email, "Unknown Status"), now).await.unwrap();
        let course = CourseFields {
            slug: "unknown-status",
            title: "Unknown status",
            summary: "",
            description: "",
            who_for: "",
            learning_outcomes: "",
            level: Level::Intermediate,
            format: Format::OnlineLive,
            duration: "1 day",
            cpd_minutes: 60,
            accreditation: "",
            accreditation_reference: "",
            fee_pence: 0,
            published: true,
            completion_rule: academy::domain::learning::CompletionRule::Attendance,
            sessions_required: None,
            evaluation_required: false,
        };
        let course_id = courses::insert(&mut tx, &course, now).await.unwrap();
        let starts_on = NaiveDate::from_ymd_opt(2026, 5, 4).unwrap();
        let cohort = CohortFields {
            course_id,
            name: "May",
            starts_on,
            ends_on: starts_on + Duration::days(1),
            enrol_opens_at: now - Duration::days(1),
            enrol_closes_at: now + Duration::days(1),
            capacity: 10,
            status: CohortStatus::Open,
            delivery_notes: "",
        };
        let cohort_id = cohorts::insert(&mut tx, &cohort, now).await.unwrap();
        let enrolment = NewEnrolment {
            user_id,
            cohort_id,
            status: Status::Confirmed,
            funding: None,
            fee_pence: 0,
            over_capacity: false,
            waitlist_number: None,
            hold_expires_at: None,
        };
        let enrolment_id = enrolments::insert(&mut tx, &enrolment, now)
            .await
            .unwrap()
            .enrolment_id;
        tx.commit().await.unwrap();
        let found = enrolments::find(&db, enrolment_id).await.unwrap().expect("the enrolment reads");
        assert_eq!(found.status, Status::Confirmed);

        // Store a status this version does not know (as a newer release or a hand edit
        // might), past the table's check constraint.
        let mut tx = db.begin().await.unwrap();
        let (before, after) = match backend {
            Backend::Sqlite => ("pragma ignore_check_constraints = on", "pragma ignore_check_constraints = off"),
            Backend::Postgres => ("alter table enrolments drop constraint enrolments_status_check", "select 1"),
        };
        run_query!(tx &mut tx, |c| sqlx::query(before).execute(c).await.map(|_| ())).unwrap();
        let sql = "update enrolments set status = 'lost_in_the_post' where enrolment_id = $1";
        run_query!(tx &mut tx, |c| sqlx::query(sql).bind(enrolment_id).execute(c).await.map(|_| ())).unwrap();
        run_query!(tx &mut tx, |c| sqlx::query(after).execute(c).await.map(|_| ())).unwrap();
        tx.commit().await.unwrap();

        // Reading it is an error naming the value, not a cancelled enrolment.
        match enrolments::find(&db, enrolment_id).await {
            Err(DbError::Other(sqlx::Error::ColumnDecode { source, .. })) => {
                let message = source.to_string();
                assert!(message.contains("lost_in_the_post") && message.contains("Status"), "{message}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        assert!(enrolments::view(&db, enrolment_id).await.is_err(), "the joined view fails too");
        assert!(enrolments::views_for_user(&db, user_id).await.is_err(), "and the learner's list");
    }
}

/// The reading pools keep a small page cache (the writer keeps SQLite's default): memory
/// at scale stays bounded by the pool sizes, not by how much of the file the pages touch.
/// And the bundled SQLite keeps no memory statistics (`.cargo/config.toml`), whose mutex
/// every allocation would take.
#[tokio::test]
async fn sqlite_keeps_no_memory_statistics_and_its_readers_a_small_page_cache() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let db = migrated(&database).await;
    let option = "select sqlite_compileoption_used('DEFAULT_MEMSTATUS=0')";
    let built: i64 =
        run_query!(read & db, |c| sqlx::query_scalar(option).fetch_one(c).await).unwrap();
    assert_eq!(built, 1, "built with SQLITE_DEFAULT_MEMSTATUS=0");
    let sql = "pragma cache_size";
    let read: i64 = run_query!(read & db, |c| sqlx::query_scalar(sql).fetch_one(c).await).unwrap();
    assert_eq!(read, -256, "KiB, as a negative number");
    let mut tx = db.begin().await.unwrap();
    let written: i64 =
        run_query!(tx &mut tx, |c| sqlx::query_scalar(sql).fetch_one(c).await).unwrap();
    assert_eq!(written, -2000, "the writer keeps SQLite's default");
}

/// SQLite's log is copied back into the database file about once a second by a connection
/// of its own (`db::checkpoint`), not by the commit that fills it: a commit checkpoints by
/// itself only past 10,000 pages, so without that timer the rows below would stay in the
/// log and the file would not grow.
#[tokio::test]
async fn sqlite_copies_its_log_back_off_the_writer_about_once_a_second() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let db = migrated(&database).await;
    let Db::Sqlite(pools) = &db else {
        panic!("a SQLite database");
    };
    let pages: i64 = sqlx::query_scalar("pragma wal_autocheckpoint")
        .fetch_one(&pools.writer)
        .await
        .unwrap();
    assert_eq!(pages, 10_000);
    let path = database.url().trim_start_matches("sqlite://").to_owned();
    let size = || std::fs::metadata(&path).unwrap().len();
    let before = size();
    let mut tx = db.begin().await.unwrap();
    let sql = "insert into audit_events (action, detail, created_at) values ('test.bulk', $1, $2)";
    for n in 0..200 {
        run_query!(tx &mut tx, |c| sqlx::query(sql)
            .bind(format!("{n} {}", "x".repeat(4000)))
            .bind(Utc::now())
            .execute(c)
            .await
            .map(|_| ()))
        .unwrap();
    }
    tx.commit().await.unwrap();
    let mut grown = false;
    for _ in 0..40 {
        if size() > before + 500_000 {
            grown = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        grown,
        "the file did not grow within 4 s: {before} bytes, then {}",
        size()
    );
}

/// SQLite's writer takes the texts queued behind a write as one batch
/// (`db::writer_batch`): one transaction, the texts in their order rather than their
/// arrival's, a failing text rolled back alone (both its statements) and told why, and a
/// text whose caller stopped waiting written all the same.
#[tokio::test]
async fn sqlite_writes_the_texts_queued_behind_a_write_as_one_batch_in_order() {
    use academy::db::writer_batch::{Ran, Text};

    let database = TestDatabase::create(Backend::Sqlite).await;
    let db = migrated(&database).await;
    let Db::Sqlite(pools) = &db else {
        panic!("a SQLite database");
    };
    let text = |order: i64, second: Option<String>| Text {
        sql:
            "insert into audit_events (action, detail, created_at) values ('test.batch', $1, $2);\n\
              insert into audit_events (action, detail, created_at) values ('test.second', $3, $2)"
                .into(),
        binds: vec![order.to_string().into(), Utc::now().into(), second.into()],
        order,
        after_failure: "select count(*) from audit_events where action = 'test.batch'",
    };
    // Holding the writer, so that everything below queues behind this transaction.
    let held = db.begin().await.unwrap();
    let mut asked = tokio::task::JoinSet::new();
    for order in (1..=6).rev() {
        let (batch, second) = (
            pools.seat_batch.clone(),
            (order != 3).then(|| "ok".to_owned()),
        );
        asked.spawn(async move { (order, batch.run(text(order, second)).await) });
    }
    let gone = tokio::spawn({
        let batch = pools.seat_batch.clone();
        async move { batch.run(text(7, Some("ok".into()))).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    gone.abort();
    held.commit().await.unwrap();
    let mut answers: Vec<(i64, Ran)> = asked.join_all().await;
    answers.sort_by_key(|(order, _)| *order);
    for (order, ran) in answers {
        match (order, ran) {
            (3, Ran::Failed { error, then }) => {
                assert!(error.to_string().contains("NOT NULL"), "{error}");
                assert_eq!(then, 2, "the two texts before it, in the same transaction");
            }
            (_, Ran::Written) => {}
            (order, other) => panic!("text {order}: {other:?}"),
        }
    }
    let details: Vec<String> = sqlx::query_scalar(
        "select detail from audit_events where action = 'test.batch' order by audit_event_id",
    )
    .fetch_all(&pools.reader)
    .await
    .unwrap();
    assert_eq!(
        details,
        ["1", "2", "4", "5", "6", "7"],
        "in order; the third's first insert undone"
    );
    let seconds: i64 =
        sqlx::query_scalar("select count(*) from audit_events where action = 'test.second'")
            .fetch_one(&pools.reader)
            .await
            .unwrap();
    assert_eq!(seconds, 6);
}
