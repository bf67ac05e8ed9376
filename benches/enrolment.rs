//! Enrolment throughput: many signed-in learners enrolling at once over HTTP against the
//! real app (release build), on SQLite and, with BENCH_POSTGRES_URL, on PostgreSQL.
//! Prints enrolments per second and latency percentiles, then checks no seat was oversold.
//!
//!   cargo bench --bench enrolment
//!   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1/postgres cargo bench --bench enrolment
//!   LEARNERS=4000 CONCURRENCY=100 cargo bench --bench enrolment

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use academy::app;
use academy::clock::Clock;
use academy::config::Config;
use academy::db::cohorts::{self, CohortFields};
use academy::db::courses::{self, CourseFields};
use academy::db::users::{self, LearnerType, NewUser, Role};
use academy::domain::catalogue::{CohortStatus, Format, Level};
use academy::domain::email::Email;
use academy::state::AppState;
use chrono::{Duration as ChronoDuration, NaiveDate};
use sqlx::Connection;
use tokio::sync::Semaphore;

const PASSWORD: &str = "kettle orbit maple tundra";
const COHORTS: usize = 10;
const SEATS: i64 = 100;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let learners = setting("LEARNERS", 2000);
    let concurrency = setting("CONCURRENCY", 50);
    println!(
        "Enrolment benchmark: {learners} learners, {concurrency} at a time, {COHORTS} cohorts of {SEATS} seats, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<10} {:>10} {:>12} {:>9} {:>9} {:>9} {:>10} {:>10}",
        "backend", "requests", "enrol/s", "p50", "p90", "p99", "confirmed", "waiting"
    );
    let dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    run(&sqlite, "sqlite", learners, concurrency, dir.path()).await?;
    if let Ok(admin_url) = std::env::var("BENCH_POSTGRES_URL") {
        let name = format!("academy_bench_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
        sqlx::query(&format!("create database {name}"))
            .execute(&mut admin)
            .await?;
        let mut url = url::Url::parse(&admin_url)?;
        url.set_path(&name);
        let result = run(url.as_str(), "postgres", learners, concurrency, dir.path()).await;
        sqlx::query(&format!("drop database if exists {name} with (force)"))
            .execute(&mut admin)
            .await?;
        result?;
    } else {
        println!("(set BENCH_POSTGRES_URL to measure PostgreSQL too)");
    }
    Ok(())
}

