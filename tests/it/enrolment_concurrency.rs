//! Seats are never oversold: hundreds of simultaneous requests, double clicks included, on
//! both databases, and two server processes sharing one database.

use academy::db::DbError;
use academy::db::enrolments::{self, SeatClaim};
use academy::db::users::Role;
use academy::db::writes::Writes;
use academy::domain::enrolment::Status;
use academy::enrolment::learner::{self, Choice};
use academy::enrolment::{Actor, EnrolmentCtx};
use academy::published::PublishedContent;
use chrono::{NaiveDate, Utc};
use tokio::task::JoinSet;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::PASSWORD;
use crate::support::app::Browser;
use crate::support::enrolment::{add_cohort, add_cohort_starting, add_course, nhs_place};
use crate::support::learning::{text, write};
use crate::support::process::second_process;

const SEATS: i64 = 20;

/// `count` verified NHS learners, each signed in on a browser of their own.
async fn signed_in_learners(app: &TestApp, count: usize) -> Vec<Browser> {
    let mut browsers = Vec::with_capacity(count);
    for n in 0..count {
        let email = format!("learner{n}@nhs.net");
        app.create_user(&email, Role::Learner, true).await;
        let browser = app.another_browser();
        assert_eq!(browser.sign_in(&email, PASSWORD).await.status(), 303);
        browsers.push(browser);
    }
    browsers
}

