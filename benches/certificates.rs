//! Certificates: the public check page against an embedded static asset in the same run
//! (requests per second, p50 and p99, and the ratio), then PDF generation per second on a
//! single core. The real app (release build) on SQLite, or on PostgreSQL with
//! BENCH_POSTGRES_URL; the load comes from keep-alive clients in this process, which share
//! the cores with the server, so compare ratios across machines rather than raw figures.
//!
//!   cargo bench --bench certificates
//!   REQUESTS=40000 CONCURRENCY=64 PDFS=500 cargo bench --bench certificates
//!   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1/postgres cargo bench --bench certificates

#[allow(dead_code)]
mod support;

use support::load;

use std::time::Instant;

use academy::certificates::document::CertificateText;
use academy::certificates::{issue_in, pdf};
use academy::db::cohorts::{self, CohortFields};
use academy::db::courses::{self, CourseFields};
use academy::db::enrolments::{self, NewEnrolment};
use academy::db::users::{self, LearnerType, NewUser, Role};
use academy::domain::catalogue::{CohortStatus, Format, Level};
use academy::domain::email::Email;
use academy::domain::enrolment::{Funding, Status};
use academy::state::AppState;
use chrono::{Duration as ChronoDuration, NaiveDate};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let requests = support::setting("REQUESTS", 20_000).max(1);
    let concurrency = support::setting("CONCURRENCY", 50).max(1);
    let pdfs = support::setting("PDFS", 300).max(1);
    println!(
        "Certificate benchmark: {requests} requests per path, {concurrency} at a time, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let dir = tempfile::tempdir()?;
    support::on_each_backend(dir.path(), |url, backend| {
        let dir = dir.path().to_owned();
        async move {
            let pdfs = if backend == "sqlite" { pdfs } else { 0 };
            run(&url, backend, requests, concurrency, pdfs, &dir).await
        }
    })
    .await
}

async fn run(
    database_url: &str,
    backend: &str,
    requests: usize,
    concurrency: usize,
    pdfs: usize,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let prepared = support::prepare(
        database_url,
        backend,
        dir,
        &[
            // Every request comes from 127.0.0.1: the limit is raised out of the way.
            ("ACADEMY_VERIFY_PER_MINUTE", "1000000"),
        ],
    )
    .await?;
    let state = prepared.state.clone();
    let text = certificate(&state).await?;
    let running = prepared.serve(false)?;
    let base = running.base.clone();
    let home = reqwest::get(format!("{base}/")).await?.text().await?;
    let start = home
        .find("/static/app.css")
        .ok_or_else(|| anyhow::anyhow!("no stylesheet on the home page"))?;
    let asset = home[start..start + home[start..].find('"').unwrap_or(0)].to_owned();
    let check = text
        .verify_url
        .strip_prefix(&base)
        .unwrap_or(&text.verify_url)
        .to_owned();

    println!(
        "{:<10} {:<20} {:>10} {:>9} {:>9} {:>9}",
        "backend", "path", "req/s", "p50", "p99", "vs asset"
    );
    // Warm both paths (connections, caches), then measure each in turn.
    let client = reqwest::Client::new();
    load(&client, &base, &asset, 500, concurrency).await?;
    load(&client, &base, &check, 500, concurrency).await?;
    let asset_figures = load(&client, &base, &asset, requests, concurrency).await?;
    let check_figures = load(&client, &base, &check, requests, concurrency).await?;
    for (name, figures) in [
        ("static asset", &asset_figures),
        ("certificate check", &check_figures),
    ] {
        println!(
            "{:<10} {:<20} {:>10.0} {:>7.2}ms {:>7.2}ms {:>9.2}",
            backend,
            name,
            figures.per_second,
            figures.p50.as_secs_f64() * 1000.0,
            figures.p99.as_secs_f64() * 1000.0,
            figures.per_second / asset_figures.per_second
        );
    }
    running.stop().await;

    if pdfs > 0 {
        let issued = text.clone();
        let (count, elapsed, bytes) = tokio::task::spawn_blocking(move || {
            // One thread, one PDF after another: a single core's worth.
            let _ = pdf::render(&issued, chrono::Utc::now());
            let started = Instant::now();
            let mut bytes = 0;
            for _ in 0..pdfs {
                bytes = pdf::render(&issued, chrono::Utc::now())
                    .map(|p| p.len())
                    .unwrap_or(0);
            }
            (pdfs, started.elapsed(), bytes)
        })
        .await?;
        println!(
            "PDF generation: {count} certificates in {:.2}s on one thread: {:.0} PDFs/s, {:.1}ms each, {} KB each",
            elapsed.as_secs_f64(),
            count as f64 / elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1000.0 / count as f64,
            bytes / 1024
        );
    }
    Ok(())
}

