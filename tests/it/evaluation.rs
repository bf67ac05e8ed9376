//! Course evaluations on both databases: each learner asked once (email and dashboard)
//! after the last session, one evaluation per enrolment that cannot be changed, results
//! without names, and the CSV download (streamed, an attachment, safe from formulas).

use reqwest::StatusCode;

use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::location;
use crate::support::learning::{cohort_with, write};

backend_tests! {
    async fn each_learner_is_asked_once_after_the_last_session(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 2, &["Ada", "Bea", "Cal"]).await;
        let (ada, cal) = (&cohort.learners[0], &cohort.learners[2]);
        let requests = || app.count("select count(*) from email_outbox where kind = 'evaluation_request'");

        cohort.during_session(&app, 1).await;
        app.run_background_jobs().await;
        assert_eq!(requests().await, 0, "not before the last session ends");
        let evaluation = format!("/enrolments/{}/evaluation", ada.enrolment);
        let (status, page) = ada.browser.get_text(&evaluation).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("The evaluation opens after the last live session, at 18 May 2026 at 12:30pm") && !page.contains("<form method=\"post\" action=\"/enrolments"), "{page}");
        let (_, place) = ada.browser.get_text(&format!("/enrolments/{}", ada.enrolment)).await;
        assert!(place.contains("After the last live session (18 May 2026 at 12:30pm, UK time) we will ask you"));

        cohort.after_the_cohort(&app).await;
        app.run_background_jobs().await;
        assert_eq!(requests().await, 2, "Ada and Bea, not Cal on the waiting list");
        assert_eq!(app.count(&format!("select count(*) from email_outbox where kind = 'evaluation_request' and to_address = '{}'", cal.email)).await, 0);
        app.run_background_jobs().await;
        assert_eq!(requests().await, 2, "asked once");
        let link = app.link_mailed_to(&ada.email, "/enrolments/").await;
        assert_eq!(link, evaluation, "the mail links to the evaluation");

        let (_, dashboard) = ada.browser.get_text("/dashboard").await;
        assert_accessible("/dashboard", &dashboard);
        assert!(dashboard.contains(&format!("<a href=\"{evaluation}\">Give your feedback: the course evaluation</a>")), "{dashboard}");
        let (_, place) = ada.browser.get_text(&format!("/enrolments/{}", ada.enrolment)).await;
        assert!(place.contains("Give your feedback</a>"));
        let (_, waiting) = cal.browser.get_text("/dashboard").await;
        assert!(!waiting.contains("Give your feedback"), "not for a place on the waiting list");

        // A cohort over more than 30 days ago is not asked when the job first runs.
        let db = app.database.connect().await;
        academy::run_query!(write &db, |c| sqlx::query("delete from evaluation_requests").execute(c).await.map(|_| ())).unwrap();
        cohort.move_to(&app, crate::support::learning::session_times(1).1 + chrono::Duration::days(31)).await;
        app.run_background_jobs().await;
        assert_eq!(requests().await, 2, "no new requests for an old cohort");
    }

    async fn an_evaluation_is_sent_once_and_its_results_show_no_names(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 3, &["Ada", "Bea", "Cal", "Dev"]).await;
        let (ada, bea, dev) = (&cohort.learners[0], &cohort.learners[1], &cohort.learners[3]);
        let admin = &cohort.admin;
        cohort.after_the_cohort(&app).await;
        let path = format!("/enrolments/{}/evaluation", ada.enrolment);

        let (status, page) = ada.browser.get_text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert_accessible(&path, &page);
        assert!(page.contains("Describe a systems approach") && page.contains("Plan an investigation"), "one question per outcome");
        let form = ada.browser.form_on(&path, &path).await;

        // Nothing chosen: each problem beside its field, nothing saved.
        let empty = ada.browser.submit(&form).await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = empty.text().await.unwrap();
        assert_accessible(&path, &html);
        assert_error_summary(&path, &html);
        for message in ["Choose an overall rating from 1 to 5", "Choose how far the course met outcome 1: Describe a systems approach", "Choose how far the course met outcome 2", "Say how you will use what you learnt in your practice"] {
            assert!(html.contains(message), "{message}");
        }
        for (what, sent) in [
            ("a rating of 6", form.clone().set("overall", "6")),
            ("without the practice box", form.without("practice").set("overall", "4").set("outcome_1", "4").set("outcome_2", "4")),
            ("without the outcome count", form.without("outcome_rows").set("overall", "4")),
        ] {
            assert_eq!(ada.browser.submit(&sent).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        }
        assert_eq!(app.count("select count(*) from evaluations").await, 0);

        let filled = form.clone().set("overall", "4").set("outcome_1", "5").set("outcome_2", "3")
            .set("practice", "Map the system before the interview").set("comments", "=HYPERLINK(\"http://evil.example\")");
        let sent = ada.browser.submit(&filled).await;
        assert_eq!(location(&sent), format!("{path}?notice=evaluation-sent"));
        assert_eq!(app.count("select count(*) from evaluations").await, 1);
        assert_eq!(app.count("select count(*) from evaluation_outcomes").await, 2);
        assert_eq!(app.count("select count(*) from audit_events where action = 'evaluation_sent'").await, 1);
        // Final once sent: a second post changes nothing, and the page shows the answers.
        let again = ada.browser.submit(&filled.clone().set("overall", "1")).await;
        assert_eq!(location(&again), path);
        assert_eq!(app.count("select count(*) from evaluations where overall_rating = 4").await, 1);
        let (_, shown) = ada.browser.get_text(&path).await;
        assert_accessible(&path, &shown);
        assert!(shown.contains("You sent your evaluation on") && shown.contains("4: very good") && shown.contains("5: fully") && !shown.contains("<textarea"), "{shown}");
        let (_, dashboard) = ada.browser.get_text("/dashboard").await;
        assert!(!dashboard.contains("Give your feedback"), "nothing more to do");

        // Bea's: and the course's outcomes change while Cal's form is open.
        let bea_path = format!("/enrolments/{}/evaluation", bea.enrolment);
        let bea_form = bea.browser.form_on(&bea_path, &bea_path).await.set("overall", "2").set("outcome_1", "3").set("outcome_2", "1").set("practice", "Share it with my team");
        let cal = &cohort.learners[2];
        let cal_path = format!("/enrolments/{}/evaluation", cal.enrolment);
        let cal_form = cal.browser.form_on(&cal_path, &cal_path).await.set("overall", "5").set("outcome_1", "5").set("outcome_2", "5").set("practice", "x");
        assert_eq!(bea.browser.submit(&bea_form).await.status(), StatusCode::SEE_OTHER);
        write(&app, &format!("update courses set learning_outcomes = 'Only one outcome now' where course_id = {}", cohort.course)).await;
        let stale = cal.browser.submit(&cal_form).await;
        assert_eq!(stale.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(stale.text().await.unwrap().contains("learning outcomes changed while this form was open"));
        assert_eq!(app.count("select count(*) from evaluations").await, 2);

        // Not for a place on the waiting list, nor someone else's.
        let dev_path = format!("/enrolments/{}/evaluation", dev.enrolment);
        let (status, page) = dev.browser.get_text(&dev_path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("for learners who took part in the cohort"));
        let refused = dev.browser.post_form(&dev_path, &[("outcome_rows", "1"), ("overall", "5"), ("outcome_1", "5"), ("practice", "x"), ("comments", "")]).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert_eq!(dev.browser.get(&path).await.status(), StatusCode::NOT_FOUND, "another learner's evaluation");
        assert_eq!(admin.get(&path).await.status(), StatusCode::NOT_FOUND);

        // Results: counts, averages, answers, no names.
        let results = format!("/admin/cohorts/{}/evaluations", cohort.cohort);
        let (status, page) = admin.get_text(&results).await;
        assert_eq!(status, StatusCode::OK);
        assert_accessible(&results, &page);
        assert!(page.contains("2 of the 3 learners on the register have sent"), "{page}");
        assert!(page.contains("Average: <strong>3.0</strong>"), "(4 + 2) / 2");
        assert!(page.contains("<td>Describe a systems approach</td><td>2</td><td>4.0</td>") && page.contains("<td>Plan an investigation</td><td>2</td><td>2.0</td>"), "{page}");
        assert!(page.contains("Map the system before the interview") && page.contains("Share it with my team"));
        assert!(page.contains("<li>=HYPERLINK(&#34;http://evil.example&#34;)</li>"), "shown as text: {page}");
        for name in ["Ada", "Bea", "ada@nhs.net", "bea@nhs.net"] {
            assert!(!page.contains(name), "{name} is not named");
        }

        // The download: an attachment, a BOM, outcome columns, formulas neutralised.
        let csv = admin.get(&format!("{results}.csv")).await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        assert_eq!(csv.headers()["content-disposition"], format!("attachment; filename=\"evaluations-cohort-{}.csv\"", cohort.cohort));
        assert!(csv.headers()["cache-control"].to_str().unwrap().contains("no-store"));
        let body = csv.text().await.unwrap();
        let lines: Vec<&str> = body.lines().collect();
        assert!(lines[0].starts_with("\u{feff}Evaluation,Sent on,Overall rating (1 to 5),Outcome met (1 to 5): Describe a systems approach,Outcome met (1 to 5): Plan an investigation,How I will use it in practice,Comments"), "{body}");
        assert_eq!(lines.len(), 3, "a header and one line per evaluation: {body}");
        assert_eq!(lines[1], "1,18 May 2026,4,5,3,Map the system before the interview,\"'=HYPERLINK(\"\"http://evil.example\"\")\"");
        assert_eq!(lines[2], "2,18 May 2026,2,3,1,Share it with my team,");
        for name in ["Ada", "Bea", "nhs.net"] {
            assert!(!body.contains(name), "{name} is not in the download");
        }
        assert_eq!(ada.browser.get(&format!("{results}.csv")).await.status(), StatusCode::FORBIDDEN, "admins only");
        assert_eq!(admin.get("/admin/cohorts/999999/evaluations.csv").await.status(), StatusCode::NOT_FOUND);
    }
}

