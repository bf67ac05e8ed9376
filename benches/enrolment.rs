//! Enrolment throughput: many signed-in learners enrolling at once over HTTP against the
//! real app (release build), on SQLite and, with BENCH_POSTGRES_URL, on PostgreSQL.
//! Prints requests and confirmed places per second and latency percentiles, then checks no
//! seat was oversold. By default every cohort has a seat for each of its learners, so every
//! request confirms a place; with fewer SEATS the rest join the waiting lists.
//!
//!   cargo bench --bench enrolment
//!   BENCH_POSTGRES_URL='postgres://postgres@127.0.0.1/postgres?sslmode=disable' cargo bench --bench enrolment
//!   LEARNERS=4000 SEATS=100 CONCURRENCY=100 cargo bench --bench enrolment

#[allow(dead_code)]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use academy::db::cohorts::{self, CohortFields};
use academy::db::courses::{self, CourseFields};
use academy::db::users::{self, LearnerType, NewUser, Role};
use academy::domain::catalogue::{CohortStatus, Format, Level};
use academy::domain::email::Email;
use academy::state::AppState;
use chrono::{Duration as ChronoDuration, NaiveDate};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{COOKIE, SET_COOKIE};
use tokio::sync::Semaphore;

const PASSWORD: &str = "kettle orbit maple tundra";
const COHORTS: usize = 10;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let learners = support::setting("LEARNERS", 6000);
    let seats = support::setting("SEATS", learners.div_ceil(COHORTS));
    let concurrency = support::setting("CONCURRENCY", 50);
    println!(
        "Enrolment benchmark: {learners} learners, {concurrency} at a time, {COHORTS} cohorts of {seats} seats, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<10} {:>9} {:>10} {:>12} {:>9} {:>9} {:>9} {:>10} {:>9}",
        "backend",
        "requests",
        "requests/s",
        "confirmed/s",
        "p50",
        "p90",
        "p99",
        "confirmed",
        "waiting"
    );
    let dir = tempfile::tempdir()?;
    let load = Load {
        learners,
        seats: seats as i64,
        concurrency,
    };
    support::on_each_backend(dir.path(), |url, backend| {
        let dir = dir.path().to_owned();
        async move { run(&url, backend, load, &dir).await }
    })
    .await
}

/// How many learners ask, for how many seats, how many at a time.
#[derive(Clone, Copy)]
struct Load {
    learners: usize,
    seats: i64,
    concurrency: usize,
}

async fn run(
    database_url: &str,
    backend: &str,
    load: Load,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let Load {
        learners,
        seats,
        concurrency,
    } = load;
    let prepared = support::prepare(
        database_url,
        backend,
        dir,
        &[
            // Sign-in is set-up here, not what is measured.
            ("ACADEMY_ARGON2_MEMORY_KIB", "64"),
            ("ACADEMY_ARGON2_ITERATIONS", "1"),
            ("ACADEMY_ADDRESS_ATTEMPTS_PER_MINUTE", "100000"),
        ],
    )
    .await?;
    let state = prepared.state.clone();
    let cohort_ids = catalogue(&state, seats).await?;
    create_learners(&state, learners).await?;
    let running = prepared.serve(false)?;
    let base = running.base.clone();

    // Sign everyone in first (not measured), keeping each learner's cookies and token.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let learners_in = sign_in_all(&client, &base, learners, concurrency).await?;
    eprintln!("{backend}: {learners} learners signed in; enrolling");
    let site = reqwest::Url::parse(&base)?;

    let gate = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (n, learner) in learners_in.into_iter().enumerate() {
        let (gate, client, site) = (gate.clone(), client.clone(), site.clone());
        let url = format!("{base}/cohorts/{}/enrol", cohort_ids[n % COHORTS]);
        tasks.spawn(async move {
            let _permit = gate.acquire().await;
            let sent = Instant::now();
            let form = [("funding", "free"), ("csrf_token", learner.token.as_str())];
            let response = send(&learner.jar, &site, client.post(&url).form(&form)).await;
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
        "{:<10} {:>9} {:>10.0} {:>12.0} {:>7.1}ms {:>7.1}ms {:>7.1}ms {:>10} {:>9}",
        backend,
        learners,
        learners as f64 / elapsed.as_secs_f64(),
        confirmed as f64 / elapsed.as_secs_f64(),
        pick(0.5).as_secs_f64() * 1000.0,
        pick(0.9).as_secs_f64() * 1000.0,
        pick(0.99).as_secs_f64() * 1000.0,
        confirmed,
        waiting
    );
    running.stop().await;
    Ok(())
}

async fn catalogue(state: &AppState, seats: i64) -> anyhow::Result<Vec<i64>> {
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
            capacity: seats,
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

/// One learner's cookies and form token, used through the one shared client (a client of
/// its own each would load the TLS roots thousands of times).
struct Learner {
    jar: Jar,
    token: String,
}

/// Sends `request` with the learner's cookies, keeping any the answer sets.
async fn send(
    jar: &Jar,
    url: &reqwest::Url,
    request: reqwest::RequestBuilder,
) -> reqwest::Result<reqwest::Response> {
    let request = match jar.cookies(url) {
        Some(cookies) => request.header(COOKIE, cookies),
        None => request,
    };
    let response = request.send().await?;
    jar.set_cookies(&mut response.headers().get_all(SET_COOKIE).iter(), url);
    Ok(response)
}

async fn sign_in_all(
    client: &reqwest::Client,
    base: &str,
    count: usize,
    concurrency: usize,
) -> anyhow::Result<Vec<Learner>> {
    let gate = Arc::new(Semaphore::new(concurrency));
    let site = reqwest::Url::parse(base)?;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..count {
        let (gate, base, client, site) =
            (gate.clone(), base.to_owned(), client.clone(), site.clone());
        tasks.spawn(async move {
            let _permit = gate.acquire().await;
            let jar = Jar::default();
            let login = send(&jar, &site, client.get(format!("{base}/login")))
                .await?
                .text()
                .await?;
            let token = support::csrf_field(&login)?;
            let email = format!("learner{n}@nhs.net");
            let form = [
                ("email", email.as_str()),
                ("password", PASSWORD),
                ("next", ""),
                ("csrf_token", &token),
            ];
            let response = send(
                &jar,
                &site,
                client.post(format!("{base}/login")).form(&form),
            )
            .await?;
            anyhow::ensure!(response.status() == 303, "sign-in failed for {email}");
            let account = send(&jar, &site, client.get(format!("{base}/account")))
                .await?
                .text()
                .await?;
            let token = support::csrf_field(&account)?;
            Ok::<_, anyhow::Error>((n, Learner { jar, token }))
        });
    }
    let mut signed_in: Vec<(usize, Learner)> = tasks
        .join_all()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    signed_in.sort_by_key(|(n, _)| *n);
    Ok(signed_in.into_iter().map(|(_, learner)| learner).collect())
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
