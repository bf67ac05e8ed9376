//! Every admin list shows 25 rows a page with Previous and Next ("Page N of M"): page 2
//! starts at the 26th item, the filters stay in the links, a page past the end shows the
//! last, a page number that is not one shows the first, and the user search matches only
//! when something is typed.

use academy::db::courses::{self, CourseFields};
use academy::db::outbox::{self, NewMail};
use academy::db::posts::{self, PostFields};
use academy::db::reports::{self, ReportFields};
use academy::db::uploads::{self, NewUpload};
use academy::db::users::{self, LearnerType, NewUser, Role};
use academy::domain::catalogue::{Format, Level};
use academy::domain::content::PostKind;
use academy::domain::email::Email;
use academy::domain::learning::CompletionRule;
use chrono::{Duration, NaiveDate};

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::app::Browser;
use crate::support::enrolment::{add_cohort_starting, add_course, admin};

/// What one list's two pages should show.
struct Expected<'a> {
    /// The list's address, with its filters.
    path: &'a str,
    /// The list's next-page link (as the page reads once `&` is unescaped).
    next: &'a str,
    /// The previous-page link from page 2.
    previous: &'a str,
    first: &'a str,
    twenty_sixth: &'a str,
    /// "Page 1 of 2"; an uncounted list says "Page 1", and past its end shows no rows.
    counted: bool,
}

fn with_page(path: &str, page: &str) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}page={page}")
}

/// A page's HTML with `&` unescaped in its links.
async fn page(browser: &Browser, path: &str) -> (reqwest::StatusCode, String) {
    let (status, html) = browser.get_text(path).await;
    (status, html.replace("&#38;", "&").replace("&amp;", "&"))
}

