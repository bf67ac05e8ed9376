//! Every field a form always sends must arrive: a body without one is refused with a 422
//! page naming it, and nothing is written. Only what a browser itself leaves out (unticked
//! boxes, a radio group with nothing chosen, the button not pressed) may be absent, and an
//! absent choice is the form's usual field error, never a default.

use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location};
use crate::support::app::Browser;
use crate::support::enrolment::{add_cohort, add_course, admin, enrol, enrolment_id, learner};

/// Row counts of every table a form can write to (each service write also audits), so
/// "nothing changed" can be checked after each refused post.
async fn fingerprint(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "audit_events",
        "email_outbox",
        "throttles",
        "users",
        "account_tokens",
        "enrolments",
        "interests",
        "courses",
        "cohorts",
        "cohort_sessions",
        "reports",
        "report_findings",
        "report_courses",
        "posts",
        "cohort_materials",
        "attendance",
        "evaluations",
        "certificates",
    ] {
        counts.push(app.count(&format!("select count(*) from {table}")).await);
    }
    counts
}

/// One form: the page that shows it, where it posts, the button pressed (if it has named
/// ones), and the fields whose absence is a field error on the form instead (a radio group
/// that may show nothing chosen).
pub(crate) struct Case<'a> {
    pub browser: &'a Browser,
    pub page: String,
    pub action: String,
    pub button: Option<(&'static str, &'static str)>,
    pub field_errors: &'static [&'static str],
}

/// Posts the form once without each field it sends (all of that name), and checks the
/// answer: a 422 naming the field, or for `field_errors` the form again with its problem;
/// and that nothing was written.
pub(crate) async fn each_field_is_required(app: &TestApp, case: &Case<'_>) -> usize {
    let form = case.browser.form_on(&case.page, &case.action).await;
    let before = fingerprint(app).await;
    let names = form.names();
    assert!(!names.is_empty(), "{}: a form with fields", case.page);
    let mut checked = 0;
    for name in &names {
        if form.checkboxes.contains(name) {
            continue;
        }
        let mut sent = form.without(name);
        if let Some((button, value)) = case.button {
            sent = sent.set(button, value);
        }
        let response = case.browser.submit(&sent).await;
        let what = format!("{} without {name}", case.action);
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}"
        );
        let html = response.text().await.unwrap();
        if case.field_errors.contains(&name.as_str()) {
            assert!(
                html.contains("There is a problem"),
                "{what}: the form with its field error"
            );
        } else {
            assert!(
                html.contains("This form was missing the ‘"),
                "{what}: {html}"
            );
            assert!(
                html.contains("Nothing was saved. Go back, reload the page and try again."),
                "{what}"
            );
        }
        assert_eq!(fingerprint(app).await, before, "{what}: nothing written");
        checked += 1;
    }
    checked
}