/// One issued certificate (a course with outcomes and two live sessions, a learner, a
/// confirmed place), as its check and its PDF print it.
async fn certificate(state: &AppState) -> anyhow::Result<CertificateText> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let course = CourseFields {
        slug: "bench-course",
        title: "A systems approach to investigating and learning from patient safety incidents",
        summary: "Summary",
        description: "",
        who_for: "",
        learning_outcomes: "Explain why a systems approach finds more useful learning than a search for individual error\nPlan a proportionate investigation and involve patients, families and staff\nIdentify contributing factors using a recognised human factors framework\nWrite safety recommendations that are specific, measurable and owned",
        level: Level::Intermediate,
        format: Format::OnlineLive,
        duration: "6 weeks",
        cpd_minutes: 18 * 60,
        accreditation: "CPD accredited (18 hours)",
        accreditation_reference: "BENCH-018",
        fee_pence: 0,
        published: true,
        completion_rule: academy::domain::learning::CompletionRule::Attendance,
        sessions_required: None,
        evaluation_required: false,
    };
    let course_id = courses::insert(&mut tx, &course, now).await?;
    let starts_on = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
    let cohort_id = cohorts::insert(
        &mut tx,
        &CohortFields {
            course_id,
            name: "January 2026 cohort",
            starts_on,
            ends_on: starts_on + ChronoDuration::days(42),
            enrol_opens_at: now - ChronoDuration::days(90),
            enrol_closes_at: now - ChronoDuration::days(60),
            capacity: 30,
            status: CohortStatus::Closed,
            delivery_notes: "",
        },
        now,
    )
    .await?;
    for week in [0, 3] {
        let at = now - ChronoDuration::days(80 - week * 7);
        cohorts::insert_session(
            &mut tx,
            cohort_id,
            "Live session",
            at,
            at + ChronoDuration::hours(3),
            "",
        )
        .await?;
    }
    let email = Email::parse("bench.learner@nhs.net")?;
    let user_id = users::insert(
        &mut tx,
        &NewUser {
            email: &email,
            password_hash: "not-a-hash",
            full_name: "Zoë Łukasiewicz-Ó Briain",
            role: Role::Learner,
            organisation: "Bench Trust",
            job_role: "Nurse",
            professional_body: None,
            registration_number: None,
            learner_type: LearnerType::Nhs,
            learner_type_reason: "bench",
            email_verified_at: Some(now),
        },
        now,
    )
    .await?;
    let enrolment_id = enrolments::insert(
        &mut tx,
        &NewEnrolment {
            user_id,
            cohort_id,
            status: Status::Confirmed,
            funding: Some(Funding::NhsFree),
            fee_pence: 0,
            over_capacity: false,
            waitlist_number: None,
            hold_expires_at: None,
        },
        now,
    )
    .await?
    .enrolment_id;
    let issued = issue_in(&mut tx, state.ctx(), enrolment_id, now).await?;
    tx.commit().await?;
    Ok(CertificateText::of(&issued.certificate, state.site()))
}
