//! Forgot-password timing: how long `POST /forgot-password` takes for an address with an
//! account and for one without, against the real app (release build, background jobs
//! running as in production) on SQLite and, with BENCH_POSTGRES_URL, on PostgreSQL.
//! Every request names a fresh address (so none meets the per-account mail limit, which
//! would hide the difference this looks for), and the two kinds alternate, swapping places
//! every pair, so that whatever else the machine does falls on both alike. Prints median
//! and p10–p90 for each; nothing is asserted about time.
//!
//!   cargo bench --bench forgot_password
//!   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench forgot_password
//!   SAMPLES=1000 cargo bench --bench forgot_password

#[allow(dead_code)]
mod support;

use std::time::{Duration, Instant};

use academy::db::users::{self, LearnerType, NewUser, Role};
use academy::domain::email::Email;
use academy::state::AppState;

/// The `n`th address with an account, and the `n`th without one.
fn known(n: usize) -> String {
    format!("known{n}@nhs.net")
}

fn unknown(n: usize) -> String {
    format!("unknown{n}@nhs.net")
}
const WARM_UP: usize = 20;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let samples = support::setting("SAMPLES", 250);
    println!(
        "Forgot-password timing: {samples} requests per address, interleaved, one at a time, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<10} {:<18} {:>9} {:>9} {:>9} {:>9}",
        "backend", "address", "p10", "median", "p90", "mean"
    );
    let dir = tempfile::tempdir()?;
    support::on_each_backend(dir.path(), |url, backend| {
        let dir = dir.path().to_owned();
        async move { run(&url, backend, samples, &dir).await }
    })
    .await
}

async fn run(
    database_url: &str,
    backend: &str,
    samples: usize,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let prepared = support::prepare(
        database_url,
        backend,
        dir,
        &[
            ("ACADEMY_ARGON2_MEMORY_KIB", "64"),
            ("ACADEMY_ARGON2_ITERATIONS", "1"),
            // One client sends every request: the per-network limit would refuse most.
            ("ACADEMY_ADDRESS_ATTEMPTS_PER_MINUTE", "100000"),
        ],
    )
    .await?;
    let state = prepared.state.clone();
    create_accounts(&state, WARM_UP + samples).await?;
    let running = prepared.serve(true)?;
    let base = running.base.clone();

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = client
        .get(format!("{base}/forgot-password"))
        .send()
        .await?
        .text()
        .await?;
    let token = support::csrf_field(&page)?;
    let url = format!("{base}/forgot-password");
    let post = |email: String| {
        let (client, url, token) = (&client, &url, &token);
        async move {
            let sent = Instant::now();
            let response = client
                .post(url)
                .form(&[("email", email.as_str()), ("csrf_token", token.as_str())])
                .send()
                .await?;
            let status = response.status();
            response.bytes().await?;
            let took = sent.elapsed();
            anyhow::ensure!(status == 303, "{email}: {status}");
            Ok::<_, anyhow::Error>(took)
        }
    };

    let (mut with_account, mut without) = (Vec::new(), Vec::new());
    for n in 0..WARM_UP + samples {
        let (a, b) = if n % 2 == 0 {
            let a = post(known(n)).await?;
            (a, post(unknown(n)).await?)
        } else {
            let b = post(unknown(n)).await?;
            (post(known(n)).await?, b)
        };
        if n >= WARM_UP {
            with_account.push(a);
            without.push(b);
        }
    }
    print_row(backend, "with an account", &mut with_account);
    print_row(backend, "without one", &mut without);
    check_outcome(&state, WARM_UP + samples).await?;

    running.stop().await;
    Ok(())
}

/// Each request with an account got its link and none without one did, once the worker
/// has run (the figures measure the page, not a page that skipped the work).
async fn check_outcome(state: &AppState, accounts: usize) -> anyhow::Result<()> {
    let count = |sql: &'static str| async move {
        academy::run_query!(read & state.db, |c| sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(c)
            .await)
    };
    // The timer's run may hold a request this one skips: wait for both to finish.
    for _ in 0..100 {
        academy::accounts::link_requests::answer_requests(state.ctx()).await?;
        if count("select count(*) from link_requests").await? == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let links =
        count("select count(*) from account_tokens where purpose = 'reset_password'").await?;
    let stray = count("select count(*) from email_outbox where to_address like 'unknown%'").await?;
    let waiting = count("select count(*) from link_requests").await?;
    anyhow::ensure!(
        links == accounts as i64 && stray == 0 && waiting == 0,
        "{links} links for {accounts} accounts, {stray} mails to unknown addresses, {waiting} waiting"
    );
    Ok(())
}

fn print_row(backend: &str, label: &str, times: &mut [Duration]) {
    times.sort();
    let pick = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    println!(
        "{:<10} {:<18} {:>7.3}ms {:>7.3}ms {:>7.3}ms {:>7.3}ms",
        backend,
        label,
        ms(pick(0.1)),
        ms(pick(0.5)),
        ms(pick(0.9)),
        mean
    );
}

async fn create_accounts(state: &AppState, count: usize) -> anyhow::Result<()> {
    let hash = state.passwords.hash("kettle orbit maple tundra").await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    for n in 0..count {
        let email = Email::parse(&known(n))?;
        let user = NewUser {
            email: &email,
            password_hash: &hash,
            full_name: "Bench Nurse",
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
