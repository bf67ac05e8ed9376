//! A fresh, empty database per test: a temp SQLite file, or a PostgreSQL database that is
//! dropped when the test ends (even when it fails).

use std::io::Write;

use academy::config::DatabaseUrl;
use academy::db::{Backend, Db};
use sqlx::Connection;
use tempfile::TempDir;

pub enum TestDatabase {
    Sqlite {
        _dir: TempDir,
        url: String,
    },
    Postgres {
        name: String,
        url: String,
        admin_url: String,
    },
}

/// The PostgreSQL server used to create per-test databases, if configured.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|v| !v.is_empty())
}

/// True when PostgreSQL tests can run. Otherwise says so on the terminal (past the test
/// harness's capture) or, when PostgreSQL is required, fails the test.
pub fn postgres_available(test: &str) -> bool {
    if postgres_admin_url().is_some() {
        return true;
    }
    if std::env::var("ACADEMY_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
        panic!("{test}: ACADEMY_REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set");
    }
    let _ = writeln!(
        std::io::stderr(),
        "{test}::postgres skipped: set TEST_POSTGRES_URL to run it"
    );
    false
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("academy.db").display());
                TestDatabase::Sqlite { _dir: dir, url }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url().expect("TEST_POSTGRES_URL");
                let name = format!("academy_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("connect to TEST_POSTGRES_URL");
                sqlx::query(&format!("create database {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create test database");
                let mut url = url::Url::parse(&admin_url).expect("TEST_POSTGRES_URL is a URL");
                url.set_path(&name);
                TestDatabase::Postgres {
                    name,
                    url: url.to_string(),
                    admin_url,
                }
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDatabase::Sqlite { url, .. } | TestDatabase::Postgres { url, .. } => url,
        }
    }

    pub fn database_url(&self) -> DatabaseUrl {
        match self {
            TestDatabase::Sqlite { url, .. } => DatabaseUrl::Sqlite(url.clone()),
            TestDatabase::Postgres { url, .. } => DatabaseUrl::Postgres(url.clone()),
        }
    }

    /// A separate connection for looking at what the app stored.
    pub async fn connect(&self) -> Db {
        Db::connect(&self.database_url(), 2)
            .await
            .expect("connect to the test database")
    }

    /// PostgreSQL only: drops the database under the app's feet.
    pub async fn drop_now(&self) {
        if let TestDatabase::Postgres {
            name, admin_url, ..
        } = self
        {
            drop_postgres_database(admin_url, name).await;
        }
    }
}

async fn drop_postgres_database(admin_url: &str, name: &str) {
    if let Ok(mut admin) = sqlx::PgConnection::connect(admin_url).await {
        let _ = sqlx::query(&format!("drop database if exists {name} with (force)"))
            .execute(&mut admin)
            .await;
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres {
            name, admin_url, ..
        } = self
        {
            let (name, admin_url) = (name.clone(), admin_url.clone());
            // Drop runs inside the test's runtime, which cannot be blocked on; use a thread.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(drop_postgres_database(&admin_url, &name));
                }
            })
            .join();
        }
    }
}

/// A write as another process makes it: on the database, past this process's count of
/// writes (`db::writes`).
pub async fn other_process_writes(db: &Db, sql: &str, id: i64) {
    let done = match db {
        Db::Sqlite(pools) => sqlx::query(sql)
            .bind(id)
            .execute(&pools.writer)
            .await
            .map(|d| d.rows_affected()),
        Db::Postgres(pool) => sqlx::query(sql)
            .bind(id)
            .execute(pool)
            .await
            .map(|d| d.rows_affected()),
    };
    assert_eq!(done.unwrap(), 1);
}
