//! Certificate fixtures: a learner confirmed on a cohort whose sessions are over (what the
//! completion service will hand `issue_in`), and issuing through the library as it does.

use academy::certificates::{IssuedCertificate, issue_in};
use academy::db::users::{self, Profile};
use chrono::Duration;

use super::TestApp;
use super::accounts::PASSWORD;
use super::app::Browser;
use super::enrolment::{add_cohort, add_course, enrol, enrolment_id, learner};

/// A confirmed learner of a cohort that has ended.
pub struct Completed {
    pub browser: Browser,
    pub email: String,
    pub user_id: i64,
    pub course_id: i64,
    pub cohort_id: i64,
    pub enrolment_id: i64,
}

/// `email` (an `@nhs.net` address, so the place is confirmed at once) named `name`, on a
/// new course called `course` (18 CPD hours, two live sessions of 3 hours); the clock is
/// then moved past the cohort's end, which ends every session signed in before: the
/// learner's browser signs in again.
pub async fn completed(app: &TestApp, email: &str, name: &str, course: &str) -> Completed {
    let course_id = add_course(app, course).await;
    let cohort_id = add_cohort(app, course_id, "May 2026 cohort", 10).await;
    let browser = learner(app, email).await;
    let enrolment_id = enrolment_id(&enrol(&browser, cohort_id, &[("funding", "free")]).await);
    assert_eq!(app.status_of(enrolment_id).await, "confirmed");
    let user_id = app
        .count(&format!(
            "select user_id from users where email = '{email}'"
        ))
        .await;
    rename(app, user_id, email, name).await;
    // The cohort runs 4 May to 1 June 2026; the clock starts on 2 March. Every session
    // has ended by then, so everyone signs in again (sign in admins after this).
    app.clock().advance(Duration::days(100));
    let signed_in = browser.sign_in(email, PASSWORD).await;
    assert_eq!(signed_in.status(), 303, "{email} signs in again");
    Completed {
        browser,
        email: email.to_owned(),
        user_id,
        course_id,
        cohort_id,
        enrolment_id,
    }
}

/// Changes the name on a profile, as the profile page does.
pub async fn rename(app: &TestApp, user_id: i64, email: &str, name: &str) {
    let mut tx = app.state.db.begin().await.unwrap();
    let profile = Profile {
        full_name: name,
        organisation: "Example NHS Trust",
        job_role: "Staff nurse",
        professional_body: None,
        registration_number: None,
    };
    users::update_profile(&mut tx, user_id, email, &profile, app.clock().now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Issues the enrolment's certificate in a transaction of its own, as the completion
/// service does inside its own.
pub async fn issue(app: &TestApp, enrolment_id: i64) -> IssuedCertificate {
    let mut tx = app.state.db.begin().await.unwrap();
    let issued = issue_in(&mut tx, app.state.ctx(), enrolment_id, app.clock().now())
        .await
        .expect("the certificate is issued");
    tx.commit().await.unwrap();
    issued
}
