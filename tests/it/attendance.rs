//! Attendance registers on both databases: marks saved without JavaScript, "mark all
//! present", excused absences with their note, only the register's learners marked, bad
//! input refused with nothing saved, and each learner seeing their own attendance.

use reqwest::StatusCode;

use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::support::TestApp;
use crate::support::learning::cohort_with;

backend_tests! {
    async fn a_register_is_saved_with_mark_all_present_and_excused_notes(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 3, &["Ada", "Bea", "Cal", "Dev"]).await;
        let (ada, bea, cal, dev) = (&cohort.learners[0], &cohort.learners[1], &cohort.learners[2], &cohort.learners[3]);
        assert_eq!(app.status_of(dev.enrolment).await, "waitlisted");
        let admin = &cohort.admin;
        let path = cohort.register_path(0);

        // Before the session starts: the register is shown, not taken.
        let (status, page) = admin.get_text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("You can take the register once the session starts") && !page.contains("Save the register"), "{page}");
        let (ada_field, ada_note) = (format!("attendance_{}", ada.enrolment), format!("note_{}", ada.enrolment));
        let (bea_field, bea_note) = (format!("attendance_{}", bea.enrolment), format!("note_{}", bea.enrolment));
        let (cal_field, cal_note) = (format!("attendance_{}", cal.enrolment), format!("note_{}", cal.enrolment));
        let everyone = [(ada_field.as_str(), "present"), (ada_note.as_str(), ""), (bea_field.as_str(), "present"), (bea_note.as_str(), ""), (cal_field.as_str(), "present"), (cal_note.as_str(), ""), ("action", "save")];
        let early = admin.post_form(&path, &everyone).await;
        assert_eq!(early.status(), StatusCode::BAD_REQUEST, "not before it starts");
        assert_eq!(app.count("select count(*) from attendance").await, 0);

        cohort.during_session(&app, 0).await;
        let (status, page) = admin.get_text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert_accessible(&path, &page);
        for name in ["Ada", "Bea", "Cal"] {
            assert!(page.contains(&format!("<legend class=\"fieldset__legend\">{name}</legend>")), "{name} is on the register");
        }
        assert!(!page.contains("Dev"), "a learner on the waiting list is not");

        // Excused needs its note: nothing is saved, and the form says so beside the field.
        let form = admin.form_on(&path, &path).await;
        let refused = admin.submit(&form.clone()
            .set(&format!("attendance_{}", ada.enrolment), "absent")
            .set(&format!("attendance_{}", bea.enrolment), "excused")).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(html.contains("Enter a note saying why Bea is excused"), "{html}");
        assert_accessible(&path, &html);
        assert_error_summary(&path, &html);
        assert!(html.contains(&format!(r#"id="attendance_{}-absent" name="attendance_{}" type="radio" value="absent" checked"#, ada.enrolment, ada.enrolment)), "what was chosen is kept");
        assert_eq!(app.count("select count(*) from attendance").await, 0, "nothing saved");

        // Mark all present fills in everyone not recorded, and keeps the marks chosen.
        let saved = admin.submit(&form.clone()
            .set(&format!("attendance_{}", ada.enrolment), "absent")
            .set(&format!("attendance_{}", bea.enrolment), "excused")
            .set(&format!("note_{}", bea.enrolment), "Called to the ward")
            .set("action", "all_present")).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        assert_eq!(crate::support::accounts::location(&saved), format!("{path}?notice=attendance-saved"));
        let mark = |id: i64| format!("select count(*) from attendance where enrolment_id = {id} and cohort_session_id = {}", cohort.sessions[0]);
        assert_eq!(app.count(&format!("{} and mark = 'absent'", mark(ada.enrolment))).await, 1);
        assert_eq!(app.count(&format!("{} and mark = 'excused' and note = 'Called to the ward'", mark(bea.enrolment))).await, 1);
        assert_eq!(app.count(&format!("{} and mark = 'present'", mark(cal.enrolment))).await, 1, "mark all present");
        assert_eq!(app.count("select count(*) from audit_events where action = 'attendance_recorded'").await, 1);
        let (_, page) = admin.get_text(&format!("{path}?notice=attendance-saved")).await;
        assert!(page.contains("The register has been saved."));
        assert!(page.contains(r#"value="excused" checked"#) && page.contains("value=\"Called to the ward\""), "the page shows what is stored");

        // Taking a mark off again ("Not recorded").
        let form = admin.form_on(&path, &path).await;
        admin.submit(&form.set(&format!("attendance_{}", ada.enrolment), "").set("action", "save")).await;
        assert_eq!(app.count(&mark(ada.enrolment)).await, 0, "a mark made by mistake comes off");

        // The cohort's registers count the marks.
        let overview = format!("/admin/cohorts/{}/attendance", cohort.cohort);
        let (status, page) = admin.get_text(&overview).await;
        assert_eq!(status, StatusCode::OK);
        assert_accessible(&overview, &page);
        assert!(page.contains("<td>1</td>\n      <td>0</td>\n      <td>1</td>\n      <td>1</td>"), "1 present, 0 absent, 1 excused, 1 not recorded: {page}");

        // Each learner sees their own attendance.
        let (_, own) = bea.browser.get_text(&format!("/enrolments/{}", bea.enrolment)).await;
        assert_accessible("the learner's enrolment", &own);
        assert!(own.contains("Your attendance") && own.contains("Excused: Called to the ward"), "{own}");
        let (_, own) = cal.browser.get_text(&format!("/enrolments/{}", cal.enrolment)).await;
        assert!(own.contains("<td>Present</td>") && own.contains("<td>Not yet</td>"), "the second session is still to come: {own}");
        let (_, waiting) = dev.browser.get_text(&format!("/enrolments/{}", dev.enrolment)).await;
        assert!(!waiting.contains("Your attendance"), "not for a place on the waiting list");
        app.assert_seats_add_up().await;
    }

    async fn only_the_registers_learners_are_marked_and_bad_input_saves_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 2, &["Ada", "Bea", "Cal"]).await;
        let (ada, bea, cal) = (&cohort.learners[0], &cohort.learners[1], &cohort.learners[2]);
        let admin = &cohort.admin;
        // Bea cancels: she leaves the register, and Cal (waiting) is offered her seat.
        let cancel = bea.browser.post_form(&format!("/enrolments/{}/cancel", bea.enrolment), &[]).await;
        assert_eq!(cancel.status(), StatusCode::SEE_OTHER);
        cohort.during_session(&app, 0).await;
        let path = cohort.register_path(0);
        let form = admin.form_on(&path, &path).await.set("action", "save");
        let before = app.count("select count(*) from attendance").await + app.count("select count(*) from audit_events").await;

        for (what, sent, status) in [
            ("a cancelled place", form.clone().set(&format!("attendance_{}", bea.enrolment), "present").set(&format!("note_{}", bea.enrolment), ""), StatusCode::UNPROCESSABLE_ENTITY),
            ("an offered place", form.clone().set(&format!("attendance_{}", cal.enrolment), "present"), StatusCode::UNPROCESSABLE_ENTITY),
            ("an unknown mark", form.clone().set(&format!("attendance_{}", ada.enrolment), "late"), StatusCode::UNPROCESSABLE_ENTITY),
            ("a made-up learner", form.clone().set("attendance_banana", "present"), StatusCode::UNPROCESSABLE_ENTITY),
            ("no choice for a learner", form.without(&format!("attendance_{}", ada.enrolment)), StatusCode::UNPROCESSABLE_ENTITY),
            ("no note for a learner", form.without(&format!("note_{}", ada.enrolment)), StatusCode::UNPROCESSABLE_ENTITY),
            ("a note on two lines", form.clone().set(&format!("note_{}", ada.enrolment), "one\ntwo"), StatusCode::UNPROCESSABLE_ENTITY),
            ("a mark sent twice", { let mut f = form.clone(); f.fields.push((format!("attendance_{}", ada.enrolment), "absent".into())); f }, StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let response = admin.submit(&sent).await;
            assert_eq!(response.status(), status, "{what}");
            let after = app.count("select count(*) from attendance").await + app.count("select count(*) from audit_events").await;
            assert_eq!(after, before, "{what}: nothing saved");
        }
        let missing = admin.submit(&form.without(&format!("attendance_{}", ada.enrolment))).await.text().await.unwrap();
        assert!(missing.contains(&format!("This form was missing the ‘Attendance {}’ field.", ada.enrolment)), "{missing}");

        // A learner is not an admin; an unknown session is not found.
        let token = ada.browser.csrf_token().await;
        let forbidden = ada.browser.client.post(ada.browser.url(&path)).form(&[("csrf_token", token.as_str()), (&format!("attendance_{}", ada.enrolment), "present"), (&format!("note_{}", ada.enrolment), "")]).send().await.unwrap();
        assert!(forbidden.status() == StatusCode::FORBIDDEN || forbidden.status() == StatusCode::NOT_FOUND, "{}", forbidden.status());
        assert_eq!(admin.get("/admin/sessions/999999/attendance").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(admin.submit(&form).await.status(), StatusCode::SEE_OTHER, "the form as shown saves");
    }
}