backend_tests! {
    async fn a_large_download_streams_every_evaluation(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 5, &["Ada"]).await;
        // 3,000 evaluations stored directly (one enrolment each), each with two outcomes.
        let db = app.database.connect().await;
        let now = app.clock().now();
        let user = app.count("select user_id from users where email = 'ada@nhs.net'").await;
        for n in 0..3_000_i64 {
            let mut tx = db.begin().await.unwrap();
            let enrolment: i64 = academy::run_query!(tx &mut tx, |c| sqlx::query_scalar(
                "insert into enrolments (user_id, cohort_id, status, created_at, updated_at) values ($1, $2, 'cancelled', $3, $3) returning enrolment_id")
                .bind(user).bind(cohort.cohort).bind(now).fetch_one(c).await).unwrap();
            let evaluation = academy::db::evaluations::NewEvaluation {
                enrolment_id: enrolment,
                overall_rating: 1 + n % 5,
                practice: "In practice",
                comments: "",
                outcomes: &[("Describe a systems approach".to_owned(), 4), ("Plan an investigation".to_owned(), 2)],
            };
            academy::db::evaluations::insert(&mut tx, &evaluation, now).await.unwrap();
            tx.commit().await.unwrap();
        }
        let body = cohort.admin.get_text(&format!("/admin/cohorts/{}/evaluations.csv", cohort.cohort)).await.1;
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(lines.len(), 3_001);
        assert!(lines[3_000].starts_with("3000,") && lines[3_000].ends_with(",4,2,In practice,"), "{}", lines[3_000]);
        // As a browser asks for it, compressed: the whole file, the same bytes.
        let path = format!("/admin/cohorts/{}/evaluations.csv", cohort.cohort);
        let gzipped = cohort.admin.client.get(cohort.admin.url(&path)).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(gzipped.status(), StatusCode::OK);
        assert_eq!(gzipped.headers()["content-encoding"], "gzip");
        let compressed = gzipped.bytes().await.expect("the compressed body ends cleanly");
        let mut unzipped = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&compressed[..]), &mut unzipped).unwrap();
        assert_eq!(unzipped, body);
        app.assert_seats_add_up().await;
    }
}

