//! Editing a cohort's sessions with "Email the confirmed learners" ticked: each confirmed
//! learner (and nobody waiting) gets one email saying what changed, with the updated
//! calendar; nothing is sent when nothing a learner plans around changed, or without the
//! tick.

use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::app::Browser;
use crate::support::enrolment::{add_cohort, add_course, admin, enrol, learner};
use crate::support::forms::PageForm;
use crate::support::learning::text;

/// Where a saved edit sent the admin.
async fn save(admin: &Browser, form: &PageForm) -> String {
    let response = admin.submit(&form.clone().set("action", "save")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The edit form as the admin's browser would send it.
async fn edit_form(admin: &Browser, cohort: i64) -> PageForm {
    admin
        .form_on(
            &format!("/admin/cohorts/{cohort}/edit"),
            &format!("/admin/cohorts/{cohort}"),
        )
        .await
}

/// The form with the first session row's `name` set to `value`, the other rows as they were.
fn first_row(mut form: PageForm, name: &str, value: &str) -> PageForm {
    let field = form
        .fields
        .iter_mut()
        .find(|(n, _)| n == name)
        .expect("a session row");
    field.1 = value.to_owned();
    form
}

/// The form with only its first session row (the second taken away).
fn first_session_only(form: PageForm) -> PageForm {
    let mut seen = Vec::new();
    let mut fields = Vec::new();
    for (name, value) in form.fields.clone() {
        if name.starts_with("session_") && name != "session_rows" {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
        }
        fields.push((name, value));
    }
    PageForm { fields, ..form }.set("session_rows", "1")
}

backend_tests! {
    async fn a_moved_session_is_told_to_each_confirmed_learner_with_the_updated_calendar(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 2).await;
        for email in ["ada@nhs.net", "bea@nhs.net", "cy@nhs.net"] {
            enrol(&learner(&app, email).await, cohort, &[("funding", "free")]).await;
        }
        let admin = admin(&app).await;
        let form = edit_form(&admin, cohort).await;
        assert!(form.checkboxes.iter().any(|c| c == "tell_learners"), "the edit form offers it");
        assert!(form.value("tell_learners").is_none(), "unticked to begin with");

        let moved = first_row(form.clone(), "session_start", "10:00").set("tell_learners", "yes");
        assert!(save(&admin, &moved).await.contains("notice=saved-learners-told"));
        let sent = app.count("select count(*) from email_outbox where kind = 'sessions_changed'").await;
        assert_eq!(sent, 2, "the two confirmed learners, not the one waiting");
        let to = |address: &str| format!("select count(*) from email_outbox where kind = 'sessions_changed' and to_address = '{address}'");
        assert_eq!((app.count(&to("ada@nhs.net")).await, app.count(&to("bea@nhs.net")).await, app.count(&to("cy@nhs.net")).await), (1, 1, 0));
        let body = text(&app, "select body_text from email_outbox where kind = 'sessions_changed' and to_address = 'ada@nhs.net'").await;
        assert!(body.contains("“Session 1” has moved to 4 May 2026 at 10am to 12:30pm (it was 4 May 2026 at 9:30am to 12:30pm)."), "{body}");
        assert!(!body.contains("Session 2"), "only what changed: {body}");
        let calendar = text(&app, "select attachment_body from email_outbox where kind = 'sessions_changed' and to_address = 'ada@nhs.net'").await;
        let sequence = app.count(&format!("select calendar_sequence from cohorts where cohort_id = {cohort}")).await;
        assert!(calendar.contains("DTSTART:20260504T090000Z"), "10am UK time: {calendar}");
        assert!(calendar.contains(&format!("SEQUENCE:{sequence}")), "{calendar}");
        let audit = text(&app, "select detail from audit_events where action = 'cohort_updated'").await;
        assert_eq!(audit, format!("cohort {cohort}: 2 confirmed learners told of the change"));

        // Saved again as it is: nothing to tell, and the notice says so.
        let same = edit_form(&admin, cohort).await.set("tell_learners", "yes");
        assert!(save(&admin, &same).await.contains("notice=saved-nothing-to-tell"));
        // A change without the tick: saved, nobody emailed.
        let quiet = first_row(edit_form(&admin, cohort).await, "session_start", "11:00");
        assert!(save(&admin, &quiet).await.ends_with("notice=saved"));
        assert_eq!(app.count("select count(*) from email_outbox where kind = 'sessions_changed'").await, 2);
    }

    async fn a_session_taken_away_is_cancelled_in_the_learners_calendars(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 5).await;
        enrol(&learner(&app, "ada@nhs.net").await, cohort, &[("funding", "free")]).await;
        let admin = admin(&app).await;
        let form = first_session_only(edit_form(&admin, cohort).await).set("delivery_notes", "Online, on Teams").set("tell_learners", "yes");
        assert!(save(&admin, &form).await.contains("notice=saved-learners-told"));
        let body = text(&app, "select body_text from email_outbox where kind = 'sessions_changed'").await;
        assert!(body.contains("“Session 2” on 18 May 2026 at 9:30am to 12:30pm is cancelled."), "{body}");
        assert!(body.contains("The notes on how the course is delivered have changed") && body.contains("Online, on Teams"), "{body}");
        let calendar = text(&app, "select attachment_body from email_outbox where kind = 'sessions_changed'").await;
        assert_eq!(calendar.matches("BEGIN:VEVENT").count(), 2, "the kept session and the cancelled one");
        assert_eq!(calendar.matches("STATUS:CANCELLED").count(), 1, "{calendar}");
        assert_eq!(app.count(&format!("select count(*) from cohort_sessions where cohort_id = {cohort}")).await, 1);
    }
}
