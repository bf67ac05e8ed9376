//! The education team's side of enrolment on both databases: rosters and their CSV,
//! cancelling, moving, adding learners, cancelling whole cohorts, and who may do it.

use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location, subject_of};
use crate::support::enrolment::{
    INVOICE, add_cohort, add_course, admin, enrol, enrolment_id, learner, nhs_place,
};

async fn rename(app: &TestApp, email: &str, name: &str) {
    let db = app.database.connect().await;
    academy::run_query!(write & db, |c| sqlx::query(
        "update users set full_name = $1 where email = $2"
    )
    .bind(name)
    .bind(email)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
}

backend_tests! {
    async fn the_roster_groups_places_and_its_csv_is_safe_in_excel(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 2).await;
        let admin = admin(&app).await;
        let zoe = learner(&app, "zoe@nhs.net").await;
        rename(&app, "zoe@nhs.net", "=HYPERLINK(\"http://evil.example\")").await;
        let payer = learner(&app, "payer@example.com").await;
        let queued = learner(&app, "queued@nhs.net").await;
        rename(&app, "queued@nhs.net", "Zoë Ünal").await;
        enrol(&zoe, cohort, &[("funding", "free")]).await;
        enrol(&payer, cohort, INVOICE).await;
        enrol(&queued, cohort, &[("funding", "free")]).await;

        let (status, roster) = admin.get_text(&format!("/admin/cohorts/{cohort}")).await;
        assert_eq!(status, StatusCode::OK);
        for heading in ["Confirmed (1)", "Holding a place while paying (1)", "Waiting list (1)", "Number 1"] {
            assert!(roster.contains(heading), "{heading}");
        }
        let (_, overview) = admin.get_text("/admin/cohorts").await;
        assert!(overview.contains("<td>2 of 2</td>\n      <td>1</td>"), "places taken and waitlist length");

        let csv = admin.get(&format!("/admin/cohorts/{cohort}/roster.csv")).await;
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        let bytes = csv.bytes().await.unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with a byte-order mark");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.starts_with("Reference,Name,Email"));
        assert!(text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""), "{text}");
        assert!(!text.contains(",=HYPERLINK"));
        assert!(text.contains("Zoë Ünal"));
        assert_eq!(text.lines().count(), 4);

        let learner_browser = zoe;
        for path in [format!("/admin/cohorts/{cohort}"), format!("/admin/cohorts/{cohort}/roster.csv"), "/admin/enrolments/1".to_owned(), "/admin/enrolments/1/documents/proforma".to_owned()] {
            assert_eq!(learner_browser.get(&path).await.status(), StatusCode::FORBIDDEN, "{path}");
        }
        for path in ["/admin/enrolments/1/cancel", "/admin/enrolments/1/move", "/admin/enrolments/1/confirm-invoice", "/admin/enrolments/1/invoice-paid", &format!("/admin/cohorts/{cohort}/learners")] {
            assert_eq!(learner_browser.post_form(path, &[("reason", "x"), ("cohort", "1"), ("email", "x@nhs.net")]).await.status(), StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(app.status_of(1).await, "confirmed");
    }

    async fn an_admin_cancels_with_a_reason_and_moves_learners_only_into_room(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let may = add_cohort(&app, course, "May 2026 cohort", 5).await;
        let june = add_cohort(&app, course, "June 2026 cohort", 1).await;
        let other_course = add_course(&app, "Another course").await;
        let elsewhere = add_cohort(&app, other_course, "Elsewhere", 5).await;
        let admin = admin(&app).await;
        let mover = learner(&app, "mover@example.com").await;
        let blocker = learner(&app, "blocker@nhs.net").await;
        let id = enrolment_id(&enrol(&mover, may, INVOICE).await);
        enrol(&blocker, june, &[("funding", "free")]).await;

        let full = admin.post_form(&format!("/admin/enrolments/{id}/move"), &[("cohort", &june.to_string())]).await;
        assert_eq!(full.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(full.text().await.unwrap().contains("That cohort has no free place"));
        let wrong = admin.post_form(&format!("/admin/enrolments/{id}/move"), &[("cohort", &elsewhere.to_string())]).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let junk = admin.post_form(&format!("/admin/enrolments/{id}/move"), &[("cohort", "june")]).await;
        assert_eq!(junk.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.status_of(id).await, "awaiting_invoice", "a refused move changes nothing");

        // Make room in June, then move: the hold and its pro-forma travel with the learner.
        let db = app.database.connect().await;
        academy::run_query!(write & db, |c| sqlx::query("update cohorts set capacity = 2 where cohort_id = $1").bind(june).execute(c).await.map(|_| ())).unwrap();
        let moved = admin.post_form(&format!("/admin/enrolments/{id}/move"), &[("cohort", &june.to_string())]).await;
        let new_id = enrolment_id(&location(&moved).replace("/admin", ""));
        assert_eq!(app.status_of(id).await, "moved");
        assert_eq!(app.status_of(new_id).await, "awaiting_invoice");
        assert_eq!(app.count(&format!("select count(*) from payments where enrolment_id = {new_id}")).await, 1, "the payment carries over");

        let empty = admin.post_form(&format!("/admin/enrolments/{new_id}/cancel"), &[("reason", "  ")]).await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.text().await.unwrap().contains("Enter the reason"));
        admin.post_form(&format!("/admin/enrolments/{new_id}/cancel"), &[("reason", "Your organisation asked us to.")]).await;
        assert_eq!(app.status_of(new_id).await, "cancelled");
        let again = admin.post_form(&format!("/admin/enrolments/{new_id}/cancel"), &[("reason", "Again")]).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "cancelling twice is explained");
        app.run_background_jobs().await;
        let subjects = app.subjects_to("mover@example.com");
        assert!(subjects.iter().any(|s| s.starts_with("Your place has moved to June 2026 cohort")), "{subjects:?}");
        assert_eq!(subjects.iter().filter(|s| s.contains("is cancelled")).count(), 1);
        let mail = app.sent_emails().into_iter().find(|m| subject_of(m).contains("is cancelled")).unwrap();
        assert!(crate::support::accounts::text_of(&mail).contains("Your organisation asked us to."));
        app.assert_seats_add_up().await;
    }

    async fn an_admin_adds_a_learner_beyond_capacity_only_when_asked(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 1).await;
        let admin = admin(&app).await;
        let first = learner(&app, "first@nhs.net").await;
        enrol(&first, cohort, &[("funding", "free")]).await;
        app.create_user("extra@example.com", academy::db::users::Role::Learner, true).await;

        app.create_user("unconfirmed@example.com", academy::db::users::Role::Learner, false).await;
        let unverified = admin.post_form(&format!("/admin/cohorts/{cohort}/learners"), &[("email", "unconfirmed@example.com"), ("over_capacity", "yes")]).await;
        assert_eq!(unverified.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unverified.text().await.unwrap().contains("has not confirmed their email address"));
        let unknown = admin.post_form(&format!("/admin/cohorts/{cohort}/learners"), &[("email", "nobody@example.com")]).await;
        assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown.text().await.unwrap().contains("No account has that email address"));
        let full = admin.post_form(&format!("/admin/cohorts/{cohort}/learners"), &[("email", "extra@example.com")]).await;
        assert_eq!(full.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(full.text().await.unwrap().contains("Tick the box"));
        let added = admin.post_form(&format!("/admin/cohorts/{cohort}/learners"), &[("email", "extra@example.com"), ("over_capacity", "yes")]).await;
        assert_eq!(added.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("select seats_taken from cohorts").await, 2);
        assert_eq!(app.count("select count(*) from enrolments where over_capacity").await, 1);
        assert_eq!(app.count("select count(*) from audit_events where action = 'enrolment.added_over_capacity'").await, 1);
        let twice = admin.post_form(&format!("/admin/cohorts/{cohort}/learners"), &[("email", "extra@example.com"), ("over_capacity", "yes")]).await;
        assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY, "already enrolled");
        let (_, roster) = admin.get_text(&format!("/admin/cohorts/{cohort}")).await;
        assert!(roster.contains("Added beyond capacity"));
        app.assert_seats_add_up().await;
    }

    async fn cancelling_a_cohort_mails_every_learner_once_and_frees_every_place(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 2).await;
        let admin = admin(&app).await;
        let people = ["confirmed@nhs.net", "holding@example.com", "waiting@nhs.net"];
        for email in people {
            let browser = learner(&app, email).await;
            let fields: &[(&str, &str)] = if email.ends_with("example.com") { INVOICE } else { &[("funding", "free")] };
            enrol(&browser, cohort, fields).await;
        }
        let cancelled = admin
            .post_form(&format!("/admin/cohorts/{cohort}/cancel"), &[("message", "The trainer is unwell. The June cohort has places.")])
            .await;
        assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("select count(*) from enrolments where status = 'cancelled'").await, 3);
        assert_eq!(app.count("select seats_taken from cohorts").await, 0);
        app.run_background_jobs().await;
        app.run_background_jobs().await;
        for email in people {
            let mails: Vec<_> = app.sent_emails().into_iter().filter(|m| m.to == [email] && subject_of(m).contains("is cancelled")).collect();
            assert_eq!(mails.len(), 1, "{email}");
            assert!(crate::support::accounts::text_of(&mails[0]).contains("The trainer is unwell"));
        }
        let again = admin.post_form(&format!("/admin/cohorts/{cohort}/cancel"), &[("message", "Again")]).await;
        assert_eq!(again.status(), StatusCode::BAD_REQUEST);
        app.assert_seats_add_up().await;
    }

    async fn deleting_an_account_gives_up_its_places_and_keeps_payment_records(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 1).await;
        let leaving = learner(&app, "leaving@example.com").await;
        let waiting = learner(&app, "waiting@nhs.net").await;
        let id = enrolment_id(&enrol(&leaving, cohort, INVOICE).await);
        let waiting_id = enrolment_id(&enrol(&waiting, cohort, &[("funding", "free")]).await);

        let export = leaving.get("/account/data").await.text().await.unwrap();
        let export: serde_json::Value = serde_json::from_str(&export).unwrap();
        assert_eq!(export["enrolments"][0]["reference"], format!("ENR-{id:06}"));
        assert_eq!(export["enrolments"][0]["history"][0]["to_status"], "awaiting_invoice");
        assert_eq!(export["payments"][0]["proforma_number"], "PF-000001");
        assert!(export["interests"].is_array());

        let deleted = leaving.post_form("/account/delete", &[("current_password", PASSWORD)]).await;
        assert_eq!(location(&deleted), "/account/deleted");
        assert_eq!(app.count("select count(*) from enrolments where user_id not in (select user_id from users)").await, 0);
        assert_eq!(app.count("select count(*) from payments where enrolment_id is null and proforma_number = 'PF-000001'").await, 1, "the payment record stays");
        assert_eq!(app.status_of(waiting_id).await, "offered", "the freed place goes to the queue");
        app.assert_seats_add_up().await;

        // A learner still on the waiting list leaves: the cohort's queue count goes down too.
        let queued = learner(&app, "queued@nhs.net").await;
        enrol(&queued, cohort, &[("funding", "free")]).await;
        assert_eq!(app.count(&format!("select waitlisted from cohorts where cohort_id = {cohort}")).await, 1);
        queued.post_form("/account/delete", &[("current_password", PASSWORD)]).await;
        assert_eq!(app.count(&format!("select waitlisted from cohorts where cohort_id = {cohort}")).await, 0);
        app.assert_seats_add_up().await;
    }

    async fn a_long_roster_is_in_pages_of_fifty_with_every_group_counted_and_numbered_on(backend) {
        use academy::db::enrolments;
        use academy::db::users::Role;
        use academy::domain::enrolment::Status;

        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors in patient safety").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 48).await;
        let admin = admin(&app).await;
        // 48 confirmed, five waiting (numbers 1 to 5), one cancelled: 54 places, two pages.
        let now = app.clock().now();
        let mut learners = Vec::new();
        for n in 0..54 {
            learners.push(app.create_user(&format!("nurse{n}@nhs.net"), Role::Learner, true).await);
        }
        let mut tx = app.state.db.begin().await.unwrap();
        for (n, user_id) in (0_i64..).zip(learners) {
            let (status, waitlist_number) = match n {
                0..48 => (Status::Confirmed, None),
                48..53 => (Status::Waitlisted, Some(n - 47)),
                _ => (Status::Cancelled, None),
            };
            let place = nhs_place(user_id, cohort, status, waitlist_number);
            enrolments::insert(&mut tx, &place, now).await.unwrap();
        }
        tx.commit().await.unwrap();

        let roster = format!("/admin/cohorts/{cohort}");
        let (status, first) = admin.get_text(&roster).await;
        assert_eq!(status, StatusCode::OK);
        let rows = |page: &str| page.matches("'s enrolment</span>").count();
        assert_eq!(rows(&first), 50);
        for expected in [
            "Confirmed (48)",
            "Completed (0)",
            "Waiting list (5)",
            "Number 1",
            "Number 2",
            "2 of 5 on this page (the group is on pages 1 to 2).",
            "Cancelled, expired, withdrawn or moved (1)",
            &format!("<a href=\"{roster}?page=2\">On page 2<span class=\"visually-hidden\">: Cancelled, expired, withdrawn or moved</span></a>"),
            "Page 1 of 2",
            "rel=\"next\"",
        ] {
            assert!(first.contains(expected), "page 1: {expected}\n{first}");
        }
        assert!(!first.contains("Number 3"));

        let (_, second) = admin.get_text(&format!("{roster}?page=2")).await;
        assert_eq!(rows(&second), 4);
        for expected in ["Confirmed (48)", "On page 1", "Number 3", "Number 5", "3 of 5 on this page", "Page 2 of 2", "rel=\"prev\""] {
            assert!(second.contains(expected), "page 2: {expected}\n{second}");
        }
        assert!(!second.contains("Number 2<"), "numbers go on from the page before");
        assert!(second.contains("<dd class=\"summary-list__value\">5</dd>"), "the waiting count is the whole list's");
        // A page past the end shows the last; anything but a page number, the first.
        let (_, past) = admin.get_text(&format!("{roster}?page=9")).await;
        assert_eq!(rows(&past), 4);
        for odd in ["abc", "-1", "0", "1e9", "%00"] {
            let (status, page) = admin.get_text(&format!("{roster}?page={odd}")).await;
            assert_eq!(status, StatusCode::OK, "{odd}");
            assert_eq!(rows(&page), 50, "{odd}");
        }
        // The spreadsheet is every place.
        let csv = admin.get(&format!("{roster}/roster.csv")).await.text().await.unwrap();
        assert_eq!(csv.lines().count(), 55);
    }
}
