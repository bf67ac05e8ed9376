//! The admins' audit log (`/admin/audit`, `/admin/audit.csv`): every event newest first,
//! each filter, problems with the filters next to their fields, the streamed spreadsheet,
//! learners refused, and events that the database will not let anyone change or remove.

use academy::db::audit::{self, AuditEvent};
use academy::db::audit_log::LogFilter;
use academy::db::users::Role;
use academy::domain::audit::SubjectKind;
use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::StatusCode;

use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::cpd_export::{cell, download, parse_csv};
use crate::support::TestApp;
use crate::support::enrolment::{add_cohort, add_course, admin, enrol, enrolment_id, learner};
use crate::support::learning::write;

/// Records `event` at `at`, as a service would in its transaction.
async fn record(app: &TestApp, event: AuditEvent<'_>, at: DateTime<Utc>) {
    let mut tx = app.state.db.begin().await.unwrap();
    audit::record(&mut tx, &event, at).await.unwrap();
    tx.commit().await.unwrap();
}

/// The details of the events the page lists, top to bottom.
fn details(page: &str) -> Vec<String> {
    page.split("<tr>")
        .skip(2)
        .filter_map(|row| row.split("<td>").nth(5))
        .map(|cell| cell.split("</td>").next().unwrap().to_owned())
        .collect()
}

/// Four events by two people on two days (in UK summer time: 23:30 UTC on 1 June is
/// 00:30 on 2 June in London).
async fn four_events(app: &TestApp) -> (i64, i64) {
    let admin = app
        .create_user("admin@academy.example", Role::Admin, true)
        .await;
    let nurse = app.create_user("nurse@nhs.net", Role::Learner, true).await;
    let first = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    let late = Utc.with_ymd_and_hms(2026, 6, 1, 23, 30, 0).unwrap();
    record(
        app,
        AuditEvent::new("cohort_updated")
            .by(Some(admin), Some("203.0.113.10"))
            .on(SubjectKind::Cohort, 7)
            .detail("one"),
        first,
    )
    .await;
    record(
        app,
        AuditEvent::new("enrolment.created")
            .by(Some(nurse), Some("198.51.100.4"))
            .about(Some(nurse))
            .on(SubjectKind::Enrolment, 41)
            .detail("two"),
        first + Duration::hours(1),
    )
    .await;
    record(
        app,
        AuditEvent::new("cohort_updated")
            .by(Some(admin), Some("203.0.113.10"))
            .on(SubjectKind::Cohort, 8)
            .detail("three"),
        late,
    )
    .await;
    record(
        app,
        AuditEvent::new("signed_in")
            .by(None, Some("2001:db8::1"))
            .about(Some(nurse))
            .detail("four"),
        late + Duration::hours(1),
    )
    .await;
    (admin, nurse)
}

/// The audit log with no filter, each filter alone, and each with a date range (for
/// `query_plans`).
pub(crate) fn filters_to_plan(now: DateTime<Utc>) -> Vec<(String, LogFilter)> {
    let alone = [
        ("unfiltered", LogFilter::default()),
        (
            "by actor",
            LogFilter {
                actor_user_id: Some(7),
                ..LogFilter::default()
            },
        ),
        (
            "by action",
            LogFilter {
                action: Some("signed_in".into()),
                ..LogFilter::default()
            },
        ),
        (
            "by kind",
            LogFilter {
                subject_kind: Some(SubjectKind::Enrolment),
                ..LogFilter::default()
            },
        ),
        (
            "by subject",
            LogFilter {
                subject_kind: Some(SubjectKind::Cohort),
                subject_id: Some(3),
                ..LogFilter::default()
            },
        ),
        (
            "by address",
            LogFilter {
                client_address: Some("192.0.2.7".into()),
                ..LogFilter::default()
            },
        ),
    ];
    let mut all = Vec::new();
    for (name, filter) in alone {
        let dated = LogFilter {
            from: Some(now - chrono::Duration::days(7)),
            until: Some(now),
            ..filter.clone()
        };
        all.push((name.to_owned(), filter));
        all.push((format!("{name} in a date range"), dated));
    }
    all
}