/// Sends every request at once (each with its learner's CSRF token, fetched beforehand);
/// returns the status codes. A 503 ("busy, nothing was changed, try again in a few
/// seconds": no connection came free in time, which a loaded CI machine can cause) is
/// tried again as its page asks, up to three times.
async fn race(requests: Vec<(Browser, String)>, cohort: i64) -> Vec<u16> {
    let mut prepared = Vec::new();
    for (browser, base) in requests {
        let token = browser.csrf_token().await;
        prepared.push((browser, base, token));
    }
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(prepared.len()));
    let mut set = JoinSet::new();
    for (browser, base, token) in prepared {
        let start = start.clone();
        set.spawn(async move {
            start.wait().await;
            let mut tries = 0;
            loop {
                let status = browser
                    .client
                    .post(format!("{base}/cohorts/{cohort}/enrol"))
                    .form(&[("funding", "free"), ("csrf_token", &token)])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                tries += 1;
                if status != 503 || tries == 4 {
                    return status;
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
    }
    set.join_all().await
}

async fn assert_exactly_full(app: &TestApp, learners: i64) {
    assert_eq!(
        app.count("select count(*) from enrolments where status = 'confirmed'")
            .await,
        SEATS
    );
    assert_eq!(
        app.count("select count(*) from enrolments where status = 'waitlisted'")
            .await,
        learners - SEATS
    );
    assert_eq!(app.count("select seats_taken from cohorts").await, SEATS);
    assert_eq!(
        app.count("select count(*) from enrolments").await,
        learners,
        "one enrolment per learner"
    );
    let numbers = app
        .count("select count(distinct waitlist_number) from enrolments where waitlist_number is not null")
        .await;
    assert_eq!(
        numbers,
        learners - SEATS,
        "no two learners share a queue number"
    );
    app.assert_seats_add_up().await;
}

/// An open cohort of ten places with sessions, and a verified NHS learner's row.
async fn cohort_and_nurse(app: &TestApp) -> (i64, academy::db::users::User) {
    let course = add_course(app, "Human factors").await;
    let cohort = add_cohort(app, course, "May 2026 cohort", 10).await;
    let user_id = app.create_user("nurse@nhs.net", Role::Learner, true).await;
    let user = academy::db::users::find(&app.state.db, user_id)
        .await
        .unwrap()
        .unwrap();
    (cohort, user)
}

backend_tests! {
    async fn a_seat_is_taken_in_one_go_only_while_everything_read_before_is_still_so(backend) {
        let app = TestApp::spawn(backend).await;
        let db = app.state.db.clone();
        let course = add_course(&app, "Human factors").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 3).await;
        let mut learners = Vec::new();
        for n in 0..5 {
            learners.push(app.create_user(&format!("nurse{n}@nhs.net"), Role::Learner, true).await);
        }
        let version = academy::db::published::content_version(&db).await.unwrap();
        let now = Utc::now();
        let take = |user_id: i64, fee_pence: i64, content_version: i64| {
            let db = db.clone();
            async move {
                let claim = SeatClaim { cohort_id: cohort, user_id, course_id: course, fee_pence, content_version };
                let place = |enrolment_id| {
                    let mut writes = Writes::new(db.backend());
                    let new = nhs_place(user_id, cohort, Status::Confirmed, None);
                    enrolments::push_event(&mut writes, enrolment_id, (None, Status::Confirmed), None, "", now);
                    Ok::<_, DbError>((new.with_id(enrolment_id, now), writes))
                };
                enrolments::take_and_write(&db, claim, place).await.unwrap()
            }
        };
        let written = || app.count("select (select count(*) from enrolments) * 100 + (select count(*) from enrolment_events) * 10 + (select seats_taken from cohorts)");
        assert_eq!(take(learners[0], 20_000, version).await, None, "the fee changed since it was read");
        assert_eq!(take(learners[0], 25_000, version + 1).await, None, "the content changed since it was read");
        assert_eq!(written().await, 0, "nothing written for a seat not taken");
        let first = take(learners[0], 25_000, version).await.expect("a seat");
        assert_eq!(app.status_of(first).await, "confirmed");
        assert_eq!(take(learners[0], 25_000, version).await, None, "one place per learner");
        assert_eq!(written().await, 111);

        // Places written the long way (with ids this process's one-go path did not hand
        // out) come first; the next place in one go still takes the id after theirs.
        let long_way = |user_id, status, waitlist_number| {
            let db = db.clone();
            async move {
                let new = nhs_place(user_id, cohort, status, waitlist_number);
                let mut tx = db.begin().await.unwrap();
                let row = enrolments::insert(&mut tx, &new, now).await.unwrap();
                tx.commit().await.unwrap();
                row.enrolment_id
            }
        };
        let cancelled = long_way(learners[1], Status::Cancelled, None).await;
        let second = take(learners[2], 25_000, version).await.expect("a seat");
        assert_eq!(second, cancelled + 1);
        let waiting = long_way(learners[1], Status::Waitlisted, Some(1)).await;
        assert_eq!(take(learners[3], 25_000, version).await, None, "someone is queueing");
        write(&app, &format!("update enrolments set status = 'cancelled' where enrolment_id = {waiting}")).await;
        write(&app, &format!("update cohorts set waitlisted = 0 where cohort_id = {cohort}")).await;
        let third = take(learners[3], 25_000, version).await.expect("a seat");
        assert!(third > waiting, "{third} after {waiting}");
        assert_eq!(take(learners[4], 25_000, version).await, None, "full");
        assert_eq!(app.count("select count(*) from enrolment_events").await, 3, "history of the three places alone");

        let mut tx = db.begin().await.unwrap();
        academy::db::courses::set_published(&mut tx, course, false, app.clock().now()).await.unwrap();
        tx.commit().await.unwrap();
        write(&app, &format!("update cohorts set capacity = 10 where cohort_id = {cohort}")).await;
        let version = academy::db::published::content_version(&db).await.unwrap();
        assert_eq!(take(learners[4], 25_000, version).await, None, "unpublished since it was read");
        assert_eq!(app.count("select seats_taken from cohorts").await, 3);
        app.assert_seats_add_up().await;
    }

    async fn a_free_place_taken_against_content_that_has_since_changed_is_written_from_the_content_as_it_is(backend) {
        let app = TestApp::spawn(backend).await;
        let (cohort, user) = cohort_and_nurse(&app).await;
        let user_id = user.user_id;
        // The content as this process loaded it, and never again unless a page asks.
        let loaded = PublishedContent::load_unwatched(app.state.db.clone()).await.unwrap();
        let version = loaded.latest().version;
        assert!(loaded.latest().course_of_cohort(cohort).is_some());
        // Another process renames the first session.
        write(&app, &format!(
            "update cohort_sessions set title = 'Systems thinking' \
             where cohort_id = {cohort} and title = 'Session 1'"
        )).await;
        let ctx = EnrolmentCtx { published: &loaded, ..app.state.enrolment() };
        let actor = Actor { user_id: Some(user_id), client: Some("192.0.2.7") };
        let enrolled = learner::enrol(ctx, &user, cohort, Choice::Free, actor).await.unwrap();
        assert_eq!(loaded.latest().version, version, "the place was taken against the old content");
        assert_eq!(enrolled.status, Status::Confirmed);
        let id = enrolled.enrolment_id;
        let calendar = text(&app, &format!(
            "select attachment_body from email_outbox where kind = 'place_confirmed' and user_id = {user_id}"
        )).await;
        assert!(calendar.contains("Human factors: Systems thinking"), "{calendar}");
        assert!(!calendar.contains("Session 1"), "{calendar}");
        assert_eq!(app.count("select count(*) from email_outbox").await, 1, "one mail");
        assert_eq!(app.count(&format!("select count(*) from enrolment_events where enrolment_id = {id}")).await, 1);
        assert_eq!(app.count(&format!(
            "select count(*) from audit_events where action = 'enrolment.created' and subject_user_id = {user_id}"
        )).await, 1);
        app.assert_seats_add_up().await;
    }

    async fn a_free_place_taken_against_current_content_writes_its_history_audit_and_calendar(backend) {
        let app = TestApp::spawn(backend).await;
        let (cohort, user) = cohort_and_nurse(&app).await;
        let user_id = user.user_id;
        app.state.published.view().await.unwrap();
        let actor = Actor { user_id: Some(user_id), client: Some("192.0.2.7") };
        let ctx = app.state.enrolment();
        let first = learner::enrol(ctx, &user, cohort, Choice::Free, actor).await.unwrap();
        let again = learner::enrol(ctx, &user, cohort, Choice::Free, actor).await.unwrap();
        assert!(!first.existing && again.existing, "{first:?} {again:?}");
        assert_eq!(again.enrolment_id, first.enrolment_id);
        let id = first.enrolment_id;
        assert_eq!(app.status_of(id).await, "confirmed");
        let history = text(&app, &format!("select to_status from enrolment_events where enrolment_id = {id}")).await;
        assert_eq!(history, "confirmed");
        let detail = text(&app, &format!(
            "select detail || ' ' || client_address from audit_events \
             where action = 'enrolment.created' and subject_user_id = {user_id}"
        )).await;
        assert_eq!(detail, format!("{} confirmed 192.0.2.7", academy::domain::enrolment::reference(id)));
        let calendar = text(&app, &format!(
            "select attachment_body from email_outbox where kind = 'place_confirmed' and user_id = {user_id}"
        )).await;
        assert!(calendar.contains("Human factors: Session 1") && calendar.contains("Human factors: Session 2"), "{calendar}");
        // The next place takes the next id, past one whose row is gone.
        let other = app.create_user("midwife@nhs.net", Role::Learner, true).await;
        write(&app, &format!("delete from enrolment_events where enrolment_id = {id}")).await;
        write(&app, &format!("delete from enrolments where enrolment_id = {id}")).await;
        let other = academy::db::users::find(&app.state.db, other).await.unwrap().unwrap();
        let next = learner::enrol(ctx, &other, cohort, Choice::Free, actor).await.unwrap();
        assert!(next.enrolment_id > id, "{} after {id}", next.enrolment_id);
    }

    async fn five_hundred_requests_for_twenty_seats_never_oversell(backend) {
        let app = busy_app(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", SEATS).await;
        let learners = signed_in_learners(&app, 500).await;
        let base = format!("http://{}", app.address);
        let requests = learners.iter().map(|b| (b.clone(), base.clone())).collect();
        let statuses = race(requests, cohort).await;
        assert_eq!(statuses.len(), 500);
        assert!(statuses.iter().all(|s| *s == 303), "every request is answered: {statuses:?}");
        assert_exactly_full(&app, 500).await;
        // Positions 1..480: the queue numbers are exactly 1..480, so ranks have no gaps.
        assert_eq!(app.count("select max(waitlist_number) from enrolments").await, 480);
        let last = app.count("select enrolment_id from enrolments where waitlist_number = 480").await;
        let owner = app.count(&format!("select user_id from enrolments where enrolment_id = {last}")).await;
        let browser = &learners[usize::try_from(owner - 1).unwrap()];
        let (_, page) = browser.get_text(&format!("/enrolments/{last}")).await;
        assert!(page.contains("You are number 480 in the queue"), "{page}");
    }

    async fn simultaneous_double_clicks_make_one_enrolment_each(backend) {
        let app = busy_app(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 5).await;
        let learners = signed_in_learners(&app, 30).await;
        let base = format!("http://{}", app.address);
        let requests = learners
            .iter()
            .flat_map(|b| std::iter::repeat_n((b.clone(), base.clone()), 3))
            .collect();
        let statuses = race(requests, cohort).await;
        assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
        assert_eq!(app.count("select count(*) from enrolments").await, 30);
        assert_eq!(app.count("select count(*) from enrolments where status = 'confirmed'").await, 5);
        app.assert_seats_add_up().await;
    }

    async fn two_server_processes_sharing_one_database_never_oversell(backend) {
        let app = busy_app(backend).await;
        // The second process runs on the real clock: bring the test clock to it.
        app.clock().advance(Utc::now() - app.clock().now());
        let course = add_course(&app, "Human factors in patient safety").await;
        let starts = NaiveDate::from_ymd_opt(2030, 1, 7).unwrap();
        let cohort = add_cohort_starting(&app, course, "January 2030 cohort", SEATS, starts).await;
        let (mut other, other_base) = second_process(&app).await;

        let learners = signed_in_learners(&app, 500).await;
        let here = format!("http://{}", app.address);
        let requests = learners
            .iter()
            .enumerate()
            .map(|(n, b)| (b.clone(), if n % 2 == 0 { here.clone() } else { other_base.clone() }))
            .collect();
        let statuses = race(requests, cohort).await;
        assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
        assert_exactly_full(&app, 500).await;
        other.kill().await.ok();
    }
}

/// Hundreds of sign-ins come from one address here; the per-address limit would refuse them.
async fn busy_app(backend: crate::support::Backend) -> TestApp {
    let settings = [("ACADEMY_ADDRESS_ATTEMPTS_PER_MINUTE", "100000")];
    TestApp::spawn_with(backend, &settings, axum::Router::new()).await
}
