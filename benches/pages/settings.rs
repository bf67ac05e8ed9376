//! The page benchmark's settings, read once from the environment, with their defaults.

use std::path::PathBuf;
use std::time::Duration;

/// Which data the server holds while it is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataSet {
    /// `academy seed-demo`.
    Demo,
    /// `academy seed-demo`, then `academy seed-scale`.
    Scale,
}

impl DataSet {
    pub fn name(self) -> &'static str {
        match self {
            DataSet::Demo => "demo",
            DataSet::Scale => "scale",
        }
    }
}

/// How the responses are asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// No `Accept-Encoding`: the bytes as rendered.
    Identity,
    /// `Accept-Encoding: gzip`, as every browser sends.
    Gzip,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Identity => "identity",
            Encoding::Gzip => "gzip",
        }
    }
}

pub use academy::db::Backend;

/// How a table names the backend.
pub fn label(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

pub struct Settings {
    /// The server binary to start.
    pub binary: PathBuf,
    /// Each backend's data sets are all measured in the same rounds; two means "compare".
    pub data_sets: Vec<DataSet>,
    pub encodings: Vec<Encoding>,
    pub backends: Vec<Backend>,
    pub postgres_admin_url: Option<String>,
    pub threads: usize,
    pub connections: usize,
    pub duration: Duration,
    pub rounds: usize,
    /// Only the pages whose name or path contains one of these (the static asset always).
    pub only: Vec<String>,
}

const USAGE: &str = "\
settings (environment):
  PAGES_BENCH_DATA        demo (default) | scale | compare (both, scale/demo ratios)
  PAGES_BENCH_ENCODING    both (default) | identity | gzip
  PAGES_BENCH_PROFILE     release (default: the binary cargo built for this bench) | dev
                          (builds and uses target/debug/academy, for trying the bench out)
  PAGES_BENCH_BIN         a server binary to use instead
  PAGES_BENCH_BACKENDS    sqlite,postgres (default; PostgreSQL only with BENCH_POSTGRES_URL)
  BENCH_POSTGRES_URL      postgres://user@host/db where a database may be created and dropped
  PAGES_BENCH_THREADS     wrk -t (2)      PAGES_BENCH_CONNECTIONS  wrk -c (50)
  PAGES_BENCH_DURATION    wrk -d in seconds (10)   PAGES_BENCH_ROUNDS  rounds (3)
  PAGES_BENCH_ONLY        comma-separated parts of page names or paths to measure (all)";

impl Settings {
    pub fn from_env() -> anyhow::Result<Settings> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_sets = match var("PAGES_BENCH_DATA").as_deref() {
            None | Some("demo") => vec![DataSet::Demo],
            Some("scale") => vec![DataSet::Scale],
            Some("compare") => vec![DataSet::Demo, DataSet::Scale],
            Some(other) => anyhow::bail!("PAGES_BENCH_DATA={other}?\n{USAGE}"),
        };
        let encodings = match var("PAGES_BENCH_ENCODING").as_deref() {
            None | Some("both") => vec![Encoding::Identity, Encoding::Gzip],
            Some("identity") => vec![Encoding::Identity],
            Some("gzip") => vec![Encoding::Gzip],
            Some(other) => anyhow::bail!("PAGES_BENCH_ENCODING={other}?\n{USAGE}"),
        };
        let postgres_admin_url = var("BENCH_POSTGRES_URL");
        let mut backends = Vec::new();
        for name in var("PAGES_BENCH_BACKENDS")
            .unwrap_or_else(|| "sqlite,postgres".into())
            .split(',')
        {
            match name.trim() {
                "sqlite" => backends.push(Backend::Sqlite),
                "postgres" if postgres_admin_url.is_some() => backends.push(Backend::Postgres),
                "postgres" => println!("(set BENCH_POSTGRES_URL to measure PostgreSQL too)"),
                other => anyhow::bail!("PAGES_BENCH_BACKENDS: unknown backend {other:?}\n{USAGE}"),
            }
        }
        anyhow::ensure!(!backends.is_empty(), "no backend to measure\n{USAGE}");
        let number = |name: &str, default: usize| -> anyhow::Result<usize> {
            match var(name) {
                None => Ok(default),
                Some(raw) => match raw.trim().trim_end_matches('s').parse::<usize>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => anyhow::bail!("{name}={raw}: a whole number above 0\n{USAGE}"),
                },
            }
        };
        Ok(Settings {
            binary: binary(var("PAGES_BENCH_BIN"), var("PAGES_BENCH_PROFILE"))?,
            data_sets,
            encodings,
            backends,
            postgres_admin_url,
            threads: number("PAGES_BENCH_THREADS", 2)?,
            connections: number("PAGES_BENCH_CONNECTIONS", 50)?,
            duration: Duration::from_secs(number("PAGES_BENCH_DURATION", 10)? as u64),
            rounds: number("PAGES_BENCH_ROUNDS", 3)?,
            only: var("PAGES_BENCH_ONLY")
                .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect())
                .unwrap_or_default(),
        })
    }

    /// `-t2 -c50 -d10s`
    pub fn wrk_flags(&self) -> String {
        format!(
            "-t{} -c{} -d{}s",
            self.threads,
            self.connections,
            self.duration.as_secs()
        )
    }

    pub fn keeps(&self, name: &str, path: &str) -> bool {
        self.only.is_empty()
            || self
                .only
                .iter()
                .any(|part| name.contains(part.as_str()) || path.contains(part.as_str()))
    }
}

/// Cargo builds the server in the bench's own profile (release under `cargo bench`) and says
/// where; the dev profile is built here on request, being much cheaper to rebuild.
fn binary(explicit: Option<String>, profile: Option<String>) -> anyhow::Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(PathBuf::from(path));
    }
    match profile.as_deref() {
        None | Some("release") | Some("bench") => Ok(PathBuf::from(env!("CARGO_BIN_EXE_academy"))),
        Some("dev") | Some("debug") => {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let status =
                std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
                    .args(["build", "--quiet", "--bin", "academy"])
                    .current_dir(&root)
                    .status()?;
            anyhow::ensure!(status.success(), "cargo build --bin academy failed");
            let target = std::env::var("CARGO_TARGET_DIR")
                .map(|dir| root.join(dir))
                .unwrap_or_else(|_| root.join("target"));
            Ok(target.join("debug").join("academy"))
        }
        Some(other) => anyhow::bail!("PAGES_BENCH_PROFILE={other}?\n{USAGE}"),
    }
}
