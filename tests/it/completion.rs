//! Completion on both databases: the preview at the rule's boundary (N−1 and N sessions),
//! the evaluation required or not, completing and "did not complete" (each one
//! transaction with its history, audit event and mail) and the refused ones, and a cohort
//! marked completed only after its last session.

use reqwest::StatusCode;

use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::location;
use crate::support::learning::{Cohort, cohort_with, session_times, text};

/// Changes the course's completion settings through its form.
async fn set_rule(cohort: &Cohort, rule: &str, sessions: &str, evaluation_required: bool) {
    let edit = format!("/admin/courses/{}/edit", cohort.course);
    let action = format!("/admin/courses/{}", cohort.course);
    let form = cohort
        .admin
        .form_on(&edit, &action)
        .await
        .without("evaluation_required")
        .set("completion_rule", rule)
        .set("sessions_required", sessions)
        .set("action", "save");
    let form = match evaluation_required {
        true => form.set("evaluation_required", "yes"),
        false => form,
    };
    let saved = cohort.admin.submit(&form).await;
    assert_eq!(location(&saved), "/admin/courses?notice=saved");
}

/// Outbox mail of `kind` queued to `email`.
async fn mails(app: &TestApp, kind: &str, email: &str) -> i64 {
    app.count(&format!(
        "select count(*) from email_outbox where kind = '{kind}' and to_address = '{email}'"
    ))
    .await
}

async fn events(app: &TestApp, enrolment: i64, to: &str) -> i64 {
    app.count(&format!("select count(*) from enrolment_events where enrolment_id = {enrolment} and to_status = '{to}'")).await
}