backend_tests! {
    async fn a_home_page_post_with_only_the_csrf_token_changes_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        let (_, before) = app.get_text("/").await;
        assert!(before.contains("Learning from patient safety investigations") && before.contains("About us"));
        let token = admin.csrf_token().await;
        let response = admin.client.post(admin.url("/admin/home")).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let html = response.text().await.unwrap();
        assert!(html.contains("This form was missing the ‘Introduction title’ field."), "{html}");
        assert!(html.contains("Nothing was saved. Go back, reload the page and try again."));
        assert!(html.contains("<title>Sorry, we could not understand what you sent"), "the site's own page");
        assert_eq!(app.get_text("/").await.1, before, "every block is as it was");
        assert_eq!(app.count("select count(*) from home_blocks where title = '' and body = ''").await, 0);
        assert_eq!(app.count("select count(*) from audit_events where action = 'home_page_updated'").await, 0);
    }

    async fn every_admin_form_refuses_a_body_missing_any_field_it_always_sends(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        academy::seed::seed_demo(&app.state).await.unwrap();
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 10).await;
        add_cohort(&app, course, "June 2026 cohort", 10).await;
        let nurse = learner(&app, "a.nurse@nhs.net").await;
        let place = enrolment_id(&enrol(&nurse, cohort, &[("funding", "free")]).await);
        let nurse_id = app.count("select user_id from users where email = 'a.nurse@nhs.net'").await;
        let report = app.count("select min(report_id) from reports").await;
        let findings = app.count(&format!("select count(*) from report_findings where report_id = {report}")).await;
        assert!(findings > 0, "an edit form with finding rows");
        let post = app.count("select min(post_id) from posts").await;
        let certificate = crate::support::certificates::issue(&app, place).await.certificate.certificate_id;
        let save = Some(("action", "save"));
        let case = |page: String, action: String, button| Case { browser: &admin, page, action, button, field_errors: &[] };
        let cases = [
            case("/admin/home".into(), "/admin/home".into(), save),
            case("/admin/courses/new".into(), "/admin/courses".into(), save),
            case(format!("/admin/courses/{course}/edit"), format!("/admin/courses/{course}"), save),
            case(format!("/admin/courses/{course}/cohorts/new"), format!("/admin/courses/{course}/cohorts"), save),
            case(format!("/admin/cohorts/{cohort}/edit"), format!("/admin/cohorts/{cohort}"), save),
            case(format!("/admin/cohorts/{cohort}/cancel"), format!("/admin/cohorts/{cohort}/cancel"), None),
            case(format!("/admin/cohorts/{cohort}"), format!("/admin/cohorts/{cohort}/learners"), None),
            case(format!("/admin/enrolments/{place}"), format!("/admin/enrolments/{place}/cancel"), None),
            case(format!("/admin/enrolments/{place}"), format!("/admin/enrolments/{place}/move"), None),
            case(format!("/admin/users/{nurse_id}"), format!("/admin/users/{nurse_id}/role"), None),
            case(format!("/admin/users/{nurse_id}"), format!("/admin/users/{nurse_id}/learner-type"), None),
            case("/admin/reports/new".into(), "/admin/reports".into(), save),
            case(format!("/admin/reports/{report}/edit"), format!("/admin/reports/{report}"), save),
            case("/admin/posts/new".into(), "/admin/posts".into(), save),
            case(format!("/admin/posts/{post}/edit"), format!("/admin/posts/{post}"), save),
            case(format!("/admin/certificates/{certificate}"), format!("/admin/certificates/{certificate}/revoke"), None),
            case(format!("/admin/certificates/{certificate}"), format!("/admin/certificates/{certificate}/reissue"), None),
        ];
        let mut checked = 0;
        for case in &cases {
            checked += each_field_is_required(&app, case).await;
        }
        assert!(checked > 100, "{checked} fields checked");

        // The same forms as the page sends them are accepted (so every field above is one
        // the page really sends).
        let edit = admin.form_on(&format!("/admin/reports/{report}/edit"), &format!("/admin/reports/{report}")).await;
        assert_eq!(location(&admin.submit(&edit.set("action", "save")).await), "/admin/reports?notice=saved");
        assert_eq!(app.count(&format!("select count(*) from report_findings where report_id = {report}")).await, findings, "every finding kept");
        let edit = admin.form_on(&format!("/admin/cohorts/{cohort}/edit"), &format!("/admin/cohorts/{cohort}")).await;
        assert_eq!(admin.submit(&edit.set("action", "save")).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count(&format!("select count(*) from cohort_sessions where cohort_id = {cohort}")).await, 2, "both sessions kept");
        let edit = admin.form_on(&format!("/admin/courses/{course}/edit"), &format!("/admin/courses/{course}")).await;
        assert_eq!(location(&admin.submit(&edit.set("action", "save")).await), "/admin/courses?notice=saved");
        let edit = admin.form_on(&format!("/admin/posts/{post}/edit"), &format!("/admin/posts/{post}")).await;
        assert_eq!(location(&admin.submit(&edit.set("action", "save")).await), "/admin/posts?notice=saved");
    }

    async fn every_learning_form_refuses_a_body_missing_any_field_it_always_sends(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = crate::support::learning::cohort_with(&app, 5, &["Ada", "Bea"]).await;
        cohort.during_session(&app, 0).await;
        let register = cohort.register_path(0);
        let ada = &cohort.learners[0];
        let evaluation = format!("/enrolments/{}/evaluation", ada.enrolment);
        let not_completed = format!("/admin/enrolments/{}/not-completed", cohort.learners[1].enrolment);
        let admin_case = |page: String, action: String, button| Case { browser: &cohort.admin, page, action, button, field_errors: &[] };
        let checked = each_field_is_required(&app, &admin_case(register.clone(), register.clone(), Some(("action", "save")))).await;
        assert_eq!(checked, 4, "a choice and a note for each of the two learners");
        cohort.after_the_cohort(&app).await;
        let mut checked = 0;
        for case in [
            admin_case(not_completed.clone(), not_completed, None),
            Case { browser: &ada.browser, page: evaluation.clone(), action: evaluation.clone(), button: None, field_errors: &[] },
        ] {
            checked += each_field_is_required(&app, &case).await;
        }
        assert_eq!(checked, 4, "the reason; the outcome count, practice and comments (no rating is chosen yet)");
        // As shown, with nothing chosen, the evaluation is the form again with its problems.
        let form = ada.browser.form_on(&evaluation, &evaluation).await;
        let shown = ada.browser.submit(&form).await;
        assert_eq!(shown.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(shown.text().await.unwrap().contains("Choose an overall rating from 1 to 5"));
    }

    async fn every_account_and_public_form_refuses_a_body_missing_any_field_it_always_sends(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 10).await;
        add_course(&app, "Writing safety recommendations").await;
        let member = learner(&app, "member@example.org").await;
        let buyer = learner(&app, "buyer@example.com").await;
        let visitor = app.another_browser();
        assert_eq!(location(&visitor.post_form("/forgot-password", &[("email", "member@example.org")]).await), "/forgot-password/check-email");
        let reset = app.link_mailed_to("member@example.org", "/reset-password/").await;
        let visitor = app.another_browser();
        let mine = |page: &str| Case { browser: &member, page: page.into(), action: page.into(), button: None, field_errors: &[] };
        let theirs = |page: &str| Case { browser: &visitor, page: page.into(), action: page.into(), button: None, field_errors: &[] };
        let cases = [
            Case { field_errors: &["professional_body"], ..mine("/account/profile") },
            mine("/account/password"),
            mine("/account/email"),
            mine("/account/delete"),
            mine("/account/cpd-date"),
            theirs("/register"),
            theirs("/login"),
            theirs("/forgot-password"),
            theirs(&reset),
            Case { browser: &visitor, page: "/courses/writing-safety-recommendations".into(), action: "/courses/writing-safety-recommendations/interest".into(), button: None, field_errors: &[] },
            Case { browser: &buyer, page: format!("/cohorts/{cohort}/enrol"), action: format!("/cohorts/{cohort}/enrol"), button: None, field_errors: &["funding"] },
        ];
        let mut checked = 0;
        for case in &cases {
            checked += each_field_is_required(&app, case).await;
        }
        assert!(checked >= 20, "{checked} fields checked");
        assert_eq!(location(&member.submit(&member.form_on("/account/profile", "/account/profile").await).await), "/account?notice=profile-saved", "the form as shown saves");
    }

    async fn forms_without_their_unticked_boxes_or_a_chosen_radio_still_work(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 10).await;
        app.create_user("late@example.org", academy::db::users::Role::Learner, true).await;

        // Unticked: no "beyond capacity" box, no "remember me", no course links.
        let add = admin.form_on(&format!("/admin/cohorts/{cohort}"), &format!("/admin/cohorts/{cohort}/learners")).await;
        assert!(add.value("over_capacity").is_none(), "an unticked box is not sent");
        let added = admin.submit(&add.set("email", "late@example.org")).await;
        assert_eq!(location(&added), format!("/admin/cohorts/{cohort}?notice=enrolment-updated"));
        let visitor = app.another_browser();
        let login = visitor.form_on("/login", "/login").await;
        assert!(login.value("remember_me").is_none());
        let signed_in = visitor.submit(&login.set("email", "late@example.org").set("password", PASSWORD)).await;
        assert_eq!(location(&signed_in), "/account");
        let new_report = admin.form_on("/admin/reports/new", "/admin/reports").await;
        assert!(new_report.value("course").is_none(), "no course ticked");
        let report = new_report.set("title", "A report").set("topic", "Topic").set("summary", "What we found.").set("action", "save");
        assert_eq!(location(&admin.submit(&report).await), "/admin/reports?notice=saved");

        // Nothing chosen in a radio group (or the consent box unticked): the field's own error.
        let register = app.another_browser();
        let form = register.form_on("/register", "/register").await;
        assert!(form.value("professional_body").is_none() && form.value("consent").is_none());
        let filled = form
            .set("full_name", "Ria Patel").set("email", "ria@example.org").set("password", PASSWORD)
            .set("confirm_password", PASSWORD).set("organisation", "Trust").set("job_role", "Nurse");
        let refused = register.submit(&filled).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(html.contains("Select your professional body, or None") && html.contains(r##"href="#consent""##), "{html}");
        let registered = register.submit(&filled.set("professional_body", "none").set("consent", "yes")).await;
        assert_eq!(location(&registered), "/register/check-email");
    }
}
