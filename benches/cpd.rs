//! The CPD log: `/cpd` for a learner with 1,000 entries against an embedded static asset
//! in the same run (requests per second, p50 and p99, and the ratio), then the CSV export
//! of 100,000 entries (time, size, and the server's peak memory to show it streams: the
//! peak resident size is reset through `/proc/self/clear_refs` before the download and
//! `VmHWM` read after it; the server runs in this process). The real app on SQLite, or on
//! PostgreSQL too with BENCH_POSTGRES_URL. Entries are inserted in bulk straight through
//! SQL; the load comes from keep-alive clients in this process, which share the cores with
//! the server, so compare ratios across machines rather than raw figures.
//!
//!   cargo bench --bench cpd
//!   ENTRIES=1000 CSV_ENTRIES=100000 REQUESTS=5000 CONCURRENCY=32 cargo bench --bench cpd
//!   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1/postgres cargo bench --bench cpd

#[allow(dead_code)]
mod support;

use support::load;

use std::time::Instant;

use academy::db::batch::insert_rows;
use academy::db::binds::Value;
use academy::db::users::{self, LearnerType, NewUser, Role};
use academy::domain::email::Email;
use academy::state::AppState;
use chrono::{Duration as ChronoDuration, NaiveDate};

const PASSWORD: &str = "a long bench password 2026";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let entries = support::setting("ENTRIES", 1_000).max(1);
    let csv_entries = support::setting("CSV_ENTRIES", 100_000).max(1);
    let requests = support::setting("REQUESTS", 5_000).max(1);
    let concurrency = support::setting("CONCURRENCY", 32).max(1);
    println!(
        "CPD benchmark: /cpd with {entries} entries, {requests} requests, {concurrency} at a time; CSV of {csv_entries} entries; {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let dir = tempfile::tempdir()?;
    support::on_each_backend(dir.path(), |url, backend| {
        let dir = dir.path().to_owned();
        async move {
            run(
                &url,
                backend,
                Sizes {
                    entries,
                    csv_entries,
                    requests,
                    concurrency,
                },
                &dir,
            )
            .await
        }
    })
    .await
}

#[derive(Clone, Copy)]
struct Sizes {
    entries: usize,
    csv_entries: usize,
    requests: usize,
    concurrency: usize,
}

async fn run(
    database_url: &str,
    backend: &str,
    sizes: Sizes,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let prepared = support::prepare(database_url, backend, dir, &[]).await?;
    let state = prepared.state.clone();
    let started = Instant::now();
    let logger = learner(&state, "log.nurse@nhs.net").await?;
    insert_entries(&state, logger, sizes.entries).await?;
    let exporter = learner(&state, "csv.nurse@nhs.net").await?;
    insert_entries(&state, exporter, sizes.csv_entries).await?;
    println!(
        "{backend}: {} entries inserted in {:.1}s",
        sizes.entries + sizes.csv_entries,
        started.elapsed().as_secs_f64()
    );
    let running = prepared.serve(false)?;
    let base = running.base.clone();
    let log_client = sign_in(&base, "log.nurse@nhs.net").await?;
    let csv_client = sign_in(&base, "csv.nurse@nhs.net").await?;
    let home = reqwest::get(format!("{base}/")).await?.text().await?;
    let start = home
        .find("/static/app.css")
        .ok_or_else(|| anyhow::anyhow!("no stylesheet on the home page"))?;
    let asset = home[start..start + home[start..].find('"').unwrap_or(0)].to_owned();
    let page = log_client
        .get(format!("{base}/cpd"))
        .send()
        .await?
        .text()
        .await?;
    anyhow::ensure!(
        page.contains(&format!("{} entries", sizes.entries)),
        "the log shows its entries"
    );

    println!(
        "{:<10} {:<22} {:>10} {:>9} {:>9} {:>9}",
        "backend", "path", "req/s", "p50", "p99", "vs asset"
    );
    let anonymous = reqwest::Client::new();
    load(&anonymous, &base, &asset, 300, sizes.concurrency).await?;
    load(&log_client, &base, "/cpd", 300, sizes.concurrency).await?;
    let asset_figures = load(&anonymous, &base, &asset, sizes.requests, sizes.concurrency).await?;
    let log_figures = load(
        &log_client,
        &base,
        "/cpd",
        sizes.requests,
        sizes.concurrency,
    )
    .await?;
    for (name, figures) in [
        ("static asset", &asset_figures),
        ("/cpd (1 page of log)", &log_figures),
    ] {
        println!(
            "{:<10} {:<22} {:>10.0} {:>7.2}ms {:>7.2}ms {:>9.2}",
            backend,
            name,
            figures.per_second,
            figures.p50.as_secs_f64() * 1000.0,
            figures.p99.as_secs_f64() * 1000.0,
            figures.per_second / asset_figures.per_second
        );
    }

    // The CSV: the peak resident size is reset first, so VmHWM after is this download's.
    let before = memory("VmRSS").unwrap_or(0);
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let started = Instant::now();
    let mut response = csv_client
        .get(format!("{base}/cpd/export.csv"))
        .send()
        .await?;
    anyhow::ensure!(response.status() == 200, "CSV: {}", response.status());
    let first_byte = started.elapsed();
    let (mut bytes, mut lines) = (0usize, 0usize);
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let elapsed = started.elapsed();
    let peak = memory("VmHWM").unwrap_or(0);
    anyhow::ensure!(
        lines == sizes.csv_entries + 1,
        "CSV: {lines} lines for {} entries",
        sizes.csv_entries
    );
    println!(
        "{backend}: CSV of {} entries: {:.1} MB in {:.2}s ({:.0} rows/s, first byte after {:.0}ms); process memory {} MB before, peak {} MB during{} (+{} MB for a {:.0} MB file)",
        sizes.csv_entries,
        bytes as f64 / 1e6,
        elapsed.as_secs_f64(),
        sizes.csv_entries as f64 / elapsed.as_secs_f64(),
        first_byte.as_secs_f64() * 1000.0,
        before / 1024,
        peak / 1024,
        if reset {
            ""
        } else {
            " (peak since start: clear_refs refused)"
        },
        peak.saturating_sub(before) / 1024,
        bytes as f64 / 1e6,
    );
    running.stop().await;
    Ok(())
}

