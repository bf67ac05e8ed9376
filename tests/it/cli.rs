//! The `academy` binary: every subcommand on an empty database, and its refusals.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use academy::db::Db;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

use crate::backend_tests;
use crate::support::TestDatabase;

/// The binary with a clean environment pointed at `database`, run in `dir`.
pub(crate) fn academy(database: &TestDatabase, dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_academy"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database.url())
        .env("ACADEMY_DATA_DIR", dir.join("var"))
        .env("ACADEMY_ARGON2_MEMORY_KIB", "64")
        .env("ACADEMY_ARGON2_ITERATIONS", "1")
        .env("RUST_LOG", "academy=info")
        .current_dir(dir)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

pub(crate) async fn output(mut command: Command) -> (Output, String, String) {
    let output = command.output().await.expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

async fn create_admin(
    database: &TestDatabase,
    dir: &Path,
    args: &[&str],
    password: &str,
) -> (Output, String, String) {
    let mut command = academy(database, dir);
    command
        .arg("create-admin")
        .args(args)
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn");
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{password}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

/// Background learners `seed-demo` adds so rosters look real.
const DEMO_CROWD: usize = 40;

/// Every user row as text, to compare whole-table snapshots.
async fn users_snapshot(db: &Db) -> Vec<String> {
    let sql = "select user_id, email, password_hash, full_name, role, learner_type, email_verified_at, created_at, updated_at from users order by user_id";
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        Option<chrono::DateTime<chrono::Utc>>,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
    );
    let rows: Vec<Row> =
        academy::run_query!(read db, |c| sqlx::query_as(sql).fetch_all(c).await).unwrap();
    rows.into_iter().map(|row| format!("{row:?}")).collect()
}

async fn role_of(db: &Db, email: &str) -> Option<String> {
    academy::run_query!(read db, |c| sqlx::query_scalar("select role from users where email = $1").bind(email).fetch_optional(c).await).unwrap()
}

#[tokio::test]
async fn help_and_version_are_true() {
    let dir = tempfile::tempdir().unwrap();
    let (out, stdout, _) = output({
        let mut c = Command::new(env!("CARGO_BIN_EXE_academy"));
        c.arg("--version").current_dir(dir.path());
        c
    })
    .await;
    assert!(out.status.success());
    assert_eq!(
        stdout.trim(),
        format!("academy {}", env!("CARGO_PKG_VERSION"))
    );

    let (out, stdout, _) = output({
        let mut c = Command::new(env!("CARGO_BIN_EXE_academy"));
        c.arg("--help").current_dir(dir.path());
        c
    })
    .await;
    assert!(out.status.success());
    for expected in [
        "serve",
        "migrate",
        "create-admin",
        "seed-demo",
        "DATABASE_URL",
        "ACADEMY_SECRET",
        "ACADEMY_BIND",
    ] {
        assert!(
            stdout.contains(expected),
            "--help mentions {expected}:\n{stdout}"
        );
    }
}

#[tokio::test]
async fn bad_configuration_is_refused_listing_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_academy"));
    command
        .env_clear()
        .env("ACADEMY_ENV", "production")
        .env("ACADEMY_BIND", "everywhere")
        .env("DATABASE_URL", "mysql://db/academy")
        .env("ACADEMY_SECRET", "too-short")
        .arg("migrate")
        .current_dir(dir.path());
    let (out, _, stderr) = output(command).await;
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("Academy cannot start: 7 configuration problems"),
        "{stderr}"
    );
    for name in [
        "ACADEMY_BIND",
        "DATABASE_URL",
        "ACADEMY_SECRET must be at least 32",
        "ACADEMY_BASE_URL is required",
        "ACADEMY_SMTP_URL is required",
        "ACADEMY_SUPPLIER_NAME is required",
        "ACADEMY_SUPPLIER_ADDRESS is required",
    ] {
        assert!(stderr.contains(name), "{name} in:\n{stderr}");
    }
    assert!(!stderr.contains("too-short"), "secrets are never echoed");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing was created"
    );
}

