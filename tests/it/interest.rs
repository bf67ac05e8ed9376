//! "Tell me when the next cohort opens": confirmed by link, one email when a cohort opens,
//! unsubscribe by a page with a button, rate limited.

use academy::db::users::Role;
use axum::Router;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location, subject_of};

/// The seeded course with no cohort taking enrolments.
const WAITING: &str = "/courses/writing-safety-recommendations-that-lead-to-change";

async fn seeded(app: &TestApp) {
    academy::seed::seed_demo(&app.state).await.unwrap();
}

/// Adds and opens a cohort of the waiting course, as an admin in another browser.
async fn open_new_cohort(app: &TestApp) -> i64 {
    let admin = app.another_browser();
    if app
        .count("select count(*) from users where email = 'ops@example.org'")
        .await
        == 0
    {
        app.create_user("ops@example.org", Role::Admin, true).await;
    }
    admin.sign_in("ops@example.org", PASSWORD).await;
    let course = app.count("select course_id from courses where slug = 'writing-safety-recommendations-that-lead-to-change'").await;
    let form = [
        ("name", "New dates"),
        ("starts_day", "4"),
        ("starts_month", "5"),
        ("starts_year", "2026"),
        ("ends_day", "5"),
        ("ends_month", "5"),
        ("ends_year", "2026"),
        ("opens_day", "2"),
        ("opens_month", "3"),
        ("opens_year", "2026"),
        ("opens_time", "9:00"),
        ("closes_day", "30"),
        ("closes_month", "4"),
        ("closes_year", "2026"),
        ("closes_time", "17:00"),
        ("capacity", "20"),
        ("delivery_notes", ""),
        ("session_rows", "0"),
        ("action", "save"),
    ];
    admin
        .post_form(&format!("/admin/courses/{course}/cohorts"), &form)
        .await;
    let id = app.count("select max(cohort_id) from cohorts").await;
    assert_eq!(
        admin
            .post_form(&format!("/admin/cohorts/{id}/open"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    id
}

backend_tests! {
    async fn anyone_can_ask_to_hear_once_and_confirm_by_link(backend) {
        let app = TestApp::spawn(backend).await;
        seeded(&app).await;
        let (_, page) = app.get_text(WAITING).await;
        assert!(page.contains("Tell me when the next cohort opens") && page.contains(r#"id="interest_email""#));
        let (_, open_course) = app.get_text("/courses/human-factors-in-healthcare-an-introduction").await;
        assert!(!open_course.contains("Tell me when the next cohort opens"), "not offered while a cohort is taking enrolments");

        let bad = app.post_form(&format!("{WAITING}/interest"), &[("interest_email", "not an address")]).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(html.contains("There is a problem") && html.contains("Enter an email address in the correct format"));

        for _ in 0..2 {
            let asked = app.post_form(&format!("{WAITING}/interest"), &[("interest_email", "Curious@Example.org")]).await;
            assert_eq!(location(&asked), format!("{WAITING}?notice=interest-check-email#interest"));
        }
        assert_eq!(app.count("select count(*) from interests").await, 1, "one row per address and course");
        let link = app.link_mailed_to("curious@example.org", "/interest/confirm/").await;
        assert_eq!(app.get(&link).await.status(), StatusCode::OK, "the link opens a page and changes nothing");
        assert_eq!(app.count("select count(*) from interests where confirmed_at is not null").await, 0);
        let token = app.csrf_token_from(&link).await;
        let confirmed = app.client.post(app.url(&link)).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(confirmed.status(), StatusCode::OK);
        assert!(confirmed.text().await.unwrap().contains("You are on the list"));
        assert_eq!(app.get(&link).await.status(), StatusCode::NOT_FOUND, "used once");

        // Someone who never confirmed is never mailed about the cohort.
        app.another_browser().post_form(&format!("{WAITING}/interest"), &[("interest_email", "unsure@example.org")]).await;
        open_new_cohort(&app).await;
        let mails = app.mails_to("curious@example.org").await;
        let opened: Vec<_> = mails.iter().filter(|m| subject_of(m).starts_with("A new cohort of")).collect();
        assert_eq!(opened.len(), 1);
        assert!(app.mails_to("unsure@example.org").await.iter().all(|m| !subject_of(m).starts_with("A new cohort")));
        assert_eq!(app.count("select count(*) from interests where email = 'curious@example.org'").await, 0, "removed once told");

        // Closing and opening again mails nobody twice.
        let id = app.count("select max(cohort_id) from cohorts").await;
        let admin = app.another_browser();
        admin.sign_in("ops@example.org", PASSWORD).await;
        admin.post_form(&format!("/admin/cohorts/{id}/close"), &[]).await;
        admin.post_form(&format!("/admin/cohorts/{id}/open"), &[]).await;
        let again = app.mails_to("curious@example.org").await;
        assert_eq!(again.iter().filter(|m| subject_of(m).starts_with("A new cohort of")).count(), 1);
    }

    async fn a_signed_in_learner_asks_in_one_click(backend) {
        let app = TestApp::spawn(backend).await;
        seeded(&app).await;
        app.create_user("keen@nhs.net", Role::Learner, true).await;
        app.sign_in("keen@nhs.net", PASSWORD).await;
        let (_, page) = app.get_text(WAITING).await;
        assert!(!page.contains(r#"id="interest_email""#), "no address to type");
        let asked = app.post_form(&format!("{WAITING}/interest"), &[]).await;
        assert_eq!(location(&asked), format!("{WAITING}?notice=interest-saved#interest"));
        let (_, page) = app.get_text(&format!("{WAITING}?notice=interest-saved")).await;
        assert!(page.contains("You are on the list"));
        open_new_cohort(&app).await;
        let mails = app.mails_to("keen@nhs.net").await;
        assert_eq!(mails.iter().filter(|m| subject_of(m).starts_with("A new cohort of")).count(), 1);
    }

    async fn unsubscribing_takes_a_button_and_means_no_mail(backend) {
        let app = TestApp::spawn(backend).await;
        seeded(&app).await;
        app.post_form(&format!("{WAITING}/interest"), &[("interest_email", "bye@example.org")]).await;
        let confirm = app.link_mailed_to("bye@example.org", "/interest/confirm/").await;
        let token = app.csrf_token_from(&confirm).await;
        app.client.post(app.url(&confirm)).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        let unsubscribe = app.link_mailed_to("bye@example.org", "/interest/unsubscribe/").await;
        assert_eq!(app.get(&unsubscribe).await.status(), StatusCode::OK);
        assert_eq!(app.count("select count(*) from interests").await, 1, "a GET unsubscribes nobody");
        let token = app.csrf_token_from(&unsubscribe).await;
        let done = app.client.post(app.url(&unsubscribe)).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert!(done.text().await.unwrap().contains("You have unsubscribed"));
        assert_eq!(app.count("select count(*) from interests").await, 0);
        open_new_cohort(&app).await;
        assert!(app.mails_to("bye@example.org").await.iter().all(|m| !subject_of(m).starts_with("A new cohort")));
    }

    async fn the_interest_form_is_rate_limited(backend) {
        let app = TestApp::spawn_with(backend, &[("ACADEMY_ADDRESS_ATTEMPTS_PER_MINUTE", "2")], Router::new()).await;
        seeded(&app).await;
        for n in 0..2 {
            let asked = app.post_form(&format!("{WAITING}/interest"), &[("interest_email", &format!("p{n}@example.org"))]).await;
            assert_eq!(location(&asked), format!("{WAITING}?notice=interest-check-email#interest"));
        }
        let refused = app.post_form(&format!("{WAITING}/interest"), &[("interest_email", "p9@example.org")]).await;
        assert_eq!(location(&refused), format!("{WAITING}?notice=interest-too-many#interest"));
        assert_eq!(app.count("select count(*) from interests").await, 2);
        assert_eq!(app.post_form("/courses/no-such-course/interest", &[("interest_email", "x@example.org")]).await.status(), StatusCode::NOT_FOUND);
    }
}

backend_tests! {
    async fn nobody_can_break_a_confirmed_persons_unsubscribe_link(backend) {
        let app = TestApp::spawn(backend).await;
        seeded(&app).await;
        app.post_form(&format!("{WAITING}/interest"), &[("interest_email", "owner@example.org")]).await;
        let confirm = app.link_mailed_to("owner@example.org", "/interest/confirm/").await;
        let token = app.csrf_token_from(&confirm).await;
        app.client.post(app.url(&confirm)).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        let unsubscribe = app.link_mailed_to("owner@example.org", "/interest/unsubscribe/").await;

        let prankster = app.another_browser();
        prankster.post_form(&format!("{WAITING}/interest"), &[("interest_email", "owner@example.org")]).await;
        assert_eq!(app.get(&unsubscribe).await.status(), StatusCode::OK, "the owner's link still works");

        let typo = app.post_form(&format!("{WAITING}/interest"), &[("interest_email", "owner@@example.org")]).await;
        assert_eq!(typo.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(typo.text().await.unwrap().contains(r#"value="owner@@example.org""#), "what was typed is kept");
    }
}