backend_tests! {
    async fn each_filter_narrows_the_log_newest_first(backend) {
        let app = TestApp::spawn(backend).await;
        let (admin_id, nurse_id) = four_events(&app).await;
        let browser = app.another_browser();
        browser.sign_in("admin@academy.example", crate::support::accounts::PASSWORD).await;
        let only = |query: &str| format!("/admin/audit?{query}");
        let mine = |page: &str| details(page).into_iter().filter(|d| ["one", "two", "three", "four"].contains(&d.as_str())).collect::<Vec<_>>();

        let (status, page) = browser.get_text("/admin/audit").await;
        assert_eq!(status, StatusCode::OK);
        assert_accessible("/admin/audit", &page);
        assert_eq!(mine(&page), ["four", "three", "two", "one"], "newest first");
        for (query, expected) in [
            (format!("actor={admin_id}"), vec!["three", "one"]),
            ("actor=NURSE%40nhs.net".to_owned(), vec!["two"]),
            ("action=cohort_updated".to_owned(), vec!["three", "one"]),
            ("subject=cohort".to_owned(), vec!["three", "one"]),
            ("subject=cohort&subject_id=8".to_owned(), vec!["three"]),
            (format!("subject=user&subject_id={nurse_id}"), vec!["four"]),
            ("subject=enrolment&subject_id=41".to_owned(), vec!["two"]),
            ("from_day=2&from_month=6&from_year=2026".to_owned(), vec!["four", "three"]),
            ("to_day=1&to_month=6&to_year=2026".to_owned(), vec!["two", "one"]),
            ("from_day=1&from_month=6&from_year=2026&to_day=1&to_month=6&to_year=2026&actor=admin%40academy.example".to_owned(), vec!["one"]),
            ("client=203.0.113.10".to_owned(), vec!["three", "one"]),
            ("client=2001:0db8:0:0::1".to_owned(), vec!["four"]),
        ] {
            let (status, page) = browser.get_text(&only(&query)).await;
            assert_eq!(status, StatusCode::OK, "{query}");
            assert_eq!(mine(&page), expected, "{query}");
        }
        // Each row links to what it was done to, and a learner's place to her account too.
        let (_, page) = browser.get_text(&only("subject=enrolment&subject_id=41")).await;
        assert!(page.contains(r#"<a href="/admin/enrolments/41">Place 41</a>"#), "{page}");
        assert!(page.contains(&format!(r#"<a href="/admin/users/{nurse_id}">nurse@nhs.net</a>"#)));
        // The account's own page leads to both halves of its log.
        let (_, account) = browser.get_text(&format!("/admin/users/{nurse_id}")).await;
        assert!(account.contains(&format!(r#"href="/admin/audit?actor={nurse_id}""#)), "{account}");
        assert!(account.contains(&format!(r#"href="/admin/audit?subject=user&#38;subject_id={nurse_id}""#)), "{account}");
        let (_, page) = browser.get_text(&only("action=signed_in&client=2001:db8::1")).await;
        assert!(page.contains("The system"), "no actor: the system");
        // The export link carries the filters.
        assert!(page.contains(r#"href="/admin/audit.csv?action=signed_in&#38;client=2001%3Adb8%3A%3A1""#), "{page}");
    }

    async fn filters_with_a_problem_are_explained_next_to_their_fields(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        let huge = "x".repeat(5_000);
        for (query, field, message) in [
            ("actor=not%20an%20email", "actor", "Enter an email address, like name@nhs.net, or an account&#39;s number, like 1042"),
            ("actor=nobody%40nhs.net", "actor", "No account has this email"),
            ("subject=spaceship", "subject", "Choose what the events were done to from the list"),
            ("subject_id=12", "subject", "Choose what number 12 is"),
            ("subject=cohort&subject_id=twelve", "subject_id", "Enter the number as a whole number"),
            ("subject=cohort&subject_id=-3", "subject_id", "Enter the number as a whole number"),
            ("from_day=31&from_month=2&from_year=2026", "from", "The start date must be a real date"),
            ("from_day=2&from_month=6&from_year=2026&to_day=1&to_month=6&to_year=2026", "to", "The end date must be the same as or after the start date"),
            ("client=999.1.1.1", "client", "Enter an address like 192.0.2.7"),
            (&format!("actor={huge}"), "actor", "Enter an email address"),
        ] {
            let response = admin.get(&format!("/admin/audit?{query}")).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query:.60}");
            let page = response.text().await.unwrap();
            assert_error_summary("/admin/audit", &page);
            assert_accessible("/admin/audit", &page);
            assert!(page.contains(&format!(r##"<a href="#{field}">"##)), "{query:.60}: the summary links to {field}");
            assert!(page.contains(message), "{query:.60}: {message}");
            assert!(!page.contains("audit.csv"), "no export of a filter with a problem");
            // The export answers the same way: never a file of the wrong events.
            let response = admin.get(&format!("/admin/audit.csv?{query}")).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query:.60}");
        }
        let response = admin.get("/admin/audit?page=banana&subject_id=").await;
        assert_eq!(response.status(), StatusCode::OK, "a page number that is no number is the first page");
    }

    async fn the_spreadsheet_streams_every_matching_event_with_awkward_text_intact(backend) {
        let app = TestApp::spawn(backend).await;
        let admin_id = app.create_user("admin@academy.example", Role::Admin, true).await;
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        for n in 0..60 {
            let detail = format!("=HYPERLINK(\"http://x\") {n}, “Zoë” said \"hi\"\nline two");
            record(&app, AuditEvent::new("course_updated").by(Some(admin_id), Some("192.0.2.7")).on(SubjectKind::Course, n).detail(&detail), at + Duration::minutes(n)).await;
        }
        record(&app, AuditEvent::new("home_page_updated").by(Some(admin_id), None), at).await;
        let admin = app.another_browser();
        admin.sign_in("admin@academy.example", crate::support::accounts::PASSWORD).await;

        let (bytes, kind) = download(&admin, "/admin/audit.csv?action=course_updated").await;
        assert_eq!(kind, "text/csv; charset=utf-8");
        let (header, rows) = parse_csv(&bytes);
        assert_eq!(header[..5], ["Event", "When (UK time)", "Actor", "Actor email", "Action"]);
        assert_eq!(rows.len(), 60, "every matching event, and only those");
        let newest = &rows[0];
        assert_eq!(cell(&header, newest, "Detail"), "'=HYPERLINK(\"http://x\") 59, “Zoë” said \"hi\"\nline two", "neutralised, the rest intact");
        assert_eq!(cell(&header, newest, "Subject"), "Course 59");
        assert_eq!(cell(&header, newest, "Actor email"), "admin@academy.example");
        assert_eq!(cell(&header, newest, "When (UK time)"), "2026-03-02 09:59:00");
        assert_eq!(cell(&header, &rows[59], "Subject"), "Course 0", "oldest last");

        let (bytes, _) = download(&admin, "/admin/audit.csv").await;
        let (_, all) = parse_csv(&bytes);
        assert!(all.len() > 61, "unfiltered: these and the sign-in: {}", all.len());
    }

    async fn a_place_taken_is_recorded_against_the_place_and_its_learner(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Human factors").await;
        let cohort = add_cohort(&app, course, "May 2026 cohort", 10).await;
        let nurse = learner(&app, "nurse@nhs.net").await;
        let place = enrolment_id(&enrol(&nurse, cohort, &[("funding", "free")]).await);
        let admin = admin(&app).await;
        let (status, page) = admin.get_text(&format!("/admin/audit?subject=enrolment&subject_id={place}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("enrolment.created"), "{page}");
        assert!(page.contains(&format!(r#"<a href="/admin/enrolments/{place}">Place {place}</a>"#)));
        assert!(page.contains("nurse@nhs.net"));
    }

    async fn learners_cannot_read_the_log(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@nhs.net").await;
        for path in ["/admin/audit", "/admin/audit.csv", "/admin/audit?actor=1"] {
            assert_eq!(nurse.get(path).await.status(), StatusCode::FORBIDDEN, "{path}");
            assert_eq!(app.another_browser().get(path).await.status(), StatusCode::SEE_OTHER, "{path}: sign in first");
        }
    }

    async fn the_database_refuses_to_change_or_remove_an_event(backend) {
        let app = TestApp::spawn(backend).await;
        four_events(&app).await;
        let before = app.count("select count(*) from audit_events").await;
        for sql in [
            "delete from audit_events",
            "update audit_events set detail = 'nothing happened'",
            "update audit_events set action = 'signed_in' where action = 'cohort_updated'",
            "update audit_events set client_address = '192.0.2.99'",
        ] {
            let db = app.database.connect().await;
            let refused = academy::run_query!(write & db, |c| sqlx::query(sql).execute(c).await.map(|_| ()));
            assert!(refused.is_err(), "{sql}");
        }
        assert_eq!(app.count("select count(*) from audit_events").await, before);
        assert_eq!(app.count("select count(*) from audit_events where detail = 'one'").await, 1);
        // Forgetting a deleted account's addresses is the one change allowed.
        write(&app, "update audit_events set client_address = null where detail = 'two'").await;
        assert_eq!(app.count("select count(*) from audit_events where client_address is null and detail = 'two'").await, 1);
    }
}
