//! The page benchmark: the server binary started as its own process on a fresh database of
//! each backend, seeded with the demo data (or the scale data set, or both side by side),
//! signed in through the real sign-in form as the demo NHS learner and the demo admin, and
//! every page loaded with wrk in interleaved rounds beside a static asset, so each figure is
//! read as a ratio to what the same machine serves in the same minute. Prints a table per
//! backend (medians of the rounds), the goals of issue 14 as information (never a failure:
//! timings depend on the machine), any answer that was not a 200, and the server's peak RSS
//! under the load and before it.
//!
//!   cargo bench --bench pages                                  # release build, SQLite
//!   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench pages
//!   PAGES_BENCH_DATA=compare cargo bench --bench pages         # scale / demo ratios (goal 3)
//!   PAGES_BENCH_PROFILE=dev PAGES_BENCH_DURATION=2 PAGES_BENCH_ROUNDS=1 cargo bench --bench pages
//!
//! The other settings are listed in `settings.rs` (and printed for a wrong value).

#[allow(dead_code)]
#[path = "../support/mod.rs"]
mod support;

mod discover;
mod report;
mod server;
mod session;
mod settings;
mod wrk;

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use discover::{Page, Visitors};
use report::{Measured, Problems};
use server::{Instance, Running};
use session::Visitor;
use settings::{Backend, DataSet, Settings};

