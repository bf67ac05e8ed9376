//! Registering, verifying, signing in and out, throttling, resetting a password.

use academy::db::users::Role;
use axum::Router;
use chrono::Duration;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location, subject_of, text_of};

backend_tests! {
    async fn register_verify_and_sign_in_as_an_nhs_learner(backend) {
        let app = TestApp::spawn(backend).await;
        let response = app.register("Zoë Müller", "Zoe.Muller@LeedsTH.nhs.uk", PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/register/check-email");
        let (_, page) = app.get_text("/register/check-email").await;
        assert!(page.contains("Check your email"));

        let mails = app.mails_to("zoe.muller@leedsth.nhs.uk").await;
        assert_eq!(mails.len(), 1);
        assert_eq!(subject_of(&mails[0]), "Confirm your email address to finish creating your Academy account");
        let link = app.link_mailed_to("zoe.muller@leedsth.nhs.uk", "/verify-email/").await;
        let (status, page) = app.get_text(&link).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Confirm email address"), "GET shows a button and spends nothing");
        assert_eq!(app.get(&link).await.status(), StatusCode::OK, "a mail scanner's GET spends nothing");

        let confirmed = app.verify_mailed_link("zoe.muller@leedsth.nhs.uk").await;
        assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&confirmed), "/login?notice=email-confirmed");
        let welcome = app.mails_to("zoe.muller@leedsth.nhs.uk").await;
        assert!(welcome.iter().any(|m| subject_of(m) == "Welcome to Academy"));

        let signed_in = app.sign_in("zoe.muller@leedsth.nhs.uk", PASSWORD).await;
        assert_eq!(location(&signed_in), "/account");
        let (status, account) = app.get_text("/account").await;
        assert_eq!(status, StatusCode::OK);
        assert!(account.contains("NHS staff in England (free places)"), "{account}");
        assert!(account.contains("Email address on an NHS domain (nhs.uk)"));
        assert!(account.contains("Zoë Müller"));
        assert!(account.contains(">Your account</a>") && account.contains("Sign out</button>"), "the header knows who is signed in");
    }

    async fn an_external_learner_is_told_why_and_devolved_nations_are_external(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("Rhys Jones", "rhys@cardiff.wales.nhs.uk", PASSWORD).await;
        app.verify_mailed_link("rhys@cardiff.wales.nhs.uk").await;
        app.sign_in("rhys@cardiff.wales.nhs.uk", PASSWORD).await;
        let (_, account) = app.get_text("/account").await;
        assert!(account.contains("External learner (fee-paying places)"));
        assert!(account.contains("outside NHS England"), "{account}");
    }

    async fn duplicate_registration_in_any_case_looks_the_same_and_mails_the_owner(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("owner@example.org", Role::Learner, true).await;
        for attempt in ["OWNER@Example.org", " owner@example.org "] {
            let response = app.register("Someone Else", attempt, "another long passphrase here").await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            assert_eq!(location(&response), "/register/check-email", "the same answer as a new address");
        }
        assert_eq!(app.count("select count(*) from users").await, 1, "no second account");
        let mails = app.mails_to("owner@example.org").await;
        assert_eq!(mails.len(), 1, "one warning an hour, however many attempts");
        assert_eq!(subject_of(&mails[0]), "Someone tried to create an Academy account with your email address");
        let text = text_of(&mails[0]);
        assert!(text.contains("/login") && text.contains("/forgot-password"), "{text}");
        assert!(!text.contains("/verify-email/"), "no verification link for someone else to use");
        // And the password they typed does not sign in.
        let response = app.sign_in("owner@example.org", "another long passphrase here").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn the_registration_form_explains_every_problem(backend) {
        let app = TestApp::spawn(backend).await;
        let response = app.post_form("/register", &[
            ("password", "short"), ("full_name", &"x".repeat(5_000)), ("email", ""), ("confirm_password", ""),
            ("organisation", ""), ("job_role", ""), ("registration_number", ""),
        ]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("<title>Error: Create an account – Academy</title>"));
        assert!(html.contains("There is a problem"));
        for message in [
            "Must be 200 characters or fewer",
            "Enter an email address",
            "Password must be 10 characters or more",
            "Enter your organisation",
            "Enter your job role",
            "Select your professional body, or None",
            "Confirm that you have read the privacy notice",
        ] {
            assert!(html.contains(message), "{message}");
            assert!(html.contains(&format!(r##"<span class="visually-hidden">Error:</span> {message}"##)), "{message} is next to its field");
        }
        assert!(!html.contains(r#"value="short""#), "passwords are never sent back");
        assert_eq!(app.count("select count(*) from users").await, 0);

        for (password, problem) in [
            ("password123456", "too easy to guess"),
            ("xx-amina.okafor-kettle", "must not contain your email address"),
        ] {
            let response = app.post_form("/register", &[
                ("full_name", "Amina Okafor"), ("email", "amina.okafor@nhs.net"), ("password", password),
                ("confirm_password", password), ("organisation", "Trust"), ("job_role", "Nurse"),
                ("professional_body", "none"), ("registration_number", ""), ("consent", "yes"),
            ]).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert!(response.text().await.unwrap().contains(problem), "{password}");
        }
        let mismatch = app.post_form("/register", &[
            ("password", PASSWORD), ("confirm_password", "something else entirely"), ("full_name", ""), ("email", ""),
            ("organisation", ""), ("job_role", ""), ("registration_number", ""),
        ]).await;
        assert!(mismatch.text().await.unwrap().contains("Passwords do not match"));
    }

    async fn verification_links_that_are_expired_reused_or_tampered_do_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("Expiring Person", "late@example.org", PASSWORD).await;
        let link = app.link_mailed_to("late@example.org", "/verify-email/").await;
        let flipped = if link.ends_with('0') { '1' } else { '0' };
        let tampered = format!("{}{flipped}", &link[..link.len() - 1]);
        assert_eq!(app.get(&tampered).await.status(), StatusCode::NOT_FOUND);
        let token = app.csrf_token_from("/login").await;
        let response = app.client.post(app.url(&tampered)).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);

        app.clock().advance(Duration::hours(25));
        let (status, page) = app.get_text(&link).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("This link has expired or has already been used"));
        let response = app.client.post(app.url(&link)).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "an expired link cannot be spent");
        assert_eq!(app.count("select count(*) from users where email_verified_at is not null").await, 0);

        // A fresh link works once.
        app.sign_in("late@example.org", PASSWORD).await;
        let resend = app.post_form("/verify-email/resend", &[]).await;
        assert_eq!(location(&resend), "/account?notice=verification-sent");
        let fresh = app.link_mailed_to("late@example.org", "/verify-email/").await;
        assert_ne!(fresh, link);
        let token = app.csrf_token().await;
        let first = app.client.post(app.url(&fresh)).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(location(&first), "/account?notice=email-confirmed", "signed in: back to the account");
        let token = app.csrf_token().await;
        let again = app.client.post(app.url(&fresh)).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_FOUND, "single use");
    }

    async fn an_unverified_learner_can_sign_in_is_told_why_and_resends_are_limited(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("New Person", "new@example.org", PASSWORD).await;
        assert_eq!(location(&app.sign_in("new@example.org", PASSWORD).await), "/account");
        let (_, account) = app.get_text("/account").await;
        assert!(account.contains("You need to confirm your email address before you can enrol"));
        let mut notices = Vec::new();
        for _ in 0..6 {
            notices.push(location(&app.post_form("/verify-email/resend", &[]).await));
        }
        assert_eq!(notices[0], "/account?notice=verification-sent");
        assert_eq!(notices[5], "/account?notice=too-many-emails");
    }

    async fn wrong_passwords_and_unknown_addresses_get_one_message(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("known@example.org", Role::Learner, true).await;
        let wrong = app.sign_in("known@example.org", "not the password at all").await;
        let unknown = app.sign_in("nobody@example.org", "not the password at all").await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let (wrong, unknown) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
        assert!(wrong.contains("Your email address or password is wrong"));
        let strip = |html: &str| html.replace("known@example.org", "").replace("nobody@example.org", "");
        let token_free = |html: String| html.lines().filter(|l| !l.contains("csrf_token")).collect::<Vec<_>>().join("\n");
        assert_eq!(token_free(strip(&wrong)), token_free(strip(&unknown)), "the pages differ only in the address typed");
        assert_eq!(app.count("select count(*) from audit_events where action = 'sign_in_failed'").await, 2);
    }

    async fn repeated_failures_slow_down_then_release_with_the_clock(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("target@example.org", Role::Learner, true).await;
        for _ in 0..5 {
            assert_eq!(app.sign_in("target@example.org", "wrong guess number one").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        let refused = app.sign_in("target@example.org", PASSWORD).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
        let retry_after: i64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=30).contains(&retry_after), "{retry_after}");
        assert!(refused.text().await.unwrap().contains("Wait 1 minute, then try again."));
        assert!(app.count("select count(*) from audit_events where action = 'sign_in_locked'").await >= 1);

        app.clock().advance(Duration::seconds(31));
        assert_eq!(app.sign_in("target@example.org", "wrong guess number six").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let longer = app.sign_in("target@example.org", PASSWORD).await;
        assert_eq!(longer.status(), StatusCode::TOO_MANY_REQUESTS, "the next lock is longer");
        app.clock().advance(Duration::seconds(61));
        assert_eq!(location(&app.sign_in("target@example.org", PASSWORD).await), "/account", "one attempt after each lock; success clears the count");
        assert_eq!(app.count("select count(*) from throttles where throttle_key like 'sign_in:address:%:account:%'").await, 0);
    }

    async fn the_per_address_limit_refuses_then_releases(backend) {
        let app = TestApp::spawn_with(backend, &[("ACADEMY_ADDRESS_ATTEMPTS_PER_MINUTE", "3")], Router::new()).await;
        for n in 0..3 {
            let status = app.sign_in(&format!("person{n}@example.org"), "whatever it is").await.status();
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let refused = app.sign_in("person9@example.org", "whatever it is").await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.text().await.unwrap().contains("too many attempts to sign in from your network"));
        app.clock().advance(Duration::seconds(61));
        assert_eq!(app.sign_in("person9@example.org", "whatever it is").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn the_default_address_limit_lets_a_busy_trust_through(backend) {
        let app = TestApp::spawn(backend).await;
        for n in 0..110 {
            let status = app.sign_in(&format!("staff{n}@nhs.net"), "whatever it is").await.status();
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {n}");
        }
    }

    async fn a_locked_out_owner_can_still_reset_their_password(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("locked@example.org", Role::Learner, true).await;
        for _ in 0..8 {
            app.sign_in("locked@example.org", "attacker guessing away").await;
        }
        assert_eq!(app.sign_in("locked@example.org", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
        let owner = app.another_browser();
        assert_eq!(location(&owner.post_form("/forgot-password", &[("email", "locked@example.org")]).await), "/forgot-password/check-email");
        let link = app.link_mailed_to("locked@example.org", "/reset-password/").await;
        let token = owner.csrf_token_from(&link).await;
        let new_password = "a brand new passphrase";
        let reset = owner.client.post(owner.url(&link))
            .form(&[("csrf_token", token.as_str()), ("password", new_password), ("confirm_password", new_password)])
            .send().await.unwrap();
        assert_eq!(location(&reset), "/account?notice=password-reset", "signed in at once");
        assert_eq!(owner.get("/account").await.status(), StatusCode::OK);
        let later = app.another_browser();
        assert_eq!(location(&later.sign_in("locked@example.org", new_password).await), "/account", "no wait after a reset");
    }

    async fn password_reset_works_once_and_ends_other_sessions(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("reset@example.org", Role::Learner, true).await;
        let elsewhere = app.another_browser();
        elsewhere.sign_in("reset@example.org", PASSWORD).await;
        assert_eq!(elsewhere.get("/account").await.status(), StatusCode::OK);

        for email in ["nobody@example.org", "reset@example.org"] {
            let response = app.post_form("/forgot-password", &[("email", email)]).await;
            assert_eq!(location(&response), "/forgot-password/check-email", "the same answer for {email}");
        }
        assert!(app.mails_to("nobody@example.org").await.is_empty());
        let bad = app.post_form("/forgot-password", &[("email", "not an address")]).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let link = app.link_mailed_to("reset@example.org", "/reset-password/").await;
        assert_eq!(app.get(&link).await.status(), StatusCode::OK);
        assert_eq!(app.get(&link).await.status(), StatusCode::OK, "opening the link spends nothing");
        let token = app.csrf_token_from(&link).await;
        let mismatch = app.client.post(app.url(&link))
            .form(&[("csrf_token", token.as_str()), ("password", "a brand new passphrase"), ("confirm_password", "different")])
            .send().await.unwrap();
        assert_eq!(mismatch.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let done = app.client.post(app.url(&link))
            .form(&[("csrf_token", token.as_str()), ("password", "a brand new passphrase"), ("confirm_password", "a brand new passphrase")])
            .send().await.unwrap();
        assert_eq!(location(&done), "/account?notice=password-reset");
        let (_, account) = app.get_text("/account?notice=password-reset").await;
        assert!(account.contains("Your password has been changed and you are signed in"));
        app.post_form("/logout", &[]).await;
        let again = app.client.post(app.url(&link))
            .form(&[("csrf_token", token.as_str()), ("password", "yet another passphrase"), ("confirm_password", "yet another passphrase")])
            .send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_FOUND, "single use");

        assert_eq!(elsewhere.get("/account").await.status(), StatusCode::SEE_OTHER, "the other session ended");
        assert_eq!(app.sign_in("reset@example.org", PASSWORD).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(location(&app.sign_in("reset@example.org", "a brand new passphrase").await), "/account");
        let mails = app.mails_to("reset@example.org").await;
        assert!(mails.iter().any(|m| subject_of(m) == "Your Academy password was changed"));
    }

    async fn reset_links_expire_after_an_hour(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("slow@example.org", Role::Learner, true).await;
        let reset_with = |link: String, password: &'static str| {
            let browser = app.another_browser();
            async move {
                let token = browser.csrf_token_from("/login").await;
                browser.client.post(browser.url(&link))
                    .form(&[("csrf_token", token.as_str()), ("password", password), ("confirm_password", password)])
                    .send().await.unwrap()
            }
        };
        app.post_form("/forgot-password", &[("email", "slow@example.org")]).await;
        let link = app.link_mailed_to("slow@example.org", "/reset-password/").await;
        app.clock().advance(Duration::minutes(59));
        let (status, page) = app.get_text(&link).await;
        assert_eq!(status, StatusCode::OK, "still open at 59 minutes");
        assert!(page.contains("Choose a new password"), "{page}");
        app.clock().advance(Duration::minutes(2));
        assert_eq!(app.get(&link).await.status(), StatusCode::NOT_FOUND);
        let late = reset_with(link, "a passphrase set too late").await;
        assert_eq!(late.status(), StatusCode::NOT_FOUND, "an expired link cannot be spent");
        assert!(late.text().await.unwrap().contains("This link has expired or has already been used"));
        assert_eq!(location(&app.another_browser().sign_in("slow@example.org", PASSWORD).await), "/account", "the password did not change");

        // A link used at 59 minutes does its job.
        app.post_form("/forgot-password", &[("email", "slow@example.org")]).await;
        let fresh = app.link_mailed_to("slow@example.org", "/reset-password/").await;
        app.clock().advance(Duration::minutes(59));
        let in_time = reset_with(fresh, "a passphrase set in time").await;
        assert_eq!(in_time.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&in_time), "/account?notice=password-reset");
        assert_eq!(location(&app.another_browser().sign_in("slow@example.org", "a passphrase set in time").await), "/account");
    }

    async fn a_reset_proves_the_mailbox_of_an_unverified_account(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("Never Clicked", "lost@nhs.net", PASSWORD).await;
        app.post_form("/forgot-password", &[("email", "lost@nhs.net")]).await;
        let link = app.link_mailed_to("lost@nhs.net", "/reset-password/").await;
        let token = app.csrf_token_from(&link).await;
        let reset = app.client.post(app.url(&link))
            .form(&[("csrf_token", token.as_str()), ("password", "a brand new passphrase"), ("confirm_password", "a brand new passphrase")])
            .send().await.unwrap();
        assert_eq!(reset.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&reset), "/account?notice=password-reset", "the reset went through and signed the owner in");
        assert_eq!(location(&app.another_browser().sign_in("lost@nhs.net", "a brand new passphrase").await), "/account");
        let (_, account) = app.get_text("/account").await;
        assert!(account.contains("Confirmed") && account.contains("NHS staff in England"), "{account}");
    }

    async fn next_only_leads_to_pages_on_this_site(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("next@example.org", Role::Learner, true).await;
        for (next, expected) in [
            ("https://evil.example/steal", "/account"),
            ("//evil.example", "/account"),
            ("/\\evil.example", "/account"),
            ("/account/profile", "/account/profile"),
        ] {
            let browser = app.another_browser();
            let response = browser.post_form("/login", &[("email", "next@example.org"), ("password", PASSWORD), ("next", next)]).await;
            assert_eq!(location(&response), expected, "next={next}");
        }
        let asked = app.get("/account/password").await;
        assert_eq!(location(&asked), "/login?next=%2Faccount%2Fpassword", "sign in, then come back");
        let (_, form) = app.get_text("/login?next=https://evil.example").await;
        assert!(!form.contains("evil.example"), "an unsafe next is dropped from the form");
    }

    async fn signing_in_cycles_the_session_and_signing_out_ends_it(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("cycle@example.org", Role::Learner, true).await;
        let first = app.sign_in("cycle@example.org", PASSWORD).await;
        let cookie = |r: &reqwest::Response| r.headers().get_all("set-cookie").iter()
            .filter_map(|v| v.to_str().ok()).find(|v| v.starts_with("academy_session=")).map(str::to_owned);
        let first_id = cookie(&first).expect("a session cookie at sign-in");
        assert!(first_id.contains("HttpOnly") && first_id.contains("SameSite=Lax"), "{first_id}");
        assert!(!first_id.contains("Max-Age") && !first_id.contains("Expires"), "a browser session without remember me");
        let second = app.sign_in("cycle@example.org", PASSWORD).await;
        assert_ne!(cookie(&second).expect("a new cookie"), first_id, "a new session id on every sign-in");

        let out = app.post_form("/logout", &[]).await;
        assert_eq!(location(&out), "/");
        assert_eq!(app.get("/account").await.status(), StatusCode::SEE_OTHER);

        let remembered = app.post_form("/login", &[("email", "cycle@example.org"), ("password", PASSWORD), ("remember_me", "yes"), ("next", "")]).await;
        let remembered = cookie(&remembered).unwrap();
        assert!(remembered.contains("Max-Age") || remembered.contains("Expires"), "{remembered}");
    }

    async fn idle_sessions_end_and_remembered_ones_last(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("idle@example.org", Role::Learner, true).await;
        app.sign_in("idle@example.org", PASSWORD).await;
        let remembered = app.another_browser();
        remembered.post_form("/login", &[("email", "idle@example.org"), ("password", PASSWORD), ("remember_me", "yes"), ("next", "")]).await;

        app.clock().advance(Duration::hours(11));
        assert_eq!(app.get("/account").await.status(), StatusCode::OK, "activity within 12 hours keeps it");
        app.clock().advance(Duration::hours(13));
        assert_eq!(app.get("/account").await.status(), StatusCode::SEE_OTHER, "13 idle hours end a browser session");
        assert_eq!(remembered.get("/account").await.status(), StatusCode::OK, "remember me lasts");
        app.clock().advance(Duration::days(31));
        assert_eq!(remembered.get("/account").await.status(), StatusCode::SEE_OTHER, "but not past 30 idle days");
    }

    async fn a_post_without_the_right_csrf_token_is_refused(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("csrf@example.org", Role::Learner, true).await;
        let missing = app.client.post(app.url("/login")).form(&[("email", "csrf@example.org"), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(missing.status(), StatusCode::FORBIDDEN);
        assert!(missing.text().await.unwrap().contains("Your form could not be sent"));
        let wrong = app.client.post(app.url("/login"))
            .form(&[("email", "csrf@example.org"), ("password", PASSWORD), ("csrf_token", "0".repeat(64).as_str())])
            .send().await.unwrap();
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
        let other_visitor = app.another_browser().csrf_token_from("/login").await;
        let stolen = app.client.post(app.url("/login"))
            .form(&[("email", "csrf@example.org"), ("password", PASSWORD), ("csrf_token", other_visitor.as_str())])
            .send().await.unwrap();
        assert_eq!(stolen.status(), StatusCode::FORBIDDEN, "a token only works with its own cookie");

        app.sign_in("csrf@example.org", PASSWORD).await;
        let anonymous_token = app.another_browser().csrf_token_from("/login").await;
        let response = app.client.post(app.url("/account/sign-out-everywhere")).form(&[("csrf_token", anonymous_token.as_str())]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "signed in, the session's token is required");
        assert_eq!(app.get("/account").await.status(), StatusCode::OK, "nothing happened");
    }

    async fn only_pages_with_a_form_give_an_anonymous_visitor_a_cookie(backend) {
        let app = TestApp::spawn(backend).await;
        for path in ["/", "/privacy", "/static/app.css", "/no/such/page"] {
            let response = app.another_browser().get(path).await;
            assert!(response.headers().get("set-cookie").is_none(), "{path} stays cacheable");
        }
        let login = app.another_browser().get("/login").await;
        let cookie = login.headers()["set-cookie"].to_str().unwrap();
        assert!(cookie.starts_with("academy_csrf="), "{cookie}");
    }

    async fn anonymous_visits_write_no_session(backend) {
        let app = TestApp::spawn(backend).await;
        for path in ["/", "/login", "/register", "/forgot-password", "/no/such/page"] {
            app.get(path).await;
        }
        app.sign_in("nobody@example.org", "wrong password here").await;
        let sessions = match backend {
            crate::support::Backend::Sqlite => "select count(*) from tower_sessions",
            crate::support::Backend::Postgres => "select count(*) from tower_sessions.session",
        };
        assert_eq!(app.count(sessions).await, 0);
        app.create_user("real@example.org", Role::Learner, true).await;
        app.sign_in("real@example.org", PASSWORD).await;
        assert_eq!(app.count(sessions).await, 1, "one row once someone signs in");
    }

    async fn never_verified_accounts_are_purged_after_thirty_days(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("Gone Soon", "gone@example.org", PASSWORD).await;
        app.create_user("kept@example.org", Role::Learner, true).await;
        app.clock().advance(Duration::days(29));
        app.run_background_jobs().await;
        assert_eq!(app.count("select count(*) from users").await, 2);
        app.clock().advance(Duration::days(2));
        app.run_background_jobs().await;
        assert_eq!(app.count("select count(*) from users").await, 1);
        assert_eq!(app.count("select count(*) from account_tokens").await, 0, "their links went with them");
    }
}

backend_tests! {
    async fn parallel_guesses_cannot_get_past_the_account_limit(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("parallel@example.org", Role::Learner, true).await;
        let attempts = (0..20).map(|n| {
            let browser = app.another_browser();
            tokio::spawn(async move { browser.sign_in("parallel@example.org", &format!("guess number {n}")).await.status() })
        });
        let mut checked = 0;
        for attempt in attempts.collect::<Vec<_>>() {
            let status = attempt.await.unwrap();
            assert!(status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::TOO_MANY_REQUESTS, "{status}");
            if status == StatusCode::UNPROCESSABLE_ENTITY {
                checked += 1;
            }
        }
        assert_eq!(checked, 5, "only the allowed attempts had their password checked");
    }

    async fn a_remembered_session_keeps_its_lifetime_when_the_idle_clock_moves(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("keep@example.org", Role::Learner, true).await;
        app.post_form("/login", &[("email", "keep@example.org"), ("password", PASSWORD), ("remember_me", "yes"), ("next", "")]).await;
        app.clock().advance(Duration::minutes(6));
        let refreshed = app.get("/account").await;
        let cookie = refreshed.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("academy_session=")).expect("the refresh re-sends the cookie").to_owned();
        assert!(cookie.contains("Max-Age") || cookie.contains("Expires"), "still a remembered session: {cookie}");
        let quiet = app.get("/account").await;
        assert!(quiet.headers().get("set-cookie").is_none(), "no write on a request soon after");
    }

    async fn a_session_ends_at_its_absolute_lifetime_however_active(backend) {
        let app = TestApp::spawn_with(backend, &[("ACADEMY_SESSION_MAX_DAYS", "90")], Router::new()).await;
        app.create_user("daily@example.org", Role::Learner, true).await;
        app.post_form("/login", &[("email", "daily@example.org"), ("password", PASSWORD), ("remember_me", "yes"), ("next", "")]).await;
        for _ in 0..8 {
            app.clock().advance(Duration::days(10));
            assert_eq!(app.get("/account").await.status(), StatusCode::OK, "used every ten days, it stays signed in");
        }
        // Day 85: the idle limit (30 days) would reach past day 90, so the cookie stops there.
        app.clock().advance(Duration::days(5));
        let refreshed = app.get("/account").await;
        assert_eq!(refreshed.status(), StatusCode::OK);
        let cookie = refreshed.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("academy_session=")).expect("the refresh re-sends the cookie").to_owned();
        let max_age: i64 = cookie.split(';').find_map(|part| part.trim().strip_prefix("Max-Age=")).expect("a lifetime").parse().unwrap();
        assert!(max_age <= 5 * 24 * 3600, "the cookie ends with the session's absolute lifetime: {cookie}");
        app.clock().advance(Duration::days(5) + Duration::minutes(1));
        let ended = app.get("/account").await;
        assert_eq!(ended.status(), StatusCode::SEE_OTHER, "ninety days after signing in, it ends");
        assert!(location(&ended).starts_with("/login"));
    }

    async fn a_password_reset_cancels_an_email_change_someone_else_asked_for(backend) {
        let app = TestApp::spawn(backend).await;
        app.create_user("victim@example.org", Role::Learner, true).await;
        let attacker = app.another_browser();
        attacker.sign_in("victim@example.org", PASSWORD).await;
        attacker.post_form("/account/email", &[("email", "attacker@example.net"), ("current_password", PASSWORD)]).await;
        let stolen_link = app.link_mailed_to("attacker@example.net", "/verify-email/").await;

        app.post_form("/forgot-password", &[("email", "victim@example.org")]).await;
        let reset = app.link_mailed_to("victim@example.org", "/reset-password/").await;
        let token = app.csrf_token_from(&reset).await;
        app.client.post(app.url(&reset))
            .form(&[("csrf_token", token.as_str()), ("password", "the owner's new passphrase"), ("confirm_password", "the owner's new passphrase")])
            .send().await.unwrap();

        let token = attacker.csrf_token_from("/login").await;
        let confirmed = attacker.client.post(attacker.url(&stolen_link)).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(confirmed.status(), StatusCode::NOT_FOUND, "the change was cancelled by the reset");
        assert_eq!(app.count("select count(*) from users where email = 'victim@example.org'").await, 1);
    }

    async fn a_deleted_account_id_is_never_given_to_someone_else(backend) {
        let app = TestApp::spawn(backend).await;
        let old = app.create_user("first@example.org", Role::Learner, true).await;
        let lingering = app.another_browser();
        lingering.sign_in("first@example.org", PASSWORD).await;
        app.sign_in("first@example.org", PASSWORD).await;
        let deleted = app.post_form("/account/delete", &[("current_password", PASSWORD)]).await;
        assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&deleted), "/account/deleted", "the deletion went through");
        assert_eq!(app.count(&format!("select count(*) from users where user_id = {old}")).await, 0, "the account is gone");
        assert_eq!(app.count("select count(*) from users where email = 'first@example.org'").await, 0);
        let new = app.create_user("second@example.org", Role::Learner, true).await;
        assert!(new > old, "ids are not reused ({new} after {old})");
        assert_eq!(lingering.get("/account").await.status(), StatusCode::SEE_OTHER, "the old session belongs to nobody");
    }
}

backend_tests! {
    async fn control_characters_in_form_fields_get_a_message_not_an_error(backend) {
        let app = TestApp::spawn(backend).await;
        let response = app.post_form("/register", &[
            ("full_name", "Nul\0Byte"), ("email", "nul@example.org"), ("password", PASSWORD),
            ("confirm_password", PASSWORD), ("organisation", "Org\u{7}"), ("job_role", "Nurse"),
            ("professional_body", "none"), ("registration_number", ""), ("consent", "yes"),
        ]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("Remove the line breaks or unusual characters"));
        app.create_user("admin@example.org", Role::Admin, true).await;
        app.sign_in("admin@example.org", PASSWORD).await;
        assert_eq!(app.get("/admin/users?q=%00").await.status(), StatusCode::OK, "admin search too");
        assert_eq!(app.count("select count(*) from users").await, 1);
    }
}
