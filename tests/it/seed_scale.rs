//! `seed-scale` on a small fraction: every invariant the code relies on holds (seats,
//! one active place per learner and cohort, the queue's numbers, history, certificates,
//! payments), every stored enum decodes through the real reads, the pages answer; a second
//! run is refused and changes nothing; it adds to the demo content.

use academy::db::users::Role;
use academy::db::{Db, certificates, cohorts, courses, cpd, enrolments, published, reports, users};
use academy::seed::scale::{self, Progress, ScaleError, Size};
use reqwest::StatusCode;

use crate::backend_tests;
use crate::cli::{academy, output};
use crate::support::accounts::PASSWORD;
use crate::support::{TestApp, TestDatabase};

/// 1,000 learners, 2 courses and 20 cohorts (every phase), 10,000 places.
const FRACTION: f64 = 0.01;

async fn count(db: &Db, sql: &str) -> i64 {
    academy::run_query!(read db, |c| sqlx::query_scalar::<_, i64>(sql).fetch_one(c).await).unwrap()
}

async fn ids(db: &Db, sql: &str) -> Vec<i64> {
    academy::run_query!(read db, |c| sqlx::query_scalar::<_, i64>(sql).fetch_all(c).await).unwrap()
}

const HOLDING: &str = "('awaiting_payment', 'awaiting_invoice', 'confirmed', 'offered')";
const ACTIVE: &str =
    "('awaiting_payment', 'awaiting_invoice', 'confirmed', 'waitlisted', 'offered')";

/// The invariants over every cohort and place in the database (demo rows included).
async fn assert_invariants(db: &Db) {
    let wrong_seats = format!(
        "select count(*) from cohorts h where h.seats_taken > h.capacity or h.seats_taken <> \
         (select count(*) from enrolments e where e.cohort_id = h.cohort_id and e.status in {HOLDING})"
    );
    assert_eq!(
        count(db, &wrong_seats).await,
        0,
        "stored seats are the places held"
    );
    assert_eq!(
        count(db, crate::support::enrolment::PLACE_COUNTS_WRONG).await,
        0,
        "each cohort's waiting and finished counts are its places"
    );
    let doubled = format!(
        "select count(*) from (select user_id, cohort_id from enrolments where status in {ACTIVE} \
         group by user_id, cohort_id having count(*) > 1) d"
    );
    assert_eq!(
        count(db, &doubled).await,
        0,
        "one active place per learner per cohort"
    );
    let free_seat_with_queue = "select count(*) from cohorts h where h.seats_taken < h.capacity \
         and h.status = 'open' and exists (select 1 from enrolments e where e.cohort_id = h.cohort_id \
         and e.status = 'waitlisted')";
    assert_eq!(
        count(db, free_seat_with_queue).await,
        0,
        "a free seat would have been offered"
    );
    let beyond_sequence = "select count(*) from enrolments e join cohorts h on h.cohort_id = e.cohort_id \
         where e.waitlist_number > h.waitlist_last";
    assert_eq!(
        count(db, beyond_sequence).await,
        0,
        "numbers come from the cohort's sequence"
    );
    let no_history = "select count(*) from enrolments e where not exists \
         (select 1 from enrolment_events v where v.enrolment_id = e.enrolment_id and v.from_status is null)";
    assert_eq!(
        count(db, no_history).await,
        0,
        "every place has its first history row"
    );
    let history_behind = "select count(*) from enrolments e where e.status <> (select v.to_status \
         from enrolment_events v where v.enrolment_id = e.enrolment_id \
         order by v.enrolment_event_id desc limit 1)";
    assert_eq!(
        count(db, history_behind).await,
        0,
        "the last history row is the state"
    );
    // A replaced certificate's successor is the current one; a revoked one stays current.
    let uncertified = "select count(*) from enrolments e where e.status = 'completed' and not exists \
         (select 1 from certificates c where c.enrolment_id = e.enrolment_id and c.status <> 'replaced')";
    assert_eq!(
        count(db, uncertified).await,
        0,
        "every completion has its certificate"
    );
    let unentered = "select count(*) from certificates c where c.status <> 'replaced' and not exists \
         (select 1 from cpd_entries p where p.certificate_id = c.certificate_id)";
    assert_eq!(
        count(db, unentered).await,
        0,
        "every certificate has its verified CPD entry"
    );
}

