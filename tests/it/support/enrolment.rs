//! Enrolment fixtures: a course with a cohort open for enrolment, signed-in learners, the
//! fake card provider wired in, and the seat invariant every test ends with.

use academy::db::cohorts::{self, CohortFields};
use academy::db::courses::{self, CourseFields};
use academy::db::enrolments::NewEnrolment;
use academy::db::users::Role;
use academy::domain::catalogue::{CohortStatus, Format, Level};
use academy::domain::enrolment::{Funding, Status};
use academy::domain::learning::CompletionRule;
use academy::domain::london;
use axum::Router;
use chrono::{Duration, NaiveDate, NaiveTime};

use super::accounts::{PASSWORD, location};
use super::app::Browser;
use super::fake_stripe::FakeStripe;
use super::{Backend, TestApp};

/// A published course costing £250 for external learners.
pub async fn add_course(app: &TestApp, title: &str) -> i64 {
    let slug = academy::domain::slug::slugify(title);
    let fields = CourseFields {
        slug: &slug,
        title,
        summary: "How to investigate patient safety incidents.",
        description: "About the course.",
        who_for: "Everyone",
        learning_outcomes: "Outcome",
        level: Level::Intermediate,
        format: Format::OnlineLive,
        duration: "6 weeks",
        cpd_minutes: 18 * 60,
        accreditation: "CPD accredited",
        accreditation_reference: "",
        fee_pence: 25_000,
        published: true,
        completion_rule: CompletionRule::Attendance,
        sessions_required: None,
        evaluation_required: false,
    };
    let mut tx = app.state.db.begin().await.unwrap();
    let id = courses::insert(&mut tx, &fields, app.clock().now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// An open cohort taking enrolments now, starting on 4 May 2026 with two live sessions.
pub async fn add_cohort(app: &TestApp, course_id: i64, name: &str, capacity: i64) -> i64 {
    add_cohort_starting(
        app,
        course_id,
        name,
        capacity,
        NaiveDate::from_ymd_opt(2026, 5, 4).unwrap(),
    )
    .await
}

pub async fn add_cohort_starting(
    app: &TestApp,
    course_id: i64,
    name: &str,
    capacity: i64,
    starts_on: NaiveDate,
) -> i64 {
    let now = app.clock().now();
    let fields = CohortFields {
        course_id,
        name,
        starts_on,
        ends_on: starts_on + Duration::days(28),
        enrol_opens_at: now - Duration::days(7),
        enrol_closes_at: now + Duration::days(30),
        capacity,
        status: CohortStatus::Open,
        delivery_notes: "",
    };
    let mut tx = app.state.db.begin().await.unwrap();
    let id = cohorts::insert(&mut tx, &fields, now).await.unwrap();
    for (n, offset) in [0, 14].into_iter().enumerate() {
        let day = starts_on + Duration::days(offset);
        let start = london::to_utc(day, NaiveTime::from_hms_opt(9, 30, 0).unwrap()).unwrap();
        cohorts::insert_session(
            &mut tx,
            id,
            &format!("Session {}", n + 1),
            start,
            start + Duration::hours(3),
            "https://meet.example/room-42",
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

/// A verified learner signed in on a browser of their own. `@nhs.net` addresses are NHS.
pub async fn learner(app: &TestApp, email: &str) -> Browser {
    app.create_user(email, Role::Learner, true).await;
    let browser = app.another_browser();
    let response = browser.sign_in(email, PASSWORD).await;
    assert_eq!(response.status(), 303, "{email} signs in");
    browser
}

pub async fn admin(app: &TestApp) -> Browser {
    app.create_user("admin@academy.example", Role::Admin, true)
        .await;
    let browser = app.another_browser();
    browser.sign_in("admin@academy.example", PASSWORD).await;
    browser
}

/// Posts the enrol form; returns where the app sent the learner.
pub async fn enrol(browser: &Browser, cohort_id: i64, fields: &[(&str, &str)]) -> String {
    let response = browser
        .post_form(&format!("/cohorts/{cohort_id}/enrol"), fields)
        .await;
    if response.status() != 303 {
        let status = response.status();
        panic!(
            "enrolling redirects, not {status}: {}",
            response.text().await.unwrap()
        );
    }
    location(&response)
}

/// The enrolment id in a `/enrolments/{id}…` location.
pub fn enrolment_id(location: &str) -> i64 {
    location
        .trim_start_matches("/enrolments/")
        .split(['?', '/'])
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an enrolment location: {location}"))
}

pub const INVOICE: &[(&str, &str)] = &[
    ("funding", "invoice"),
    ("organisation", "Example Healthcare Ltd"),
    ("billing_email", "finance@example.com"),
    ("billing_address", "1 High Street\nLeeds\nLS1 1AA"),
    ("purchase_order", "PO-1234"),
];

/// The fee-paying form with "By card" chosen: its invoice boxes are sent empty.
pub const CARD: &[(&str, &str)] = &[
    ("funding", "card"),
    ("organisation", ""),
    ("billing_email", ""),
    ("billing_address", ""),
    ("purchase_order", ""),
];

/// An app with the fake card provider configured.
pub async fn app_with_cards(backend: Backend) -> (TestApp, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let base = stripe.base_url.to_string();
    let origin = base.trim_end_matches('/').to_owned();
    let app = TestApp::spawn_with(
        backend,
        &[
            ("ACADEMY_STRIPE_SECRET_KEY", FakeStripe::SECRET_KEY),
            ("ACADEMY_STRIPE_WEBHOOK_SECRET", FakeStripe::WEBHOOK_SECRET),
            ("ACADEMY_STRIPE_API_BASE", &base),
            ("ACADEMY_STRIPE_CHECKOUT_ORIGIN", &origin),
        ],
        Router::new(),
    )
    .await;
    (app, stripe)
}

/// Cohorts whose kept waiting or finished count is not what their places say.
pub const PLACE_COUNTS_WRONG: &str = "select count(*) from cohorts h where h.waitlisted <> (select count(*) from enrolments e \
     where e.cohort_id = h.cohort_id and e.status = 'waitlisted') \
     or h.finished <> (select count(*) from enrolments e where e.cohort_id = h.cohort_id \
     and e.status in ('completed', 'not_completed'))";

impl TestApp {
    /// Every cohort's taken seats equal its seat-holding enrolments (plus nothing else).
    pub async fn assert_seats_add_up(&self) {
        let mismatched = self
            .count(
                "select count(*) from cohorts h where h.seats_taken <> (select count(*) from enrolments e \
                 where e.cohort_id = h.cohort_id and e.status in \
                 ('awaiting_payment', 'awaiting_invoice', 'confirmed', 'offered'))",
            )
            .await;
        assert_eq!(
            mismatched, 0,
            "seats_taken must equal the seat-holding enrolments"
        );
        let oversold = self
            .count("select count(*) from cohorts where seats_taken > capacity and not exists \
                    (select 1 from enrolments e where e.cohort_id = cohorts.cohort_id and e.over_capacity)")
            .await;
        assert_eq!(oversold, 0, "no cohort is oversold");
        let miscounted = self.count(PLACE_COUNTS_WRONG).await;
        assert_eq!(
            miscounted, 0,
            "each cohort's waiting and finished counts are its places"
        );
    }

    pub async fn status_of(&self, enrolment_id: i64) -> String {
        let db = self.database.connect().await;
        academy::run_query!(read & db, |c| sqlx::query_scalar::<_, String>(
            "select status from enrolments where enrolment_id = $1"
        )
        .bind(enrolment_id)
        .fetch_one(c)
        .await)
        .unwrap()
    }

    /// Sends a webhook to the app as the provider would.
    pub async fn post_webhook(&self, body: &str, signature: &str) -> reqwest::StatusCode {
        crate::support::http_client()
            .post(format!("http://{}/payments/webhook", self.address))
            .header("content-type", "application/json")
            .header("stripe-signature", signature)
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
            .status()
    }
}

/// A free NHS place's row, before it has an id.
pub fn nhs_place(
    user_id: i64,
    cohort_id: i64,
    status: Status,
    waitlist_number: Option<i64>,
) -> NewEnrolment {
    NewEnrolment {
        user_id,
        cohort_id,
        status,
        funding: Some(Funding::NhsFree),
        fee_pence: 0,
        over_capacity: false,
        waitlist_number,
        hold_expires_at: None,
    }
}
