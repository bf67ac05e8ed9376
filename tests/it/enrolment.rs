//! Enrolment flows on both databases: free NHS places, the waiting list and its offers,
//! cancellation, reminders, and what learners may see.

use chrono::Duration;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{location, subject_of, text_of};
use crate::support::enrolment::{add_cohort, add_course, enrol, enrolment_id, learner};

async fn open_cohort(app: &TestApp, capacity: i64) -> i64 {
    let course = add_course(
        app,
        "A systems approach to investigating patient safety incidents",
    )
    .await;
    add_cohort(app, course, "May 2026 cohort", capacity).await
}

backend_tests! {
    async fn an_nhs_learner_gets_a_free_place_at_once_and_a_second_click_shows_it(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = open_cohort(&app, 20).await;
        let nurse = learner(&app, "a.nurse@nhs.net").await;

        let (status, page) = nurse.get_text(&format!("/cohorts/{cohort}/enrol")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Your place is free because you work for the NHS in England"), "{page}");

        let first = enrol(&nurse, cohort, &[("funding", "free")]).await;
        let id = enrolment_id(&first);
        assert_eq!(app.status_of(id).await, "confirmed");
        let again = enrol(&nurse, cohort, &[("funding", "free")]).await;
        assert_eq!(again, first, "a second click shows the same enrolment");
        let page = nurse.get(&format!("/cohorts/{cohort}/enrol")).await;
        assert_eq!(location(&page), first, "the enrol page forwards to the existing place");
        assert_eq!(app.count("select count(*) from enrolments").await, 1);
        assert_eq!(app.count("select seats_taken from cohorts").await, 1);

        let (_, place) = nurse.get_text(&first).await;
        assert!(place.contains("Confirmed") && place.contains("https://meet.example/room-42"), "joining details for a confirmed place");
        let (_, course_page) = nurse.get_text("/courses/a-systems-approach-to-investigating-patient-safety-incidents").await;
        assert!(course_page.contains("Your place: confirmed"), "the course page shows the learner's place");

        app.run_background_jobs().await;
        let mails: Vec<_> = app.sent_emails().into_iter().filter(|m| m.to == ["a.nurse@nhs.net"]).collect();
        assert_eq!(mails.len(), 1, "one confirmation");
        assert!(subject_of(&mails[0]).contains("is confirmed"));
        assert!(mails[0].raw.contains("text/calendar"), "the cohort's calendar is attached");
        assert!(text_of(&mails[0]).contains(&format!("ENR-{id:06}")));
        app.assert_seats_add_up().await;
    }

    async fn a_full_cohort_queues_first_come_first_served_and_offers_each_freed_seat(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = open_cohort(&app, 1).await;
        let holder = learner(&app, "holder@nhs.net").await;
        let first = learner(&app, "first@nhs.net").await;
        let second = learner(&app, "second@nhs.net").await;
        let late = learner(&app, "late@nhs.net").await;

        let held = enrolment_id(&enrol(&holder, cohort, &[("funding", "free")]).await);
        let (_, page) = first.get_text(&format!("/cohorts/{cohort}/enrol")).await;
        assert!(page.contains("This cohort is full"), "{page}");
        let first_id = enrolment_id(&enrol(&first, cohort, &[("funding", "waitlist")]).await);
        let second_id = enrolment_id(&enrol(&second, cohort, &[("funding", "free")]).await);
        assert_eq!(app.status_of(second_id).await, "waitlisted", "a full cohort queues whatever was asked");
        assert!(first.get_text(&format!("/enrolments/{first_id}")).await.1.contains("You are number 1 in the queue"));
        assert!(second.get_text(&format!("/enrolments/{second_id}")).await.1.contains("You are number 2 in the queue"));

        // The holder cancels: the seat goes to the first in the queue as an offer.
        let cancelled = holder.post_form(&format!("/enrolments/{held}/cancel"), &[]).await;
        assert_eq!(location(&cancelled), format!("/enrolments/{held}?notice=place-cancelled"));
        assert_eq!(app.status_of(held).await, "cancelled");
        assert_eq!(app.status_of(first_id).await, "offered");
        assert_eq!(app.count("select seats_taken from cohorts").await, 1, "the offer holds the seat");
        assert!(second.get_text(&format!("/enrolments/{second_id}")).await.1.contains("You are number 1 in the queue"), "positions close up");

        // A newcomer queues behind the people waiting, although a seat was just freed.
        let late_id = enrolment_id(&enrol(&late, cohort, &[("funding", "free")]).await);
        assert_eq!(app.status_of(late_id).await, "waitlisted");

        // The offer page acts only by POST; declining offers the seat to the next in line.
        let (status, offer) = first.get_text(&format!("/enrolments/{first_id}/offer")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(offer.contains("Accept the place") && offer.contains("Decline the place"));
        assert_eq!(app.status_of(first_id).await, "offered", "opening the link changes nothing");
        first.post_form(&format!("/enrolments/{first_id}/offer/decline"), &[]).await;
        assert_eq!(app.status_of(first_id).await, "withdrawn");
        assert_eq!(app.status_of(second_id).await, "offered");

        // The second lets the offer lapse: the late learner is offered it, and accepts.
        app.clock().advance(Duration::hours(49));
        app.run_background_jobs().await;
        // Sessions lapse after 12 idle hours: both sign in again.
        second.sign_in("second@nhs.net", crate::support::accounts::PASSWORD).await;
        late.sign_in("late@nhs.net", crate::support::accounts::PASSWORD).await;
        assert_eq!(app.status_of(second_id).await, "expired");
        assert_eq!(app.status_of(late_id).await, "offered");
        let accepted = second.post_form(&format!("/enrolments/{second_id}/offer/accept"), &[("funding", "free")]).await;
        assert_eq!(location(&accepted), format!("/enrolments/{second_id}"), "accepting an expired offer only shows where it stands");
        assert_eq!(app.status_of(second_id).await, "expired");
        late.post_form(&format!("/enrolments/{late_id}/offer/accept"), &[("funding", "free")]).await;
        assert_eq!(app.status_of(late_id).await, "confirmed");

        app.run_background_jobs().await;
        assert!(app.subjects_to("first@nhs.net").iter().any(|s| s.starts_with("You are on the waiting list")));
        assert!(app.subjects_to("first@nhs.net").iter().any(|s| s.starts_with("A place is free for you")));
        assert!(app.subjects_to("second@nhs.net").iter().any(|s| s.contains("offer of a place") && s.contains("has ended")));
        assert!(app.subjects_to("late@nhs.net").iter().any(|s| s.contains("is confirmed")));
        let numbers = app.count("select count(distinct waitlist_number) from enrolments where waitlist_number is not null").await;
        assert_eq!(numbers, 3, "every queued learner has their own number");
        app.assert_seats_add_up().await;
    }

    async fn raising_the_capacity_offers_the_new_seats_to_the_queue(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = open_cohort(&app, 1).await;
        let holder = learner(&app, "holder@nhs.net").await;
        let waiting = learner(&app, "waiting@nhs.net").await;
        enrol(&holder, cohort, &[("funding", "free")]).await;
        let id = enrolment_id(&enrol(&waiting, cohort, &[("funding", "free")]).await);
        assert_eq!(app.status_of(id).await, "waitlisted");

        let db = app.database.connect().await;
        let mut tx = db.begin().await.unwrap();
        academy::run_query!(tx & mut tx, |c| sqlx::query("update cohorts set capacity = 2").execute(c).await.map(|_| ())).unwrap();
        academy::enrolment::offer_free_seats(app.state.enrolment(), &mut tx, cohort).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(app.status_of(id).await, "offered");
        app.assert_seats_add_up().await;
    }

    async fn learners_cancel_until_the_start_and_a_second_cancel_changes_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = open_cohort(&app, 5).await;
        let nurse = learner(&app, "a.nurse@nhs.net").await;
        let id = enrolment_id(&enrol(&nurse, cohort, &[("funding", "free")]).await);

        let (_, confirm) = nurse.get_text(&format!("/enrolments/{id}/cancel")).await;
        assert!(confirm.contains("Cancel my place"), "{confirm}");
        nurse.post_form(&format!("/enrolments/{id}/cancel"), &[]).await;
        let twice = nurse.post_form(&format!("/enrolments/{id}/cancel"), &[]).await;
        assert_eq!(location(&twice), format!("/enrolments/{id}"), "cancelling twice shows where it stands");
        app.run_background_jobs().await;
        let cancelled: Vec<_> = app.subjects_to("a.nurse@nhs.net").into_iter().filter(|s| s.contains("is cancelled")).collect();
        assert_eq!(cancelled.len(), 1, "one cancellation email");

        // Enrolling again after cancelling is allowed; once the cohort starts, cancelling is not.
        let again = enrolment_id(&enrol(&nurse, cohort, &[("funding", "free")]).await);
        assert_ne!(again, id);
        app.clock().advance(Duration::days(70));
        nurse.sign_in("a.nurse@nhs.net", crate::support::accounts::PASSWORD).await;
        let late = nurse.post_form(&format!("/enrolments/{again}/cancel"), &[]).await;
        assert_eq!(location(&late), format!("/enrolments/{again}"));
        assert_eq!(app.status_of(again).await, "confirmed");
        app.assert_seats_add_up().await;
    }

    async fn another_learners_enrolment_is_not_found(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = open_cohort(&app, 5).await;
        let owner = learner(&app, "owner@nhs.net").await;
        let other = learner(&app, "other@nhs.net").await;
        let id = enrolment_id(&enrol(&owner, cohort, &[("funding", "free")]).await);
        for path in [
            format!("/enrolments/{id}"),
            format!("/enrolments/{id}/offer"),
            format!("/enrolments/{id}/cancel"),
            format!("/enrolments/{id}/documents/receipt"),
        ] {
            assert_eq!(other.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
        for path in [format!("/enrolments/{id}/cancel"), format!("/enrolments/{id}/offer/decline"), format!("/enrolments/{id}/pay")] {
            assert_eq!(other.post_form(&path, &[]).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(app.status_of(id).await, "confirmed");
        let anonymous = app.another_browser();
        let response = anonymous.get(&format!("/enrolments/{id}")).await;
        assert!(location(&response).starts_with("/login?next="), "visitors are sent to sign in");
        let response = anonymous.get("/dashboard").await;
        assert!(location(&response).starts_with("/login?next="));
    }

    async fn enrolling_needs_a_verified_address_and_an_open_window(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = open_cohort(&app, 5).await;
        app.create_user("unverified@nhs.net", academy::db::users::Role::Learner, false).await;
        let unverified = app.another_browser();
        unverified.sign_in("unverified@nhs.net", crate::support::accounts::PASSWORD).await;
        let (_, page) = unverified.get_text(&format!("/cohorts/{cohort}/enrol")).await;
        assert!(page.contains("Confirm your email address before you enrol"), "{page}");
        let refused = unverified.post_form(&format!("/cohorts/{cohort}/enrol"), &[("funding", "free")]).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().await.unwrap().contains("confirm your email address before enrolling"));

        let nurse = learner(&app, "a.nurse@nhs.net").await;
        for funding in ["", "bitcoin", "free\u{0}"] {
            let odd = nurse.post_form(&format!("/cohorts/{cohort}/enrol"), &[("funding", funding)]).await;
            assert_eq!(odd.status(), StatusCode::UNPROCESSABLE_ENTITY, "{funding:?}");
        }
        assert_eq!(nurse.get("/cohorts/999999/enrol").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(nurse.get("/cohorts/not-a-number/enrol").await.status(), StatusCode::BAD_REQUEST);
        app.clock().advance(Duration::days(31));
        nurse.sign_in("a.nurse@nhs.net", crate::support::accounts::PASSWORD).await;
        let closed = nurse.post_form(&format!("/cohorts/{cohort}/enrol"), &[("funding", "free")]).await;
        assert_eq!(closed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(closed.text().await.unwrap().contains("not open for enrolment"));
        assert_eq!(app.count("select count(*) from enrolments").await, 0);
    }

    async fn reminders_go_a_week_and_a_day_before_the_first_session_once_each(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = open_cohort(&app, 5).await; // first session 4 May 2026, 9:30am
        let nurse = learner(&app, "a.nurse@nhs.net").await;
        let waiting = learner(&app, "waiting@nhs.net").await;
        enrol(&nurse, cohort, &[("funding", "free")]).await;
        let _ = waiting; // a learner with no place gets no reminder
        let reminders = |app: &TestApp| app.subjects_to("a.nurse@nhs.net").into_iter().filter(|s| s.starts_with("Reminder")).collect::<Vec<_>>();

        app.run_background_jobs().await;
        assert!(reminders(&app).is_empty(), "two months ahead: no reminder yet");
        // 2 March 09:00 UTC → 28 April 09:00: six days and ~23 hours before the session.
        app.clock().advance(Duration::days(57));
        app.run_background_jobs().await;
        app.run_background_jobs().await;
        assert_eq!(reminders(&app), vec!["Reminder: A systems approach to investigating patient safety incidents starts in 6 days".to_owned()]);
        app.clock().advance(Duration::days(5) + Duration::hours(12));
        app.run_background_jobs().await;
        app.run_background_jobs().await;
        let sent = reminders(&app);
        assert_eq!(sent.len(), 2, "{sent:?}");
        assert!(sent[1].ends_with("starts tomorrow"));
        assert!(app.subjects_to("waiting@nhs.net").is_empty());
    }
}
