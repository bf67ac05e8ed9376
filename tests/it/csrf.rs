//! CSRF on both databases: no route takes the token from the address (every
//! state-changing route, read off the source, refuses a valid token in the query string
//! with any body), and an upload checks the token in its body's first part.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::location;
use crate::support::app::Browser;
use crate::support::routes::{self, Site};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000 a tiny picture";

/// Checked by the card provider's signature, not by a viewer's token (`payments.rs`).
const OUTSIDE_CSRF: &[&str] = &["/payments/webhook"];

/// What the sweep's requests might have changed, as text to compare.
async fn fingerprint(app: &TestApp) -> String {
    let mut counts = Vec::new();
    for sql in [
        "select count(*) from audit_events",
        "select count(*) from email_outbox",
        "select count(*) from uploads",
        "select count(*) from enrolment_events",
        "select count(*) from courses where published",
        "select count(*) from cohorts where status = 'open'",
        "select count(*) from users where disabled_at is not null or role = 'admin'",
        "select count(*) from reports",
        "select count(*) from posts",
        "select count(*) from interests",
        "select count(*) from cohort_materials",
        "select count(*) from cohort_materials where title = 'Week 1 reading' and position = 1",
    ] {
        counts.push(format!("{sql}: {}", app.count(sql).await));
    }
    counts.join("\n")
}

fn file_form() -> Form {
    Form::new()
        .part("file", Part::bytes(PNG.to_vec()).file_name("ward.png"))
        .text("alt_text", "A ward at night")
        .text("action", "save")
}

async fn send_upload(browser: &Browser, form: Form) -> reqwest::Response {
    browser
        .client
        .post(browser.url("/admin/uploads"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

backend_tests! {
    async fn no_route_takes_the_csrf_token_from_the_address(backend) {
        let app = TestApp::spawn(backend).await;
        let site = Site::build(&app).await;
        let admin = &site.admin;
        let token = admin.csrf_token().await;
        let before = fingerprint(&app).await;

        let all = routes::all();
        for path in OUTSIDE_CSRF {
            assert!(all.iter().any(|r| r.path == *path), "{path} is still a route");
        }
        let changing: Vec<(Method, &str, &str)> = all
            .iter()
            .filter(|r| !OUTSIDE_CSRF.contains(&r.path.as_str()))
            .flat_map(|r| r.methods.iter().filter(|m| !matches!(m.as_str(), "get" | "head" | "options")).map(move |m| (m.to_uppercase().parse::<Method>().unwrap(), r.path.as_str(), r.at.as_str())))
            .collect();
        assert!(changing.len() > 40, "{changing:?}");
        assert!(changing.iter().any(|(m, p, _)| m == Method::POST && *p == "/admin/uploads"), "the upload route is swept too");

        for (method, path, at) in &changing {
            let url = admin.url(&format!("{}?csrf_token={token}", site.fill(path)));
            let bodies: [(&str, reqwest::RequestBuilder); 4] = [
                ("multipart", admin.client.request(method.clone(), &url).multipart(file_form())),
                ("form", admin.client.request(method.clone(), &url).form(&[("action", "save"), ("alt_text", "x")])),
                ("json", admin.client.request(method.clone(), &url).json(&serde_json::json!({"action": "save"}))),
                ("empty", admin.client.request(method.clone(), &url)),
            ];
            for (kind, request) in bodies {
                let response = request.send().await.unwrap();
                assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {path} ({at}) with a {kind} body and the token in its address");
            }
        }

        assert_eq!(fingerprint(&app).await, before, "nothing changed");
        assert_eq!(admin.get("/account").await.status(), StatusCode::OK, "neither signed out nor signed out everywhere");
        assert_eq!(app.count(&format!("select count(*) from courses where course_id = {} and published", site.course)).await, 1, "not unpublished");
        assert_eq!(app.count(&format!("select count(*) from users where user_id = {} and disabled_at is null", site.learner_id)).await, 1, "not disabled");
        // The same forms with the token in their body still work.
        let unpublished = admin.post_form(&format!("/admin/courses/{}/unpublish", site.course), &[]).await;
        assert_eq!(unpublished.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("select count(*) from courses where published").await, 0);
    }

    async fn an_upload_checks_the_token_in_its_first_part_before_any_file(backend) {
        let app = TestApp::spawn(backend).await;
        let site = Site::build(&app).await;
        let admin = &site.admin;
        let token = admin.csrf_token().await;
        let uploads = || app.count("select count(*) from uploads");
        let stored = uploads().await;

        let page = admin.get_text("/admin/uploads").await.1;
        let form = &page[page.find("enctype=\"multipart/form-data\"").unwrap()..];
        assert!(!page.contains("?csrf_token="), "the form's address carries no token");
        assert!(form.find("name=\"csrf_token\"").unwrap() < form.find("name=\"file\"").unwrap(), "the token is the form's first field");

        let refusals: [(&str, Form); 6] = [
            ("no token", file_form()),
            ("a wrong token", Form::new().text("csrf_token", "0".repeat(64)).part("file", Part::bytes(PNG.to_vec()).file_name("x.png"))),
            ("the token after the file", file_form().text("csrf_token", token.clone())),
            ("the token after another field", Form::new().text("alt_text", "x").text("csrf_token", token.clone()).part("file", Part::bytes(PNG.to_vec()).file_name("x.png"))),
            ("the token as a file", Form::new().part("csrf_token", Part::text(token.clone()).file_name("token.txt")).part("file", Part::bytes(PNG.to_vec()).file_name("x.png"))),
            ("another visitor's token", Form::new().text("csrf_token", app.csrf_token_from("/login").await).part("file", Part::bytes(PNG.to_vec()).file_name("x.png"))),
        ];
        for (case, form) in refusals {
            let response = send_upload(admin, form).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{case}");
            assert!(response.text().await.unwrap().contains("refresh"), "{case}: the CSRF page");
        }
        let as_form = admin.client.post(admin.url("/admin/uploads")).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(as_form.status(), StatusCode::FORBIDDEN, "not a multipart body");
        assert_eq!(uploads().await, stored, "nothing stored");

        let with_token = Form::new().text("csrf_token", token.clone()).part("file", Part::bytes(PNG.to_vec()).file_name("ward.png")).text("alt_text", "A ward at night");
        let saved = send_upload(admin, with_token).await;
        assert_eq!(location(&saved), "/admin/uploads?notice=saved");
        assert_eq!(uploads().await, stored + 1);

        // A learner's own valid token does not make them an admin.
        let learner_token = site.learner.csrf_token().await;
        let learner = send_upload(&site.learner, Form::new().text("csrf_token", learner_token).part("file", Part::bytes(PNG.to_vec()).file_name("x.png")).text("alt_text", "x")).await;
        assert_eq!(learner.status(), StatusCode::FORBIDDEN);
        assert_eq!(uploads().await, stored + 1);
    }
}
