//! The account pages: details, password, email change, sessions, data download, deletion.

use academy::db::users::Role;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location, subject_of};
use crate::support::app::Browser;

/// Confirms the verification link mailed to `email` in `browser`.
async fn confirm_in(app: &TestApp, browser: &Browser, email: &str) -> reqwest::Response {
    let link = app.link_mailed_to(email, "/verify-email/").await;
    let token = browser.csrf_token().await;
    browser
        .client
        .post(browser.url(&link))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap()
}

/// An admin, signed in on `app`'s own browser, decides `user_id`'s learner type.
async fn admin_decides(app: &TestApp, user_id: i64, learner_type: &str, reason: &str) {
    let path = format!("/admin/users/{user_id}/learner-type");
    let decided = app
        .post_form(&path, &[("learner_type", learner_type), ("reason", reason)])
        .await;
    assert_eq!(
        location(&decided),
        format!("/admin/users/{user_id}?notice=saved")
    );
}

async fn signed_in(app: &TestApp, email: &str) -> i64 {
    let id = app.create_user(email, Role::Learner, true).await;
    assert_eq!(location(&app.sign_in(email, PASSWORD).await), "/account");
    id
}

backend_tests! {
    async fn account_pages_need_a_signed_in_user(backend) {
        let app = TestApp::spawn(backend).await;
        for path in ["/account", "/account/profile", "/account/password", "/account/email", "/account/data", "/account/delete"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
            assert!(location(&response).starts_with("/login?next="), "{path}");
        }
    }

    async fn profile_changes_are_checked_and_saved(backend) {
        let app = TestApp::spawn(backend).await;
        signed_in(&app, "profile@example.org").await;
        let bad = app.post_form("/account/profile", &[("full_name", " "), ("organisation", "Trust"), ("job_role", "Nurse"), ("professional_body", "XYZ"), ("registration_number", "")]).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(html.contains("Enter your full name") && html.contains("Select your professional body"));
        let good = app.post_form("/account/profile", &[
            ("full_name", "Renée O'Brien"), ("organisation", "St Elsewhere NHS Trust"), ("job_role", "Matron"),
            ("professional_body", "NMC"), ("registration_number", "99Z1234A"),
        ]).await;
        assert_eq!(location(&good), "/account?notice=profile-saved");
        let (_, account) = app.get_text("/account?notice=profile-saved").await;
        assert!(account.contains("Your details have been saved."));
        assert!(account.contains("Renée O&#39;Brien") || account.contains("Renée O&#x27;Brien"), "escaped: {account}");
        assert!(account.contains("NMC, registration number 99Z1234A"));
    }

    async fn changing_the_password_keeps_this_session_and_ends_the_others(backend) {
        let app = TestApp::spawn(backend).await;
        signed_in(&app, "pw@example.org").await;
        let other = app.another_browser();
        other.sign_in("pw@example.org", PASSWORD).await;

        let wrong = app.post_form("/account/password", &[("current_password", "not it at all"), ("password", "fresh passphrase here"), ("confirm_password", "fresh passphrase here")]).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.text().await.unwrap().contains("Your current password is wrong"));
        let changed = app.post_form("/account/password", &[("current_password", PASSWORD), ("password", "fresh passphrase here"), ("confirm_password", "fresh passphrase here")]).await;
        assert_eq!(location(&changed), "/account?notice=password-changed");
        assert_eq!(app.get("/account").await.status(), StatusCode::OK, "still signed in here");
        assert_eq!(other.get("/account").await.status(), StatusCode::SEE_OTHER, "signed out elsewhere");
        assert!(app.mails_to("pw@example.org").await.iter().any(|m| subject_of(m) == "Your Academy password was changed"));
        assert_eq!(app.count("select count(*) from audit_events where action = 'password_changed'").await, 1);
    }

    async fn signing_out_of_all_devices_ends_every_session(backend) {
        let app = TestApp::spawn(backend).await;
        signed_in(&app, "everywhere@example.org").await;
        let phone = app.another_browser();
        phone.sign_in("everywhere@example.org", PASSWORD).await;
        let response = app.post_form("/account/sign-out-everywhere", &[]).await;
        assert_eq!(location(&response), "/login?notice=signed-out-everywhere");
        assert_eq!(app.get("/account").await.status(), StatusCode::SEE_OTHER);
        assert_eq!(phone.get("/account").await.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&phone.sign_in("everywhere@example.org", PASSWORD).await), "/account", "signing in again works");
    }

    async fn a_new_email_address_is_used_only_once_confirmed(backend) {
        let app = TestApp::spawn(backend).await;
        signed_in(&app, "old@example.org").await;
        let response = app.post_form("/account/email", &[("email", "New.Me@NHS.net"), ("current_password", PASSWORD)]).await;
        assert_eq!(location(&response), "/account?notice=email-change-sent");
        let (_, account) = app.get_text("/account").await;
        assert!(account.contains("old@example.org") && account.contains("Changing to new.me@nhs.net"), "{account}");
        assert!(account.contains("External learner"), "the type is not decided before confirmation");
        assert_eq!(app.sign_in("new.me@nhs.net", PASSWORD).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "not usable yet");

        let confirmed = app.verify_mailed_link("new.me@nhs.net").await;
        assert_eq!(location(&confirmed), "/account?notice=email-confirmed");
        let (_, account) = app.get_text("/account").await;
        assert!(account.contains("new.me@nhs.net") && !account.contains("Changing to"), "{account}");
        assert!(account.contains("NHS staff in England"), "the type is decided again");
        let old = app.mails_to("old@example.org").await;
        assert!(old.iter().any(|m| subject_of(m) == "The email address on your Academy account was changed"));
    }

    async fn email_changes_refuse_bad_input_and_addresses_taken_meanwhile(backend) {
        let app = TestApp::spawn(backend).await;
        signed_in(&app, "mine@example.org").await;
        let response = app.post_form("/account/email", &[("email", "mine@example.org"), ("current_password", "wrong one here")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("That is already your email address") && html.contains("Your current password is wrong"));

        app.post_form("/account/email", &[("email", "wanted@example.org"), ("current_password", PASSWORD)]).await;
        app.create_user("wanted@example.org", Role::Learner, true).await;
        let confirmed = app.verify_mailed_link("wanted@example.org").await;
        assert_eq!(confirmed.status(), StatusCode::NOT_FOUND);
        assert!(confirmed.text().await.unwrap().contains("already used by another account"));
        let (_, account) = app.get_text("/account").await;
        assert!(account.contains("mine@example.org"), "unchanged");
    }

    async fn the_data_download_holds_everything_about_me_and_no_secrets(backend) {
        let app = TestApp::spawn(backend).await;
        signed_in(&app, "export@example.org").await;
        app.post_form("/verify-email/resend", &[]).await;
        app.mails_to("export@example.org").await;
        let response = app.get("/account/data").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        let data: serde_json::Value = response.json().await.unwrap();
        assert_eq!(data["account"]["email"], "export@example.org");
        assert_eq!(data["account"]["organisation"], "Test Org");
        assert!(data["account_history"].as_array().unwrap().iter().any(|e| e["action"] == "signed_in"));
        let text = data.to_string();
        assert!(!text.contains("argon2") && !text.contains("password_hash") && !text.contains("session_epoch"), "{text}");
    }

    async fn deleting_an_account_leaves_exactly_what_the_page_lists(backend) {
        let app = TestApp::spawn(backend).await;
        let id = signed_in(&app, "leaving@example.org").await;
        // Rows that name the address: throttle counters from a wrong password and a reset.
        app.post_form("/account/email", &[("email", "next@example.org"), ("current_password", "a wrong password")]).await;
        app.another_browser().post_form("/forgot-password", &[("email", "leaving@example.org")]).await;
        app.post_form("/account/email", &[("email", "next@example.org"), ("current_password", PASSWORD)]).await;
        app.run_background_jobs().await;
        assert!(app.count("select count(*) from throttles where throttle_key like '%leaving@example.org%'").await >= 2);
        // And a reset request still waiting for the worker.
        app.another_browser().post_form("/forgot-password", &[("email", "leaving@example.org")]).await;
        assert_eq!(app.count("select count(*) from link_requests where email = 'leaving@example.org'").await, 1);
        let other = app.create_user("stays@example.org", Role::Learner, true).await;

        let (_, page) = app.get_text("/account/delete").await;
        for kept in ["Payment and invoice records", "Certificates we have issued", "A record of changes to your account"] {
            assert!(page.contains(kept), "{kept}");
        }
        let wrong = app.post_form("/account/delete", &[("current_password", "not my password")]).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let deleted = app.post_form("/account/delete", &[("current_password", PASSWORD)]).await;
        assert_eq!(location(&deleted), "/account/deleted");
        assert_eq!(app.get("/account").await.status(), StatusCode::SEE_OTHER, "signed out");

        // Every table of the schema, read for anything left of the account.
        let id = id.to_string();
        assert_eq!(app.count(&format!("select count(*) from users where user_id = {id}")).await, 0);
        assert_eq!(app.count("select count(*) from users").await, 1, "other accounts untouched");
        assert_eq!(app.count(&format!("select count(*) from users where user_id = {other}")).await, 1);
        assert_eq!(app.count(&format!("select count(*) from account_tokens where user_id = {id}")).await, 0);
        assert_eq!(app.count("select count(*) from account_tokens where email like '%leaving%' or email like 'next@%'").await, 0);
        assert_eq!(app.count(&format!("select count(*) from email_outbox where user_id = {id}")).await, 0);
        assert_eq!(app.count("select count(*) from email_outbox where to_address in ('leaving@example.org', 'next@example.org')").await, 0);
        assert_eq!(app.count("select count(*) from throttles where throttle_key like '%leaving@example.org%'").await, 0);
        assert_eq!(app.count("select count(*) from link_requests").await, 0);
        let kept = app.count(&format!("select count(*) from audit_events where subject_user_id = {id} or actor_user_id = {id}")).await;
        assert!(kept >= 3, "the history is kept, reduced to the id");
        assert_eq!(app.count(&format!("select count(*) from audit_events where (subject_user_id = {id} or actor_user_id = {id}) and client_address is not null")).await, 0);
        assert_eq!(app.count("select count(*) from audit_events where detail like '%leaving%'").await, 0);
        assert_eq!(app.count(&format!("select count(*) from audit_events where action = 'account_deleted' and subject_user_id = {id}")).await, 1);
    }

    async fn an_admin_decision_on_the_learner_type_stands_when_the_address_changes(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("admin@example.org", Role::Admin, true).await;
        app.sign_in("admin@example.org", PASSWORD).await;
        let id = app.create_user("agency.nurse@nhs.net", Role::Learner, true).await;
        admin_decides(&app, id, "external", "Employed by a private agency, not the NHS").await;

        let learner = app.another_browser();
        assert_eq!(location(&learner.sign_in("agency.nurse@nhs.net", PASSWORD).await), "/account");
        let asked = learner.post_form("/account/email", &[("email", "a.nurse@leedsth.nhs.uk"), ("current_password", PASSWORD)]).await;
        assert_eq!(location(&asked), "/account?notice=email-change-sent");
        let confirmed = confirm_in(&app, &learner, "a.nurse@leedsth.nhs.uk").await;
        assert_eq!(location(&confirmed), "/account?notice=email-confirmed");

        let (_, account) = learner.get_text("/account").await;
        assert!(account.contains("a.nurse@leedsth.nhs.uk"), "the new address is in use: {account}");
        assert!(account.contains("External learner (fee-paying places)"), "the admin's decision stands: {account}");
        assert!(account.contains("Set by an admin: Employed by a private agency, not the NHS"), "{account}");
        assert!(!account.contains("NHS staff in England (free places)"), "{account}");
        let kept = format!("select count(*) from users where user_id = {id} and email = 'a.nurse@leedsth.nhs.uk' \
                            and learner_type = 'external' and learner_type_reason like 'Set by an admin: %'");
        assert_eq!(app.count(&kept).await, 1);
        assert_eq!(app.count(&format!("select count(*) from audit_events where action = 'email_changed' and subject_user_id = {id} and detail = 'external'")).await, 1);
    }

    async fn an_admin_decision_on_the_learner_type_stands_when_a_reset_proves_the_address(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("admin@example.org", Role::Admin, true).await;
        app.sign_in("admin@example.org", PASSWORD).await;
        let id = app.create_user("bank.nurse@agency.example", Role::Learner, false).await;
        admin_decides(&app, id, "nhs", "Saw an NHS England bank contract").await;

        let owner = app.another_browser();
        owner.post_form("/forgot-password", &[("email", "bank.nurse@agency.example")]).await;
        let link = app.link_mailed_to("bank.nurse@agency.example", "/reset-password/").await;
        let token = owner.csrf_token_from(&link).await;
        let reset = owner.client.post(owner.url(&link))
            .form(&[("csrf_token", token.as_str()), ("password", "a brand new passphrase"), ("confirm_password", "a brand new passphrase")])
            .send().await.unwrap();
        assert_eq!(location(&reset), "/account?notice=password-reset");
        let (_, account) = owner.get_text("/account").await;
        assert!(account.contains("Confirmed"), "the reset proved the mailbox: {account}");
        assert!(account.contains("NHS staff in England (free places)") && account.contains("Set by an admin: Saw an NHS England bank contract"), "{account}");
    }

    async fn a_domain_decided_learner_type_follows_a_new_address(backend) {
        let app = TestApp::spawn(backend).await;
        let id = signed_in(&app, "moving.on@nhs.net").await;
        let (_, before) = app.get_text("/account").await;
        assert!(before.contains("NHS staff in England (free places)") && before.contains("Email address on an NHS domain (nhs.net)"), "{before}");

        let asked = app.post_form("/account/email", &[("email", "moving.on@consultancy.example"), ("current_password", PASSWORD)]).await;
        assert_eq!(location(&asked), "/account?notice=email-change-sent");
        let confirmed = app.verify_mailed_link("moving.on@consultancy.example").await;
        assert_eq!(location(&confirmed), "/account?notice=email-confirmed");

        let (_, account) = app.get_text("/account").await;
        assert!(account.contains("moving.on@consultancy.example"), "{account}");
        assert!(account.contains("External learner (fee-paying places)") && account.contains("Email address not on an NHS domain"), "the type follows the address: {account}");
        assert!(!account.contains("NHS staff in England (free places)"), "{account}");
        assert_eq!(app.count(&format!("select count(*) from users where user_id = {id} and learner_type = 'external'")).await, 1);
    }
}
