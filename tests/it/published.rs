//! The in-memory read model of published content: a write shows on the next request in the
//! process that made it, scheduled items appear at their time, another process sees an edit
//! within two seconds, and places left follow enrolments within about a second.

use std::time::{Duration as StdDuration, Instant};

use academy::db::courses;
use academy::db::posts::{self, PostFields};
use academy::db::publishable::{self, Kind};
use academy::db::reports::{self, ReportFields};
use academy::domain::content::PostKind;
use chrono::Duration;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::database::other_process_writes;
use crate::support::enrolment::{add_cohort, add_course, enrol, learner};
use crate::support::process::second_process;

async fn retitle_course(app: &TestApp, course_id: i64, title: &str) {
    let mut tx = app.state.db.begin().await.unwrap();
    academy::run_query!(tx &mut tx, |c| sqlx::query("update courses set title = $2 where course_id = $1").bind(course_id).bind(title).execute(c).await.map(|_| ())).unwrap();
    tx.commit().await.unwrap();
}

async fn add_report(app: &TestApp, title: &str, publish_in: Duration) -> i64 {
    let slug = academy::domain::slug::slugify(title);
    let fields = ReportFields {
        slug: &slug,
        title,
        summary: "What the investigation found.",
        body: "The **body**.",
        topic: "Maternity",
        publish_at: Some(app.clock().now() + publish_in),
        image_upload_id: None,
        pdf_upload_id: None,
    };
    let mut tx = app.state.db.begin().await.unwrap();
    let id = reports::insert(&mut tx, &fields, app.clock().now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn add_post(app: &TestApp, title: &str) -> i64 {
    let slug = academy::domain::slug::slugify(title);
    let fields = PostFields {
        kind: PostKind::News,
        slug: &slug,
        title,
        summary: "A summary.",
        body: "News *body*.",
        author: "",
        event_starts_at: None,
        event_ends_at: None,
        event_location: "",
        image_upload_id: None,
        publish_at: Some(app.clock().now() - Duration::hours(1)),
    };
    let mut tx = app.state.db.begin().await.unwrap();
    let id = posts::insert(&mut tx, &fields, app.clock().now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Polls `url` until its body contains `wanted`, for at most `limit` (at least once).
async fn shows_within(url: &str, wanted: &str, limit: StdDuration) -> bool {
    let client = reqwest::Client::new();
    let start = Instant::now();
    loop {
        let body = client.get(url).send().await.unwrap().text().await.unwrap();
        if body.contains(wanted) {
            return true;
        }
        if start.elapsed() >= limit {
            return false;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

backend_tests! {
    async fn a_write_shows_on_the_next_request_in_the_same_process(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        add_cohort(&app, course, "May 2026 cohort", 12).await;
        let page = "/courses/human-factors-in-patient-safety";
        assert!(app.get_text("/courses").await.1.contains("Human factors in patient safety"));
        assert!(app.get_text("/sitemap.xml").await.1.contains(page));

        retitle_course(&app, course, "Human factors, revised").await;
        assert!(app.get_text("/courses").await.1.contains("Human factors, revised"), "an edit");
        assert!(app.get_text(page).await.1.contains("Human factors, revised"));

        let mut tx = app.state.db.begin().await.unwrap();
        courses::set_published(&mut tx, course, false, app.clock().now()).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(app.get(page).await.status(), StatusCode::NOT_FOUND, "unpublished");
        assert!(!app.get_text("/courses").await.1.contains("Human factors, revised"));
        assert!(!app.get_text("/sitemap.xml").await.1.contains(page), "the kept sitemap is made again");
        let mut tx = app.state.db.begin().await.unwrap();
        courses::set_published(&mut tx, course, true, app.clock().now()).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(app.get(page).await.status(), StatusCode::OK, "published again");
        assert!(app.get_text("/sitemap.xml").await.1.contains(page));

        let post = add_post(&app, "Shortlisted for an award").await;
        assert!(app.get_text("/news").await.1.contains("Shortlisted for an award"), "published");
        assert!(app.get_text("/sitemap.xml").await.1.contains("/news/shortlisted-for-an-award"));
        let (status, item) = app.get_text("/news/shortlisted-for-an-award").await;
        assert_eq!(status, StatusCode::OK);
        assert!(item.contains("News <em>body</em>."), "the body, rendered");
        let mut tx = app.state.db.begin().await.unwrap();
        publishable::delete(&mut tx, Kind::Post, post).await.unwrap();
        tx.commit().await.unwrap();
        assert!(!app.get_text("/news").await.1.contains("Shortlisted for an award"), "deleted");
        assert!(!app.get_text("/sitemap.xml").await.1.contains("/news/shortlisted-for-an-award"));
        assert_eq!(app.get("/news/shortlisted-for-an-award").await.status(), StatusCode::NOT_FOUND);
    }

    async fn a_scheduled_report_appears_at_its_time_with_nothing_written(backend) {
        let app = TestApp::spawn(backend).await;
        add_report(&app, "Safety at handover", Duration::hours(2)).await;
        let page = "/reports/safety-at-handover";
        assert_eq!(app.get(page).await.status(), StatusCode::NOT_FOUND, "not yet");
        let (_, list) = app.get_text("/reports").await;
        assert!(!list.contains("Safety at handover") && !list.contains("Maternity"), "nor its topic");
        assert!(!app.get_text("/").await.1.contains("Safety at handover"));
        assert!(!app.get_text("/sitemap.xml").await.1.contains("safety-at-handover"));

        app.clock().advance(Duration::hours(2));
        let (status, report) = app.get_text(page).await;
        assert_eq!(status, StatusCode::OK, "at its time");
        assert!(report.contains("The <strong>body</strong>."));
        let (_, list) = app.get_text("/reports").await;
        assert!(list.contains("Safety at handover") && list.contains("Maternity"));
        assert!(app.get_text("/").await.1.contains("Safety at handover"));
        assert!(app.get_text("/reports/feed.atom").await.1.contains("Safety at handover"));
        assert!(app.get_text("/sitemap.xml").await.1.contains("safety-at-handover"));
    }

    async fn a_public_page_made_a_moment_before_a_scheduled_time_is_not_used_after_it(backend) {
        let app = TestApp::spawn(backend).await;
        add_report(&app, "Safety at handover", Duration::milliseconds(400)).await;
        let visitor = app.another_browser();
        for path in ["/", "/reports"] {
            assert!(!visitor.get_text(path).await.1.contains("Safety at handover"), "{path}: not yet");
        }
        // Within the second the anonymous pages are kept for (`web::recent_pages`).
        app.clock().advance(Duration::milliseconds(400));
        for path in ["/", "/reports"] {
            assert!(visitor.get_text(path).await.1.contains("Safety at handover"), "{path}: at its time");
        }
    }

    async fn a_seat_count_read_from_another_process_shows_on_the_public_page_at_once(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 12).await;
        let visitor = app.another_browser();
        let page = "/courses/human-factors-in-patient-safety";
        assert!(visitor.get_text(page).await.1.contains("12 places left"));
        other_process_writes(&app.state.db, "update cohorts set seats_taken = 5 where cohort_id = $1", cohort).await;
        app.state.published.recheck().await.unwrap();
        assert!(visitor.get_text(page).await.1.contains("7 places left"), "the clock unmoved: not the kept page");
    }

    async fn a_public_page_with_a_form_is_made_for_each_visitor(backend) {
        let app = TestApp::spawn(backend).await;
        add_course(&app, "Human factors in patient safety").await;
        let page = "/courses/human-factors-in-patient-safety";
        let (first, second) = (app.another_browser(), app.another_browser());
        let token = first.csrf_token_from(page).await;
        assert_eq!(first.csrf_token_from(page).await, token, "the visitor's own token, from their cookie");
        assert_ne!(second.csrf_token_from(page).await, token, "another visitor is not sent the first one's form");
    }

    async fn places_left_follow_an_enrolment_within_about_a_second(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 12).await;
        let page = app.another_browser().url("/courses/human-factors-in-patient-safety");
        assert!(shows_within(&page, "12 places left", StdDuration::ZERO).await);
        let nurse = learner(&app, "nurse@nhs.net").await;
        enrol(&nurse, cohort, &[("funding", "free")]).await;
        // The seat counts are re-read each second (`published::RECHECK_EVERY`); the margin
        // is for a busy test machine.
        assert!(shows_within(&page, "11 places left", StdDuration::from_millis(2500)).await);
    }

    async fn an_edit_in_one_process_shows_in_another_within_two_seconds(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let (_other, base) = second_process(&app).await;
        let catalogue = format!("{base}/courses");
        assert!(shows_within(&catalogue, "Human factors in patient safety", StdDuration::from_secs(1)).await);
        retitle_course(&app, course, "Human factors, revised").await;
        assert!(
            shows_within(&catalogue, "Human factors, revised", StdDuration::from_secs(2)).await,
            "the other process shows the edit within two seconds"
        );
    }
}
