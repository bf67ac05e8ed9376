//! Admins add, edit, open and close cohorts; dates and times are UK time, with clock
//! changes explained; every problem is shown next to its field.

use academy::db::users::Role;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location};

async fn admin_with_course(app: &TestApp) -> i64 {
    app.create_user("admin@example.org", Role::Admin, true)
        .await;
    app.sign_in("admin@example.org", PASSWORD).await;
    academy::seed::seed_demo(&app.state).await.unwrap();
    app.count(
        "select course_id from courses where slug = 'human-factors-in-healthcare-an-introduction'",
    )
    .await
}

/// A valid cohort in April 2026 with sessions, 9:30 to 12:30 UK time.
fn cohort_form<'a>(sessions: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("name", "Test intake"),
        ("starts_day", "6"),
        ("starts_month", "4"),
        ("starts_year", "2026"),
        ("ends_day", "30"),
        ("ends_month", "4"),
        ("ends_year", "2026"),
        ("opens_day", "1"),
        ("opens_month", "3"),
        ("opens_year", "2026"),
        ("opens_time", "9am"),
        ("closes_day", "3"),
        ("closes_month", "4"),
        ("closes_year", "2026"),
        ("closes_time", "17:00"),
        ("capacity", "12"),
        ("delivery_notes", "Online"),
        ("action", "save"),
    ];
    for (day, start) in sessions {
        form.extend([
            ("session_title", "Session"),
            ("session_day", *day),
            ("session_month", "4"),
            ("session_year", "2026"),
            ("session_start", *start),
            ("session_end", "12:30"),
        ]);
    }
    form
}

/// Posts a cohort form as its page would: each session row with its id (empty for a new
/// one), and the hidden count of rows.
async fn post_cohort(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let rows = form.iter().filter(|(k, _)| *k == "session_title").count();
    let ids = form.iter().filter(|(k, _)| *k == "session_id").count();
    let count = rows.to_string();
    let mut body = form.to_vec();
    body.extend(std::iter::repeat_n(("session_id", ""), rows - ids));
    body.push(("session_rows", &count));
    app.post_form(path, &body).await
}

fn with(
    mut form: Vec<(&'static str, &'static str)>,
    key: &'static str,
    value: &'static str,
) -> Vec<(&'static str, &'static str)> {
    form.retain(|(k, _)| *k != key);
    form.push((key, value));
    form
}

