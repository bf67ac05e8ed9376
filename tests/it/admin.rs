//! The admin pages: who may see them, users, learner types, disabling, and the outbox.

use academy::db::users::Role;
use axum::Router;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location};

const ADMIN_PAGES: [&str; 12] = [
    "/admin/cohorts",
    "/admin/courses/1/cohorts/new",
    "/admin/cohorts/1/edit",
    "/admin/cohorts/1/launch-next",
    "/admin/cohorts/1/cancel",
    "/admin",
    "/admin/users",
    "/admin/users/1",
    "/admin/emails",
    "/admin/courses",
    "/admin/courses/new",
    "/admin/courses/1/edit",
];
const ADMIN_ACTIONS: [&str; 14] = [
    "/admin/courses/1/cohorts",
    "/admin/cohorts/1",
    "/admin/cohorts/1/open",
    "/admin/cohorts/1/close",
    "/admin/cohorts/1/cancel",
    "/admin/courses",
    "/admin/courses/1",
    "/admin/courses/1/publish",
    "/admin/courses/1/unpublish",
    "/admin/users/1/role",
    "/admin/users/1/learner-type",
    "/admin/users/1/disable",
    "/admin/users/1/enable",
    "/admin/emails/1/retry",
];

async fn admin(app: &TestApp) -> i64 {
    let id = app
        .create_user("admin@example.org", Role::Admin, true)
        .await;
    app.sign_in("admin@example.org", PASSWORD).await;
    id
}