backend_tests! {
    async fn migrate_prepares_an_empty_database(backend) {
        let database = TestDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        for _ in 0..2 {
            let (out, stdout, stderr) = output(academy(&database, dir.path()).tap_arg("migrate")).await;
            assert!(out.status.success(), "{stderr}");
            assert_eq!(stdout, "Database is up to date.\n");
        }
        let db = database.connect().await;
        db.check_ready().await.expect("every migration applied");
        assert!(users_snapshot(&db).await.is_empty());
    }

    async fn seed_demo_adds_accounts_once(backend) {
        let database = TestDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let (out, first, stderr) = output(academy(&database, dir.path()).tap_arg("seed-demo")).await;
        assert!(out.status.success(), "{stderr}");
        assert_eq!(first.matches("password: ").count(), 3, "{first}");
        for email in ["admin@academy.example", "amina.okafor@example.nhs.uk", "sam.taylor@example.com"] {
            let line = first.lines().find(|l| l.contains(email)).unwrap_or_else(|| panic!("{email} in:\n{first}"));
            assert!(line.starts_with("created") && line.contains("password: "), "{line}");
        }
        let db = database.connect().await;
        let before = users_snapshot(&db).await;
        assert_eq!(before.len(), 3 + DEMO_CROWD, "three demo accounts and background learners");
        assert_eq!(role_of(&db, "admin@academy.example").await.as_deref(), Some("admin"));
        assert!(first.contains("demo enrolments in every state"), "{first}");
        assert!(first.contains("created 26 demo reports, news, events and blogs"), "{first}");
        let titles: Vec<String> = academy::run_query!(read &db, |c| sqlx::query_scalar("select title from reports order by publish_at desc limit 3").fetch_all(c).await).unwrap();
        assert_eq!(titles[1], "Medication not given: anticoagulation before and after a procedure", "the scheduled report is newest");
        let states: Vec<String> = academy::run_query!(read &db, |c| sqlx::query_scalar(
            "select distinct status from enrolments order by status").fetch_all(c).await).unwrap();
        assert_eq!(states, ["awaiting_invoice", "awaiting_payment", "cancelled", "completed", "confirmed", "expired", "moved", "not_completed", "offered", "waitlisted", "withdrawn"]);
        // The finished cohort, through the services: registers, evaluations, outcomes, certificates.
        assert!(first.contains("created a finished cohort with its registers, evaluations, completions and 18 certificates"), "{first}");
        let certificates: Vec<(String, String)> = academy::run_query!(read &db, |c| sqlx::query_as(
            "select c.status, c.learner_name from certificates c order by c.certificate_id").fetch_all(c).await).unwrap();
        let of = |status: &str| certificates.iter().filter(|(s, _)| s == status).count();
        assert_eq!((of("valid"), of("revoked"), of("replaced")), (16, 1, 1), "{certificates:?}");
        assert!(certificates.iter().any(|(s, name)| s == "valid" && name == "Amina Okafor"), "the demo NHS learner holds a valid one");
        assert!(certificates.iter().any(|(s, name)| s == "valid" && name.ends_with("-Clarke")), "the replacement prints the corrected name");
        let reason: String = academy::run_query!(read &db, |c| sqlx::query_scalar(
            "select note from enrolment_events where to_status = 'not_completed'").fetch_one(c).await).unwrap();
        assert!(reason.starts_with("Attended 2 of the 6 live sessions"), "{reason}");
        let counts: (i64, i64, i64) = academy::run_query!(read &db, |c| sqlx::query_as(
            "select (select count(*) from attendance), (select count(*) from evaluations), \
             (select count(*) from cohorts where status = 'completed')").fetch_one(c).await).unwrap();
        assert_eq!(counts.1, 10, "the demo learner and every other learner's second evaluation");
        assert!(counts.0 >= 18 * 6 && counts.2 >= 2, "{counts:?}");
        // The demo nurse's CPD record: her verified course, her own entries, her date.
        assert!(first.contains("created 7 CPD entries for the demo NHS learner, with her revalidation date and a share link"), "{first}");
        let record: (i64, i64, i64) = academy::run_query!(read &db, |c| sqlx::query_as(
            "select count(*), sum(case when e.certificate_id is null then 0 else 1 end), \
             sum(case when e.kind = 'feedback' then 1 else 0 end) from cpd_entries e \
             join users u on u.user_id = e.user_id where u.email = 'amina.okafor@example.nhs.uk'").fetch_one(c).await).unwrap();
        assert_eq!(record, (8, 1, 2), "one verified, five activities and two feedback records");
        let links: i64 = academy::run_query!(read &db, |c| sqlx::query_scalar(
            "select count(*) from cpd_share_links where revoked_at is null").fetch_one(c).await).unwrap();
        assert_eq!(links, 1, "an active share link");
        let mismatched: i64 = academy::run_query!(read &db, |c| sqlx::query_scalar(
            "select count(*) from cohorts h where seats_taken > capacity or seats_taken <> (select count(*) from enrolments e \
             where e.cohort_id = h.cohort_id and e.status in ('awaiting_payment', 'awaiting_invoice', 'confirmed', 'offered'))")
            .fetch_one(c).await).unwrap();
        assert_eq!(mismatched, 0, "seats add up in the demo");
        let enrolments: i64 = academy::run_query!(read &db, |c| sqlx::query_scalar("select count(*) from enrolments").fetch_one(c).await).unwrap();

        let (out, second, stderr) = output(academy(&database, dir.path()).tap_arg("seed-demo")).await;
        assert!(out.status.success(), "{stderr}");
        assert!(!second.contains("password: "), "no password is shown twice:\n{second}");
        assert_eq!(second.matches("already present").count(), 3, "{second}");
        assert_eq!(users_snapshot(&db).await, before, "a second run changes nothing");
        let again: i64 = academy::run_query!(read &db, |c| sqlx::query_scalar("select count(*) from enrolments").fetch_one(c).await).unwrap();
        assert_eq!(again, enrolments);
        let certificates_again: i64 = academy::run_query!(read &db, |c| sqlx::query_scalar("select count(*) from certificates").fetch_one(c).await).unwrap();
        assert_eq!(certificates_again, 18);
        let entries_again: i64 = academy::run_query!(read &db, |c| sqlx::query_scalar("select count(*) from cpd_entries").fetch_one(c).await).unwrap();
        assert_eq!(entries_again, 17 + 7, "a verified entry per completion (a reissue moves it), and the nurse's own");
    }

    async fn create_admin_creates_then_promotes(backend) {
        let database = TestDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let (out, stdout, stderr) =
            create_admin(&database, dir.path(), &["--email", " Chief.Nurse@Example.org ", "--name", "Grace Ellis"], "a long enough passphrase").await;
        assert!(out.status.success(), "{stderr}");
        assert_eq!(stdout, "chief.nurse@example.org was created as an admin.\n");
        let db = database.connect().await;
        assert_eq!(role_of(&db, "chief.nurse@example.org").await.as_deref(), Some("admin"));

        let (out, _, stderr) = output(academy(&database, dir.path()).tap_arg("seed-demo")).await;
        assert!(out.status.success(), "{stderr}");
        assert_eq!(role_of(&db, "sam.taylor@example.com").await.as_deref(), Some("learner"));
        let (out, stdout, stderr) =
            create_admin(&database, dir.path(), &["--email", "SAM.TAYLOR@example.com", "--name", "Sam Taylor"], "another long passphrase").await;
        assert!(out.status.success(), "{stderr}");
        assert_eq!(stdout, "sam.taylor@example.com is now an admin (name and password updated).\n");
        assert_eq!(role_of(&db, "sam.taylor@example.com").await.as_deref(), Some("admin"));
        assert_eq!(users_snapshot(&db).await.len(), 4 + DEMO_CROWD, "promoting adds no account");
    }

    async fn create_admin_refuses_bad_input_changing_nothing(backend) {
        let database = TestDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let (out, stdout, stderr) =
            create_admin(&database, dir.path(), &["--email", "not-an-email", "--name", "  "], "short").await;
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("nothing was changed"), "{stderr}");
        assert!(stderr.contains("--email: Enter an email address in the correct format, like name@example.com"), "{stderr}");
        assert!(stderr.contains("--name: Enter the admin's full name"), "{stderr}");
        assert!(stderr.contains("password: Password must be 10 characters or more"), "{stderr}");
        assert!(!stderr.contains("short\n"), "the password is never echoed");

        let (out, _, stderr) = create_admin(&database, dir.path(), &["--email", "ok@example.org", "--name", "Ok"], "").await;
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("Password must be 10 characters or more"), "{stderr}");

        let (out, _, stderr) = output(academy(&database, dir.path()).tap_arg("migrate")).await;
        assert!(out.status.success(), "{stderr}");
        assert!(users_snapshot(&database.connect().await).await.is_empty(), "no account was made");
    }

    async fn serve_demo_runs_on_an_empty_database_and_stops_on_sigterm(backend) {
        let database = TestDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let mut command = academy(&database, dir.path());
        command
            .args(["serve", "--demo"])
            .env("ACADEMY_BIND", "127.0.0.1:0")
            .env("ACADEMY_METRICS_BIND", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("spawn serve");
        let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
        let (mut site, mut metrics, mut seen) = (None, None, String::new());
        while site.is_none() || metrics.is_none() {
            let line = tokio::time::timeout(Duration::from_secs(30), log.next_line())
                .await
                .expect("serve starts within 30 s")
                .unwrap()
                .unwrap_or_else(|| panic!("serve exited early:\n{seen}"));
            seen.push_str(&line);
            seen.push('\n');
            if let Some(rest) = line.split("Academy is listening on ").nth(1) {
                site = Some(rest.trim().to_owned());
            }
            if let Some(rest) = line.split("metrics are served on ").nth(1) {
                metrics = Some(rest.trim().to_owned());
            }
        }
        let (site, metrics) = (site.unwrap(), metrics.unwrap());
        let client = crate::support::http_client();
        assert_eq!(client.get(format!("{site}/readyz")).send().await.unwrap().status(), 200);
        assert_eq!(client.get(format!("{site}/")).send().await.unwrap().status(), 200);
        assert_eq!(client.get(format!("{site}/metrics")).send().await.unwrap().status(), 404, "metrics only on their own address");
        let scraped = client.get(&metrics).send().await.unwrap();
        assert_eq!(scraped.status(), 200);
        assert!(scraped.text().await.unwrap().contains("http_requests_total"));

        let pid = child.id().expect("pid").to_string();
        let killed = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let status = tokio::time::timeout(Duration::from_secs(20), child.wait()).await.expect("stops").unwrap();
        assert!(status.success(), "SIGTERM is a clean stop: {status:?}");
        while let Ok(Some(line)) = log.next_line().await {
            seen.push_str(&line);
            seen.push('\n');
        }
        assert!(seen.contains("Academy stopped"), "{seen}");
        let mut stdout = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).await.unwrap();
        assert!(stdout.starts_with("Demo content added."), "{stdout}");
        assert_eq!(users_snapshot(&database.connect().await).await.len(), 3 + DEMO_CROWD);
    }
}

/// `command.tap_arg("x")` adds an argument and hands the command back.
trait TapArg {
    fn tap_arg(self, arg: &str) -> Self;
}

impl TapArg for Command {
    fn tap_arg(mut self, arg: &str) -> Self {
        self.arg(arg);
        self
    }
}
