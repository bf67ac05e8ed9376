//! Both backends have the same migration list and, once migrated, the same tables, columns
//! and nullability, so a schema change is never made on one only; and a migration that
//! rebuilds a table others refer to keeps every row that refers to it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use academy::db::{Backend, Db};

use crate::backend_tests;
use crate::support::TestDatabase;
use crate::support::database::postgres_available;

fn migration_names(folder: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn sqlite_and_postgres_have_the_same_migration_files() {
    let sqlite = migration_names("sqlite");
    let postgres = migration_names("postgres");
    assert!(!sqlite.is_empty(), "no migrations found");
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must list the same files"
    );
    for (index, name) in sqlite.iter().enumerate() {
        let expected_prefix = format!("{:04}_", index + 1);
        assert!(
            name.starts_with(&expected_prefix) && name.ends_with(".sql"),
            "{name} should be named {expected_prefix}<name>.sql (numbered without gaps)"
        );
    }
}

/// Every table's columns after migrating, each with whether it may hold null.
type Schema = BTreeMap<String, BTreeMap<String, bool>>;

/// sqlx's bookkeeping and the session store's tables are not ours to compare.
fn compared(table: &str) -> bool {
    table != "_sqlx_migrations" && !table.starts_with("tower_sessions")
}

async fn schema_of(db: &Db) -> Schema {
    let mut schema = Schema::new();
    match db {
        Db::Sqlite(pools) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'",
            )
            .fetch_all(&pools.reader)
            .await
            .unwrap();
            for table in tables.into_iter().filter(|t| compared(t)) {
                // A primary key column is never null, declared so or not.
                let sql = "select name, \"notnull\" = 0 and pk = 0 from pragma_table_info($1)";
                let columns: Vec<(String, bool)> = sqlx::query_as(sql)
                    .bind(&table)
                    .fetch_all(&pools.reader)
                    .await
                    .unwrap();
                schema.insert(table, columns.into_iter().collect());
            }
        }
        Db::Postgres(pool) => {
            let sql = "select c.table_name::text, c.column_name::text, c.is_nullable = 'YES' \
                       from information_schema.columns c join information_schema.tables t \
                       on t.table_schema = c.table_schema and t.table_name = c.table_name \
                       where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'";
            let columns: Vec<(String, String, bool)> =
                sqlx::query_as(sql).fetch_all(pool).await.unwrap();
            for (table, column, nullable) in columns.into_iter().filter(|c| compared(&c.0)) {
                schema.entry(table).or_default().insert(column, nullable);
            }
        }
    }
    schema
}

