//! Learning fixtures: a course with outcomes and a two-session cohort of named NHS
//! learners with confirmed places, the clock moved past a session, registers filled in
//! as the page sends them.

use academy::run_query;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use reqwest::StatusCode;

use super::TestApp;
use super::accounts::{PASSWORD, location};
use super::app::Browser;
use super::enrolment::{add_cohort, add_course, admin, enrol, enrolment_id, learner};

/// The outcomes every fixture course has, one per line.
pub const OUTCOMES: &str = "Describe a systems approach\nPlan an investigation";

pub struct Learner {
    pub browser: Browser,
    pub email: String,
    pub enrolment: i64,
}

pub struct Cohort {
    pub admin: Browser,
    pub course: i64,
    pub cohort: i64,
    /// The two live sessions, in order: 4 and 18 May 2026, 9:30 to 12:30 UK time.
    pub sessions: Vec<i64>,
    pub learners: Vec<Learner>,
}

/// A published course (with [`OUTCOMES`]) and its cohort of `capacity` places, with one
/// NHS learner per name enrolled in order (those beyond capacity wait).
pub async fn cohort_with(app: &TestApp, capacity: i64, names: &[&str]) -> Cohort {
    let admin = admin(app).await;
    let course = add_course(app, "Learning from patient safety incidents").await;
    let cohort = add_cohort(app, course, "May 2026 cohort", capacity).await;
    write(
        app,
        &format!("update courses set learning_outcomes = '{OUTCOMES}' where course_id = {course}"),
    )
    .await;
    let mut learners = Vec::new();
    for name in names {
        let email = format!("{}@nhs.net", name.to_lowercase());
        let browser = learner(app, &email).await;
        write(
            app,
            &format!("update users set full_name = '{name}' where email = '{email}'"),
        )
        .await;
        let enrolment = enrolment_id(&enrol(&browser, cohort, &[("funding", "free")]).await);
        learners.push(Learner {
            browser,
            email,
            enrolment,
        });
    }
    let sessions = ids(
        app,
        &format!(
            "select cohort_session_id from cohort_sessions where cohort_id = {cohort} \
             order by starts_at"
        ),
    )
    .await;
    Cohort {
        admin,
        course,
        cohort,
        sessions,
        learners,
    }
}

/// Runs one statement on the app's database.
pub async fn write(app: &TestApp, sql: &str) {
    let db = app.database.connect().await;
    run_query!(write & db, |c| sqlx::query(sql)
        .execute(c)
        .await
        .map(|_| ()))
    .unwrap();
}

/// The ids a query selects.
pub async fn ids(app: &TestApp, sql: &str) -> Vec<i64> {
    let db = app.database.connect().await;
    run_query!(read & db, |c| sqlx::query_scalar::<_, i64>(sql)
        .fetch_all(c)
        .await)
    .unwrap()
}

/// A text a query selects.
pub async fn text(app: &TestApp, sql: &str) -> String {
    let db = app.database.connect().await;
    run_query!(read & db, |c| sqlx::query_scalar::<_, String>(sql)
        .fetch_one(c)
        .await)
    .unwrap()
}

/// When session `n` (0 or 1) of the fixture cohort starts and ends.
pub fn session_times(n: usize) -> (DateTime<Utc>, DateTime<Utc>) {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 5, 4).unwrap() + Duration::days(14 * n as i64);
    let start =
        academy::domain::london::to_utc(day, NaiveTime::from_hms_opt(9, 30, 0).unwrap()).unwrap();
    (start, start + Duration::hours(3))
}

/// Moves the clock to `at` (forward only).
pub fn move_clock_to(app: &TestApp, at: DateTime<Utc>) {
    let now = app.clock().now();
    assert!(at >= now, "the clock only moves forward");
    app.clock().advance(at - now);
}

impl Cohort {
    /// Moves the clock to `at`, and signs everyone in again (sessions end when idle).
    pub async fn move_to(&self, app: &TestApp, at: DateTime<Utc>) {
        move_clock_to(app, at);
        let signed_in = self.admin.sign_in("admin@academy.example", PASSWORD).await;
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
        for learner in &self.learners {
            learner.browser.sign_in(&learner.email, PASSWORD).await;
        }
    }

    /// An hour into session `n`.
    pub async fn during_session(&self, app: &TestApp, n: usize) {
        self.move_to(app, session_times(n).0 + Duration::hours(1))
            .await;
    }

    /// Just after the last session: the cohort is over.
    pub async fn after_the_cohort(&self, app: &TestApp) {
        self.move_to(app, session_times(1).1 + Duration::minutes(1))
            .await;
    }

    pub fn register_path(&self, n: usize) -> String {
        format!("/admin/sessions/{}/attendance", self.sessions[n])
    }

    /// Saves session `n`'s register as the page sends it, with these learners' marks
    /// (index, mark, note) changed; answers where it led.
    pub async fn take_register(&self, n: usize, marks: &[(usize, &str, &str)]) -> String {
        let path = self.register_path(n);
        let mut form = self.admin.form_on(&path, &path).await.set("action", "save");
        for (index, mark, note) in marks {
            let id = self.learners[*index].enrolment;
            form = form
                .set(&format!("attendance_{id}"), mark)
                .set(&format!("note_{id}"), note);
        }
        let response = self.admin.submit(&form).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "the register saves"
        );
        location(&response)
    }

    /// Marks these learners (by index) present at session `n`; the others keep theirs.
    pub async fn present_at(&self, n: usize, present: &[usize]) {
        let marks: Vec<(usize, &str, &str)> = present.iter().map(|i| (*i, "present", "")).collect();
        self.take_register(n, &marks).await;
    }
}