backend_tests! {
    async fn the_preview_completes_n_sessions_and_not_one_fewer(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 10, &["Ada", "Bea", "Cal"]).await;
        let (ada, bea, cal) = (&cohort.learners[0], &cohort.learners[1], &cohort.learners[2]);
        let admin = &cohort.admin;
        let page = format!("/admin/cohorts/{}/completion", cohort.cohort);

        // Every session by default; the preview says so before the cohort is over.
        let (status, before) = admin.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert_accessible(&page, &before);
        assert!(before.contains("attending at least 2 of its 2 live sessions") && before.contains("Who completed the course is decided once the cohort is over"), "{before}");
        assert!(!before.contains("Mark complete"), "nothing to decide yet");
        assert_eq!(admin.post_form(&page, &[]).await.status(), StatusCode::BAD_REQUEST, "not before it is over");
        assert_eq!(admin.post_form(&format!("/admin/enrolments/{}/complete", ada.enrolment), &[]).await.status(), StatusCode::BAD_REQUEST);

        cohort.during_session(&app, 0).await;
        cohort.present_at(0, &[0, 1]).await;
        cohort.during_session(&app, 1).await;
        cohort.present_at(1, &[0]).await;
        cohort.after_the_cohort(&app).await;

        let (_, preview) = admin.get_text(&page).await;
        assert_accessible(&page, &preview);
        assert!(preview.contains("Will complete</strong>"), "Ada: 2 of 2: {preview}");
        assert!(preview.contains("Will not complete: attended 1 of 2, needs 2"), "Bea: one fewer");
        assert!(preview.contains("Will not complete: attended 0 of 2, needs 2"), "Cal");
        assert!(preview.contains("Mark the 1 learner who meets the rule complete"), "{preview}");

        // One fewer meets a rule of 1 session.
        set_rule(&cohort, "attendance", "1", false).await;
        let (_, preview) = admin.get_text(&page).await;
        assert!(preview.contains("attending at least 1 of its 2 live sessions"));
        assert!(preview.contains("Will not complete: attended 0 of 2, needs 1"), "Cal still short");
        assert!(preview.contains("Mark the 2 learners who meet the rule complete"), "Ada and Bea: {preview}");

        let seats = app.count(&format!("select seats_taken from cohorts where cohort_id = {}", cohort.cohort)).await;
        let done = admin.post_form(&page, &[]).await;
        assert_eq!(location(&done), format!("{page}?notice=completion-recorded"));
        assert_eq!(app.status_of(ada.enrolment).await, "completed");
        assert_eq!(app.status_of(bea.enrolment).await, "completed");
        assert_eq!(app.status_of(cal.enrolment).await, "confirmed", "Cal is still to decide");
        for learner in [ada, bea] {
            assert_eq!(events(&app, learner.enrolment, "completed").await, 1, "the history");
            assert_eq!(mails(&app, "certificate_ready", &learner.email).await, 1, "the one mail: the certificate is ready");
            assert_eq!(app.count(&format!("select count(*) from certificates where enrolment_id = {} and revoked_at is null", learner.enrolment)).await, 1,
                "completing issues the certificate in the same transaction");
        }
        assert_eq!(app.count("select count(*) from audit_events where action = 'enrolment.completed'").await, 2);
        assert_eq!(app.count(&format!("select seats_taken from cohorts where cohort_id = {}", cohort.cohort)).await, seats - 2, "a completed place gives its seat back");
        app.assert_seats_add_up().await;
        let subject = text(&app, &format!("select subject from email_outbox where kind = 'certificate_ready' and to_address = '{}'", ada.email)).await;
        assert_eq!(subject, "Your certificate for Learning from patient safety incidents is ready");
        assert_eq!(app.count(&format!("select count(*) from certificates where enrolment_id = {}", cal.enrolment)).await, 0, "no certificate before completion");

        // Pressing it again completes nobody new.
        admin.post_form(&page, &[]).await;
        assert_eq!(app.count("select count(*) from audit_events where action = 'enrolment.completed'").await, 2);
        let (_, mine) = ada.browser.get_text(&format!("/enrolments/{}", ada.enrolment)).await;
        assert!(mine.contains("tag--green\">Completed") && mine.contains("You completed this course on"), "{mine}");
        let (_, roster) = admin.get_text(&format!("/admin/cohorts/{}", cohort.cohort)).await;
        assert!(roster.contains("<h2>Completed (2)</h2>"), "the roster shows them");

        // Deleting an account with a completed place, its marks and history: the seats
        // still add up, and its attendance goes with it.
        let deleted = ada.browser.post_form("/account/delete", &[("current_password", crate::support::accounts::PASSWORD)]).await;
        assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count(&format!("select count(*) from enrolments where enrolment_id = {}", ada.enrolment)).await, 0);
        assert_eq!(app.count(&format!("select count(*) from attendance where enrolment_id = {}", ada.enrolment)).await, 0);
        assert_eq!(app.count("select count(*) from attendance").await, 1, "Bea's mark stays");
        app.assert_seats_add_up().await;
    }

    async fn a_required_evaluation_comes_before_completion(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 10, &["Ada", "Bea"]).await;
        let (ada, bea) = (&cohort.learners[0], &cohort.learners[1]);
        let admin = &cohort.admin;
        set_rule(&cohort, "attendance", "", true).await;
        cohort.during_session(&app, 0).await;
        cohort.present_at(0, &[0, 1]).await;
        cohort.during_session(&app, 1).await;
        cohort.present_at(1, &[0, 1]).await;
        cohort.after_the_cohort(&app).await;
        let page = format!("/admin/cohorts/{}/completion", cohort.cohort);

        let (_, preview) = admin.get_text(&page).await;
        assert!(preview.contains("and send the course evaluation"));
        assert_eq!(preview.matches("Will not complete: evaluation not done").count(), 2, "{preview}");
        assert!(!preview.contains("Mark complete<"), "not even by hand");
        let refused = admin.post_form(&format!("/admin/enrolments/{}/complete", ada.enrolment), &[]).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert!(refused.text().await.unwrap().contains("requires the evaluation"));
        assert_eq!(app.status_of(ada.enrolment).await, "confirmed");

        // Ada sends it: she meets the rule; Bea does not.
        let evaluation = format!("/enrolments/{}/evaluation", ada.enrolment);
        let form = ada.browser.form_on(&evaluation, &evaluation).await
            .set("overall", "4").set("outcome_1", "5").set("outcome_2", "3").set("practice", "Use the systems map at handover");
        assert_eq!(ada.browser.submit(&form).await.status(), StatusCode::SEE_OTHER);
        let (_, preview) = admin.get_text(&page).await;
        assert!(preview.contains("Will complete</strong>") && preview.contains("Mark the 1 learner who meets the rule complete"), "{preview}");
        admin.post_form(&page, &[]).await;
        assert_eq!(app.status_of(ada.enrolment).await, "completed");
        assert_eq!(app.status_of(bea.enrolment).await, "confirmed");

        // Not required: Bea completes without it.
        set_rule(&cohort, "attendance", "", false).await;
        let (_, preview) = admin.get_text(&page).await;
        assert!(preview.contains("Will complete</strong>") && !preview.contains("evaluation not done"), "{preview}");
        let done = admin.post_form(&format!("/admin/enrolments/{}/complete", bea.enrolment), &[]).await;
        assert_eq!(location(&done), format!("{page}?notice=completion-recorded"));
        assert_eq!(app.status_of(bea.enrolment).await, "completed");
        app.assert_seats_add_up().await;
    }

    async fn not_completed_needs_a_reason_and_refused_steps_change_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 2, &["Ada", "Bea", "Cal", "Dee"]).await;
        let (ada, bea, cal, dee) = (&cohort.learners[0], &cohort.learners[1], &cohort.learners[2], &cohort.learners[3]);
        let admin = &cohort.admin;
        assert_eq!(app.status_of(cal.enrolment).await, "waitlisted");
        // Dee leaves the waiting list: a withdrawn place.
        dee.browser.post_form(&format!("/enrolments/{}/cancel", dee.enrolment), &[]).await;
        set_rule(&cohort, "admin", "", false).await;
        cohort.after_the_cohort(&app).await;
        let page = format!("/admin/cohorts/{}/completion", cohort.cohort);
        let (_, preview) = admin.get_text(&page).await;
        assert!(preview.contains("An admin decides for each learner.") && preview.contains("An admin decides</td>"), "{preview}");
        assert!(!preview.contains("the rule complete"), "no button for everyone");
        assert_eq!(admin.post_form(&page, &[]).await.status(), StatusCode::BAD_REQUEST, "an admin decides one by one");

        // "Did not complete" asks for the reason.
        let path = format!("/admin/enrolments/{}/not-completed", bea.enrolment);
        let (status, form) = admin.get_text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert_accessible(&path, &form);
        let empty = admin.post_form(&path, &[("reason", "  ")]).await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = empty.text().await.unwrap();
        assert_accessible(&path, &html);
        assert_error_summary(&path, &html);
        assert!(html.contains("Enter the reason the learner did not complete the course"));
        assert_eq!(app.status_of(bea.enrolment).await, "confirmed", "nothing changed");
        let missing = admin.post_form(&path, &[]).await;
        assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY, "a body without the reason");

        let before = app.count("select count(*) from audit_events").await;
        let done = admin.post_form(&path, &[("reason", "Attended one session of the two and did not catch up")]).await;
        assert_eq!(location(&done), format!("{page}?notice=completion-recorded"));
        assert_eq!(app.status_of(bea.enrolment).await, "not_completed");
        assert_eq!(app.count(&format!("select count(*) from enrolment_events where enrolment_id = {} and to_status = 'not_completed' and note like 'Attended one session%'", bea.enrolment)).await, 1);
        assert_eq!(app.count("select count(*) from audit_events where action = 'enrolment.not_completed'").await, 1);
        assert_eq!(app.count("select count(*) from audit_events").await, before + 1, "one audit event");
        let body = text(&app, &format!("select body_text from email_outbox where kind = 'course_not_completed' and to_address = '{}'", bea.email)).await;
        assert!(body.contains("did not complete Learning from patient safety incidents") && body.contains("Attended one session of the two"), "{body}");
        let (_, theirs) = bea.browser.get_text(&format!("/enrolments/{}", bea.enrolment)).await;
        assert!(theirs.contains("Did not complete") && theirs.contains("did not complete this course, because: Attended one session"), "{theirs}");

        // An admin decides: Ada completes with no attendance recorded.
        admin.post_form(&format!("/admin/enrolments/{}/complete", ada.enrolment), &[]).await;
        assert_eq!(app.status_of(ada.enrolment).await, "completed");

        // Refused: twice, the other way round, a waiting place, a withdrawn one, unknown.
        let fingerprint = || async { (app.count("select count(*) from enrolment_events").await, app.count("select count(*) from email_outbox").await, app.count("select count(*) from audit_events").await) };
        let before = fingerprint().await;
        for (what, path, body) in [
            ("completing twice", format!("/admin/enrolments/{}/complete", ada.enrolment), vec![]),
            ("not completing a completed place", format!("/admin/enrolments/{}/not-completed", ada.enrolment), vec![("reason", "Changed my mind")]),
            ("completing a place not completed", format!("/admin/enrolments/{}/complete", bea.enrolment), vec![]),
            ("completing a waiting place", format!("/admin/enrolments/{}/complete", cal.enrolment), vec![]),
            ("not completing a waiting place", format!("/admin/enrolments/{}/not-completed", cal.enrolment), vec![("reason", "Never had a place")]),
            ("completing a withdrawn place", format!("/admin/enrolments/{}/complete", dee.enrolment), vec![]),
        ] {
            let response = admin.post_form(&path, &body).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{what}");
            assert!(response.text().await.unwrap().contains("only a confirmed place"), "{what}");
        }
        assert_eq!(admin.post_form("/admin/enrolments/999999/complete", &[]).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(fingerprint().await, before, "nothing written");
        assert_eq!(app.status_of(cal.enrolment).await, "waitlisted");
        let (status, page) = admin.get_text(&format!("/admin/enrolments/{}/not-completed", cal.enrolment)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("only a confirmed place can be marked as not completed") && !page.contains("<textarea"), "{page}");
        let learner = ada.browser.post_form(&format!("/admin/enrolments/{}/complete", bea.enrolment), &[]).await;
        assert!(matches!(learner.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "a learner is not an admin");
        app.assert_seats_add_up().await;
    }

    async fn a_cohort_is_completed_only_after_its_last_session(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 1, &["Ada", "Bea"]).await;
        let admin = &cohort.admin;
        let close = format!("/admin/cohorts/{}/complete", cohort.cohort);
        let bea = &cohort.learners[1];
        assert_eq!(app.status_of(bea.enrolment).await, "waitlisted");
        let completed = format!("select count(*) from cohorts where cohort_id = {} and status = 'completed'", cohort.cohort);
        let status = || app.count(&completed);

        assert_eq!(admin.post_form(&close, &[]).await.status(), StatusCode::BAD_REQUEST, "before it starts");
        cohort.move_to(&app, session_times(1).0 + chrono::Duration::hours(2)).await;
        let during = admin.post_form(&close, &[]).await;
        assert_eq!(during.status(), StatusCode::BAD_REQUEST, "during the last session");
        assert!(during.text().await.unwrap().contains("This cohort is not over until 18 May 2026 at 12:30pm"));
        assert_eq!(status().await, 0);
        let (_, page) = admin.get_text(&format!("/admin/cohorts/{}/completion", cohort.cohort)).await;
        assert!(!page.contains("Mark the cohort completed</button>"), "no button before it is over");

        cohort.move_to(&app, session_times(1).1).await;
        let (_, page) = admin.get_text(&format!("/admin/cohorts/{}/completion", cohort.cohort)).await;
        assert!(page.contains("Mark the cohort completed</button>"));
        // Nobody is left queueing for a course that has ended: Bea's place is dealt with first.
        let waiting = admin.post_form(&close, &[]).await;
        assert_eq!(waiting.status(), StatusCode::BAD_REQUEST, "a learner still waits");
        let html = waiting.text().await.unwrap();
        assert!(html.contains("There is 1 learner on this cohort still waiting for or holding a place"), "{html}");
        assert_eq!(status().await, 0);
        let cancel = format!("/admin/enrolments/{}/cancel", bea.enrolment);
        admin.post_form(&cancel, &[("reason", "The cohort has finished; no place came free.")]).await;
        assert_eq!(app.status_of(bea.enrolment).await, "cancelled");
        let done = admin.post_form(&close, &[]).await;
        assert_eq!(location(&done), format!("/admin/cohorts/{}/completion?notice=saved", cohort.cohort));
        assert_eq!(status().await, 1);
        assert_eq!(app.count("select count(*) from audit_events where action = 'cohort_completed'").await, 1);
        assert_eq!(admin.post_form(&close, &[]).await.status(), StatusCode::BAD_REQUEST, "once");
        assert_eq!(app.status_of(cohort.learners[0].enrolment).await, "confirmed", "each learner is decided on their own");

        // Shown wherever a cohort's status is.
        let (_, overview) = admin.get_text("/admin/cohorts").await;
        assert!(overview.contains("<strong class=\"tag\">Completed</strong>"), "{overview}");
        let (_, roster) = admin.get_text(&format!("/admin/cohorts/{}", cohort.cohort)).await;
        assert!(roster.contains("<dd class=\"summary-list__value\">Completed</dd>"));
        let (_, public) = app.another_browser().get_text("/courses/learning-from-patient-safety-incidents").await;
        assert!(public.contains("Finished") && public.contains("This cohort has finished"), "{public}");
        let (_, completion) = admin.get_text(&format!("/admin/cohorts/{}/completion", cohort.cohort)).await;
        assert!(completion.contains("<strong class=\"tag\">Completed</strong>") && !completion.contains("Mark the cohort completed</button>"));
        // Its learners can still be decided.
        admin.post_form(&format!("/admin/enrolments/{}/complete", cohort.learners[0].enrolment), &[]).await;
        assert_eq!(app.status_of(cohort.learners[0].enrolment).await, "completed");
        // A completed place gives its seat back, and still counts as a place taken.
        let (_, overview) = admin.get_text("/admin/cohorts").await;
        assert!(overview.contains("<td>1 of 1</td>"), "{overview}");
        let (_, roster) = admin.get_text(&format!("/admin/cohorts/{}", cohort.cohort)).await;
        assert!(roster.contains("1 of 1 (confirmed, held, offered, completed and not completed)"), "{roster}");
    }
}