/// Each way the two schemas differ, in words.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let null = |nullable: bool| if nullable { "nullable" } else { "not null" };
    let mut found = Vec::new();
    let tables: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for table in tables {
        let (Some(on_sqlite), Some(on_postgres)) = (sqlite.get(table), postgres.get(table)) else {
            let only = if sqlite.contains_key(table) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            found.push(format!("table {table} exists only on {only}"));
            continue;
        };
        let columns: BTreeSet<&String> = on_sqlite.keys().chain(on_postgres.keys()).collect();
        for column in columns {
            match (on_sqlite.get(column), on_postgres.get(column)) {
                (Some(a), Some(b)) if a != b => found.push(format!(
                    "{table}.{column} is {} on SQLite but {} on PostgreSQL",
                    null(*a),
                    null(*b)
                )),
                (Some(_), None) => found.push(format!("{table}.{column} exists only on SQLite")),
                (None, Some(_)) => {
                    found.push(format!("{table}.{column} exists only on PostgreSQL"))
                }
                _ => {}
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_migrate_to_the_same_columns_and_nullability() {
    if !postgres_available(module_path!()) {
        return;
    }
    let mut schemas = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        db.migrate().await.expect("migrations apply");
        schemas.push(schema_of(&db).await);
        db.close().await;
    }
    let (sqlite, postgres) = (&schemas[0], &schemas[1]);
    assert!(
        sqlite.len() > 10,
        "the schema was read: {:?}",
        sqlite.keys()
    );
    let found = differences(sqlite, postgres);
    assert!(
        found.is_empty(),
        "the SQLite and PostgreSQL migrations disagree:\n  {}",
        found.join("\n  ")
    );
}

/// Migrates `db` as an older release would have: every migration before `version`.
async fn migrate_before(db: &Db, version: i64) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(db.backend().name());
    let mut migrator = sqlx::migrate::Migrator::new(dir).await.expect("migrations");
    let older: Vec<_> = migrator
        .iter()
        .filter(|m| m.version < version)
        .cloned()
        .collect();
    migrator.migrations = older.into();
    match db {
        Db::Sqlite(pools) => migrator.run(&pools.writer).await,
        Db::Postgres(pool) => migrator.run(pool).await,
    }
    .expect("the older migrations apply");
}

/// The names of the indexes on `enrolments` (a rebuild must make each again), sorted.
async fn indexes_of_enrolments(db: &Db) -> Vec<String> {
    let sql = match db {
        Db::Sqlite(_) => {
            "select name from sqlite_master where type = 'index' and tbl_name = 'enrolments' and sql is not null order by name"
        }
        Db::Postgres(_) => {
            "select indexname::text from pg_indexes where tablename = 'enrolments' and indexname <> 'enrolments_pkey' order by indexname"
        }
    };
    academy::run_query!(read db, |c| sqlx::query_scalar::<_, String>(sql).fetch_all(c).await)
        .unwrap()
}

/// Runs statements (or fails with the database's error).
async fn run(db: &Db, sql: &str) -> Result<(), sqlx::Error> {
    academy::run_query!(write db, |c| sqlx::raw_sql(sql).execute(c).await.map(|_| ()))
}

async fn count(db: &Db, sql: &str) -> i64 {
    academy::run_query!(read db, |c| sqlx::query_scalar::<_, i64>(sql).fetch_one(c).await).unwrap()
}

/// The migration that rebuilds `enrolments` on SQLite (to widen its status check).
const COMPLETION: i64 = 12;

/// A learner, a course, a cohort, three places (one moved to another, one deleted with
/// its account's enrolments, as deletion does) with their history and payments.
const OLDER_ROWS: &str = "\
    insert into users (email, password_hash, full_name, created_at, updated_at) \
        values ('a@example.org', 'x', 'A', '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z');
    insert into courses (slug, title, summary, level, format, duration, cpd_minutes, fee_pence, \
        created_at, updated_at) values ('c', 'C', 'S', 'introductory', 'blended', '1 day', 60, 100, \
        '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z');
    insert into cohorts (course_id, name, starts_on, ends_on, enrol_opens_at, enrol_closes_at, \
        capacity, seats_taken, created_at, updated_at) select course_id, 'May', '2026-05-04', \
        '2026-05-30', '2026-03-01T09:00:00Z', '2026-04-01T09:00:00Z', 5, 1, \
        '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z' from courses;
    insert into enrolments (user_id, cohort_id, status, funding, fee_pence, created_at, updated_at) \
        select u.user_id, h.cohort_id, s.status, 'card', 100, '2026-03-02T09:00:00Z', \
        '2026-03-02T09:00:00Z' from users u, cohorts h, \
        (select 'confirmed' as status union all select 'moved' union all select 'cancelled') s;
    update enrolments set moved_to_enrolment_id = (select min(enrolment_id) from enrolments) \
        where status = 'moved';
    insert into enrolment_events (enrolment_id, from_status, to_status, note, occurred_at) \
        select enrolment_id, null, status, 'history', '2026-03-02T09:00:00Z' from enrolments;
    insert into payments (enrolment_id, description, method, amount_pence, status, created_at, \
        updated_at) select enrolment_id, 'ENR', 'card', 100, 'paid', '2026-03-02T09:00:00Z', \
        '2026-03-02T09:00:00Z' from enrolments;
    delete from enrolments where status = 'cancelled';";

backend_tests! {
    async fn rebuilding_enrolments_keeps_every_row_that_refers_to_them(backend) {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        migrate_before(&db, COMPLETION).await;
        run(&db, OLDER_ROWS).await.expect("an older database's rows");
        let rows = [
            "select count(*) from enrolments",
            "select count(*) from enrolment_events",
            "select count(*) from payments",
            "select count(*) from payments where enrolment_id is not null",
            "select count(*) from enrolments where moved_to_enrolment_id is not null",
        ];
        let mut before = Vec::new();
        for sql in rows {
            before.push(count(&db, sql).await);
        }
        assert_eq!(before, [2, 2, 3, 2, 1], "the rows, with one payment left by a deleted place");
        let deleted = count(&db, "select max(enrolment_id) from payments").await;
        let schema = schema_of(&db).await;
        let indexes = indexes_of_enrolments(&db).await;
        assert!(indexes.len() >= 5, "{indexes:?}");

        db.migrate().await.expect("the completion migration applies");
        let mut after = Vec::new();
        for sql in rows {
            after.push(count(&db, sql).await);
        }
        assert_eq!(after, before, "no history, payment link or move lost");
        let migrated = schema_of(&db).await;
        for (table, columns) in &schema {
            for column in columns.keys() {
                assert!(migrated.get(table).is_some_and(|c| c.contains_key(column)), "{table}.{column} kept");
            }
        }
        assert_eq!(schema["enrolments"], migrated["enrolments"], "the same columns and nullability");
        assert_eq!(indexes_of_enrolments(&db).await, indexes, "every index on enrolments made again");

        // The wider check, and the rest of the table's rules, hold.
        run(&db, "update enrolments set status = 'completed' where status = 'confirmed'").await.expect("completed is a state");
        assert!(run(&db, "update enrolments set status = 'finished'").await.is_err(), "an unknown state is refused");
        let again = "insert into enrolments (user_id, cohort_id, status, created_at, updated_at) \
            select user_id, cohort_id, 'waitlisted', created_at, updated_at from enrolments where status = 'completed'";
        run(&db, again).await.expect("a completed place is not active: the learner may enrol again");
        let err = run(&db, again).await.expect_err("one active enrolment per learner and cohort");
        assert!(err.to_string().to_lowercase().contains("unique"), "{err}");
        let newest = count(&db, "select max(enrolment_id) from enrolments").await;
        assert!(newest > deleted, "the deleted place's id ({deleted}) is never handed out again ({newest})");

        // Foreign keys are on, with their actions: a place deleted takes its history and
        // leaves its payment.
        run(&db, "delete from enrolments where status = 'moved'").await.unwrap();
        assert_eq!(count(&db, "select count(*) from enrolment_events").await, 1);
        assert_eq!(count(&db, "select count(*) from payments where enrolment_id is null").await, 2);
        assert!(run(&db, "insert into enrolment_events (enrolment_id, to_status, occurred_at) values (999999, 'confirmed', '2026-03-02T09:00:00Z')").await.is_err(), "a history row needs its place");
        db.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_rebuild_refuses_to_run_with_foreign_keys_on() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let db = database.connect().await;
    migrate_before(&db, COMPLETION).await;
    run(&db, OLDER_ROWS).await.unwrap();
    let sql = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite/0012_completion.sql"),
    )
    .unwrap();
    let Db::Sqlite(pools) = &db else {
        unreachable!()
    };
    // As a migration tool that kept foreign keys on would run it: in one transaction.
    let mut tx = pools.writer.begin().await.unwrap();
    let refused = sqlx::raw_sql(&sql).execute(&mut *tx).await;
    assert!(refused.is_err(), "the guard stops it");
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("CHECK constraint failed: foreign_keys = 0")
    );
    tx.rollback().await.unwrap();
    assert_eq!(
        count(&db, "select count(*) from enrolment_events").await,
        2,
        "no history lost"
    );
    assert_eq!(
        count(
            &db,
            "select count(*) from payments where enrolment_id is not null"
        )
        .await,
        2
    );
    // The app's own migrate turns them off for the run, then on again.
    db.migrate().await.expect("migrates");
    let on: i64 = sqlx::query_scalar("pragma foreign_keys")
        .fetch_one(&pools.writer)
        .await
        .unwrap();
    assert_eq!(on, 1, "the writer has foreign keys on again");
    assert_eq!(count(&db, "select count(*) from enrolment_events").await, 2);
    db.close().await;
}