/// Each cohort's waiting list is numbered 1..n, and a learner's position is that number.
async fn assert_queues(db: &Db) {
    let queued = ids(
        db,
        "select distinct cohort_id from enrolments where status = 'waitlisted'",
    )
    .await;
    assert!(!queued.is_empty(), "full cohorts have waiting lists");
    for cohort_id in queued {
        let sql = format!(
            "select enrolment_id from enrolments where cohort_id = {cohort_id} \
             and status = 'waitlisted' order by waitlist_number"
        );
        let waiting = ids(db, &sql).await;
        for (n, enrolment_id) in waiting.iter().enumerate() {
            let place = enrolments::find(db, *enrolment_id).await.unwrap().unwrap();
            assert_eq!(place.waitlist_number, Some(n as i64 + 1));
            if n == 0 || n + 1 == waiting.len() {
                let position = enrolments::waitlist_position(db, &place).await.unwrap();
                assert_eq!(position, Some(n as i64 + 1));
            }
        }
    }
}

/// Every enum column read back through the functions the pages use.
async fn assert_enums_decode(db: &Db, now: chrono::DateTime<chrono::Utc>) {
    for course in courses::choices(db).await.unwrap() {
        cohorts::for_course(db, course.course_id).await.unwrap();
    }
    // Every course, cohort, session, report and post the public pages load.
    assert!(!published::courses(db).await.unwrap().is_empty());
    published::visible_cohorts(db).await.unwrap();
    published::visible_sessions(db).await.unwrap();
    published::reports(db).await.unwrap();
    let sample = ids(
        db,
        "select min(enrolment_id) from enrolments group by status, funding",
    )
    .await;
    assert!(sample.len() >= 6, "{sample:?}");
    for enrolment_id in sample {
        let place = enrolments::find(db, enrolment_id).await.unwrap().unwrap();
        users::find(db, place.user_id).await.unwrap().unwrap();
        certificates::for_user(db, place.user_id).await.unwrap();
    }
    let admin = ids(db, "select user_id from users where role = 'admin'").await;
    users::find(db, admin[0]).await.unwrap().unwrap();
    let writers = ids(
        db,
        "select min(user_id) from cpd_entries group by kind, code_theme, feedback_source",
    )
    .await;
    assert!(writers.len() >= 5, "{writers:?}");
    for user_id in writers {
        let entries = cpd::list(db, user_id, &cpd::Filter::default(), 1_000, 0)
            .await
            .unwrap();
        assert!(!entries.is_empty());
    }
    for report_id in ids(db, "select report_id from reports order by report_id").await {
        reports::findings(db, report_id).await.unwrap();
    }
    let listed = published::posts(db).await.unwrap();
    assert!(
        listed
            .iter()
            .any(|p| p.kind.as_str() == "event" && p.publish_at <= now)
    );
}