backend_tests! {
    async fn every_problem_with_a_cohort_is_explained_next_to_its_field(backend) {
        let app = TestApp::spawn(backend).await;
        let course = admin_with_course(&app).await;
        let path = format!("/admin/courses/{course}/cohorts");
        let before = app.count("select count(*) from cohorts").await;

        let blank = app.form_on(&format!("{path}/new"), &path).await.cleared();
        let empty = app.submit(&blank.set("action", "save")).await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = empty.text().await.unwrap();
        for message in ["Enter a name for the cohort", "Enter the start date", "Enter the end date", "Enter the date enrolment opens", "Enter the number of places"] {
            assert!(html.contains(message), "{message}");
        }
        for (key, value, message) in [
            ("ends_day", "1", "The end date must be the same as or after the start date"),
            ("starts_day", "31", "must be a real date"),
            ("closes_month", "5", "Enrolment must close before the cohort ends"),
            ("closes_month", "2", "Enrolment must close after it opens"),
            ("capacity", "0", "Enter a capacity of at least 1"),
            ("capacity", "lots", "Enter the number of places as a whole number"),
            ("opens_time", "25:00", "Enter the time for the date enrolment opens"),
        ] {
            let response = post_cohort(&app, &path, &with(cohort_form(&[("7", "9:30")]), key, value)).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{key}={value}");
            assert!(response.text().await.unwrap().contains(message), "{key}={value}: {message}");
        }
        for (sessions, message) in [
            (vec![("7", "13:00")], "Session 1: the end time must be after the start time"),
            (vec![("7", "9:30"), ("5", "9:30")], "Session 2: the date must be within the cohort"),
            (vec![("31", "9:30")], "Session 1: enter a real date"),
            (vec![("7", "noon")], "Session 1: enter start and end times"),
        ] {
            let response = post_cohort(&app, &path, &cohort_form(&sessions)).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{sessions:?}");
            let html = response.text().await.unwrap();
            assert!(html.contains(message), "{message}");
            assert!(html.contains(r##"href="#session_title_"##), "the summary links to the row");
        }
        assert_eq!(app.count("select count(*) from cohorts").await, before, "nothing saved");
    }

    async fn clock_changes_are_refused_with_a_reason(backend) {
        let app = TestApp::spawn(backend).await;
        let course = admin_with_course(&app).await;
        let path = format!("/admin/courses/{course}/cohorts");
        let mut spring = cohort_form(&[]);
        spring.extend([("session_title", "Night"), ("session_day", "29"), ("session_month", "3"), ("session_year", "2026"), ("session_start", "1:30am"), ("session_end", "3:30am")]);
        let spring = with(with(with(spring, "starts_month", "3"), "starts_day", "23"), "opens_month", "2");
        let response = post_cohort(&app, &path, &spring).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("That time does not exist in the UK: the clocks go forward then"));

        let autumn = with(with(with(with(with(with(cohort_form(&[]), "starts_month", "10"), "ends_month", "10"), "closes_month", "10"), "opens_month", "9"), "closes_day", "20"), "starts_day", "19");
        let autumn = with(with(with(with(autumn, "closes_time", "1:30am"), "closes_day", "25"), "ends_day", "31"), "opens_day", "1");
        let response = post_cohort(&app, &path, &autumn).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("That time happens twice in the UK"));
    }

    async fn session_rows_are_added_and_removed_without_javascript(backend) {
        let app = TestApp::spawn(backend).await;
        let course = admin_with_course(&app).await;
        let path = format!("/admin/courses/{course}/cohorts");
        let (_, page) = app.get_text(&format!("{path}/new")).await;
        assert_eq!(page.matches(r#"name="session_title""#).count(), 1);
        let added = post_cohort(&app, &path, &with(cohort_form(&[("7", "9:30"), ("14", "9:30")]), "action", "add_session")).await;
        assert_eq!(added.status(), StatusCode::OK);
        let html = added.text().await.unwrap();
        assert_eq!(html.matches(r#"name="session_title""#).count(), 3);
        assert!(html.contains(r#"value="Test intake""#), "what was typed is kept");
        let mut remove_first = cohort_form(&[("7", "9:30"), ("14", "10:00")]);
        remove_first.push(("remove", "0"));
        let removed = post_cohort(&app, &path, &remove_first).await.text().await.unwrap();
        assert_eq!(removed.matches(r#"name="session_title""#).count(), 1);
        assert!(removed.contains(r#"value="14""#) && !removed.contains(r#"id="session_day_0" name="session_day" inputmode="numeric" value="7""#));
        assert_eq!(app.count("select count(*) from cohorts where name = 'Test intake'").await, 0, "nothing saved while editing rows");
    }

    async fn a_cohort_is_saved_opened_edited_and_closed(backend) {
        let app = TestApp::spawn(backend).await;
        let course = admin_with_course(&app).await;
        let saved = post_cohort(&app, &format!("/admin/courses/{course}/cohorts"), &cohort_form(&[("7", "9:30"), ("14", "9:30am")])).await;
        assert_eq!(location(&saved), format!("/admin/cohorts?course={course}&notice=saved"));
        let id = app.count("select cohort_id from cohorts where name = 'Test intake'").await;
        assert_eq!(app.count(&format!("select count(*) from cohort_sessions where cohort_id = {id}")).await, 2);
        let public = "/courses/human-factors-in-healthcare-an-introduction";
        let visitor = app.another_browser();
        assert!(!visitor.get_text(public).await.1.contains("Test intake"), "a draft is not public");

        assert_eq!(app.post_form(&format!("/admin/cohorts/{id}/close"), &[]).await.status(), StatusCode::BAD_REQUEST, "a draft cannot be closed");
        app.post_form(&format!("/admin/cohorts/{id}/open"), &[]).await;
        let page = visitor.get_text(public).await.1;
        assert!(page.contains("Test intake") && page.contains("12 places left") && page.contains("7 April 2026 at 9:30am"), "{page}");

        let (_, form) = app.get_text(&format!("/admin/cohorts/{id}/edit")).await;
        assert!(form.contains(r#"value="09:30""#) && form.contains(r#"value="12""#), "the form shows what is stored, in UK time");
        let db = app.database.connect().await;
        academy::run_query!(write &db, |c| sqlx::query("update cohorts set seats_taken = 5").execute(c).await.map(|_| ())).unwrap();
        let too_small = post_cohort(&app, &format!("/admin/cohorts/{id}"), &with(cohort_form(&[("7", "9:30")]), "capacity", "4")).await;
        assert_eq!(too_small.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(too_small.text().await.unwrap().contains("5 places are already taken"));
        let moved = post_cohort(&app, &format!("/admin/cohorts/{id}"), &cohort_form(&[("8", "10:00")])).await;
        assert_eq!(location(&moved), format!("/admin/cohorts?course={course}&notice=saved"));
        let calendar = visitor.get_text(&format!("/cohorts/{id}/calendar.ics")).await.1;
        assert!(calendar.contains("DTSTART:20260408T090000Z") && calendar.contains("SEQUENCE:2"), "{calendar}");

        app.post_form(&format!("/admin/cohorts/{id}/close"), &[]).await;
        assert!(visitor.get_text(public).await.1.contains("Enrolment closed"));
        for action in ["cohort_created", "cohort_open", "cohort_updated", "cohort_closed"] {
            assert_eq!(app.count(&format!("select count(*) from audit_events where action = '{action}'")).await, 1, "{action}");
        }
    }

    async fn the_overview_filters_by_status_and_course(backend) {
        let app = TestApp::spawn(backend).await;
        let course = admin_with_course(&app).await;
        let (status, all) = app.get_text("/admin/cohorts").await;
        assert_eq!(status, StatusCode::OK);
        assert!(all.contains("A systems approach") && all.contains("Human factors"));
        let (_, open) = app.get_text("/admin/cohorts?status=cancelled").await;
        assert_eq!(open.matches("<strong class=\"tag\">Cancelled</strong>").count(), 1);
        assert!(!open.contains(">Open</strong>"));
        let (_, one) = app.get_text(&format!("/admin/cohorts?course={course}")).await;
        assert!(!one.contains("<td>A systems approach") && one.contains("Add a cohort of Human factors"));
        let (status, odd) = app.get_text("/admin/cohorts?status=%00&course=abc").await;
        assert_eq!(status, StatusCode::OK);
        assert!(odd.contains("A systems approach"), "odd filters are ignored");
        assert_eq!(app.get("/admin/cohorts/999999/edit").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get("/admin/courses/999999/cohorts/new").await.status(), StatusCode::NOT_FOUND);
    }
}

backend_tests! {
    async fn the_next_cohort_keeps_its_uk_times_across_the_clock_change(backend) {
        let app = TestApp::spawn(backend).await;
        let course = admin_with_course(&app).await;
        post_cohort(&app, &format!("/admin/courses/{course}/cohorts"), &cohort_form(&[("7", "9:30"), ("14", "9:30")])).await;
        let id = app.count("select cohort_id from cohorts where name = 'Test intake'").await;
        let path = format!("/admin/cohorts/{id}/launch-next");

        let (status, ask) = app.get_text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ask.contains("New start date"));
        let early = app.get(&format!("{path}?starts_day=1&starts_month=1&starts_year=2026")).await;
        assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.text().await.unwrap().contains("after this cohort"));

        // 6 April (BST) to 2 November (GMT): 210 days on.
        let (status, form) = app.get_text(&format!("{path}?starts_day=2&starts_month=11&starts_year=2026")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains(r#"value="November 2026 cohort""#));
        assert!(form.contains(r#"id="session_day_0" name="session_day" inputmode="numeric" value="3""#), "{form}");
        assert!(form.contains(r#"id="session_day_1" name="session_day" inputmode="numeric" value="10""#));
        assert_eq!(form.matches(r#"name="session_start" value="09:30""#).count(), 2, "UK clock times kept");
        assert_eq!(app.count("select count(*) from cohorts where name = 'November 2026 cohort'").await, 0, "nothing saved yet");

        let mut next = cohort_form(&[("3", "09:30"), ("10", "09:30")]);
        for (key, value) in [("name", "Next intake"), ("starts_day", "2"), ("ends_day", "27"), ("closes_day", "30"), ("closes_month", "10"), ("opens_month", "9")] {
            next = with(next, key, value);
        }
        for key in ["starts_month", "ends_month", "session_month"] {
            next = next.into_iter().map(|(k, v)| if k == key { (k, "11") } else { (k, v) }).collect();
        }
        assert_eq!(post_cohort(&app, &format!("/admin/courses/{course}/cohorts"), &next).await.status(), StatusCode::SEE_OTHER);
        let next_id = app.count("select cohort_id from cohorts where name = 'Next intake'").await;
        app.post_form(&format!("/admin/cohorts/{next_id}/open"), &[]).await;
        let calendar = app.get_text(&format!("/cohorts/{next_id}/calendar.ics")).await.1;
        assert!(calendar.contains("DTSTART:20261103T093000Z"), "9:30am GMT: {calendar}");
    }
}

backend_tests! {
    async fn editing_a_cohort_keeps_its_calendar_uids(backend) {
        let app = TestApp::spawn(backend).await;
        let course = admin_with_course(&app).await;
        post_cohort(&app, &format!("/admin/courses/{course}/cohorts"), &cohort_form(&[("7", "9:30"), ("14", "9:30")])).await;
        let id = app.count("select cohort_id from cohorts where name = 'Test intake'").await;
        app.post_form(&format!("/admin/cohorts/{id}/open"), &[]).await;
        let uids = |ics: &str| ics.lines().filter(|l| l.starts_with("UID:")).map(str::to_owned).collect::<Vec<_>>();
        let before = uids(&app.get_text(&format!("/cohorts/{id}/calendar.ics")).await.1);
        assert_eq!(before.len(), 2);

        // The edit form carries each session's id; change the capacity and the second time.
        let (_, form) = app.get_text(&format!("/admin/cohorts/{id}/edit")).await;
        let ids: Vec<String> = form.split(r#"name="session_id" value=""#).skip(1).map(|r| r.split('"').next().unwrap().to_owned()).collect();
        assert_eq!(ids.len(), 2);
        let mut edited = with(cohort_form(&[]), "capacity", "30");
        for (session_id, (day, start)) in ids.iter().zip([("7", "9:30"), ("14", "10:00")]) {
            edited.extend([("session_id", session_id.as_str()), ("session_title", "Session"), ("session_day", day), ("session_month", "4"), ("session_year", "2026"), ("session_start", start), ("session_end", "12:30")]);
        }
        assert_eq!(post_cohort(&app, &format!("/admin/cohorts/{id}"), &edited).await.status(), StatusCode::SEE_OTHER);
        let after = app.get_text(&format!("/cohorts/{id}/calendar.ics")).await.1;
        assert_eq!(uids(&after), before, "calendars update the same events");
        assert!(after.contains("DTSTART:20260414T090000Z") && after.contains("SEQUENCE:2"));

        // Dropping a row deletes that session only.
        let mut fewer = with(cohort_form(&[]), "capacity", "30");
        fewer.extend([("session_id", ids[0].as_str()), ("session_title", "Session"), ("session_day", "7"), ("session_month", "4"), ("session_year", "2026"), ("session_start", "9:30"), ("session_end", "12:30")]);
        post_cohort(&app, &format!("/admin/cohorts/{id}"), &fewer).await;
        assert_eq!(uids(&app.get_text(&format!("/cohorts/{id}/calendar.ics")).await.1), before[..1].to_vec());
        let bad_title = with(cohort_form(&[]), "name", "Two\nlines");
        let refused = post_cohort(&app, &format!("/admin/cohorts/{id}"), &bad_title).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().await.unwrap().contains("Remove the line breaks"));
    }
}

backend_tests! {
    async fn cancelling_asks_for_a_message_and_shows_everywhere(backend) {
        let app = TestApp::spawn(backend).await;
        let course = admin_with_course(&app).await;
        post_cohort(&app, &format!("/admin/courses/{course}/cohorts"), &cohort_form(&[("7", "9:30")])).await;
        let id = app.count("select cohort_id from cohorts where name = 'Test intake'").await;
        app.post_form(&format!("/admin/cohorts/{id}/open"), &[]).await;

        let (status, page) = app.get_text(&format!("/admin/cohorts/{id}/cancel")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Cancelling cannot be undone") && page.contains("Message to learners"));
        let missing = app.post_form(&format!("/admin/cohorts/{id}/cancel"), &[("message", "  ")]).await;
        assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.text().await.unwrap().contains("Enter a message to the learners"));
        assert_eq!(app.count(&format!("select count(*) from cohorts where cohort_id = {id} and status = 'open'")).await, 1, "nothing changed");

        let done = app.post_form(&format!("/admin/cohorts/{id}/cancel"), &[("message", "The trainer is unwell.\nWe will offer new dates in May.")]).await;
        assert_eq!(location(&done), format!("/admin/cohorts?course={course}&notice=saved"));
        assert_eq!(app.count(&format!("select count(*) from cohorts where cohort_id = {id} and status = 'cancelled' and cancellation_message like 'The trainer%'")).await, 1);
        let public = app.another_browser().get_text("/courses/human-factors-in-healthcare-an-introduction").await.1;
        assert!(public.contains("This cohort was cancelled"));
        let calendar = app.get_text(&format!("/cohorts/{id}/calendar.ics")).await.1;
        assert!(calendar.contains("STATUS:CANCELLED"));
        let again = app.post_form(&format!("/admin/cohorts/{id}/cancel"), &[("message", "Again")]).await;
        assert_eq!(again.status(), StatusCode::BAD_REQUEST, "a cancelled cohort stays cancelled");
        assert_eq!(app.count("select count(*) from audit_events where action = 'cohort_cancelled'").await, 1);
    }
}