/// A history row whose place does not exist, written as only a connection with foreign
/// keys off can.
async fn break_a_key(database: &TestDatabase) {
    use sqlx::Connection;
    let mut raw = sqlx::SqliteConnection::connect(database.url())
        .await
        .unwrap();
    sqlx::raw_sql(
        "pragma foreign_keys = off; insert into enrolment_events (enrolment_id, to_status, occurred_at) \
         values (999999, 'confirmed', '2026-03-02T09:00:00Z');",
    )
    .execute(&mut raw)
    .await
    .unwrap();
    raw.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_checks_every_key_after_a_migration_ran_and_not_on_a_start_with_none_to_run() {
    // A migration runs: the broken key is found, and the start fails.
    let database = TestDatabase::create(Backend::Sqlite).await;
    let db = database.connect().await;
    migrate_before(&db, COMPLETION).await;
    break_a_key(&database).await;
    let failed = db
        .migrate()
        .await
        .expect_err("the check after the run finds it");
    assert!(failed.to_string().contains("enrolment_events"), "{failed}");
    db.close().await;

    // Nothing to run: the start does not read the whole database for keys.
    let database = TestDatabase::create(Backend::Sqlite).await;
    let db = database.connect().await;
    db.migrate().await.expect("migrates");
    break_a_key(&database).await;
    db.migrate()
        .await
        .expect("a start with nothing to apply checks no keys");
    db.close().await;
}
