//! Every page with a form: one h1, headings in order, a label for every input, and, on a
//! failed submission, an error summary linking to each field.

use academy::db::users::Role;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::PASSWORD;

/// Checks the structure a screen reader or keyboard user depends on.
pub(crate) fn assert_accessible(path: &str, html: &str) {
    assert_eq!(html.matches("<h1").count(), 1, "{path}: one h1");
    // GOV.UK puts the error summary and notification banner above the h1; nothing else.
    let h1 = html.find("<h1").unwrap();
    for (at, _) in html[..h1].match_indices("<h2") {
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        assert!(
            tag.contains("error-summary__title") || tag.contains("banner__title"),
            "{path}: {tag} before the h1"
        );
    }
    let mut last_level = 0;
    for (at, _) in html[h1..].match_indices("<h") {
        let at = h1 + at;
        let Some(level) = html[at + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
            continue;
        };
        assert!(
            level <= last_level + 1,
            "{path}: heading h{level} follows h{last_level}"
        );
        last_level = level;
    }
    for (at, _) in html.match_indices("<input") {
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        if tag.contains(r#"type="hidden""#) {
            continue;
        }
        let id = tag
            .split(r#"id=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{path}: input without id: {tag}"));
        assert!(
            html.contains(&format!(r#"<label class="label" for="{id}">"#))
                || html.contains(&format!(r#"<label for="{id}">"#)),
            "{path}: no label for {id}"
        );
    }
    for (at, _) in html.match_indices("<textarea") {
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        let id = tag
            .split(r#"id=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("textarea id");
        assert!(
            html.contains(&format!(r#"for="{id}""#)),
            "{path}: no label for {id}"
        );
    }
    assert!(html.contains("Skip to main content"), "{path}");
}

/// A failed submission: 422, "Error:" title, a summary linking to fields that exist.
pub(crate) fn assert_error_summary(path: &str, html: &str) {
    assert!(html.contains("<title>Error: "), "{path}");
    assert!(html.contains("There is a problem"), "{path}");
    let summary = &html[html.find("error-summary__list").unwrap()..];
    let summary = &summary[..summary.find("</ul>").unwrap()];
    for (at, _) in summary.match_indices(r##"href="#"##) {
        let field = summary[at + 7..].split('"').next().unwrap();
        assert!(
            html.contains(&format!(r#"id="{field}""#)),
            "{path}: the summary links to #{field}, which exists"
        );
        assert!(
            html.contains(&format!(r#"id="{field}-error""#))
                || html.contains(r#"class="error-message""#),
            "{path}: {field} has its message"
        );
    }
}

backend_tests! {
    async fn anonymous_form_pages_are_accessible_and_explain_errors(backend) {
        let app = TestApp::spawn(backend).await;
        academy::seed::seed_demo(&app.state).await.unwrap();
        let flagship = "/courses/a-systems-approach-to-investigating-and-learning-from-patient-safety-incidents";
        for path in ["/", "/register", "/login", "/forgot-password", "/accessibility", "/privacy", "/contact", "/courses", "/courses?q=nothing", flagship] {
            let (status, html) = app.get_text(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_accessible(path, &html);
        }
        for path in ["/register", "/login", "/forgot-password"] {
            let response = app.submit(&app.form_on(path, path).await.cleared()).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            let html = response.text().await.unwrap();
            assert_accessible(path, &html);
            assert_error_summary(path, &html);
        }
    }

    async fn account_and_admin_pages_are_accessible_and_explain_errors(backend) {
        let app = TestApp::spawn(backend).await;
        let id = app.create_user("a11y@example.org", Role::Admin, true).await;
        app.sign_in("a11y@example.org", PASSWORD).await;
        let user_page = format!("/admin/users/{id}");
        for path in ["/account", "/account/profile", "/account/password", "/account/email", "/account/delete", "/admin", "/admin/users", user_page.as_str(), "/admin/emails", "/admin/audit", "/admin/home", "/admin/uploads", "/admin/posts", "/admin/posts/new", "/admin/reports", "/admin/reports/new", "/reports", "/news", "/"] {
            let (status, html) = app.get_text(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_accessible(path, &html);
        }
        for (page, path) in [("/account/profile", "/account/profile"), ("/account/password", "/account/password"), ("/account/email", "/account/email"), ("/account/delete", "/account/delete"), ("/admin/posts/new", "/admin/posts"), ("/admin/reports/new", "/admin/reports")] {
            let response = app.submit(&app.form_on(page, path).await.cleared().set("action", "save")).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            let html = response.text().await.unwrap();
            assert_accessible(path, &html);
            assert_error_summary(path, &html);
        }
        let other = app.create_user("other@example.org", Role::Learner, true).await;
        let response = app.post_form(&format!("/admin/users/{other}/learner-type"), &[("learner_type", "nhs"), ("reason", "")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_error_summary("learner type", &response.text().await.unwrap());
    }

    async fn enrolment_pages_are_accessible_and_explain_errors(backend) {
        use crate::support::enrolment::{INVOICE, add_cohort, add_course, admin, enrol, enrolment_id, learner};
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 1).await;
        let _june = add_cohort(&app, course, "June 2026 cohort", 1).await;
        let nurse = learner(&app, "a.nurse@nhs.net").await;
        let buyer = learner(&app, "buyer@example.com").await;
        let admin = admin(&app).await;

        let enrol_page = format!("/cohorts/{cohort}/enrol");
        let (_, html) = buyer.get_text(&enrol_page).await;
        assert_accessible(&enrol_page, &html);
        let no_details = [("organisation", ""), ("billing_email", ""), ("billing_address", ""), ("purchase_order", "")];
        let failed = buyer.post_form(&enrol_page, &[&[("funding", "invoice")], &no_details[..]].concat()).await;
        assert_eq!(failed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = failed.text().await.unwrap();
        assert_accessible(&enrol_page, &html);
        assert_error_summary(&enrol_page, &html);
        let failed = nurse.post_form(&enrol_page, &no_details).await;
        let html = failed.text().await.unwrap();
        assert_accessible(&enrol_page, &html);
        assert_error_summary(&enrol_page, &html);

        let held = enrolment_id(&enrol(&buyer, cohort, INVOICE).await);
        let waiting = enrolment_id(&enrol(&nurse, cohort, &[("funding", "free")]).await);
        admin.post_form(&format!("/admin/enrolments/{held}/cancel"), &[("reason", "Duplicate booking")]).await;
        let learner_pages = [
            "/dashboard".to_owned(),
            format!("/enrolments/{waiting}"),
            format!("/enrolments/{waiting}/offer"),
            format!("/enrolments/{waiting}/cancel"),
        ];
        for path in &learner_pages {
            let (status, html) = nurse.get_text(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_accessible(path, &html);
        }
        let (_, html) = buyer.get_text(&format!("/enrolments/{held}/documents/proforma")).await;
        assert_accessible("pro-forma", &html);

        nurse.post_form(&format!("/enrolments/{waiting}/offer/accept"), &[("funding", "free")]).await;
        let admin_pages = [format!("/admin/cohorts/{cohort}"), format!("/admin/enrolments/{waiting}")];
        for path in &admin_pages {
            let (status, html) = admin.get_text(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_accessible(path, &html);
        }
        for (path, fields) in [
            (format!("/admin/cohorts/{cohort}/learners"), vec![("email", "")]),
            (format!("/admin/enrolments/{waiting}/move"), vec![("cohort", "")]),
            (format!("/admin/enrolments/{waiting}/cancel"), vec![("reason", "")]),
        ] {
            let response = admin.post_form(&path, &fields).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            let html = response.text().await.unwrap();
            assert_accessible(&path, &html);
            assert_error_summary(&path, &html);
        }
    }

    async fn production_cookies_are_secure(backend) {
        let app = TestApp::spawn_with(backend, crate::support::app::PRODUCTION, axum::Router::new()).await;
        let named = |response: &reqwest::Response, name: &str| response.headers().get_all("set-cookie").iter()
            .filter_map(|v| v.to_str().ok()).find(|v| v.starts_with(&format!("{name}="))).map(str::to_owned);
        let response = app.get("/login").await;
        let csrf = named(&response, "__Host-academy_csrf").expect("a host-only CSRF cookie with the form");
        assert!(csrf.contains("Secure") && csrf.contains("HttpOnly") && csrf.contains("Path=/"), "{csrf}");
        assert!(!csrf.contains("Domain"), "{csrf}");

        app.create_user("secure@example.org", Role::Learner, true).await;
        let signed_in = app.sign_in("secure@example.org", PASSWORD).await;
        assert_eq!(crate::support::accounts::location(&signed_in), "/account");
        let session = named(&signed_in, "__Host-academy_session").expect("a host-only session cookie at sign-in");
        assert!(session.contains("Secure") && session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
        assert!(session.contains("Path=/") && !session.contains("Domain"), "{session}");
    }

    async fn the_client_address_comes_from_a_trusted_proxy_only(backend) {
        let trusted = TestApp::spawn_with(backend, &[("ACADEMY_TRUSTED_PROXIES", "127.0.0.1")], axum::Router::new()).await;
        let untrusted = TestApp::spawn(backend).await;
        for app in [&trusted, &untrusted] {
            let token = app.csrf_token_from("/login").await;
            app.client.post(app.url("/login"))
                .header("x-forwarded-for", "198.51.100.23")
                .form(&[("email", "who@example.org"), ("password", "not a real one"), ("next", ""), ("csrf_token", token.as_str())])
                .send().await.unwrap();
        }
        assert_eq!(trusted.count("select count(*) from audit_events where client_address = '198.51.100.23'").await, 1);
        assert_eq!(untrusted.count("select count(*) from audit_events where client_address = '127.0.0.1'").await, 1, "a header from anyone is not believed");
    }
}
