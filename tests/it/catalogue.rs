//! The public catalogue: search, filters, pagination, course pages for each viewer and
//! cohort state, redirects, and calendars.

use academy::db::cohorts::{self, CohortFields};
use academy::db::courses::{self, CourseFields};
use academy::db::users::Role;
use academy::domain::catalogue::{CohortStatus, Format, Level};
use academy::domain::london;
use chrono::{Duration, NaiveDate, NaiveTime};
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location};

struct NewCourse<'a> {
    title: &'a str,
    level: Level,
    format: Format,
    fee_pence: i64,
    published: bool,
}

fn course<'a>(title: &'a str) -> NewCourse<'a> {
    NewCourse {
        title,
        level: Level::Intermediate,
        format: Format::OnlineLive,
        fee_pence: 45_000,
        published: true,
    }
}

async fn add_course(app: &TestApp, new: NewCourse<'_>) -> (i64, String) {
    let slug = academy::domain::slug::slugify(new.title);
    let fields = CourseFields {
        slug: &slug,
        title: new.title,
        summary: "A summary of the course.",
        description: "Some *Markdown* <script>alert(1)</script>",
        who_for: "Everyone",
        learning_outcomes: "First outcome\nSecond outcome",
        level: new.level,
        format: new.format,
        duration: "6 weeks",
        cpd_minutes: 18 * 60,
        accreditation: "CPD accredited",
        accreditation_reference: "",
        fee_pence: new.fee_pence,
        published: new.published,
        completion_rule: academy::domain::learning::CompletionRule::Attendance,
        sessions_required: None,
        evaluation_required: false,
    };
    let mut tx = app.state.db.begin().await.unwrap();
    let id = courses::insert(&mut tx, &fields, app.clock().now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (id, slug)
}

/// A cohort whose enrolment window is open now (unless the status says otherwise), with
/// sessions on the given London days at 9:30am.
async fn add_cohort(
    app: &TestApp,
    course_id: i64,
    name: &str,
    status: CohortStatus,
    session_days: &[NaiveDate],
) -> i64 {
    let now = app.clock().now();
    let starts_on = session_days
        .first()
        .copied()
        .unwrap_or(NaiveDate::from_ymd_opt(2026, 4, 6).unwrap());
    let fields = CohortFields {
        course_id,
        name,
        starts_on,
        ends_on: session_days.last().copied().unwrap_or(starts_on),
        enrol_opens_at: now - Duration::days(7),
        enrol_closes_at: now + Duration::days(14),
        capacity: 20,
        status,
        delivery_notes: "",
    };
    let mut tx = app.state.db.begin().await.unwrap();
    let id = cohorts::insert(&mut tx, &fields, now).await.unwrap();
    for (n, day) in session_days.iter().enumerate() {
        let start = london::to_utc(*day, NaiveTime::from_hms_opt(9, 30, 0).unwrap()).unwrap();
        cohorts::insert_session(
            &mut tx,
            id,
            &format!("Session {}", n + 1),
            start,
            start + Duration::hours(3),
            "https://meet.example/secret",
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

async fn titles(app: &TestApp, query: &str) -> Vec<String> {
    let (status, html) = app.get_text(&format!("/courses?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}");
    html.split(r#"<h3 class="card__title"><a href="/courses/"#)
        .skip(1)
        .map(|chunk| {
            chunk
                .split(">")
                .nth(1)
                .unwrap()
                .split("</a")
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

backend_tests! {
    async fn the_catalogue_searches_any_case_and_accent_the_same_everywhere(backend) {
        let app = TestApp::spawn(backend).await;
        add_course(&app, course("A systems approach to investigating incidents")).await;
        add_course(&app, course("Ärzte und Pflege: Zusammenarbeit")).await;
        add_course(&app, course("100% safe_practice")).await;
        add_course(&app, NewCourse { published: false, ..course("Hidden draft systems course") }).await;

        assert_eq!(titles(&app, "").await.len(), 3, "unpublished courses are invisible");
        assert_eq!(titles(&app, "q=SYSTEMS").await, vec!["A systems approach to investigating incidents"]);
        assert_eq!(titles(&app, "q=arzte").await, vec!["Ärzte und Pflege: Zusammenarbeit"]);
        assert_eq!(titles(&app, "q=%C3%84RZTE").await.len(), 1, "Ä finds ä");
        assert_eq!(titles(&app, "q=%25").await, vec!["100% safe_practice"], "% is a character, not a wildcard");
        assert_eq!(titles(&app, "q=_").await, vec!["100% safe_practice"]);
        assert_eq!(titles(&app, "q=e_p").await, vec!["100% safe_practice"]);
        assert!(titles(&app, "q=s%25e").await.is_empty());
        for odd in ["q=%27%22%3B--", "q=%F0%9F%98%80", &format!("q={}", "x".repeat(5_000))] {
            assert!(titles(&app, odd).await.is_empty(), "{odd}");
        }
        assert_eq!(titles(&app, "q=%00%07").await.len(), 3, "control characters are dropped, not sent to the database");
        let (_, html) = app.get_text("/courses?q=nothing-like-this").await;
        assert!(html.contains("No courses match") && html.contains(r#"<a href="/courses">Clear the search and filters</a>"#));
    }

    async fn filters_and_pagination_take_any_input(backend) {
        let app = TestApp::spawn(backend).await;
        for n in 0..12 {
            add_course(&app, NewCourse { level: Level::Introductory, ..course(&format!("Course {n:02}")) }).await;
        }
        let (advanced, _) = add_course(&app, NewCourse { level: Level::Advanced, format: Format::Blended, ..course("Zeta advanced") }).await;
        add_cohort(&app, advanced, "Open one", CohortStatus::Open, &[day(4, 7)]).await;

        assert_eq!(titles(&app, "level=advanced").await, vec!["Zeta advanced"]);
        assert_eq!(titles(&app, "format=blended").await, vec!["Zeta advanced"]);
        assert_eq!(titles(&app, "open=yes").await, vec!["Zeta advanced"], "only courses enrolling now");
        assert_eq!(titles(&app, "level=nonsense&format=%3Cscript%3E").await.len(), 10, "unknown filters are ignored");

        let first = titles(&app, "").await;
        assert_eq!(first.len(), 10);
        let second = titles(&app, "page=2").await;
        assert_eq!(second, vec!["Course 10", "Course 11", "Zeta advanced"]);
        for page in ["0", "-1", "abc", "1e9", "99999999999999999999"] {
            assert_eq!(titles(&app, &format!("page={page}")).await, first, "page={page}");
        }
        assert_eq!(titles(&app, "page=500").await, second, "past the end shows the last page");
        let (_, html) = app.get_text("/courses?level=introductory&page=1").await;
        assert!(html.contains("level=introductory&amp;page=2"), "page links keep the filters");
    }

    async fn the_course_page_shows_each_viewer_their_price_and_action(backend) {
        let app = TestApp::spawn(backend).await;
        let (id, slug) = add_course(&app, course("Investigation skills")).await;
        add_cohort(&app, id, "Open cohort", CohortStatus::Open, &[day(4, 7), day(4, 14)]).await;
        let path = format!("/courses/{slug}");

        let (status, html) = app.get_text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Free for NHS staff in England") && html.contains("£450 for other learners"));
        assert!(html.contains(&format!(r#"href="/login?next=%2Fcourses%2F{slug}">Sign in to enrol"#)));
        assert!(html.contains("20 places left"));
        assert!(html.contains("7 April 2026 at 9:30am to 12:30pm"), "times in UK time");
        assert!(html.contains("<em>Markdown</em>") && !html.contains("<script>alert"), "sanitised Markdown");
        assert!(!html.contains("meet.example"), "joining details are not public");

        let unverified = app.another_browser();
        unverified.register("New Learner", "new@example.org", PASSWORD).await;
        unverified.sign_in("new@example.org", PASSWORD).await;
        let (_, html) = unverified.get_text(&path).await;
        assert!(html.contains("Confirm your email address to enrol"));

        app.create_user("nurse@nhs.net", Role::Learner, true).await;
        let nhs = app.another_browser();
        nhs.sign_in("nurse@nhs.net", PASSWORD).await;
        let (_, html) = nhs.get_text(&path).await;
        assert!(html.contains("Free for you as NHS staff in England") && !html.contains("£450"));
        assert!(html.contains(">Enrol<"));

        app.create_user("consultant@example.com", Role::Learner, true).await;
        let external = app.another_browser();
        external.sign_in("consultant@example.com", PASSWORD).await;
        let (_, html) = external.get_text(&path).await;
        assert!(html.contains("£450 for you") && !html.contains("Free for you"));

        let db = app.database.connect().await;
        academy::run_query!(write &db, |c| sqlx::query("update cohorts set seats_taken = capacity").execute(c).await.map(|_| ())).unwrap();
        app.notice_outside_writes().await;
        let (_, html) = external.get_text(&path).await;
        assert!(html.contains("Full: waiting list") && html.contains("Join the waiting list"));
    }

    async fn each_cohort_state_reads_correctly(backend) {
        let app = TestApp::spawn(backend).await;
        let (id, slug) = add_course(&app, course("States course")).await;
        add_cohort(&app, id, "Cancelled cohort", CohortStatus::Cancelled, &[day(4, 7)]).await;
        add_cohort(&app, id, "Closed cohort", CohortStatus::Closed, &[day(3, 3)]).await;
        add_cohort(&app, id, "Finished cohort", CohortStatus::Completed, &[day(1, 6)]).await;
        add_cohort(&app, id, "Draft cohort", CohortStatus::Draft, &[day(5, 5)]).await;
        let later = add_cohort(&app, id, "Later cohort", CohortStatus::Open, &[day(6, 2)]).await;
        let db = app.database.connect().await;
        let opens = app.clock().now() + Duration::days(30);
        academy::run_query!(write &db, |c| sqlx::query("update cohorts set enrol_opens_at = $1 where cohort_id = $2")
            .bind(opens).bind(later).execute(c).await.map(|_| ())).unwrap();

        let (_, html) = app.get_text(&format!("/courses/{slug}")).await;
        assert!(html.contains("This cohort was cancelled"));
        assert!(html.contains("Enrolment closed"));
        assert!(html.contains("This cohort has finished"));
        assert!(!html.contains("Draft cohort"), "drafts are not public");
        assert!(html.contains(&format!("Enrolment opens on {}", london::date_time(opens))));
        assert!(html.find("Later cohort").unwrap() < html.find("Finished cohort").unwrap(), "coming cohorts first");
    }

    async fn course_pages_have_meta_tags_redirect_old_slugs_and_hide_drafts(backend) {
        let app = TestApp::spawn(backend).await;
        let (id, slug) = add_course(&app, course("Meta course")).await;
        let (_, html) = app.get_text(&format!("/courses/{slug}")).await;
        assert!(html.contains(r#"<meta name="description" content="A summary of the course.">"#));
        assert!(html.contains(&format!(r#"<meta property="og:url" content="http://{}/courses/{slug}">"#, app.address)));
        assert!(html.contains(r#"<meta property="og:title" content="Meta course">"#));

        let db = app.database.connect().await;
        let now = app.clock().now();
        academy::run_query!(write &db, |c| sqlx::query("insert into course_slugs (slug, course_id, created_at) values ('old-meta', $1, $2)")
            .bind(id).bind(now).execute(c).await.map(|_| ())).unwrap();
        let moved = app.get("/courses/old-meta").await;
        assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(location(&moved), format!("/courses/{slug}"));

        let (_, draft) = add_course(&app, NewCourse { published: false, ..course("Draft course") }).await;
        assert_eq!(app.get(&format!("/courses/{draft}")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get("/courses/no-such-course").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get("/courses/%E2%80%8B%00").await.status(), StatusCode::NOT_FOUND);
    }

    async fn calendars_parse_back_with_utc_times_across_the_clock_change(backend) {
        let app = TestApp::spawn(backend).await;
        let (id, _) = add_course(&app, course("Calendar course")).await;
        // The clocks go forward on 29 March 2026.
        let cohort = add_cohort(&app, id, "Spring", CohortStatus::Open, &[day(3, 24), day(3, 31)]).await;
        let response = app.get(&format!("/cohorts/{cohort}/calendar.ics")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
        let text = response.text().await.unwrap();
        let parsed: icalendar::Calendar = text.parse().expect("valid iCalendar");
        let events: Vec<&icalendar::Event> = parsed.components.iter().filter_map(|c| c.as_event()).collect();
        assert_eq!(events.len(), 2);
        use icalendar::Component;
        assert_eq!(events[0].property_value("DTSTART"), Some("20260324T093000Z"), "9:30am GMT");
        assert_eq!(events[1].property_value("DTSTART"), Some("20260331T083000Z"), "9:30am BST is 8:30 UTC");
        assert!(events.iter().all(|e| e.property_value("DTSTAMP").is_some() && e.property_value("SEQUENCE") == Some("0")));
        assert!(!text.contains("meet.example"));
        let uids: Vec<_> = events.iter().map(|e| e.get_uid().unwrap().to_owned()).collect();
        let again = app.get(&format!("/cohorts/{cohort}/calendar.ics")).await.text().await.unwrap();
        assert!(uids.iter().all(|uid| again.contains(uid.as_str())), "UIDs are stable");

        let db = app.database.connect().await;
        academy::run_query!(write &db, |c| sqlx::query("update cohorts set status = 'cancelled', calendar_sequence = calendar_sequence + 1")
            .execute(c).await.map(|_| ())).unwrap();
        let cancelled = app.get_text(&format!("/cohorts/{cohort}/calendar.ics")).await.1;
        assert_eq!(cancelled.matches("STATUS:CANCELLED").count(), 2, "{cancelled}");
        assert_eq!(cancelled.matches("SEQUENCE:1").count(), 2);

        assert_eq!(app.get("/cohorts/999999/calendar.ics").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get("/cohorts/abc/calendar.ics").await.status(), StatusCode::BAD_REQUEST);
        let draft = add_cohort(&app, id, "Draft", CohortStatus::Draft, &[day(5, 5)]).await;
        assert_eq!(app.get(&format!("/cohorts/{draft}/calendar.ics")).await.status(), StatusCode::NOT_FOUND);
    }

    async fn seed_demo_adds_the_catalogue_once(backend) {
        let app = TestApp::spawn(backend).await;
        let first = academy::seed::seed_demo(&app.state).await.unwrap();
        assert_eq!(first.courses.len(), 4);
        let second = academy::seed::seed_demo(&app.state).await.unwrap();
        assert!(second.courses.is_empty());
        assert_eq!(app.count("select count(*) from courses").await, 4);
        let statuses = app.count("select count(distinct status) from cohorts").await;
        assert_eq!(statuses, 4, "open, closed, cancelled and completed cohorts");
        let titles = titles(&app, "q=systems+approach").await;
        assert_eq!(titles, vec!["A systems approach to investigating and learning from patient safety incidents"]);
    }
}