async fn assert_two_pages(browser: &Browser, list: &Expected<'_>) {
    let path = list.path;
    let (status, one) = page(browser, path).await;
    assert_eq!(status, 200, "{path}");
    assert!(
        one.contains(list.first),
        "{path}: page 1 starts at the first"
    );
    assert!(!one.contains(list.twenty_sixth), "{path}: 25 on page 1");
    assert!(one.contains(r#"<nav aria-label="Pagination">"#), "{path}");
    let (page_one, page_two) = match list.counted {
        true => ("Page 1 of 2<", "Page 2 of 2<"),
        false => ("Page 1<", "Page 2<"),
    };
    assert!(one.contains(page_one), "{path}");
    assert!(
        one.contains(&format!(r#"href="{}" rel="next""#, list.next)),
        "{path}: next is {} in\n{one}",
        list.next
    );
    assert!(
        !one.contains(r#"rel="prev""#),
        "{path}: nothing before page 1"
    );

    let (status, two) = page(browser, &with_page(path, "2")).await;
    assert_eq!(status, 200);
    assert!(
        two.contains(list.twenty_sixth),
        "{path}: page 2 has the 26th"
    );
    assert!(!two.contains(list.first), "{path}: and not the first");
    assert!(two.contains(page_two), "{path}");
    assert!(
        two.contains(&format!(r#"href="{}" rel="prev""#, list.previous)),
        "{path}: previous is {} in\n{two}",
        list.previous
    );
    assert!(
        !two.contains(r#"rel="next""#),
        "{path}: nothing after the last"
    );

    let (_, past) = page(browser, &with_page(path, "40")).await;
    if list.counted {
        assert!(
            past.contains(page_two),
            "{path}: past the end shows the last"
        );
        assert!(past.contains(list.twenty_sixth));
    } else {
        assert!(!past.contains(list.twenty_sixth) && !past.contains(list.first));
        assert!(
            past.contains("Go to the first page"),
            "{path}: past the end, a way back"
        );
    }
    for junk in ["abc", "0", "-3", "1.5", "99999999999999999999"] {
        let (status, page) = browser.get_text(&with_page(path, junk)).await;
        assert_eq!(status, 200, "{path} page={junk}");
        assert!(
            page.contains(page_one),
            "{path}: page={junk} shows the first"
        );
    }
}

/// `n` learners named `Learner 01`, `Learner 02`… (oldest first), in one transaction.
async fn add_learners(app: &TestApp, n: usize) {
    let now = app.clock().now();
    let mut tx = app.state.db.begin().await.unwrap();
    for i in 1..=n {
        let email = Email::parse(&format!("learner{i:02}@example.org")).unwrap();
        let name = format!("Learner {i:02}");
        let user = NewUser {
            email: &email,
            password_hash: "$argon2id$not-a-real-hash",
            full_name: &name,
            role: Role::Learner,
            organisation: "",
            job_role: "",
            professional_body: None,
            registration_number: None,
            learner_type: LearnerType::External,
            learner_type_reason: "test",
            email_verified_at: Some(now),
        };
        users::insert(&mut tx, &user, now).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn add_courses(app: &TestApp, n: usize) {
    let now = app.clock().now();
    let mut tx = app.state.db.begin().await.unwrap();
    for i in 1..=n {
        let (slug, title) = (format!("course-{i:02}"), format!("Course {i:02}"));
        let fields = CourseFields {
            slug: &slug,
            title: &title,
            summary: "A course.",
            description: "",
            who_for: "",
            learning_outcomes: "",
            level: Level::Introductory,
            format: Format::OnlineLive,
            duration: "1 day",
            cpd_minutes: 60,
            accreditation: "",
            accreditation_reference: "",
            fee_pence: 10_000,
            published: i % 2 == 0,
            completion_rule: CompletionRule::Attendance,
            sessions_required: None,
            evaluation_required: false,
        };
        courses::insert(&mut tx, &fields, now).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// `drafts` draft reports and `dated` published ones (`Published report 01` the earliest).
async fn add_reports(app: &TestApp, drafts: usize, dated: usize) {
    let now = app.clock().now();
    let mut tx = app.state.db.begin().await.unwrap();
    let rows = (1..=drafts)
        .map(|i| (format!("Draft report {i:02}"), None))
        .chain((1..=dated).map(|i| {
            let at = now - Duration::days(100 - i as i64);
            (format!("Published report {i:02}"), Some(at))
        }));
    for (title, publish_at) in rows {
        let slug = academy::domain::slug::slugify(&title);
        let fields = ReportFields {
            slug: &slug,
            title: &title,
            summary: "A report.",
            body: "Body.",
            topic: "Maternity",
            publish_at,
            image_upload_id: None,
            pdf_upload_id: None,
        };
        reports::insert(&mut tx, &fields, now).await.unwrap();
    }
    tx.commit().await.unwrap();
}

pub(crate) async fn add_posts(app: &TestApp, drafts: usize, dated: usize) {
    let now = app.clock().now();
    let mut tx = app.state.db.begin().await.unwrap();
    let rows = (1..=drafts)
        .map(|i| (format!("Draft post {i:02}"), None))
        .chain((1..=dated).map(|i| {
            // The last one is scheduled: it sorts first among the dated ones.
            let at = now - Duration::days(88) + Duration::days(i as i64 * 4);
            (format!("Dated post {i:02}"), Some(at))
        }));
    for (title, publish_at) in rows {
        let slug = academy::domain::slug::slugify(&title);
        let fields = PostFields {
            kind: PostKind::News,
            slug: &slug,
            title: &title,
            summary: "A post.",
            body: "Body.",
            author: "",
            event_starts_at: None,
            event_ends_at: None,
            event_location: "",
            image_upload_id: None,
            publish_at,
        };
        posts::insert(&mut tx, &fields, now).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn add_uploads(app: &TestApp, n: usize) {
    let now = app.clock().now();
    let mut tx = app.state.db.begin().await.unwrap();
    for i in 1..=n {
        let filename = format!("file-{i:02}.png");
        let upload = NewUpload {
            kind: "image",
            content_type: "image/png",
            filename: &filename,
            bytes: &[0x89, b'P', b'N', b'G'],
            alt_text: "A picture",
        };
        uploads::insert(&mut tx, &upload, now).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn add_mails(app: &TestApp, n: usize) {
    let now = app.clock().now();
    let mut tx = app.state.db.begin().await.unwrap();
    for i in 1..=n {
        let (key, subject) = (format!("test-{i}"), format!("Subject {i:02}"));
        let mail = NewMail {
            idempotency_key: &key,
            message_id: &key,
            kind: "test",
            user_id: None,
            to_address: "someone@example.org",
            subject: &subject,
            body_text: "",
            body_html: "",
            carries_token: false,
            attachment: None,
        };
        outbox::insert(&mut tx, &mail, now).await.unwrap();
    }
    tx.commit().await.unwrap();
}

backend_tests! {
    async fn courses_reports_posts_uploads_and_emails_come_25_a_page(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        add_courses(&app, 26).await;
        // 20 drafts, then the published ones latest first: page 1 ends five into them.
        add_reports(&app, 20, 10).await;
        add_posts(&app, 3, 23).await;
        add_uploads(&app, 26).await;
        add_mails(&app, 26).await;

        assert_two_pages(&admin, &Expected {
            path: "/admin/courses",
            next: "/admin/courses?page=2",
            previous: "/admin/courses",
            first: "Course 01",
            twenty_sixth: "Course 26",
            counted: true,
        }).await;
        assert_two_pages(&admin, &Expected {
            path: "/admin/reports",
            next: "/admin/reports?page=2",
            previous: "/admin/reports",
            first: "Draft report 20",
            twenty_sixth: "Published report 05",
            counted: true,
        }).await;
        let (_, one) = admin.get_text("/admin/reports").await;
        assert!(one.contains("Draft report 01") && one.contains("Published report 06"));
        assert!(one.find("Draft report 01") < one.find("Published report 10"), "drafts first");
        assert_two_pages(&admin, &Expected {
            path: "/admin/posts",
            next: "/admin/posts?page=2",
            previous: "/admin/posts",
            first: "Draft post 03",
            twenty_sixth: "Dated post 01",
            counted: true,
        }).await;
        let (_, one) = admin.get_text("/admin/posts").await;
        assert!(one.find("Dated post 23") < one.find("Dated post 22"), "latest first");
        assert_two_pages(&admin, &Expected {
            path: "/admin/uploads",
            next: "/admin/uploads?page=2",
            previous: "/admin/uploads",
            first: "file-26.png",
            twenty_sixth: "file-01.png",
            counted: true,
        }).await;
        assert_two_pages(&admin, &Expected {
            path: "/admin/emails?status=queued",
            next: "/admin/emails?status=queued&page=2",
            previous: "/admin/emails?status=queued",
            first: "Subject 26",
            twenty_sixth: "Subject 01",
            counted: true,
        }).await;
        let (_, failed) = admin.get_text("/admin/emails?status=failed").await;
        assert!(failed.contains("No emails with status failed"));
        assert!(!failed.contains("Pagination"), "one page: no page links");
    }

    async fn cohorts_come_25_a_page_with_their_filters_kept(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        let course = add_course(&app, "Learning from incidents").await;
        let other = add_course(&app, "Human factors").await;
        let start = NaiveDate::from_ymd_opt(2026, 5, 4).unwrap();
        for i in 1..=26 {
            let name = format!("Cohort {i:02}");
            add_cohort_starting(&app, course, &name, 10, start + Duration::days(i)).await;
        }
        // Sooner than all of them, but of another course, and closed.
        let closed = add_cohort_starting(&app, other, "Other cohort", 10, start).await;
        let token = admin.csrf_token().await;
        let response = admin
            .client
            .post(admin.url(&format!("/admin/cohorts/{closed}/close")))
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);

        let path = format!("/admin/cohorts?status=open&course={course}");
        let next = format!("/admin/cohorts?status=open&course={course}&page=2");
        let previous = format!("/admin/cohorts?status=open&course={course}");
        assert_two_pages(&admin, &Expected {
            path: &path,
            next: &next,
            previous: &previous,
            first: "Cohort 01",
            twenty_sixth: "Cohort 26",
            counted: true,
        }).await;
        let (_, one) = admin.get_text(&path).await;
        assert!(one.contains("26 cohorts."), "counted with the filters");
        assert!(!one.contains("Other cohort"));
        // One filter at a time.
        let (_, by_course) = admin.get_text(&format!("/admin/cohorts?course={course}&page=2")).await;
        assert!(by_course.contains("Cohort 26") && by_course.contains("Page 2 of 2"));
        let (_, closed_only) = admin.get_text("/admin/cohorts?status=closed").await;
        assert!(closed_only.contains("Other cohort") && closed_only.contains("1 cohort."));
        assert!(!closed_only.contains("Pagination"));
        // No filter: the other course's cohort starts soonest.
        assert_two_pages(&admin, &Expected {
            path: "/admin/cohorts",
            next: "/admin/cohorts?page=2",
            previous: "/admin/cohorts",
            first: "Other cohort",
            twenty_sixth: "Cohort 25",
            counted: true,
        }).await;
        let (_, none) = admin.get_text(&format!("/admin/cohorts?status=cancelled&course={other}")).await;
        assert!(none.contains("No cohorts match."));
    }

    async fn users_come_25_a_page_and_the_search_matches_only_what_is_typed(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = admin(&app).await;
        add_learners(&app, 26).await;

        // Newest first: the admin (made first) and the first learner are on page 2.
        assert_two_pages(&admin, &Expected {
            path: "/admin/users",
            next: "/admin/users?page=2",
            previous: "/admin/users",
            first: "Learner 26",
            twenty_sixth: "Learner 01",
            counted: false,
        }).await;
        let (_, two) = admin.get_text("/admin/users?page=2").await;
        assert!(two.contains("admin@academy.example"));

        // An empty or blank search box is no search: every account, newest first, uncounted.
        for blank in ["/admin/users?q=", "/admin/users?q=+++"] {
            let (status, page) = admin.get_text(blank).await;
            assert_eq!(status, 200);
            assert!(page.contains("Learner 26") && !page.contains("accounts matching"), "{blank}");
        }
        // A search: its words stay in the links.
        assert_two_pages(&admin, &Expected {
            path: "/admin/users?q=learner",
            next: "/admin/users?q=learner&page=2",
            previous: "/admin/users?q=learner",
            first: "Learner 26",
            twenty_sixth: "Learner 01",
            counted: true,
        }).await;
        let (_, found) = admin.get_text("/admin/users?q=LEARNER+07").await;
        assert!(found.contains("1 account matching"), "any case");
        assert!(found.contains("Learner 07") && !found.contains("Learner 08"));
        assert!(!found.contains("Pagination"));
        let (_, by_address) = admin.get_text("/admin/users?q=learner12%40example").await;
        assert!(by_address.contains("Learner 12") && by_address.contains("1 account matching"));
        let (_, nothing) = admin.get_text("/admin/users?q=nobody+at+all").await;
        assert!(nothing.contains("No accounts match."));
    }
}
