//! Test harness: per-test databases on both backends, the spawned app, and helpers.

pub mod accounts;
pub mod app;
pub mod certificates;
pub mod database;
pub mod enrolment;
pub mod fake_stripe;
pub mod forms;
pub mod instances;
pub mod learning;
pub mod process;
pub mod routes;
pub mod smtp;

pub use academy::db::Backend;
pub use app::TestApp;
pub use database::TestDatabase;

/// Generates a `sqlite` and a `postgres` test from one body. The body sees `$backend`.
///
/// Without `TEST_POSTGRES_URL` the PostgreSQL variant prints a "skipped" line and passes;
/// with `ACADEMY_REQUIRE_POSTGRES=1` it fails instead.
#[macro_export]
macro_rules! backend_tests {
    ($(async fn $name:ident($backend:ident) $body:block)+) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let $backend = $crate::support::Backend::Sqlite;
                    $body
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if !$crate::support::database::postgres_available(module_path!()) {
                        return;
                    }
                    let $backend = $crate::support::Backend::Postgres;
                    $body
                }
            }
        )+
    };
}

/// reqwest is built without a default TLS crypto provider (the app installs ring); every
/// test client installs it first.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A plain HTTP client for tests.
pub fn http_client() -> reqwest::Client {
    install_crypto_provider();
    reqwest::Client::new()
}
