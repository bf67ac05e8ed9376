//! The storage layer behaves the same on both backends: error kinds, timestamps, writers.

use academy::clock::Clock;
use academy::db::users::{self, LearnerType, NewUser, Role};
use academy::db::{Db, DbError};
use academy::domain::email::Email;
use chrono::{TimeZone, Utc};

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