backend_tests! {
    async fn learners_get_403_and_visitors_are_sent_to_sign_in_on_every_admin_route(backend) {
        let app = TestApp::spawn(backend).await;
        for path in ADMIN_PAGES {
            let response = app.get(path).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
            assert!(location(&response).starts_with("/login?next="), "{path}");
        }
        app.create_user("learner@example.org", Role::Learner, true).await;
        app.sign_in("learner@example.org", PASSWORD).await;
        for path in ADMIN_PAGES {
            let response = app.get(path).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
            assert!(response.text().await.unwrap().contains("You do not have permission"), "{path}");
        }
        for path in ADMIN_ACTIONS {
            let response = app.post_form(path, &[("role", "admin"), ("learner_type", "nhs"), ("reason", "x")]).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(app.count("select count(*) from users where role = 'admin'").await, 0, "nobody became an admin");
        assert_eq!(app.count("select count(*) from courses").await, 0, "no course was made");
        let (_, home) = app.get_text("/").await;
        assert!(!home.contains(r#"href="/admin""#), "no admin link for learners");
    }

    async fn admins_find_users_by_name_or_email_whatever_the_accents(backend) {
        let app = TestApp::spawn(backend).await;
        admin(&app).await;
        app.register("Zoë Ångström", "zoe@example.org", PASSWORD).await;
        for n in 0..30 {
            app.create_user(&format!("person{n:02}@example.org"), Role::Learner, true).await;
        }
        for query in ["zoe", "ZOË", "angstrom", "ZOE@EXAMPLE"] {
            let (status, page) = app.get_text(&format!("/admin/users?q={query}")).await;
            assert_eq!(status, StatusCode::OK);
            assert!(page.contains("1 account matching") && page.contains("Zoë Ångström"), "{query}");
        }
        for query in ["%", "_", "\\", "'", "%25%27"] {
            let (status, page) = app.get_text(&format!("/admin/users?q={query}")).await;
            assert_eq!(status, StatusCode::OK, "{query}");
            assert!(page.contains("0 accounts") || page.contains("No accounts match"), "{query} is not a wildcard");
        }
        // Every account, uncounted (a count would read every row): page by page.
        let (_, first) = app.get_text("/admin/users").await;
        assert!(first.contains("Page 1<") && first.contains(r#"rel="next""#), "{first}");
        for page in ["0", "-1", "abc", "99999999999999999999"] {
            let (status, html) = app.get_text(&format!("/admin/users?page={page}")).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(html.contains("Page 1<"), "{page}");
        }
        let (_, two) = app.get_text("/admin/users?page=2").await;
        assert!(two.contains("Page 2<") && !two.contains(r#"rel="next""#), "32 accounts: the last 7 on page 2");
        let (_, past) = app.get_text("/admin/users?page=50").await;
        assert!(past.contains("There are no more accounts") && past.contains(r#"rel="prev""#));
        assert_eq!(app.get("/admin/users/abc").await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(app.get("/admin/users/999999").await.status(), StatusCode::NOT_FOUND);
    }

    async fn an_admin_overrides_a_learner_type_with_a_recorded_reason(backend) {
        let app = TestApp::spawn(backend).await;
        admin(&app).await;
        let learner = app.create_user("agency@example.com", Role::Learner, true).await;
        let path = format!("/admin/users/{learner}/learner-type");
        let missing = app.post_form(&path, &[("learner_type", "nhs"), ("reason", " ")]).await;
        assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.text().await.unwrap().contains("Enter the reason"));
        let done = app.post_form(&path, &[("learner_type", "nhs"), ("reason", "Saw an NHS England contract letter")]).await;
        assert_eq!(location(&done), format!("/admin/users/{learner}?notice=saved"));
        let (_, page) = app.get_text(&format!("/admin/users/{learner}")).await;
        assert!(page.contains("NHS staff in England") && page.contains("Set by an admin: Saw an NHS England contract letter"));
        assert_eq!(app.count("select count(*) from audit_events where action = 'learner_type_overridden'").await, 1);
        let learner_view = app.another_browser();
        learner_view.sign_in("agency@example.com", PASSWORD).await;
        let (_, account) = learner_view.get_text("/account").await;
        assert!(account.contains("Why: Set by an admin"), "the learner sees why");
    }

    async fn the_last_admin_cannot_be_demoted_and_nobody_changes_their_own_role(backend) {
        let app = TestApp::spawn(backend).await;
        let first = admin(&app).await;
        let own = app.post_form(&format!("/admin/users/{first}/role"), &[("role", "learner")]).await;
        assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(own.text().await.unwrap().contains("You cannot change your own role"));
        let own = app.post_form(&format!("/admin/users/{first}/disable"), &[]).await;
        assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let delete = app.post_form("/account/delete", &[("current_password", PASSWORD)]).await;
        assert_eq!(delete.status(), StatusCode::UNPROCESSABLE_ENTITY, "the only admin cannot delete their account");

        let second = app.create_user("second@example.org", Role::Learner, true).await;
        let promoted = app.post_form(&format!("/admin/users/{second}/role"), &[("role", "admin")]).await;
        assert_eq!(location(&promoted), format!("/admin/users/{second}?notice=saved"));
        let other = app.another_browser();
        other.sign_in("second@example.org", PASSWORD).await;
        assert_eq!(other.get("/admin").await.status(), StatusCode::OK, "the new admin is in");
        let demoted = app.post_form(&format!("/admin/users/{second}/role"), &[("role", "learner")]).await;
        assert_eq!(location(&demoted), format!("/admin/users/{second}?notice=saved"));
        assert_eq!(other.get("/admin").await.status(), StatusCode::FORBIDDEN, "and out again");
        assert_eq!(app.count("select count(*) from users where role = 'admin'").await, 1);
        assert_eq!(app.count("select count(*) from audit_events where action = 'role_changed'").await, 2);
        let bad = app.post_form(&format!("/admin/users/{second}/role"), &[("role", "superuser")]).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn a_disabled_user_is_signed_out_everywhere_until_enabled(backend) {
        let app = TestApp::spawn(backend).await;
        admin(&app).await;
        let learner_id = app.create_user("risky@example.org", Role::Learner, true).await;
        let learner = app.another_browser();
        learner.sign_in("risky@example.org", PASSWORD).await;
        assert_eq!(learner.get("/account").await.status(), StatusCode::OK);

        assert_eq!(location(&app.post_form(&format!("/admin/users/{learner_id}/disable"), &[]).await), format!("/admin/users/{learner_id}?notice=saved"));
        assert_eq!(learner.get("/account").await.status(), StatusCode::SEE_OTHER, "signed out at once");
        let refused = learner.sign_in("risky@example.org", PASSWORD).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().await.unwrap().contains("Your email address or password is wrong"), "no hint, even with the password");

        app.post_form(&format!("/admin/users/{learner_id}/enable"), &[]).await;
        assert_eq!(location(&learner.sign_in("risky@example.org", PASSWORD).await), "/account");
    }

    async fn the_emails_page_lists_by_status_and_retries_dead_mail(backend) {
        let smtp = crate::support::smtp::FakeSmtp::start().await;
        smtp.reject_recipient("bounce@example.org");
        let smtp_url = smtp.url();
        let app = TestApp::spawn_with(backend, &[("ACADEMY_SMTP_URL", smtp_url.as_str())], Router::new()).await;
        admin(&app).await;
        app.register("Bouncing Person", "bounce@example.org", PASSWORD).await;
        app.run_background_jobs().await;
        let (status, page) = app.get_text("/admin/emails?status=dead").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("bounce@example.org") && page.contains("Contains a link"), "{page}");
        assert!(!page.contains("/verify-email/"), "the link itself is never shown");
        let (status, all) = app.get_text("/admin/emails?status=nonsense&page=-4").await;
        assert_eq!(status, StatusCode::OK);
        assert!(all.contains("bounce@example.org"), "every status, the first page");

        let id = app.count("select max(email_outbox_id) from email_outbox").await;
        let retried = app.post_form(&format!("/admin/emails/{id}/retry"), &[]).await;
        assert_eq!(location(&retried), "/admin/emails?retried=1");
        assert_eq!(app.count("select count(*) from email_outbox where status = 'queued'").await, 1);
        let again = app.post_form(&format!("/admin/emails/{id}/retry"), &[]).await;
        assert_eq!(again.status(), StatusCode::BAD_REQUEST, "a queued mail is not retried twice");
        let unknown = app.post_form(&format!("/admin/emails/{}/retry", id + 1000), &[]).await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND, "an unknown mail is not there, not a bad request");
        let audited = app.count("select count(*) from audit_events where action = 'email_retried'").await;
        assert_eq!(audited, 1, "only the real retry is audited");
    }
}

fn course_form<'a>(title: &'a str, fee: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("slug", ""),
        ("summary", "What the course is about."),
        (
            "description",
            "## Aims\n\n*Learn* things <script>alert(1)</script>",
        ),
        ("who_for", "Investigators"),
        ("learning_outcomes", "One\nTwo"),
        ("level", "advanced"),
        ("format", "blended"),
        ("duration", "2 days"),
        ("cpd_hours", "1"),
        ("cpd_extra_minutes", "30"),
        ("accreditation", ""),
        ("accreditation_reference", ""),
        ("fee", fee),
        ("completion_rule", "attendance"),
        ("sessions_required", ""),
        ("action", "save"),
    ]
}

backend_tests! {
    async fn admins_add_courses_with_clear_messages_for_bad_input(backend) {
        let app = TestApp::spawn(backend).await;
        admin(&app).await;
        let blank = app.form_on("/admin/courses/new", "/admin/courses").await.cleared();
        let empty = app.submit(&blank.set("action", "save").set("cpd_extra_minutes", "75")).await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = empty.text().await.unwrap();
        for message in ["Enter the course title", "Enter a one or two sentence summary", "Select the level", "Select the format",
                        "Enter how long the course takes", "Enter CPD time as whole hours", "Enter the fee for learners outside the NHS"] {
            assert!(html.contains(message), "{message}");
        }
        for (fee, message) in [("ten pounds", "Enter the fee in pounds"), ("-5", "Enter the fee in pounds"), ("£250.505", "Enter the fee in pounds"), ("£200000", "£100,000 or less")] {
            let response = app.post_form("/admin/courses", &course_form("Fees", fee)).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fee}");
            assert!(response.text().await.unwrap().contains(message), "{fee}");
        }
        assert_eq!(app.count("select count(*) from courses").await, 0);

        let mut preview = course_form("Previewed course", "£250.50");
        preview.retain(|(k, _)| *k != "action");
        preview.push(("action", "preview"));
        let shown = app.post_form("/admin/courses", &preview).await;
        assert_eq!(shown.status(), StatusCode::OK);
        let html = shown.text().await.unwrap();
        assert!(html.contains("<h2>Aims</h2>") && html.contains("<em>Learn</em>") && !html.contains("<script>alert"));
        assert_eq!(app.count("select count(*) from courses").await, 0, "a preview saves nothing");

        let saved = app.post_form("/admin/courses", &course_form("Writing better recommendations", "£250.50")).await;
        assert_eq!(location(&saved), "/admin/courses?notice=saved");
        assert_eq!(app.count("select count(*) from courses where fee_pence = 25050 and cpd_minutes = 90 and published = false").await, 1);
        assert_eq!(app.get("/courses/writing-better-recommendations").await.status(), StatusCode::NOT_FOUND, "not public until published");
        let duplicate = app.post_form("/admin/courses", &course_form("Writing better recommendations!", "0")).await;
        assert_eq!(duplicate.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(duplicate.text().await.unwrap().contains("Another course already uses that web address"));
    }

    async fn publishing_and_renaming_a_course_keep_old_links_working(backend) {
        let app = TestApp::spawn(backend).await;
        admin(&app).await;
        app.post_form("/admin/courses", &course_form("Human factors basics", "£100")).await;
        let id = app.count("select max(course_id) from courses").await;
        app.post_form(&format!("/admin/courses/{id}/publish"), &[]).await;
        assert_eq!(app.get("/courses/human-factors-basics").await.status(), StatusCode::OK);

        let (_, form) = app.get_text(&format!("/admin/courses/{id}/edit")).await;
        assert!(form.contains(r#"value="£100""#) && form.contains(r#"value="1""#) && form.contains(r#"value="30""#), "the form shows what is stored");
        let mut renamed = course_form("Human factors: the basics", "£120");
        renamed.retain(|(k, _)| *k != "slug");
        renamed.push(("slug", "human-factors-the-basics"));
        assert_eq!(location(&app.post_form(&format!("/admin/courses/{id}"), &renamed).await), "/admin/courses?notice=saved");
        let old = app.get("/courses/human-factors-basics").await;
        assert_eq!(old.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(location(&old), "/courses/human-factors-the-basics");
        let (_, page) = app.another_browser().get_text("/courses/human-factors-the-basics").await;
        assert!(page.contains("£120 for other learners"), "anonymous visitors see both prices");

        app.post_form(&format!("/admin/courses/{id}/unpublish"), &[]).await;
        assert_eq!(app.get("/courses/human-factors-the-basics").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get("/courses/human-factors-basics").await.status(), StatusCode::NOT_FOUND, "an old slug of a hidden course leads nowhere");
        for action in ["course_created", "course_published", "course_updated", "course_unpublished"] {
            assert_eq!(app.count(&format!("select count(*) from audit_events where action = '{action}'")).await, 1, "{action}");
        }
        assert_eq!(app.post_form("/admin/courses/999999", &course_form("X", "0")).await.status(), StatusCode::NOT_FOUND);
    }
}
