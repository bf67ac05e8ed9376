//! Both backends have the same migration list and, once migrated, the same tables, columns
//! and nullability, so a schema change is never made on one only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use academy::db::{Backend, Db};

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
