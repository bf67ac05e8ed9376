//! What is kept for a second: a signed-in session's pages (`web::recent_pages`), the
//! public certificate checks by code (`certificates::checks`), the admins' course filter
//! (`catalogue::choices`) and the admin lists' totals (`recent_counts`). A change made through this
//! process shows on the next request; one made by another process (straight on the
//! database here) within a second; and a kept page goes only to the session it was made for.
//! That a page is in fact kept is the page benchmark's to show: the apps of one test process
//! share the count of writes, so another test's write may always have made it again.

use academy::recent::FRESH_FOR;
use reqwest::StatusCode;

use crate::admin_lists::add_posts;
use crate::backend_tests;
use crate::cpd_entries::{activity, add};
use crate::support::TestApp;
use crate::support::certificates::{completed, issue};
use crate::support::database::other_process_writes;
use crate::support::enrolment::{add_cohort, add_course, admin, enrol, learner};

backend_tests! {
    async fn a_learners_pages_show_another_processes_change_within_a_second(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 10).await;
        let nurse = learner(&app, "nurse@nhs.net").await;
        let place = enrol(&nurse, cohort, &[("funding", "free")]).await;
        let place = place.split('?').next().unwrap().to_owned();
        for path in ["/dashboard", place.as_str()] {
            let (status, page) = nurse.get_text(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(page.contains("Human factors"), "{path}");
        }

        other_process_writes(&app.state.db, "update courses set title = 'Human factors in care' where course_id = $1", course).await;
        // Whether the next page is still the kept one depends on writes by the other tests
        // in this process (they share the count); a second on, it is made again for sure.
        app.clock().advance(FRESH_FOR);
        for path in ["/dashboard", place.as_str()] {
            let (_, page) = nurse.get_text(path).await;
            assert!(page.contains("Human factors in care"), "{path}: made again a second later");
        }
    }

    async fn a_learners_own_change_shows_on_her_next_page_at_once(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@nhs.net").await;
        let (_, before) = nurse.get_text("/cpd").await;
        assert!(!before.contains("Sepsis study day"));
        add(&nurse, &activity("Sepsis study day")).await;
        let (status, after) = nurse.get_text("/cpd").await;
        assert_eq!(status, StatusCode::OK);
        assert!(after.contains("Sepsis study day"), "the clock unmoved, the log shows the new entry");
    }

    async fn a_kept_page_goes_only_to_the_session_it_was_made_for(backend) {
        let app = TestApp::spawn(backend).await;
        let laptop = learner(&app, "nurse@nhs.net").await;
        let phone = app.another_browser();
        phone.sign_in("nurse@nhs.net", crate::support::accounts::PASSWORD).await;
        let laptop_token = laptop.csrf_token_from("/dashboard").await;
        let phone_token = phone.csrf_token_from("/dashboard").await;
        assert_ne!(laptop_token, phone_token, "each session's page carries its own form token");
        assert_eq!(laptop.csrf_token_from("/dashboard").await, laptop_token, "the laptop's kept page");
        assert_eq!(phone.csrf_token_from("/dashboard").await, phone_token, "the phone's kept page");

        laptop.post_form("/logout", &[]).await;
        assert_eq!(laptop.get("/dashboard").await.status(), StatusCode::SEE_OTHER, "signed out: asked to sign in, not sent the kept page");
        assert_eq!(app.another_browser().get("/dashboard").await.status(), StatusCode::SEE_OTHER);
    }

    async fn a_revocation_by_another_process_shows_on_the_public_check_within_a_second(backend) {
        let app = TestApp::spawn(backend).await;
        let done = completed(&app, "nurse@nhs.net", "Alex Morgan", "Human factors").await;
        let certificate = issue(&app, done.enrolment_id).await.certificate;
        let check = format!("/certificates/{}", certificate.code);
        let visitor = app.another_browser();
        let (status, page) = visitor.get_text(&check).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Valid certificate"));

        other_process_writes(&app.state.db, "update certificates set status = 'revoked', public_reason = 'Issued in error' where certificate_id = $1", certificate.certificate_id).await;
        app.clock().advance(FRESH_FOR);
        let (_, page) = visitor.get_text(&check).await;
        assert!(page.contains("Revoked certificate"), "within a second");
    }

    async fn the_cohort_filter_lists_a_course_added_here_at_once_and_one_renamed_elsewhere_within_a_second(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        let first = add_course(&app, "Human factors").await;
        let (status, page) = admin.get_text("/admin/cohorts").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!(r#"<option value="{first}">Human factors</option>"#)));
        let second = add_course(&app, "Learning from deaths").await;
        let (_, page) = admin.get_text("/admin/cohorts").await;
        assert!(page.contains(&format!(r#"<option value="{second}">Learning from deaths</option>"#)), "added in this process: at once");

        other_process_writes(&app.state.db, "update courses set title = 'Human factors in care' where course_id = $1", first).await;
        app.clock().advance(FRESH_FOR);
        let (_, page) = admin.get_text("/admin/cohorts").await;
        assert!(page.contains(&format!(r#"<option value="{first}">Human factors in care</option>"#)), "renamed elsewhere: within a second");
    }

    async fn the_cohort_count_counts_a_cohort_added_here_at_once_and_one_cancelled_elsewhere_within_a_second(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        let course = add_course(&app, "Human factors").await;
        let first = add_cohort(&app, course, "May 2026 cohort", 10).await;
        let (status, page) = admin.get_text("/admin/cohorts").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<p>1 cohort.</p>"), "{page}");
        add_cohort(&app, course, "June 2026 cohort", 10).await;
        let (_, page) = admin.get_text("/admin/cohorts").await;
        assert!(page.contains("<p>2 cohorts.</p>"), "added in this process: at once");
        let (_, page) = admin.get_text("/admin/cohorts?status=open").await;
        assert!(page.contains("<p>2 cohorts.</p>"), "{page}");

        other_process_writes(&app.state.db, "update cohorts set status = 'cancelled' where cohort_id = $1", first).await;
        app.clock().advance(FRESH_FOR);
        let (_, page) = admin.get_text("/admin/cohorts?status=open").await;
        assert!(page.contains("<p>1 cohort.</p>"), "cancelled elsewhere: within a second");
        let (_, page) = admin.get_text("/admin/cohorts?status=cancelled").await;
        assert!(page.contains("<p>1 cohort.</p>"));
    }

    async fn the_posts_total_counts_a_post_added_here_at_once_and_one_deleted_elsewhere_within_a_second(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        add_posts(&app, 0, 1).await;
        let (status, page) = admin.get_text("/admin/posts").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<p>1 post.</p>"), "{page}");
        add_posts(&app, 1, 0).await;
        let (_, page) = admin.get_text("/admin/posts").await;
        assert!(page.contains("<p>2 posts.</p>"), "added in this process: at once");
        assert!(page.contains("Draft post 01"));

        let dated = app.count("select post_id from posts where publish_at is not null").await;
        other_process_writes(&app.state.db, "delete from posts where post_id = $1", dated).await;
        app.clock().advance(FRESH_FOR);
        let (_, page) = admin.get_text("/admin/posts").await;
        assert!(page.contains("<p>1 post.</p>"), "deleted elsewhere: within a second");
        assert!(!page.contains("Dated post 01"));
    }
}