backend_tests! {
    async fn a_small_scale_set_keeps_every_invariant(backend) {
        let app = TestApp::spawn(backend).await;
        // A Thursday: the cohort starting next week has its first session within 7 days.
        app.clock().advance(chrono::Duration::days(3));
        let added = scale::seed_scale(&app.state, Size::fraction(FRACTION), &mut Progress::quiet())
            .await
            .unwrap();
        let db = &app.state.db;
        assert_eq!((added.learners, added.courses, added.cohorts, added.enrolments), (1_000, 2, 20, 10_000));
        assert_eq!((added.reports + added.posts, added.audit_events, added.cpd_entries), (100, 10_000, 10_000));
        assert_eq!(count(db, "select count(*) from users").await, 1_001, "the learners and the scale admin");
        assert_eq!(count(db, "select count(*) from enrolments").await, 10_000);
        assert_eq!(count(db, "select count(*) from audit_events").await, 10_001, "and the run's own event");
        let states: Vec<String> = academy::run_query!(read db, |c| sqlx::query_scalar(
            "select distinct status from enrolments order by status").fetch_all(c).await).unwrap();
        assert_eq!(states, ["cancelled", "completed", "confirmed", "not_completed", "waitlisted"]);
        let phases: Vec<String> = academy::run_query!(read db, |c| sqlx::query_scalar(
            "select distinct status from cohorts order by status").fetch_all(c).await).unwrap();
        assert_eq!(phases, ["cancelled", "closed", "completed", "draft", "open"], "every cohort status");
        let unpaid = "select count(*) from enrolments e where e.funding = 'card' and e.status <> 'waitlisted' \
             and not exists (select 1 from payments p where p.enrolment_id = e.enrolment_id)";
        assert_eq!(count(db, unpaid).await, 0, "every card place has its payment");
        assert_invariants(db).await;
        assert_queues(db).await;
        assert_enums_decode(db, app.clock().now()).await;
        // Reminders sent, nothing held or offered, past cohorts beyond the evaluation's ask.
        app.run_background_jobs().await;
        assert_eq!(count(db, "select count(*) from email_outbox").await, 0, "no job finds work in it");

        app.create_user("admin@example.org", Role::Admin, true).await;
        app.sign_in("admin@example.org", PASSWORD).await;
        let course = ids(db, "select course_id from courses where published = true order by course_id limit 1").await;
        let course = courses::find(db, course[0]).await.unwrap().unwrap();
        let report: Vec<String> = academy::run_query!(read db, |c| sqlx::query_scalar(
            "select slug from reports where publish_at is not null and publish_at < $1 limit 1")
            .bind(app.clock().now()).fetch_all(c).await).unwrap();
        for path in [
            "/courses".to_owned(),
            academy::paths::course(&course.slug),
            "/reports".to_owned(),
            academy::paths::report(&report[0]),
            "/news".to_owned(),
            academy::paths::admin_cohorts().to_owned(),
        ] {
            let (status, body) = app.get_text(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
        }
        let (_, page) = app.get_text(&academy::paths::course(&course.slug)).await;
        assert!(page.contains(&course.title), "the course page names the course");
    }

    async fn a_second_run_is_refused_and_changes_nothing(backend) {
        let database = TestDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let mut first = academy(&database, dir.path());
        first.args(["seed-scale", "--fraction", "0.01"]);
        let (out, stdout, stderr) = output(first).await;
        assert!(out.status.success(), "{stderr}");
        assert!(stdout.starts_with("Added the scale data in "), "{stdout}");
        assert!(stderr.contains("seed-scale [") && stderr.contains("enrolments: 10000 rows"), "plain progress lines: {stderr}");
        let db = database.connect().await;
        let before = count(&db, "select count(*) from enrolments").await + count(&db, "select count(*) from users").await;

        let mut second = academy(&database, dir.path());
        second.args(["seed-scale", "--fraction", "0.01"]);
        let (out, stdout, stderr) = output(second).await;
        assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
        assert!(stderr.contains("this database already has the scale data"), "{stderr}");
        assert!(stderr.contains("nothing was changed"), "{stderr}");
        let after = count(&db, "select count(*) from enrolments").await + count(&db, "select count(*) from users").await;
        assert_eq!(after, before);

        let mut help = academy(&database, dir.path());
        help.args(["seed-scale", "--help"]);
        let (_, stdout, _) = output(help).await;
        assert!(stdout.contains("--fraction") && stdout.contains("refused"), "{stdout}");
    }

    async fn it_adds_to_the_demo_content(backend) {
        let app = TestApp::spawn(backend).await;
        let demo = academy::seed::seed_demo(&app.state).await.unwrap();
        let admin = demo.accounts.iter().find(|a| a.email == "admin@academy.example").unwrap();
        let password = admin.new_password.clone().unwrap();
        let demo_places = count(&app.state.db, "select count(*) from enrolments").await;
        let added = scale::seed_scale(&app.state, Size::fraction(0.002), &mut Progress::quiet())
            .await
            .unwrap();
        let db = &app.state.db;
        assert_eq!(count(db, "select count(*) from enrolments").await, demo_places + added.enrolments as i64);
        assert_invariants(db).await;
        let again = scale::seed_scale(&app.state, Size::fraction(0.002), &mut Progress::quiet()).await;
        assert!(matches!(again, Err(ScaleError::AlreadyThere)), "{again:?}");

        app.sign_in("admin@academy.example", &password).await;
        let (status, body) = app.get_text(academy::paths::admin_cohorts()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("Cohort starting"), "scale cohorts listed beside the demo's");
    }
}
