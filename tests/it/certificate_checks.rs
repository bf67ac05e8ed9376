//! The public certificate check on both databases: every printed fact and the state
//! (valid, revoked, replaced), the same 404 for unknown and malformed codes, `noindex`,
//! no writes for anonymous views, the in-process rate limit on the app's clock; and the
//! accessibility of every certificate page.

use academy::domain::certificate::CODE_LENGTH;
use axum::Router;
use chrono::Duration;
use reqwest::StatusCode;

use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::PASSWORD;
use crate::support::app::BEHIND_PROXY;
use crate::support::certificates::{completed, issue, rename};
use crate::support::enrolment::admin;

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Rows an anonymous view might write: sessions, counters, the audit trail.
async fn writes(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["throttles", "audit_events", "email_outbox", "certificates"] {
        counts.push(app.count(&format!("select count(*) from {table}")).await);
    }
    let sessions = match app.state.db.backend() {
        academy::db::Backend::Sqlite => "select count(*) from tower_sessions",
        academy::db::Backend::Postgres => "select count(*) from tower_sessions.session",
    };
    counts.push(app.count(sessions).await);
    counts
}

backend_tests! {
    async fn anyone_can_check_a_certificate_and_see_where_it_stands(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "g.nurse@nhs.net", "Grace O'Neill", "Human factors in patient safety").await;
        let admin = admin(&app).await;
        let first = issue(&app, nurse.enrolment_id).await.certificate;
        let check = format!("/certificates/{}", first.code);
        let visitor = app.another_browser();
        let before = writes(&app).await;

        let response = visitor.get(&check).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "x-robots-tag"), "noindex");
        assert!(response.headers().get("set-cookie").is_none(), "no cookie for a visitor");
        assert!(!header(&response, "cache-control").contains("public"));
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"<meta name="robots" content="noindex">"#));
        for fact in ["This certificate is valid", "Grace O&#39;Neill", "Human factors in patient safety", "Intermediate", "May 2026 cohort, 4 May 2026 to 1 June 2026", "10 June 2026", "18 hours", "6 hours", "CPD accredited", "Outcome", "Health Services Safety Investigations Body", &first.code, "How to be sure"] {
            assert!(html.contains(fact), "{fact:?} on the check");
        }
        assert_accessible(&check, &html);
        assert_eq!(writes(&app).await, before, "an anonymous view writes nothing");

        // Unknown and malformed codes: the same 404, which says nothing about certificates.
        let unknown = visitor.get_text(&format!("/certificates/{}", "a".repeat(CODE_LENGTH))).await;
        assert_eq!(unknown.0, StatusCode::NOT_FOUND);
        for malformed in ["abc", &format!("{}a", first.code), &first.code[1..], "..%2F..%2Fetc", &"7".repeat(500), "%00", "%FF%FE"] {
            let response = visitor.get(&format!("/certificates/{malformed}")).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{malformed}");
            assert_eq!(header(&response, "x-robots-tag"), "noindex");
            assert_eq!(response.text().await.unwrap(), unknown.1, "{malformed}: the same page");
        }
        assert!(!unknown.1.contains("ertificate"), "nothing about certificates");
        // A code typed in capitals, as read off the paper, is the same certificate.
        let (status, capitals) = visitor.get_text(&format!("/certificates/{}", first.code.to_uppercase())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(capitals.contains("This certificate is valid") && capitals.contains(&first.code), "{capitals}");

        // Reissued after a name correction: the old address says replaced and links on.
        rename(&app, nurse.user_id, &nurse.email, "Gráinne O'Neill").await;
        admin.post_form(&format!("/admin/certificates/{}/reissue", first.certificate_id), &[("reissue_reason", "Name corrected")]).await;
        let second = app.count("select max(certificate_id) from certificates").await;
        let db = app.database.connect().await;
        let next = academy::db::certificates::find(&db, second).await.unwrap().unwrap();
        let (status, replaced) = visitor.get_text(&check).await;
        assert_eq!(status, StatusCode::OK);
        assert!(replaced.contains("This certificate has been replaced") && replaced.contains("10 June 2026"));
        assert!(replaced.contains(&format!(r#"<a href="/certificates/{}">Check the certificate that replaced it</a>"#, next.code)));
        assert_accessible(&check, &replaced);
        let (_, valid) = visitor.get_text(&format!("/certificates/{}", next.code)).await;
        assert!(valid.contains("This certificate is valid") && valid.contains("Gráinne O&#39;Neill"));

        // Revoked, with the date and the public reason.
        app.clock().advance(Duration::days(3));
        admin.sign_in("admin@academy.example", PASSWORD).await;
        admin.post_form(&format!("/admin/certificates/{second}/revoke"), &[("revoke_reason", "Attendance recorded in error"), ("public_reason", "Issued in error")]).await;
        let (status, revoked) = visitor.get_text(&format!("/certificates/{}", next.code)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(revoked.contains("This certificate has been revoked") && revoked.contains("revoked on 13 June 2026") && revoked.contains("Reason: Issued in error"), "{revoked}");
        assert!(!revoked.contains("Attendance recorded in error"), "the admins' reason stays private");
        assert_accessible("revoked", &revoked);
    }

    async fn the_check_is_rate_limited_per_address_and_recovers_as_the_clock_moves(backend) {
        let settings: Vec<(&str, &str)> = BEHIND_PROXY.iter().copied().chain([("ACADEMY_VERIFY_PER_MINUTE", "3")]).collect();
        let app = TestApp::spawn_with(backend, &settings, Router::new()).await;
        let nurse = completed(&app, "h.nurse@nhs.net", "Hana Nurse", "Human factors in patient safety").await;
        let check = format!("/certificates/{}", issue(&app, nurse.enrolment_id).await.certificate.code);
        let before = writes(&app).await;
        let client = app.browser_from("203.0.113.7", &[]);
        for n in 0..3 {
            let path = if n == 1 { "/certificates/malformed" } else { check.as_str() };
            assert_ne!(client.get(path).await.status(), StatusCode::TOO_MANY_REQUESTS, "request {n}: every check counts");
        }
        let refused = client.get(&check).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(header(&refused, "retry-after"), "20");
        assert_eq!(header(&refused, "x-robots-tag"), "noindex");
        let html = refused.text().await.unwrap();
        assert!(html.contains("Too many certificate checks") && !html.contains("Hana"));
        assert_accessible("429", &html);
        assert_eq!(app.browser_from("198.51.100.9", &[]).get(&check).await.status(), StatusCode::OK, "another address");
        assert_eq!(writes(&app).await, before, "counted in memory, not in the database");

        app.clock().advance(Duration::seconds(19));
        assert_eq!(client.get(&check).await.status(), StatusCode::TOO_MANY_REQUESTS);
        app.clock().advance(Duration::seconds(1));
        assert_eq!(client.get(&check).await.status(), StatusCode::OK, "a token back after 20 s");
        app.clock().advance(Duration::minutes(5));
        for _ in 0..3 {
            assert_eq!(client.get(&check).await.status(), StatusCode::OK, "a full minute's worth again");
        }
        assert_eq!(client.get(&check).await.status(), StatusCode::TOO_MANY_REQUESTS);
    }

    async fn every_certificate_page_is_accessible_and_explains_errors(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = completed(&app, "i.nurse@nhs.net", "Ines Nurse", "Human factors in patient safety").await;
        let admin = admin(&app).await;
        let (_, empty) = nurse.browser.get_text("/certificates").await;
        assert_accessible("/certificates (none)", &empty);
        let certificate = issue(&app, nurse.enrolment_id).await.certificate;
        let code = &certificate.code;
        let admin_page = format!("/admin/certificates/{}", certificate.certificate_id);
        for (who, path) in [
            (&nurse.browser, "/certificates".to_owned()),
            (&nurse.browser, format!("/certificates/{code}/view")),
            (&nurse.browser, format!("/certificates/{code}")),
            (&admin, "/admin".to_owned()),
            (&admin, "/admin/certificates".to_owned()),
            (&admin, "/admin/certificates?q=ines".to_owned()),
            (&admin, format!("/admin/certificates?q={code}")),
            (&admin, format!("/admin/certificates?q={}", code.to_uppercase())),
            (&admin, format!("/admin/certificates?cohort={}", nurse.cohort_id)),
            (&admin, admin_page.clone()),
            (&admin, format!("/admin/cohorts/{}", nurse.cohort_id)),
        ] {
            let (status, html) = who.get_text(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_accessible(&path, &html);
            if path.starts_with("/admin/certificates?") {
                assert!(html.contains(&admin_page), "{path} finds it");
            }
        }
        let (_, roster) = admin.get_text(&format!("/admin/cohorts/{}", nurse.cohort_id)).await;
        assert!(roster.contains(&format!("/admin/certificates?cohort={}", nurse.cohort_id)), "reachable from the cohort");
        let (_, none) = admin.get_text("/admin/certificates?q=nobody-at-all").await;
        assert!(none.contains("No certificates found"));

        for (action, field) in [("revoke", "revoke_reason"), ("reissue", "reissue_reason")] {
            let form = admin.form_on(&admin_page, &format!("{admin_page}/{action}")).await;
            let response = admin.submit(&form.cleared()).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{action}");
            let html = response.text().await.unwrap();
            assert_accessible(action, &html);
            assert_error_summary(action, &html);
            assert!(html.contains(&format!(r##"href="#{field}""##)), "{action}");
        }
        assert_eq!(app.count("select count(*) from certificates where status = 'valid'").await, 1, "nothing changed");
    }
}