/// A `/proc/self/status` figure in kB ("VmRSS", "VmHWM").
fn memory(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(name))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn learner(state: &AppState, email: &str) -> anyhow::Result<i64> {
    let hash = state.passwords.hash(PASSWORD).await?;
    let now = state.clock.now();
    let email = Email::parse(email)?;
    let mut tx = state.db.begin().await?;
    let id = users::insert(
        &mut tx,
        &NewUser {
            email: &email,
            password_hash: &hash,
            full_name: "Bench Nurse",
            role: Role::Learner,
            organisation: "Bench Trust",
            job_role: "Staff nurse",
            professional_body: Some("NMC"),
            registration_number: Some("12A3456E"),
            learner_type: LearnerType::Nhs,
            learner_type_reason: "bench",
            email_verified_at: Some(now),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// `count` self-declared activities for `user_id`, spread over six years, with a
/// reflection of a realistic length, in multi-row inserts.
async fn insert_entries(state: &AppState, user_id: i64, count: usize) -> anyhow::Result<()> {
    let now = state.clock.now();
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
    let reflection = "I learned to use the structured handover tool, to ask for a second check on high-risk medicines, and to write down what I would do differently next time.";
    let mut tx = state.db.begin().await?;
    let rows = (0..count).map(|n| {
        let ended = first + ChronoDuration::days((n % 2_190) as i64);
        let text = |s: &str| Value::Text(Some(s.to_owned()));
        [
            Value::Int(Some(user_id)),
            text("activity"),
            Value::Text(Some(format!(
                "Study day {n}: sepsis, \"deterioration\" and escalation"
            ))),
            text("Royal College of Nursing"),
            text(["course", "conference", "reading", "e_learning"][n % 4]),
            Value::Date(Some(ended)),
            Value::Date(Some(ended)),
            Value::Int(Some(90 + (n % 8) as i64 * 15)),
            Value::Int(Some(60)),
            text("planned"),
            text("Recognising the deteriorating patient on a surgical ward"),
            text("Use NEWS2 at every observation round"),
            text(reflection),
            text(reflection),
            text(reflection),
            text(",sepsis,night shift,"),
            Value::Text(Some(format!(
                "study day {n} royal college of nursing sepsis"
            ))),
            Value::Time(Some(now)),
            Value::Time(Some(now)),
        ]
    });
    insert_rows(
        &mut tx,
        "cpd_entries",
        [
            "user_id",
            "kind",
            "title",
            "provider",
            "method",
            "started_on",
            "ended_on",
            "minutes",
            "participatory_minutes",
            "planning",
            "topic",
            "learning_outcomes",
            "reflection_learned",
            "reflection_practice",
            "reflection_benefit",
            "tags",
            "search_text",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A client signed in as `email`, keeping its cookie (clones share the jar).
async fn sign_in(base: &str, email: &str) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let token = support::csrf_field(&login)?;
    let response = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", PASSWORD),
            ("next", ""),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    anyhow::ensure!(response.status() == 303, "sign-in failed for {email}");
    Ok(client)
}