backend_tests! {
    async fn the_course_form_sets_the_completion_rule(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 5, &[]).await;
        let admin = &cohort.admin;
        let (edit, action) = (format!("/admin/courses/{}/edit", cohort.course), format!("/admin/courses/{}", cohort.course));
        for path in ["/admin/courses/new", edit.as_str()] {
            let (status, html) = admin.get_text(path).await;
            assert_eq!(status, StatusCode::OK);
            assert_accessible(path, &html);
        }
        let (_, html) = admin.get_text(&edit).await;
        assert!(html.contains(r#"value="attendance" checked"#) && html.contains(r#"id="sessions_required" name="sessions_required" type="text" value="""#), "every session by default: {html}");
        let form = admin.form_on(&edit, &action).await.set("action", "save");
        for (sessions, rule) in [("0", "attendance"), ("lots", "attendance"), ("101", "attendance"), ("2", "sometimes")] {
            let refused = admin.submit(&form.clone().set("sessions_required", sessions).set("completion_rule", rule)).await;
            assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{sessions} {rule}");
            let html = refused.text().await.unwrap();
            assert_accessible(&action, &html);
            assert_error_summary(&action, &html);
        }
        set_rule(&cohort, "admin", "3", true).await;
        let stored = format!("select count(*) from courses where course_id = {} and completion_rule = 'admin' and sessions_required = 3 and evaluation_required", cohort.course);
        assert_eq!(app.count(&stored).await, 1);
        let (_, html) = admin.get_text(&edit).await;
        assert!(html.contains(r#"value="admin" checked"#) && html.contains(r#"value="3""#) && html.contains(r#"value="yes" checked"#));
        set_rule(&cohort, "attendance", "", false).await;
        let stored = format!("select count(*) from courses where course_id = {} and completion_rule = 'attendance' and sessions_required is null and not evaluation_required", cohort.course);
        assert_eq!(app.count(&stored).await, 1, "empty is every session; an unticked box is not required");
    }
}
