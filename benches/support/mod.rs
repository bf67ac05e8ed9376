//! What the benchmarks share: settings from the environment, a throw-away database on each
//! backend (SQLite always, PostgreSQL with `BENCH_POSTGRES_URL`; [`PostgresDatabase`] alone),
//! the real app started on a free port, reading a form's CSRF token, and loading a path from
//! many clients at once.

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use academy::app;
use academy::clock::Clock;
use academy::config::Config;
use academy::state::AppState;
use sqlx::Connection;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A number from the environment, or `default`.
pub fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `bench` on a SQLite database in `dir`, then (with `BENCH_POSTGRES_URL`) on a new
/// PostgreSQL database that is dropped afterwards; `bench` gets the URL and the backend's name.
pub async fn on_each_backend<F, Fut>(dir: &Path, mut bench: F) -> anyhow::Result<()>
where
    F: FnMut(String, &'static str) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let sqlite = format!("sqlite://{}", dir.join("bench.db").display());
    bench(sqlite, "sqlite").await?;
    let Ok(admin_url) = std::env::var("BENCH_POSTGRES_URL") else {
        println!("(set BENCH_POSTGRES_URL to measure PostgreSQL too)");
        return Ok(());
    };
    let database = PostgresDatabase::create(&admin_url).await?;
    let result = bench(database.url.clone(), "postgres").await;
    database.drop().await?;
    result
}

/// A new, empty PostgreSQL database on the server of `admin_url`, for one run.
pub struct PostgresDatabase {
    /// The new database's URL.
    pub url: String,
    admin_url: String,
    name: String,
}

impl PostgresDatabase {
    pub async fn create(admin_url: &str) -> anyhow::Result<PostgresDatabase> {
        let name = format!("academy_bench_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(admin_url).await?;
        sqlx::query(&format!("create database {name}"))
            .execute(&mut admin)
            .await?;
        let mut url = url::Url::parse(admin_url)?;
        url.set_path(&name);
        Ok(PostgresDatabase {
            url: url.to_string(),
            admin_url: admin_url.to_owned(),
            name,
        })
    }

    /// Drops it, ending any connection still open to it.
    pub async fn drop(self) -> anyhow::Result<()> {
        let mut admin = sqlx::PgConnection::connect(&self.admin_url).await?;
        sqlx::query(&format!(
            "drop database if exists {} with (force)",
            self.name
        ))
        .execute(&mut admin)
        .await?;
        Ok(())
    }
}

/// The app's state on `database_url`, with mail kept in memory, and the port it will serve
/// on: the benchmark adds its data, then [`Prepared::serve`].
pub struct Prepared {
    pub state: AppState,
    listener: TcpListener,
}

/// `settings` are added to (or override) the ones every benchmark needs.
pub async fn prepare(
    database_url: &str,
    backend: &str,
    dir: &Path,
    settings: &[(&str, &str)],
) -> anyhow::Result<Prepared> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let mut vars: HashMap<String, String> = [
        ("DATABASE_URL", database_url.to_owned()),
        ("ACADEMY_BIND", listener.local_addr()?.to_string()),
        (
            "ACADEMY_SECRET",
            "bench-secret-bench-secret-bench-secret-00".to_owned(),
        ),
        (
            "ACADEMY_DATA_DIR",
            dir.join(format!("var-{backend}")).display().to_string(),
        ),
        ("ACADEMY_DB_MAX_CONNECTIONS", "20".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    vars.extend(settings.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config = Config::from_map(&vars).map_err(|e| anyhow::anyhow!("{e}"))?;
    let state = AppState::start(config, Clock::system())
        .await?
        .with(|h| h.mailer = academy::email::Mailer::memory());
    Ok(Prepared { state, listener })
}

/// The app serving, until [`Running::stop`].
pub struct Running {
    pub state: AppState,
    /// `http://127.0.0.1:{port}`
    pub base: String,
    shutdown: CancellationToken,
    server: JoinHandle<std::io::Result<()>>,
}

impl Prepared {
    /// Starts serving; with `jobs`, the background jobs run too, as in production.
    pub fn serve(self, jobs: bool) -> anyhow::Result<Running> {
        let base = format!("http://{}", self.listener.local_addr()?);
        let shutdown = CancellationToken::new();
        if jobs {
            academy::jobs::spawn(&self.state, &shutdown);
        }
        let router = app::router_with(self.state.clone(), axum::Router::new());
        let server = tokio::spawn(app::serve(
            self.listener,
            router,
            shutdown.clone().cancelled_owned(),
        ));
        Ok(Running {
            state: self.state,
            base,
            shutdown,
            server,
        })
    }
}

impl Running {
    pub async fn stop(self) {
        self.shutdown.cancel();
        let _ = self.server.await;
        self.state.db.close().await;
    }
}

/// The value of the first `csrf_token` field in a page.
pub fn csrf_field(html: &str) -> anyhow::Result<String> {
    let marker = r#"name="csrf_token" value=""#;
    let start = html
        .find(marker)
        .ok_or_else(|| anyhow::anyhow!("no CSRF field"))?
        + marker.len();
    let end = html[start..]
        .find('"')
        .ok_or_else(|| anyhow::anyhow!("unterminated CSRF field"))?;
    Ok(html[start..start + end].to_owned())
}

/// Throughput and latency of one path under load.
pub struct Figures {
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
}

/// `requests` GETs of `path` from `concurrency` tasks sharing `client`'s keep-alive pool
/// (and its cookies, if it signed in); every answer must be 200.
pub async fn load(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    requests: usize,
    concurrency: usize,
) -> anyhow::Result<Figures> {
    let url = Arc::new(format!("{base}{path}"));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (url, next, client) = (url.clone(), next.clone(), client.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                let sent = Instant::now();
                let response = client.get(url.as_str()).send().await?;
                anyhow::ensure!(response.status() == 200, "{url}: {}", response.status());
                response.bytes().await?;
                latencies.push(sent.elapsed());
            }
            Ok::<_, anyhow::Error>(latencies)
        });
    }
    let mut latencies = Vec::with_capacity(requests);
    for result in tasks.join_all().await {
        latencies.extend(result?);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Ok(Figures {
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: pick(0.5),
        p99: pick(0.99),
    })
}