async fn run(
    database_url: &str,
    backend: &str,
    learners: usize,
    concurrency: usize,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let vars: HashMap<String, String> = [
        ("DATABASE_URL", database_url.to_owned()),
        ("ACADEMY_BIND", address.to_string()),
        (
            "ACADEMY_SECRET",
            "bench-secret-bench-secret-bench-secret-00".to_owned(),
        ),
        (
            "ACADEMY_DATA_DIR",
            dir.join(format!("var-{backend}")).display().to_string(),
        ),
        // Sign-in is set-up here, not what is measured.
        ("ACADEMY_ARGON2_MEMORY_KIB", "64".to_owned()),
        ("ACADEMY_ARGON2_ITERATIONS", "1".to_owned()),
        ("ACADEMY_ADDRESS_ATTEMPTS_PER_MINUTE", "100000".to_owned()),
        ("ACADEMY_DB_MAX_CONNECTIONS", "20".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let config = Config::from_map(&vars).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut state = AppState::start(config, Clock::system()).await?;
    state.mailer = academy::email::Mailer::memory();
    let cohort_ids = catalogue(&state).await?;
    create_learners(&state, learners).await?;
    let shutdown = tokio_util::sync::CancellationToken::new();
    let router = app::router_with(state.clone(), axum::Router::new());
    let server = tokio::spawn(app::serve(
        listener,
        router,
        shutdown.clone().cancelled_owned(),
    ));
    let base = format!("http://{address}");

    // Sign everyone in first (not measured), keeping each learner's cookie jar and token.
    let clients = sign_in_all(&base, learners, concurrency).await?;

    let gate = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (n, (client, token)) in clients.into_iter().enumerate() {
        let gate = gate.clone();
        let url = format!("{base}/cohorts/{}/enrol", cohort_ids[n % COHORTS]);
        tasks.spawn(async move {
            let _permit = gate.acquire().await;
            let sent = Instant::now();
            let response = client
                .post(&url)
                .form(&[("funding", "free"), ("csrf_token", &token)])
                .send()
                .await;
            let ok = response.is_ok_and(|r| r.status() == 303);
            (ok, sent.elapsed())
        });
    }
    let results = tasks.join_all().await;
    let elapsed = started.elapsed();
    let failures = results.iter().filter(|(ok, _)| !ok).count();
    anyhow::ensure!(failures == 0, "{failures} enrolments failed");
    let mut latencies: Vec<Duration> = results.into_iter().map(|(_, t)| t).collect();
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let (confirmed, waiting, oversold) = outcome(&state).await?;
    anyhow::ensure!(oversold == 0, "a cohort was oversold");
    println!(
        "{:<10} {:>10} {:>12.0} {:>7.1}ms {:>7.1}ms {:>7.1}ms {:>10} {:>10}",
        backend,
        learners,
        learners as f64 / elapsed.as_secs_f64(),
        pick(0.5).as_secs_f64() * 1000.0,
        pick(0.9).as_secs_f64() * 1000.0,
        pick(0.99).as_secs_f64() * 1000.0,
        confirmed,
        waiting
    );
    shutdown.cancel();
    let _ = server.await;
    state.db.close().await;
    Ok(())
}

async fn catalogue(state: &AppState) -> anyhow::Result<Vec<i64>> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let course = CourseFields {
        slug: "bench-course",
        title: "Benchmark course",
        summary: "Summary",
        description: "",
        who_for: "",
        learning_outcomes: "",
        level: Level::Introductory,
        format: Format::OnlineLive,
        duration: "1 week",
        cpd_minutes: 60,
        accreditation: "",
        accreditation_reference: "",
        fee_pence: 10_000,
        published: true,
        completion_rule: academy::domain::learning::CompletionRule::Attendance,
        sessions_required: None,
        evaluation_required: false,
    };
    let course_id = courses::insert(&mut tx, &course, now).await?;
    let mut ids = Vec::new();
    for n in 0..COHORTS {
        let starts_on = NaiveDate::from_ymd_opt(2035, 1, 1).unwrap_or_default()
            + ChronoDuration::weeks(n as i64);
        let name = format!("Cohort {n}");
        let fields = CohortFields {
            course_id,
            name: &name,
            starts_on,
            ends_on: starts_on + ChronoDuration::days(30),
            enrol_opens_at: now - ChronoDuration::days(1),
            enrol_closes_at: now + ChronoDuration::days(365),
            capacity: SEATS,
            status: CohortStatus::Open,
            delivery_notes: "",
        };
        ids.push(cohorts::insert(&mut tx, &fields, now).await?);
    }
    tx.commit().await?;
    Ok(ids)
}

async fn create_learners(state: &AppState, count: usize) -> anyhow::Result<()> {
    let hash = state.passwords.hash(PASSWORD).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    for n in 0..count {
        let email = Email::parse(&format!("learner{n}@nhs.net"))?;
        let user = NewUser {
            email: &email,
            password_hash: &hash,
            full_name: "Bench Learner",
            role: Role::Learner,
            organisation: "Bench Trust",
            job_role: "Nurse",
            professional_body: None,
            registration_number: None,
            learner_type: LearnerType::Nhs,
            learner_type_reason: "bench",
            email_verified_at: Some(now),
        };
        users::insert(&mut tx, &user, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn sign_in_all(
    base: &str,
    count: usize,
    concurrency: usize,
) -> anyhow::Result<Vec<(reqwest::Client, String)>> {
    let gate = Arc::new(Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..count {
        let (gate, base) = (gate.clone(), base.to_owned());
        tasks.spawn(async move {
            let _permit = gate.acquire().await;
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
            let token = csrf_field(&login)?;
            let email = format!("learner{n}@nhs.net");
            let response = client
                .post(format!("{base}/login"))
                .form(&[
                    ("email", email.as_str()),
                    ("password", PASSWORD),
                    ("csrf_token", &token),
                ])
                .send()
                .await?;
            anyhow::ensure!(response.status() == 303, "sign-in failed for {email}");
            let account = client
                .get(format!("{base}/account"))
                .send()
                .await?
                .text()
                .await?;
            Ok::<_, anyhow::Error>((n, client, csrf_field(&account)?))
        });
    }
    let mut signed_in: Vec<(usize, reqwest::Client, String)> = tasks
        .join_all()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    signed_in.sort_by_key(|(n, ..)| *n);
    Ok(signed_in
        .into_iter()
        .map(|(_, client, token)| (client, token))
        .collect())
}

fn csrf_field(html: &str) -> anyhow::Result<String> {
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

/// (confirmed, waiting, cohorts oversold or out of step with their enrolments)
async fn outcome(state: &AppState) -> anyhow::Result<(i64, i64, i64)> {
    let count = |sql: &'static str| async move {
        academy::run_query!(read & state.db, |c| sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(c)
            .await)
    };
    Ok((
        count("select count(*) from enrolments where status = 'confirmed'").await?,
        count("select count(*) from enrolments where status = 'waitlisted'").await?,
        count(
            "select count(*) from cohorts h where seats_taken > capacity or seats_taken <> \
             (select count(*) from enrolments e where e.cohort_id = h.cohort_id and e.status = 'confirmed')",
        )
        .await?,
    ))
}