backend_tests! {
    async fn the_data_download_holds_my_attendance_and_my_evaluation(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = cohort_with(&app, 3, &["Ada", "Bea"]).await;
        let ada = &cohort.learners[0];
        cohort.during_session(&app, 0).await;
        cohort.take_register(0, &[(0, "present", ""), (1, "absent", "")]).await;
        cohort.during_session(&app, 1).await;
        cohort.take_register(1, &[(0, "excused", "On a night shift")]).await;
        cohort.after_the_cohort(&app).await;
        let path = format!("/enrolments/{}/evaluation", ada.enrolment);
        let form = ada.browser.form_on(&path, &path).await.set("overall", "4").set("outcome_1", "5").set("outcome_2", "3")
            .set("practice", "Map the system first").set("comments", "Useful");
        assert_eq!(ada.browser.submit(&form).await.status(), reqwest::StatusCode::SEE_OTHER);

        let data: serde_json::Value = ada.browser.get("/account/data").await.json().await.unwrap();
        let place = &data["enrolments"][0];
        let marks: Vec<(String, String)> = place["attendance"].as_array().unwrap().iter()
            .map(|m| (m["mark"].as_str().unwrap().to_owned(), m["note"].as_str().unwrap().to_owned())).collect();
        assert_eq!(marks, [("present".to_owned(), String::new()), ("excused".to_owned(), "On a night shift".to_owned())]);
        let evaluation = &place["evaluation"];
        assert_eq!(evaluation["overall_rating"], 4);
        assert_eq!(evaluation["outcomes"], serde_json::json!([["Describe a systems approach", 5], ["Plan an investigation", 3]]));
        assert_eq!(evaluation["practice"], "Map the system first");
        let text = data.to_string();
        assert!(!text.contains("bea@nhs.net"), "only my own data: {text}");
    }
}
