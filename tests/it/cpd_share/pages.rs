//! The share pages' accessibility (the learner's list, the new link, the form's errors, the
//! withdrawal, the shared record, the 410 and 429 answers), the form's rules beside their
//! fields with nothing saved, and the rate limit on shared records per client address.

use axum::Router;
use reqwest::StatusCode;

use super::{PDF, make, on_the_register, range, upload, whole};
use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::cpd_entries::{activity, add, post, with};
use crate::form_fields::{Case, each_field_is_required};
use crate::support::TestApp;
use crate::support::app::BEHIND_PROXY;
use crate::support::enrolment::learner;

/// The page refused the post with `message` beside `field` and in the error summary.
fn refused_with(html: &str, field: &str, message: &str) {
    let beside =
        format!(r#"id="{field}-error"><span class="visually-hidden">Error:</span> {message}</p>"#);
    assert!(html.contains(&beside), "{message} beside {field}: {html}");
    assert!(
        html.contains(&format!(r##"<a href="#{field}">{message}</a>"##)),
        "{message} in the summary"
    );
}

backend_tests! {
    async fn every_share_page_is_accessible_and_the_form_explains_each_problem(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@example.org").await;
        let id = app.count("select user_id from users where email = 'nurse@example.org'").await;
        on_the_register(&app, id, "nurse@example.org", "Nadia Nurse").await;
        let (status, empty) = nurse.get_text("/cpd/share").await;
        assert_eq!(status, StatusCode::OK);
        assert_accessible("/cpd/share (none)", &empty);

        // Each problem beside its field, the form kept as typed, nothing saved.
        let cases = [
            (range(["10", "2", "2026"], ["9", "2", "2026"], "7", false), "to", "The to date must be the same as or after the from date"),
            (range(["3", "3", "2026"], ["1", "4", "2026"], "7", false), "from", "The from date must be today or in the past"),
            (range(["3", "3", "2026"], ["1", "4", "2026"], "7", false), "to", "The to date must be today or in the past"),
            (range(["", "", ""], ["1", "2", "2026"], "7", false), "from", "Enter the from date"),
            (range(["1", "2", "2026"], ["31", "2", "2026"], "7", false), "to", "The to date must be a real date, like 27 3 2026"),
            (with(whole("7", false), "days", ""), "days", "Choose how long the link works for"),
            (with(whole("14", false), "scope", "everything"), "scope", "Choose the whole record or a range of dates"),
        ];
        for (fields, field, message) in cases {
            let response = post(&nurse, "/cpd/share", &fields).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
            let html = response.text().await.unwrap();
            refused_with(&html, field, message);
            assert!(html.contains("<title>Error: "), "{message}");
            assert_accessible("/cpd/share (errors)", &html);
            assert_error_summary("/cpd/share", &html);
        }
        let without_days: Vec<(&str, String)> = whole("7", false).into_iter().filter(|(n, _)| *n != "days").collect();
        let response = post(&nurse, "/cpd/share", &without_days).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "no duration chosen");
        refused_with(&response.text().await.unwrap(), "days", "Choose how long the link works for");
        assert_eq!(app.count("select count(*) from cpd_share_links").await, 0, "nothing saved");
        let case = Case { browser: &nurse, page: "/cpd/share".to_owned(), action: "/cpd/share".to_owned(), button: None, field_errors: &[] };
        assert!(each_field_is_required(&app, &case).await >= 7, "scope and the six date boxes");
        assert_eq!(app.count("select count(*) from cpd_share_links").await, 0, "nothing saved");

        // The new link, the list, the withdrawal, the record, the 410s.
        let entry = add(&nurse, &activity("Sepsis study day")).await;
        upload(&nurse, entry, "note.pdf", PDF).await;
        add(&nurse, &with(activity("No reflection"), "reflection_learned", "")).await;
        let (created, link) = make(&nurse, &whole("30", true)).await;
        assert!(created.contains("Your link is ready") && created.contains("will not be shown again"));
        assert_accessible("/cpd/share (created)", &created);
        let (_, other) = make(&nurse, &range(["1", "2", "2026"], ["2", "3", "2026"], "7", false)).await;
        let share_id = app.count("select max(share_id) from cpd_share_links").await;
        let revoke = format!("/cpd/share/{share_id}/revoke");
        let visitor = app.another_browser();
        for (who, path, status) in [(&nurse, "/cpd/share".to_owned(), 200), (&nurse, revoke.clone(), 200), (&visitor, link.clone(), 200), (&visitor, other.clone(), 200), (&nurse, link.clone(), 200)] {
            let (got, html) = who.get_text(&path).await;
            assert_eq!(got.as_u16(), status, "{path}");
            assert_accessible(&path, &html);
        }
        let (_, list) = nurse.get_text("/cpd/share").await;
        assert!(list.contains("The whole record, with evidence files") && list.contains("Entries ending 1 February 2026 to 2 March 2026, without evidence files"));
        assert!(list.contains(&format!(r#"href="{revoke}">Withdraw<span class="visually-hidden"> the link to entries ending 1 February 2026 to 2 March 2026, made 2 March 2026 at 9am</span></a>"#)), "{list}");
        nurse.post_form(&revoke, &[]).await;
        let (_, done) = nurse.get_text("/cpd/share?done=withdrawn").await;
        assert_accessible("/cpd/share (withdrawn)", &done);
        let (_, again) = nurse.get_text(&revoke).await;
        assert_accessible("withdrawn confirmation", &again);
        let (status, gone) = visitor.get_text(&other).await;
        assert_eq!(status, StatusCode::GONE);
        assert_accessible("410 withdrawn", &gone);
        crate::support::learning::move_clock_to(&app, app.clock().now() + chrono::Duration::days(30));
        let (status, expired) = visitor.get_text(&link).await;
        assert_eq!(status, StatusCode::GONE);
        assert_accessible("410 expired", &expired);
    }

    async fn shared_records_are_rate_limited_per_address(backend) {
        let settings: Vec<(&str, &str)> = BEHIND_PROXY.iter().copied().chain([("ACADEMY_VERIFY_PER_MINUTE", "3")]).collect();
        let app = TestApp::spawn_with(backend, &settings, Router::new()).await;
        let nurse = learner(&app, "nurse@example.org").await;
        let (_, link) = make(&nurse, &whole("7", false)).await;
        let client = app.browser_from("203.0.113.7", &[]);
        for n in 0..3 {
            let path = if n == 1 { "/cpd/shared/malformed".to_owned() } else { link.clone() };
            assert_ne!(client.get(&path).await.status(), StatusCode::TOO_MANY_REQUESTS, "request {n}: every request counts");
        }
        let refused = client.get(&link).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers()["retry-after"], "20");
        assert_eq!(refused.headers()["x-robots-tag"], "noindex");
        let html = refused.text().await.unwrap();
        assert!(html.contains("Too many requests") && !html.contains("Test Person"));
        assert_accessible("429", &html);
        assert_eq!(app.browser_from("198.51.100.9", &[]).get(&link).await.status(), StatusCode::OK, "another address");
        // A limiter of its own: the certificate check from the same address is not used up.
        assert_eq!(client.get("/certificates/malformed").await.status(), StatusCode::NOT_FOUND);
        app.clock().advance(chrono::Duration::seconds(20));
        assert_eq!(client.get(&link).await.status(), StatusCode::OK, "a request back after 20 s");
        assert_eq!(app.state.share_views.pending(app.count("select max(share_id) from cpd_share_links").await), 4, "served pages are views; refusals are not");
    }
}
