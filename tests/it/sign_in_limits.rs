//! Who a run of wrong passwords can hold back: the lock per account and client address, the
//! ceiling per account with its known-device cookie and emailed sign-in link, and the
//! disabled account that answers like a wrong password.

use academy::auth::throttle::SIGN_IN_CEILING;
use academy::db::users::Role;
use axum::Router;
use chrono::Duration;
use reqwest::StatusCode;

use crate::accessibility::assert_accessible;
use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::{PASSWORD, location, subject_of, text_of};
use crate::support::app::{BEHIND_PROXY, Browser, PRODUCTION};

const OWNER: &str = "owner@example.org";
const WRONG: &str = "a wrong guess at it";
/// The heading of the page offering a link instead of a password check.
const OFFER: &str = "Sign in with a link by email";

/// The `name=value` of the device cookie a response sets.
fn device_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("academy_device=") || v.starts_with("__Host-academy_device="))
        .map(str::to_owned)
}

/// A page without the lines that change with every request (CSRF tokens) or with the
/// address typed.
fn comparable(html: &str, addresses: &[&str]) -> String {
    let mut html = html.to_owned();
    for address in addresses {
        html = html.replace(address, "");
    }
    html.lines()
        .filter(|l| !l.contains("csrf_token"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Wrong passwords for `email`, five from each of many addresses, until the sign-in page
/// offers a link instead; returns how many were checked (and refused) before that.
async fn guess_past_the_ceiling(app: &TestApp, email: &str) -> i64 {
    let mut refused = 0;
    for n in 1..=30 {
        let guesser = app.browser_from(&format!("203.0.113.{n}"), &[]);
        for _ in 0..5 {
            let response = guesser.sign_in(email, WRONG).await;
            match response.status() {
                StatusCode::UNPROCESSABLE_ENTITY => refused += 1,
                StatusCode::OK => {
                    assert!(response.text().await.unwrap().contains(OFFER));
                    return refused;
                }
                other => panic!("attempt {refused} from 203.0.113.{n}: {other}"),
            }
        }
    }
    panic!("no offer of a link after {refused} wrong passwords");
}

/// Posts the button of the link page at `path` from `browser` (with its CSRF token from
/// another page: a spent link's page has no form).
async fn press_sign_in(browser: &Browser, path: &str) -> reqwest::Response {
    let token = browser.csrf_token().await;
    browser
        .client
        .post(browser.url(path))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    app.count(&format!(
        "select count(*) from audit_events where action = '{action}'"
    ))
    .await
}

/// Disables `user_id` the way an admin does.
async fn disable(app: &TestApp, user_id: i64) {
    app.create_user("admin@example.org", Role::Admin, true)
        .await;
    let admin = app.another_browser();
    admin.sign_in("admin@example.org", PASSWORD).await;
    let done = admin
        .post_form(&format!("/admin/users/{user_id}/disable"), &[])
        .await;
    assert_eq!(
        location(&done),
        format!("/admin/users/{user_id}?notice=saved")
    );
}

backend_tests! {
    async fn a_guesser_elsewhere_cannot_lock_the_owner_out(backend) {
        let app = TestApp::spawn_with(backend, BEHIND_PROXY, Router::new()).await;
        app.create_user(OWNER, Role::Learner, true).await;
        let attacker = app.browser_from("203.0.113.5", &[]);
        for _ in 0..5 {
            assert_eq!(attacker.sign_in(OWNER, WRONG).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        assert_eq!(attacker.sign_in(OWNER, WRONG).await.status(), StatusCode::TOO_MANY_REQUESTS, "the sixth from there is refused");

        let owner = app.browser_from("198.51.100.7", &[]);
        assert_eq!(location(&owner.sign_in(OWNER, PASSWORD).await), "/account", "the owner, elsewhere, signs in");
        let still = attacker.sign_in(OWNER, PASSWORD).await;
        assert_eq!(still.status(), StatusCode::TOO_MANY_REQUESTS, "the guesser's address stays locked, even with the password");
        assert!(still.text().await.unwrap().contains("too many failed attempts to sign in to this account"));
        assert!(audited(&app, "sign_in_locked").await >= 2);
    }

    async fn past_the_ceiling_a_known_device_signs_in_and_anyone_else_gets_a_link(backend) {
        let app = TestApp::spawn_with(backend, BEHIND_PROXY, Router::new()).await;
        let user_id = app.create_user(OWNER, Role::Learner, true).await;
        let known = app.browser_from("198.51.100.7", &[]);
        let first = known.sign_in(OWNER, PASSWORD).await;
        assert_eq!(location(&first), "/account");
        let cookie = device_cookie(&first).expect("a device cookie on signing in");
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=31536000"] {
            assert!(cookie.contains(attribute), "{cookie}");
        }
        assert!(!cookie.contains("Secure"), "Secure only in production: {cookie}");
        known.post_form("/logout", &[]).await;

        let refused = guess_past_the_ceiling(&app, OWNER).await;
        assert_eq!(refused, SIGN_IN_CEILING.allowed - 1, "the owner's own sign-in counted too");
        assert_eq!(audited(&app, "sign_in_ceiling_reached").await, 1);

        let stranger = app.browser_from("192.0.2.10", &[]);
        let offered = stranger.sign_in(OWNER, PASSWORD).await;
        assert_eq!(offered.status(), StatusCode::OK);
        let offer_page = offered.text().await.unwrap();
        assert!(offer_page.contains("we can email a sign-in link"));
        assert_accessible("the offer of a link", &offer_page);
        assert_eq!(stranger.get("/account").await.status(), StatusCode::SEE_OTHER, "the right password did not sign in");
        assert_eq!(audited(&app, "signed_in").await, 1, "no password was checked");
        assert!(audited(&app, "sign_in_link_offered").await >= 1);

        let value = cookie.split(';').next().unwrap().to_owned();
        let mut tampered = value.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == '0' { '1' } else { '0' });
        let forged = format!("academy_device=v1.{user_id}-{}.{}", "0".repeat(32), "0".repeat(64));
        for (n, fake) in [tampered, forged].iter().enumerate() {
            let faker = app.browser_from(&format!("192.0.2.{}", 20 + n), &[fake]);
            let answer = faker.sign_in(OWNER, PASSWORD).await;
            assert!(answer.text().await.unwrap().contains(OFFER), "{fake} was believed");
        }

        let again = known.sign_in(OWNER, PASSWORD).await;
        assert_eq!(location(&again), "/account", "the device that signed in before still may");

        let asked = stranger.post_form("/login/link", &[("email", OWNER)]).await;
        assert_eq!(location(&asked), "/login/link/sent");
        let link = app.link_mailed_to(OWNER, "/login/link/").await;
        assert!(app.subjects_to(OWNER).contains(&"Your Academy sign-in link".to_owned()));
        for _ in 0..2 {
            let (status, page) = stranger.get_text(&link).await;
            assert_eq!(status, StatusCode::OK, "opening the link spends nothing");
            assert!(page.contains(&format!(r#"<form method="post" action="{link}">"#)), "{page}");
            assert_accessible(&link, &page);
        }
        let signed_in = press_sign_in(&stranger, &link).await;
        assert_eq!(location(&signed_in), "/account");
        assert!(device_cookie(&signed_in).is_some(), "this browser is known from now on");
        assert_eq!(stranger.get("/account").await.status(), StatusCode::OK);
        assert_eq!(audited(&app, "signed_in_by_link").await, 1);

        let reuse = press_sign_in(&app.browser_from("192.0.2.30", &[]), &link).await;
        assert_eq!(reuse.status(), StatusCode::NOT_FOUND, "the link works once");
        let later = app.browser_from("192.0.2.31", &[]);
        assert_eq!(location(&later.sign_in(OWNER, PASSWORD).await), "/account", "the link ended the account's locks");
    }

    async fn the_device_cookie_is_secure_in_production(backend) {
        let app = TestApp::spawn_with(backend, PRODUCTION, Router::new()).await;
        app.create_user(OWNER, Role::Learner, true).await;
        let signed_in = app.sign_in(OWNER, PASSWORD).await;
        assert_eq!(location(&signed_in), "/account");
        let cookie = device_cookie(&signed_in).expect("a device cookie");
        assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.starts_with("__Host-academy_device=") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    }

    async fn past_the_ceiling_an_unknown_address_sees_the_same_offer_and_gets_no_mail(backend) {
        let app = TestApp::spawn_with(backend, BEHIND_PROXY, Router::new()).await;
        app.create_user(OWNER, Role::Learner, true).await;
        let nobody = "nobody@example.org";
        guess_past_the_ceiling(&app, OWNER).await;
        guess_past_the_ceiling(&app, nobody).await;

        let visitor = app.browser_from("192.0.2.10", &[]);
        let known = visitor.sign_in(OWNER, PASSWORD).await;
        let unknown = visitor.sign_in(nobody, PASSWORD).await;
        assert_eq!((known.status(), unknown.status()), (StatusCode::OK, StatusCode::OK));
        let (known, unknown) = (known.text().await.unwrap(), unknown.text().await.unwrap());
        assert!(known.contains(OFFER));
        assert_eq!(comparable(&known, &[OWNER, nobody]), comparable(&unknown, &[OWNER, nobody]));

        for _ in 0..7 {
            let for_known = visitor.post_form("/login/link", &[("email", OWNER)]).await;
            let for_unknown = visitor.post_form("/login/link", &[("email", nobody)]).await;
            assert_eq!(location(&for_known), "/login/link/sent");
            assert_eq!(location(&for_unknown), "/login/link/sent");
        }
        assert!(app.mails_to(nobody).await.is_empty(), "no mail for an address without an account");
        assert_eq!(app.mails_to(OWNER).await.len(), 5, "the account's mail limit holds");
        let tampered = visitor.post_form("/login/link", &[("email", "not an address")]).await;
        assert_eq!(location(&tampered), "/login/link/sent");
    }

    async fn a_sign_in_link_expires_and_never_signs_in_a_disabled_account(backend) {
        let app = TestApp::spawn(backend).await;
        let user_id = app.create_user(OWNER, Role::Learner, true).await;
        app.post_form("/login/link", &[("email", OWNER)]).await;
        let late = app.link_mailed_to(OWNER, "/login/link/").await;
        app.clock().advance(Duration::minutes(31));
        assert_eq!(app.get(&late).await.status(), StatusCode::NOT_FOUND, "30 minutes, no more");

        app.post_form("/login/link", &[("email", OWNER)]).await;
        let link = app.link_mailed_to(OWNER, "/login/link/").await;
        assert_ne!(link, late);
        disable(&app, user_id).await;
        let visitor = app.another_browser();
        let refused = press_sign_in(&visitor, &link).await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND);
        assert_eq!(visitor.get("/account").await.status(), StatusCode::SEE_OTHER);
        assert_eq!(audited(&app, "sign_in_link_refused_disabled").await, 1);

        let before = app.count("select count(*) from email_outbox where kind = 'sign_in_link'").await;
        app.post_form("/login/link", &[("email", OWNER)]).await;
        let after = app.count("select count(*) from email_outbox where kind = 'sign_in_link'").await;
        assert_eq!(before, after, "no new link for a disabled account");
    }

    async fn a_disabled_account_answers_like_a_wrong_password_and_tells_its_owner_once_a_day(backend) {
        let app = TestApp::spawn(backend).await;
        let user_id = app.create_user(OWNER, Role::Learner, true).await;
        disable(&app, user_id).await;
        let right = app.sign_in(OWNER, PASSWORD).await;
        let wrong = app.sign_in(OWNER, "not the password at all").await;
        assert_eq!(right.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let (right, wrong) = (right.text().await.unwrap(), wrong.text().await.unwrap());
        assert!(right.contains("Your email address or password is wrong"), "{right}");
        assert_eq!(comparable(&right, &[]), comparable(&wrong, &[]), "the right password gives nothing away");
        app.sign_in(OWNER, PASSWORD).await;

        let subject = "Someone used the password of your disabled Academy account";
        let told = |mails: &[academy::email::mailer::SentMail]| {
            mails.iter().filter(|m| subject_of(m) == subject).cloned().collect::<Vec<_>>()
        };
        let mails = told(&app.mails_to(OWNER).await);
        assert_eq!(mails.len(), 1, "one mail for the day, however many tries");
        let text = text_of(&mails[0]);
        assert!(text.contains("correct password") && text.contains(&app.state.config.contact_email), "{text}");
        for link in ["/login/link/", "/reset-password/", "/verify-email/"] {
            assert!(!text.contains(link), "no link that signs in: {text}");
        }
        assert_eq!(audited(&app, "sign_in_disabled_account").await, 2);
        assert_eq!(
            app.count("select attempts from throttles where throttle_key like 'sign_in:address:%:account:owner@example.org'").await,
            3,
            "the right password counted like a failure, not cleared like a success"
        );

        app.clock().advance(Duration::days(1));
        assert_eq!(app.sign_in(OWNER, PASSWORD).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(told(&app.mails_to(OWNER).await).len(), 2, "another the next day");
    }
}
