//! Evidence files: uploaded with the CSRF token as the form's first part, typed by their
//! bytes, served only to their learner (privately, never cached), removed with history.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use super::{activity, add};
use crate::accessibility::{assert_accessible, assert_error_summary};
use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::location;
use crate::support::app::Browser;
use crate::support::enrolment::{admin, learner};

const PDF: &[u8] = b"%PDF-1.7 certificate of attendance";

pub(crate) async fn upload(
    browser: &Browser,
    entry: i64,
    token: Option<String>,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let mut form = Form::new();
    if let Some(token) = token {
        form = form.text("csrf_token", token);
    }
    let form = form.part(
        "evidence",
        Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
    );
    browser
        .client
        .post(browser.url(&format!("/cpd/{entry}/evidence")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

backend_tests! {
    async fn evidence_is_uploaded_token_first_served_only_to_its_learner_and_removed_with_history(backend) {
        let app = TestApp::spawn(backend).await;
        let nurse = learner(&app, "nurse@example.org").await;
        let other = learner(&app, "other@example.org").await;
        let boss = admin(&app).await;
        let id = add(&nurse, &activity("Sepsis study day")).await;
        let page = format!("/cpd/{id}/evidence");
        let (status, html) = nurse.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert_accessible(&page, &html);
        let form = &html[html.find("enctype=\"multipart/form-data\"").unwrap()..];
        assert!(form.find("name=\"csrf_token\"").unwrap() < form.find("name=\"evidence\"").unwrap(), "the token comes first");

        // Refused: no token, a file that is not one we take, an empty one.
        assert_eq!(upload(&nurse, id, None, "a.pdf", PDF).await.status(), StatusCode::FORBIDDEN);
        let token = nurse.csrf_token().await;
        let strange = upload(&nurse, id, Some(token.clone()), "run.exe", b"MZ\x90\x00binary").await;
        assert_eq!(strange.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = strange.text().await.unwrap();
        assert!(html.contains("The file must be a PDF"));
        assert_error_summary(&page, &html);
        assert_accessible(&page, &html);
        let empty = upload(&nurse, id, Some(token.clone()), "empty.pdf", b"").await;
        assert!(empty.text().await.unwrap().contains("Choose a file"));
        assert_eq!(app.count("select count(*) from cpd_evidence").await, 0, "nothing stored");

        let saved = upload(&nurse, id, Some(token.clone()), "../attendance \"note\".pdf", PDF).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&saved), format!("/cpd/{id}?notice=saved"));
        let file = app.count("select max(evidence_id) from cpd_evidence").await;
        let (_, entry) = nurse.get_text(&format!("/cpd/{id}")).await;
        assert!(entry.contains("attendance note.pdf"), "its safe name is shown");
        let download = format!("/cpd/{id}/evidence/{file}");
        let response = nurse.get(&download).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert_eq!(response.headers()["cache-control"], "private, no-store");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);
        assert_eq!(app.count("select count(*) from uploads").await, 0, "never among the public uploads");

        // Nobody else: not another learner, not an admin.
        for browser in [&other, &boss] {
            assert_eq!(browser.get(&download).await.status(), StatusCode::NOT_FOUND);
            assert_eq!(browser.get(&page).await.status(), StatusCode::NOT_FOUND);
            let token = browser.csrf_token().await;
            assert_eq!(upload(browser, id, Some(token), "b.pdf", PDF).await.status(), StatusCode::NOT_FOUND);
            assert_eq!(browser.post_form(&format!("{download}/remove"), &[]).await.status(), StatusCode::NOT_FOUND);
        }
        assert_eq!(nurse.get(&format!("/cpd/{id}/evidence/{}", file + 1)).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("select count(*) from cpd_evidence").await, 1);

        let removed = nurse.post_form(&format!("{download}/remove"), &[]).await;
        assert_eq!(removed.status(), StatusCode::SEE_OTHER);
        assert_eq!(nurse.get(&download).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("select count(*) from cpd_evidence").await, 0);
        for action in ["evidence_added", "evidence_removed"] {
            assert_eq!(app.count(&format!("select count(*) from cpd_entry_history where entry_id = {id} and action = '{action}'")).await, 1, "{action}");
        }
        let (_, history) = nurse.get_text(&format!("/cpd/{id}/history")).await;
        assert!(history.contains("Evidence added") && history.contains("Evidence removed"));
    }
}
