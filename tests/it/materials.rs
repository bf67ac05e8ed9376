//! Cohort materials on both databases: who may open them when (a confirmed learner once
//! each is available; nobody else, and a 404 that says nothing), the announcement to the
//! cohort (now, or by the job when a material becomes available), and the demo seed.
//! `materials_admin.rs` covers what admins do to them.

use chrono::Duration;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{location, text_of};
use crate::support::app::Browser;
use crate::support::enrolment::{add_cohort, add_course, admin, enrol, enrolment_id, learner};

pub(crate) const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF";

/// The "available from" fields left empty: available straight away.
pub(crate) const NOW: [(&str, &str); 4] = [
    ("available_day", ""),
    ("available_month", ""),
    ("available_year", ""),
    ("available_time", ""),
];

/// 3pm UK time on the test clock's day (it starts at 9am on 2 March 2026), within a
/// signed-in session's idle time.
pub(crate) const LATER_TODAY: [(&str, &str); 4] = [
    ("available_day", "2"),
    ("available_month", "3"),
    ("available_year", "2026"),
    ("available_time", "15:00"),
];

/// Past [`LATER_TODAY`].
pub(crate) const UNTIL_LATER: Duration = Duration::hours(7);

/// Posts the file form as a browser would: the CSRF token first, then the fields.
pub(crate) async fn post_file(
    admin: &Browser,
    cohort: i64,
    title: &str,
    (filename, bytes): (&str, &[u8]),
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = Form::new()
        .text("csrf_token", admin.csrf_token().await)
        .text("title", title.to_owned())
        .part(
            "file",
            Part::bytes(bytes.to_vec()).file_name(filename.to_owned()),
        );
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    admin
        .client
        .post(admin.url(&format!("/admin/cohorts/{cohort}/materials/file")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Adds a link or a note by its form; returns where the app went.
pub(crate) async fn post_material(
    admin: &Browser,
    cohort: i64,
    kind: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    admin
        .post_form(&format!("/admin/cohorts/{cohort}/materials/{kind}"), fields)
        .await
}

/// The id of the material with this title.
pub(crate) async fn material_id(app: &TestApp, title: &str) -> i64 {
    app.count(&format!(
        "select material_id from cohort_materials where title = '{title}'"
    ))
    .await
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// A course with an open cohort of two places and an admin.
async fn cohort_of_two(app: &TestApp) -> (Browser, i64, i64) {
    let admin = admin(app).await;
    let course = add_course(app, "Human factors in patient safety").await;
    let cohort = add_cohort(app, course, "May 2026 cohort", 2).await;
    (admin, course, cohort)
}

backend_tests! {
    async fn only_confirmed_learners_see_materials_and_only_once_they_are_available(backend) {
        let app = TestApp::spawn(backend).await;
        let (admin, course, cohort) = cohort_of_two(&app).await;
        let confirmed = learner(&app, "a.nurse@nhs.net").await;
        let place = enrolment_id(&enrol(&confirmed, cohort, &[("funding", "free")]).await);
        let leaver = learner(&app, "leaver@nhs.net").await;
        let left = enrolment_id(&enrol(&leaver, cohort, &[("funding", "free")]).await);
        let offered = learner(&app, "offered@nhs.net").await;
        let offer = enrolment_id(&enrol(&offered, cohort, &[("funding", "waitlist")]).await);
        assert_eq!(leaver.post_form(&format!("/enrolments/{left}/cancel"), &[]).await.status(), StatusCode::SEE_OTHER);
        let waiting = learner(&app, "waiting@nhs.net").await;
        let queued = enrolment_id(&enrol(&waiting, cohort, &[("funding", "waitlist")]).await);
        let elsewhere = add_cohort(&app, course, "June 2026 cohort", 10).await;
        let other = learner(&app, "other@nhs.net").await;
        let theirs = enrolment_id(&enrol(&other, elsewhere, &[("funding", "free")]).await);
        for (id, status) in [(place, "confirmed"), (left, "cancelled"), (offer, "offered"), (queued, "waitlisted"), (theirs, "confirmed")] {
            assert_eq!(app.status_of(id).await, status);
        }

        assert_eq!(location(&post_file(&admin, cohort, "Week 1 slides", ("slides.pdf", PDF), &NOW).await), format!("/admin/cohorts/{cohort}/materials?notice=material-added"));
        post_material(&admin, cohort, "link", &[&[("title", "Session 1 recording"), ("url", "https://video.example.org/session-1")], &NOW[..]].concat()).await;
        post_material(&admin, cohort, "note", &[&[("title", "Before week 2"), ("body", "Read **chapter 2**.")], &NOW[..]].concat()).await;
        let scheduled = post_file(&admin, cohort, "Week 2 case study", ("case.pdf", PDF), &LATER_TODAY).await;
        assert_eq!(scheduled.status(), StatusCode::SEE_OTHER);
        let slides = material_id(&app, "Week 1 slides").await;
        let case = material_id(&app, "Week 2 case study").await;

        // The confirmed learner: the three available ones, in order, on both pages.
        for page in [format!("/enrolments/{place}"), "/dashboard".to_owned()] {
            let (status, html) = confirmed.get_text(&page).await;
            assert_eq!(status, StatusCode::OK);
            let at = |title: &str| html.find(title).unwrap_or_else(|| panic!("{page} shows {title}"));
            assert!(at("Week 1 slides") < at("Session 1 recording") && at("Session 1 recording") < at("Before week 2"), "{page}: in order");
            assert!(!html.contains("Week 2 case study"), "{page}: not before its time");
            assert!(html.contains(&format!("/enrolments/{place}/materials/{slides}")), "{page}: the file's address");
        }
        let (_, page) = confirmed.get_text(&format!("/enrolments/{place}")).await;
        assert!(page.contains("<strong>chapter 2</strong>"), "the note is rendered");
        let file = confirmed.get(&format!("/enrolments/{place}/materials/{slides}")).await;
        assert_eq!(file.status(), StatusCode::OK);
        assert_eq!(header(&file, "content-type"), "application/pdf");
        assert_eq!(header(&file, "content-disposition"), "attachment; filename=\"slides.pdf\"");
        assert_eq!(header(&file, "x-content-type-options"), "nosniff");
        assert!(header(&file, "cache-control").contains("no-store"));
        assert!(header(&file, "cache-control").contains("private"));
        assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);
        let early = confirmed.get(&format!("/enrolments/{place}/materials/{case}")).await;
        assert_eq!(early.status(), StatusCode::NOT_FOUND, "not yet available");

        // Everyone else: nothing listed, and every address a 404 (a visitor's too).
        let visitor = app.another_browser();
        let attempts = [
            (&offered, offer, slides, "an offered place"),
            (&waiting, queued, slides, "the waiting list"),
            (&leaver, left, slides, "a cancelled place"),
            (&other, theirs, slides, "another cohort's place"),
            (&other, place, slides, "another learner's place"),
            (&waiting, place, slides, "another learner's place"),
            (&confirmed, place, 999_999, "a material that does not exist"),
            (&visitor, place, slides, "a visitor"),
            (&admin, place, slides, "an admin on a learner's address"),
        ];
        for (browser, enrolment, material, who) in attempts {
            let response = browser.get(&format!("/enrolments/{enrolment}/materials/{material}")).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{who}");
            assert!(!response.text().await.unwrap().contains("%PDF"), "{who}");
        }
        for (browser, enrolment) in [(&offered, offer), (&waiting, queued), (&leaver, left), (&other, theirs)] {
            for page in [format!("/enrolments/{enrolment}"), "/dashboard".to_owned()] {
                let (status, html) = browser.get_text(&page).await;
                assert_eq!(status, StatusCode::OK, "{page}");
                assert!(!html.contains("Week 1 slides") && !html.contains("Course materials"), "{page}: nothing listed");
            }
        }
        assert_eq!(other.get(&format!("/enrolments/{place}")).await.status(), StatusCode::NOT_FOUND, "another learner's page");

        // Admins see every material, the waiting one marked, and open any file.
        let (_, list) = admin.get_text(&format!("/admin/cohorts/{cohort}/materials")).await;
        assert!(list.contains("Week 2 case study") && list.contains("Not yet available"));
        assert_eq!(admin.get(&format!("/admin/materials/{case}/file")).await.status(), StatusCode::OK);
        assert_eq!(confirmed.get(&format!("/admin/materials/{slides}/file")).await.status(), StatusCode::FORBIDDEN);

        // Its time comes on the app's clock.
        app.clock().advance(UNTIL_LATER);
        let (_, html) = confirmed.get_text(&format!("/enrolments/{place}")).await;
        assert!(html.contains("Week 2 case study"));
        assert_eq!(confirmed.get(&format!("/enrolments/{place}/materials/{case}")).await.status(), StatusCode::OK);
        assert_eq!(waiting.get(&format!("/enrolments/{queued}/materials/{case}")).await.status(), StatusCode::NOT_FOUND);
    }

    async fn an_announcement_mails_each_confirmed_learner_once_now_or_when_available(backend) {
        let app = TestApp::spawn(backend).await;
        let (admin, _, cohort) = cohort_of_two(&app).await;
        let first = learner(&app, "first@nhs.net").await;
        let first_place = enrolment_id(&enrol(&first, cohort, &[("funding", "free")]).await);
        let second = learner(&app, "second@nhs.net").await;
        enrol(&second, cohort, &[("funding", "free")]).await;
        let waiting = learner(&app, "waiting@nhs.net").await;
        enrol(&waiting, cohort, &[("funding", "waitlist")]).await;
        let announcements = || app.count("select count(*) from email_outbox where kind = 'material_added'");
        let audited = || app.count("select count(*) from audit_events where action = 'material_announced'");

        let announced = post_material(&admin, cohort, "link", &[&[("title", "Session 1 recording"), ("url", "https://video.example.org/1"), ("announce", "yes")], &NOW[..]].concat()).await;
        assert_eq!(location(&announced), format!("/admin/cohorts/{cohort}/materials?notice=material-announced"));
        assert_eq!(announcements().await, 2, "one mail per confirmed learner");
        assert_eq!(audited().await, 1);
        let mails = app.mails_to("first@nhs.net").await;
        let mail = mails.iter().find(|m| text_of(m).contains("Session 1 recording")).expect("the announcement");
        let text = text_of(mail);
        assert!(text.contains(&format!("/enrolments/{first_place}#materials")), "it links to the enrolment page: {text}");
        assert!(!text.contains("video.example.org") && !text.contains("/materials/"), "not to the material itself");
        assert!(app.mails_to("waiting@nhs.net").await.iter().all(|m| !text_of(m).contains("Session 1 recording")), "not to the waiting list");

        // Without the box, no mail.
        post_material(&admin, cohort, "note", &[&[("title", "Quiet note"), ("body", "Just a note.")], &NOW[..]].concat()).await;
        assert_eq!(announcements().await, 2);

        // Not available yet: nothing until its time, then once, by the job.
        let later = post_file(&admin, cohort, "Week 2 slides", ("week2.pdf", PDF), &[&LATER_TODAY[..], &[("announce", "yes")]].concat()).await;
        assert_eq!(location(&later), format!("/admin/cohorts/{cohort}/materials?notice=material-will-be-announced"));
        app.run_background_jobs().await;
        assert_eq!(announcements().await, 2, "not before it is available");
        let (_, list) = admin.get_text(&format!("/admin/cohorts/{cohort}/materials")).await;
        assert!(list.contains("Will be emailed when available"));
        app.clock().advance(UNTIL_LATER);
        app.run_background_jobs().await;
        assert_eq!(announcements().await, 4, "sent when it became available");
        app.run_background_jobs().await;
        assert_eq!(announcements().await, 4, "and only once");
        assert_eq!(audited().await, 2);
        assert_eq!(app.count("select count(*) from audit_events where action = 'material_announced' and actor_user_id is null").await, 1, "the job's, by the system");

        // Asked for on an edit instead, once.
        let quiet = material_id(&app, "Quiet note").await;
        let edit = admin.form_on(&format!("/admin/materials/{quiet}/edit"), &format!("/admin/materials/{quiet}")).await;
        assert_eq!(location(&admin.submit(&edit.set("announce", "yes")).await), format!("/admin/cohorts/{cohort}/materials?notice=material-announced"));
        assert_eq!(announcements().await, 6);
        let (_, page) = admin.get_text(&format!("/admin/materials/{quiet}/edit")).await;
        assert!(page.contains("were emailed about it") && !page.contains("name=\"announce\""), "no second announcement offered");
    }

    async fn seed_demo_gives_the_demo_learner_materials_on_a_running_cohort(backend) {
        let app = TestApp::spawn(backend).await;
        let seeded = academy::seed::seed_demo(&app.state).await.unwrap();
        assert_eq!(seeded.materials, 4);
        assert!(academy::seed::describe(&seeded).contains("created 4 demo materials"));
        let again = academy::seed::seed_demo(&app.state).await.unwrap();
        assert_eq!(again.materials, 0);
        assert_eq!(app.count("select count(*) from cohort_materials").await, 4, "not added twice");
        assert_eq!(app.count("select count(distinct kind) from cohort_materials").await, 3, "a file, a link and notes");
        assert_eq!(app.count("select count(*) from email_outbox where kind = 'material_added'").await, 0, "no demo mail");

        let password = seeded.accounts.iter().find(|a| a.email == "amina.okafor@example.nhs.uk").and_then(|a| a.new_password.clone()).unwrap();
        let amina = app.another_browser();
        assert_eq!(amina.sign_in("amina.okafor@example.nhs.uk", &password).await.status(), StatusCode::SEE_OTHER);
        let (_, dashboard) = amina.get_text("/dashboard").await;
        assert!(dashboard.contains("Week 1 reading: the systems approach") && dashboard.contains("Recording of session 1"), "{dashboard}");
        assert!(!dashboard.contains("Week 3 case study"), "not yet available");
        let start = dashboard.find("/materials/").unwrap();
        let href = &dashboard[dashboard[..start].rfind('"').unwrap() + 1..start + dashboard[start..].find('"').unwrap()];
        let file = amina.get(href).await;
        assert_eq!(file.status(), StatusCode::OK, "{href}");
        assert!(file.bytes().await.unwrap().starts_with(b"%PDF-"));
        app.assert_seats_add_up().await;
    }
}
