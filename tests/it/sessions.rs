//! What a signed-in request sees of changes made elsewhere. The session row and the user's
//! row are each kept in a process's memory for at most a second (`auth::recent_sessions`,
//! `auth::recent_users`), and the user's row only while the process has written nothing
//! since: so a sign-out, sign out everywhere, disabling or a role change applies at once in
//! the process that made it (and in every app of one test process, which share that count
//! of writes), and within a second in another process.

use academy::auth::recent_sessions::FRESH_FOR;
use academy::auth::recent_users;
use academy::db::users::Role;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location};
use crate::support::database::other_process_writes;

/// The `academy_session=…` pair a sign-in set.
fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("academy_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

backend_tests! {
    async fn signing_out_everywhere_ends_a_session_this_process_has_just_read(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("both@example.org", Role::Learner, true).await;
        app.sign_in("both@example.org", PASSWORD).await;
        let phone = app.another_browser();
        phone.sign_in("both@example.org", PASSWORD).await;
        assert_eq!(phone.get("/account").await.status(), StatusCode::OK, "the phone's session is read, and kept");

        let done = app.post_form("/account/sign-out-everywhere", &[]).await;
        assert_eq!(location(&done), "/login?notice=signed-out-everywhere");
        assert_eq!(phone.get("/account").await.status(), StatusCode::SEE_OTHER, "at once, the clock unmoved");
    }

    async fn another_app_sees_sign_out_everywhere_disabling_and_role_changes_at_once(backend) {
        let app = TestApp::spawn(backend).await;
        let other = app.another_instance().await;
        app.create_user("admin@example.org", Role::Admin, true).await;
        app.sign_in("admin@example.org", PASSWORD).await;
        let learner = app.create_user("nurse@example.org", Role::Learner, true).await;

        // Sign out everywhere on one, while the other has just read the phone's session.
        let laptop = app.another_browser();
        laptop.sign_in("nurse@example.org", PASSWORD).await;
        let phone = other.browser();
        phone.sign_in("nurse@example.org", PASSWORD).await;
        assert_eq!(phone.get("/account").await.status(), StatusCode::OK);
        assert_eq!(laptop.on(other.address).get("/account").await.status(), StatusCode::OK, "one session store for both");
        laptop.post_form("/account/sign-out-everywhere", &[]).await;
        assert_eq!(phone.get("/account").await.status(), StatusCode::SEE_OTHER, "ended in the other process too");

        // Disabled by an admin on one.
        phone.sign_in("nurse@example.org", PASSWORD).await;
        assert_eq!(phone.get("/account").await.status(), StatusCode::OK);
        let disabled = app.post_form(&format!("/admin/users/{learner}/disable"), &[]).await;
        assert_eq!(location(&disabled), format!("/admin/users/{learner}?notice=saved"));
        assert_eq!(phone.get("/account").await.status(), StatusCode::SEE_OTHER, "a disabled account is out at once");
        app.post_form(&format!("/admin/users/{learner}/enable"), &[]).await;

        // Promoted, then demoted, on one; the admin pages on the other follow each at once.
        phone.sign_in("nurse@example.org", PASSWORD).await;
        assert_eq!(phone.get("/admin").await.status(), StatusCode::FORBIDDEN);
        app.post_form(&format!("/admin/users/{learner}/role"), &[("role", "admin")]).await;
        assert_eq!(phone.get("/admin").await.status(), StatusCode::OK, "the new admin is in");
        app.post_form(&format!("/admin/users/{learner}/role"), &[("role", "learner")]).await;
        assert_eq!(phone.get("/admin").await.status(), StatusCode::FORBIDDEN, "and out again");
    }

    async fn a_session_signed_out_in_one_process_ends_in_another_within_a_second(backend) {
        let app = TestApp::spawn(backend).await;
        let other = app.another_instance().await;
        app.create_user("shared@example.org", Role::Learner, true).await;
        let signed_in = app.sign_in("shared@example.org", PASSWORD).await;
        // The same cookie in a second browser on the other process, which reads and keeps it.
        let copy = app.browser_from("198.51.100.7", &[&session_cookie(&signed_in)]).on(other.address);
        assert_eq!(copy.get("/account").await.status(), StatusCode::OK);

        assert_eq!(location(&app.post_form("/logout", &[]).await), "/");
        let same_cookie_here = app.browser_from("198.51.100.7", &[&session_cookie(&signed_in)]);
        assert_eq!(same_cookie_here.get("/account").await.status(), StatusCode::SEE_OTHER, "at once where it was signed out");
        app.clock().advance(FRESH_FOR);
        assert_eq!(copy.get("/account").await.status(), StatusCode::SEE_OTHER, "within a second in the other");
    }

    async fn a_change_to_the_user_made_by_another_process_applies_within_a_second(backend) {
        let app = TestApp::spawn(backend).await;
        let learner = app.create_user("nurse@example.org", Role::Learner, true).await;
        app.sign_in("nurse@example.org", PASSWORD).await;
        assert_eq!(app.get("/admin").await.status(), StatusCode::FORBIDDEN, "her row is read, and kept");

        // Another process promotes her, then signs her out everywhere: writes this process
        // never counted, made straight on the database.
        other_process_writes(&app.state.db, "update users set role = 'admin' where user_id = $1", learner).await;
        app.clock().advance(recent_users::FRESH_FOR);
        assert_eq!(app.get("/admin").await.status(), StatusCode::OK, "promoted within a second");
        other_process_writes(&app.state.db, "update users set session_epoch = session_epoch + 1 where user_id = $1", learner).await;
        app.clock().advance(recent_users::FRESH_FOR);
        assert_eq!(app.get("/account").await.status(), StatusCode::SEE_OTHER, "signed out within a second");
    }
}