/// One server being measured: a data set on a backend.
struct Target {
    data: DataSet,
    base: String,
    running: Running,
    visitors: Visitors,
    pages: Vec<Page>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("page benchmark: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let settings = Settings::from_env()?;
    wrk::require()?;
    if settings.data_sets.contains(&DataSet::Scale) {
        server::require_subcommand(&settings.binary, "seed-scale")?;
    }
    println!(
        "Page benchmark: {}, wrk {}, {} interleaved rounds (medians), {} data, {} cores, {}",
        settings.binary.display(),
        settings.wrk_flags(),
        settings.rounds,
        settings
            .data_sets
            .iter()
            .map(|d| d.name())
            .collect::<Vec<_>>()
            .join(" and "),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir()?;
    for backend in settings.backends.clone() {
        runtime.block_on(on_backend(&settings, backend, dir.path()))?;
    }
    Ok(())
}

/// Fresh databases for each data set (PostgreSQL ones dropped whatever happens), measured.
async fn on_backend(settings: &Settings, backend: Backend, dir: &Path) -> anyhow::Result<()> {
    let mut urls = Vec::new();
    let mut postgres = Vec::new();
    let mut result = Ok(());
    for data in &settings.data_sets {
        match backend {
            Backend::Sqlite => urls.push(format!(
                "sqlite://{}",
                dir.join(format!("{}.db", data.name())).display()
            )),
            Backend::Postgres => {
                let admin = settings.postgres_admin_url.as_deref().unwrap_or_default();
                match support::PostgresDatabase::create(admin).await {
                    Ok(database) => {
                        urls.push(database.url.clone());
                        postgres.push(database);
                    }
                    Err(error) => {
                        result = Err(error.context("creating a PostgreSQL database"));
                        break;
                    }
                }
            }
        }
    }
    if result.is_ok() {
        result = measure(settings, backend, dir, &urls).await;
    }
    for database in postgres {
        if let Err(error) = database.drop().await {
            eprintln!("could not drop a benchmark database: {error:#}");
        }
    }
    result
}

async fn measure(
    settings: &Settings,
    backend: Backend,
    dir: &Path,
    urls: &[String],
) -> anyhow::Result<()> {
    let mut problems = Problems::default();
    let mut targets: Vec<Target> = Vec::new();
    for (data, url) in settings.data_sets.iter().zip(urls) {
        eprintln!("{} {} data:", settings::label(backend), data.name());
        let home = dir.join(format!("{}-{}", settings::label(backend), data.name()));
        std::fs::create_dir_all(&home)?;
        let instance = Instance::new(&settings.binary, &home, url)?;
        let accounts = instance.seed(*data)?;
        let running = instance.serve().await?;
        let base = instance.base.clone();
        let (learner, learner_password) = accounts.get("NHS learner")?;
        let (admin, admin_password) = accounts.get("admin")?;
        let visitors = Visitors {
            anonymous: Visitor::anonymous()?,
            learner: Visitor::sign_in(&base, learner, learner_password).await?,
            admin: Visitor::sign_in(&base, admin, admin_password).await?,
        };
        let mut pages: Vec<Page> = discover::pages(&base, &visitors)
            .await?
            .into_iter()
            .filter(|p| p.who == discover::Who::Static || settings.keeps(&p.name, &p.path))
            .collect();
        if let Some(first) = targets.first() {
            same_pages_as(first, &base, &visitors, &mut pages).await;
        }
        let label = format!("{} {}", settings::label(backend), data.name());
        check_statuses(
            settings,
            &label,
            &base,
            &visitors,
            &mut pages,
            &mut problems,
            true,
        )
        .await;
        anyhow::ensure!(
            pages
                .first()
                .is_some_and(|p| p.who == discover::Who::Static),
            "{label}: the static asset did not answer 200, so nothing can be compared with it"
        );
        targets.push(Target {
            data: *data,
            base,
            running,
            visitors,
            pages,
        });
    }

    let mut measured: Vec<Measured> = targets
        .iter()
        .map(|t| Measured::new(t.data, t.pages.clone()))
        .collect();
    // Each page on every server back to back (demo, then scale), so a comparison between
    // them is not skewed by whatever else the machine does in between.
    let mut names: Vec<String> = Vec::new();
    for page in targets.iter().flat_map(|t| &t.pages) {
        if !names.contains(&page.name) {
            names.push(page.name.clone());
        }
    }
    for (target, results) in targets.iter().zip(&mut measured) {
        results.before_load = Some((target.running.memory()?, target.running.reset_peak()));
    }
    for round in 0..settings.rounds {
        for &encoding in &settings.encodings {
            for name in &names {
                for (target, results) in targets.iter_mut().zip(&mut measured) {
                    let Some(index) = target.pages.iter().position(|p| &p.name == name) else {
                        continue;
                    };
                    let page = &target.pages[index];
                    let url = format!("{}{}", target.base, page.path);
                    let cookie = target.visitors.of(page.who).cookie.as_deref();
                    let figures = wrk::run(settings, &url, encoding, cookie)?;
                    eprintln!(
                        "  round {}/{} {} {} {:<8} {:<28} {:>9.0} req/s  p99 {}",
                        round + 1,
                        settings.rounds,
                        settings::label(backend),
                        target.data.name(),
                        encoding.name(),
                        page.name,
                        figures.per_second,
                        report::duration(figures.p99)
                    );
                    problems.wrk(&target.data, encoding, page, &figures);
                    results.add(encoding, index, figures);
                    target.running.check_alive()?;
                }
            }
        }
    }

    for (target, results) in targets.iter_mut().zip(&mut measured) {
        let label = format!("{} {}", settings::label(backend), target.data.name());
        let mut pages = target.pages.clone();
        check_statuses(
            settings,
            &label,
            &target.base,
            &target.visitors,
            &mut pages,
            &mut problems,
            false,
        )
        .await;
        results.memory = Some(target.running.memory()?);
    }
    report::print(settings, backend, &measured, &problems);
    Ok(())
}

/// In a comparison, each page is the same address on both servers where it answers there.
async fn same_pages_as(first: &Target, base: &str, visitors: &Visitors, pages: &mut [Page]) {
    let earlier: HashMap<&str, &Page> = first.pages.iter().map(|p| (p.name.as_str(), p)).collect();
    for page in pages.iter_mut() {
        let Some(other) = earlier.get(page.name.as_str()) else {
            continue;
        };
        if other.path == page.path {
            continue;
        }
        let visitor = visitors.of(page.who);
        match visitor
            .status(base, &other.path, settings::Encoding::Identity)
            .await
        {
            Ok(200) => page.path = other.path.clone(),
            _ => eprintln!(
                "  note: {} is {} here ({} on the {} data does not answer 200)",
                page.name,
                page.path,
                other.path,
                first.data.name()
            ),
        }
    }
}

/// Every page must answer exactly 200 (wrk would count a redirect as a success); before
/// the load a page that does not is left out, after it the answer is reported.
async fn check_statuses(
    settings: &Settings,
    label: &str,
    base: &str,
    visitors: &Visitors,
    pages: &mut Vec<Page>,
    problems: &mut Problems,
    before: bool,
) {
    let mut kept = Vec::new();
    for page in pages.drain(..) {
        let mut fine = true;
        for &encoding in &settings.encodings {
            let status = visitors
                .of(page.who)
                .status(base, &page.path, encoding)
                .await;
            if !matches!(status, Ok(200)) {
                fine = false;
                problems.status(label, &page, encoding, status, before);
            }
        }
        if fine || !before {
            kept.push(page);
        }
    }
    *pages = kept;
}
