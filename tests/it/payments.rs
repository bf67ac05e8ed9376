//! Paid places on both databases: card checkout confirmed only by signed webhooks (forged,
//! replayed, duplicated and late ones), invoice holds with numbered documents, refunds.

use chrono::Duration;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::accounts::location;
use crate::support::enrolment::{
    CARD, INVOICE, add_cohort, add_course, admin, app_with_cards, enrol, enrolment_id, learner,
};
use crate::support::fake_stripe::FakeStripe;

async fn open_cohort(app: &TestApp, capacity: i64) -> i64 {
    let course = add_course(app, "Learning from patient safety incidents").await;
    add_cohort(app, course, "May 2026 cohort", capacity).await
}

fn now_ts(app: &TestApp) -> i64 {
    app.clock().now().timestamp()
}

/// An external learner who chose to pay by card: (enrolment id, checkout session id).
async fn card_hold(app: &TestApp, stripe: &FakeStripe, cohort: i64, email: &str) -> (i64, String) {
    let browser = learner(app, email).await;
    let checkout = enrol(&browser, cohort, CARD).await;
    let session = stripe
        .checkouts()
        .into_iter()
        .last()
        .expect("a checkout was created");
    assert!(
        checkout.starts_with(stripe.base_url.as_str()),
        "sent to the provider: {checkout}"
    );
    assert!(checkout.ends_with(&session.id));
    let id = session
        .reference
        .trim_start_matches("ENR-")
        .parse()
        .unwrap();
    (id, session.id)
}

backend_tests! {
    async fn a_card_place_is_confirmed_only_by_a_correctly_signed_webhook_once(backend) {
        let (app, stripe) = app_with_cards(backend).await;
        let cohort = open_cohort(&app, 5).await;
        let (id, session) = card_hold(&app, &stripe, cohort, "buyer@example.com").await;
        assert_eq!(app.status_of(id).await, "awaiting_payment");
        let csp = app.get("/").await.headers()["content-security-policy"].to_str().unwrap().to_owned();
        let origin = stripe.base_url.as_str().trim_end_matches('/');
        assert!(csp.contains(&format!("form-action 'self' {origin}")), "the checkout is an allowed form target: {csp}");
        let checkout = stripe.checkouts().pop().unwrap();
        assert_eq!(checkout.amount_pence, 25_000);
        assert_eq!(checkout.customer_email, "buyer@example.com");
        let hold = app.clock().now() + Duration::minutes(40);
        assert_eq!(checkout.expires_at, (hold - Duration::minutes(5)).timestamp(), "the checkout ends before the hold");

        // Forged: signed with another secret, or the body changed after signing, or stale.
        let (body, signature) = stripe.completed_event("evt_1", &session, now_ts(&app));
        let forged = academy::payments::sign_webhook("whsec_wrong", body.as_bytes(), now_ts(&app));
        assert_eq!(app.post_webhook(&body, &forged).await, StatusCode::BAD_REQUEST);
        let tampered = body.replace("25000", "1");
        assert_eq!(app.post_webhook(&tampered, &signature).await, StatusCode::BAD_REQUEST);
        assert_eq!(app.post_webhook(&body, "").await, StatusCode::BAD_REQUEST);
        let (old_body, old_signature) = stripe.completed_event("evt_1", &session, now_ts(&app) - 600);
        assert_eq!(app.post_webhook(&old_body, &old_signature).await, StatusCode::BAD_REQUEST);
        let huge = "x".repeat(200_000);
        assert_eq!(app.post_webhook(&huge, &signature).await, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.status_of(id).await, "awaiting_payment", "nothing unsigned changes a place");

        assert_eq!(app.post_webhook(&body, &signature).await, StatusCode::OK);
        assert_eq!(app.status_of(id).await, "confirmed");
        // Replayed, and a second event for the same session: nothing changes.
        assert_eq!(app.post_webhook(&body, &signature).await, StatusCode::OK);
        let (again, again_signature) = stripe.completed_event("evt_2", &session, now_ts(&app));
        assert_eq!(app.post_webhook(&again, &again_signature).await, StatusCode::OK);
        assert_eq!(app.count("select count(*) from payments where status = 'paid'").await, 1);
        assert_eq!(app.count("select count(*) from payment_events").await, 2);
        app.run_background_jobs().await;
        let subjects = app.subjects_to("buyer@example.com");
        assert_eq!(subjects.iter().filter(|s| s.starts_with("Receipt RCT-000001")).count(), 1, "{subjects:?}");
        assert_eq!(subjects.iter().filter(|s| s.contains("is confirmed")).count(), 1);
        assert!(stripe.refunds().is_empty());
        app.assert_seats_add_up().await;
    }

    async fn an_expired_card_hold_frees_the_seat_and_a_late_payment_takes_a_free_one(backend) {
        let (app, stripe) = app_with_cards(backend).await;
        let cohort = open_cohort(&app, 1).await;
        let (id, session) = card_hold(&app, &stripe, cohort, "slow@example.com").await;
        let waiting = learner(&app, "waiting@nhs.net").await;
        let waiting_id = enrolment_id(&enrol(&waiting, cohort, &[("funding", "free")]).await);
        assert_eq!(app.status_of(waiting_id).await, "waitlisted", "a held seat is taken");

        app.clock().advance(Duration::minutes(41));
        app.run_background_jobs().await;
        assert_eq!(app.status_of(id).await, "expired");
        assert_eq!(app.status_of(waiting_id).await, "offered", "the freed seat goes to the queue");
        waiting.post_form(&format!("/enrolments/{waiting_id}/offer/decline"), &[]).await;
        assert_eq!(app.count("select seats_taken from cohorts").await, 0);

        // The payment arrives late, a seat is free and nobody queues: the place is kept.
        let (body, signature) = stripe.completed_event("evt_late", &session, now_ts(&app));
        assert_eq!(app.post_webhook(&body, &signature).await, StatusCode::OK);
        assert_eq!(app.status_of(id).await, "confirmed");
        assert!(stripe.refunds().is_empty());
        app.assert_seats_add_up().await;
    }

    async fn a_late_payment_with_no_seat_left_is_refunded_and_an_admin_told(backend) {
        let (app, stripe) = app_with_cards(backend).await;
        admin(&app).await;
        let cohort = open_cohort(&app, 1).await;
        let (id, session) = card_hold(&app, &stripe, cohort, "slow@example.com").await;
        app.clock().advance(Duration::minutes(41));
        app.run_background_jobs().await;
        let nurse = learner(&app, "quick@nhs.net").await;
        enrol(&nurse, cohort, &[("funding", "free")]).await;

        let (body, signature) = stripe.completed_event("evt_late", &session, now_ts(&app));
        assert_eq!(app.post_webhook(&body, &signature).await, StatusCode::OK);
        assert_eq!(app.status_of(id).await, "expired", "never oversold");
        app.run_background_jobs().await;
        let refunds = stripe.refunds();
        assert_eq!(refunds.len(), 1);
        assert_eq!(refunds[0].amount_pence, 25_000);
        assert_eq!(refunds[0].payment_intent, format!("pi_{session}"));
        assert_eq!(app.count("select count(*) from payments where status = 'refunded'").await, 1);
        assert!(app.subjects_to("admin@academy.example").iter().any(|s| s.contains("late card payment")));
        assert!(app.subjects_to("slow@example.com").iter().any(|s| s.contains("will be refunded")));
        // The refund job running again sends nothing more.
        app.run_background_jobs().await;
        assert_eq!(stripe.refunds().len(), 1);
        app.assert_seats_add_up().await;
    }

    async fn a_payment_for_a_checkout_no_place_holds_is_refunded_and_admins_told(backend) {
        let (app, stripe) = app_with_cards(backend).await;
        admin(&app).await;
        let cohort = open_cohort(&app, 5).await;
        // A checkout created at the provider but never recorded here (e.g. a lost response).
        let (_, session) = card_hold(&app, &stripe, cohort, "buyer@example.com").await;
        let db = app.database.connect().await;
        academy::run_query!(write &db, |c| sqlx::query("update payments set checkout_session_id = null, checkout_url = null").execute(c).await.map(|_| ())).unwrap();
        let (body, signature) = stripe.completed_event("evt_unknown", &session, now_ts(&app));
        assert_eq!(app.post_webhook(&body, &signature).await, StatusCode::OK);
        assert_eq!(app.post_webhook(&body, &signature).await, StatusCode::OK, "a replay changes nothing");
        app.run_background_jobs().await;
        assert_eq!(stripe.refunds().len(), 1);
        assert_eq!(stripe.refunds()[0].amount_pence, 25_000);
        assert!(app.subjects_to("admin@academy.example").iter().any(|s| s.contains("unknown checkout")));
        app.assert_seats_add_up().await;
    }

    async fn admin_and_cohort_cancellations_refund_card_payments_in_full(backend) {
        let (app, stripe) = app_with_cards(backend).await;
        let cohort = open_cohort(&app, 5).await;
        let admin = admin(&app).await;
        let (one, one_session) = card_hold(&app, &stripe, cohort, "one@example.com").await;
        let (_, two_session) = card_hold(&app, &stripe, cohort, "two@example.com").await;
        for (event, session) in [("evt_1", &one_session), ("evt_2", &two_session)] {
            let (body, signature) = stripe.completed_event(event, session, now_ts(&app));
            assert_eq!(app.post_webhook(&body, &signature).await, StatusCode::OK);
        }
        // Well past the learners' own refund cut-off: admins' cancellations still refund.
        app.clock().advance(Duration::days(55));
        admin.sign_in("admin@academy.example", crate::support::accounts::PASSWORD).await;
        admin.post_form(&format!("/admin/enrolments/{one}/cancel"), &[("reason", "Duplicate booking")]).await;
        admin.post_form(&format!("/admin/cohorts/{cohort}/cancel"), &[("message", "The trainer is unwell.")]).await;
        app.run_background_jobs().await;
        let mut refunded: Vec<_> = stripe.refunds().into_iter().map(|r| (r.payment_intent, r.amount_pence)).collect();
        refunded.sort();
        assert_eq!(refunded, [(format!("pi_{one_session}"), 25_000), (format!("pi_{two_session}"), 25_000)]);
        assert!(app.subjects_to("two@example.com").iter().any(|s| s.contains("is cancelled")));
        app.assert_seats_add_up().await;
    }

    async fn documents_show_vat_when_a_rate_is_set(backend) {
        let settings = [("ACADEMY_VAT_RATE", "20"), ("ACADEMY_VAT_NUMBER", "GB123456789"), ("ACADEMY_SUPPLIER_ADDRESS", "1 Example Street\\nLondon")];
        let app = TestApp::spawn_with(backend, &settings, axum::Router::new()).await;
        let cohort = open_cohort(&app, 5).await;
        let buyer = learner(&app, "buyer@example.com").await;
        let id = enrolment_id(&enrol(&buyer, cohort, INVOICE).await);
        let (_, html) = buyer.get_text(&format!("/enrolments/{id}/documents/proforma")).await;
        for expected in ["VAT at 20%", "£41.67", "£208.33", "£250", "GB123456789", "1 Example Street\nLondon"] {
            assert!(html.contains(expected), "{expected} in {html}");
        }
        assert!(!html.contains("VAT not applicable"));
    }

    async fn an_unreachable_provider_keeps_the_hold_and_paying_can_be_retried(backend) {
        let (app, stripe) = app_with_cards(backend).await;
        let cohort = open_cohort(&app, 3).await;
        let buyer = learner(&app, "buyer@example.com").await;
        stripe.fail_next(1);
        let back = enrol(&buyer, cohort, CARD).await;
        assert!(back.ends_with("?notice=checkout-failed"), "{back}");
        let id = enrolment_id(&back);
        let (_, page) = buyer.get_text(&back).await;
        assert!(page.contains("We could not reach the card payment service") && page.contains("Pay by card"));
        let retry = buyer.post_form(&format!("/enrolments/{id}/pay"), &[]).await;
        assert!(location(&retry).starts_with(stripe.base_url.as_str()));
        let again = buyer.post_form(&format!("/enrolments/{id}/pay"), &[]).await;
        assert_eq!(location(&again), location(&retry), "the same checkout while it lasts");
        assert_eq!(stripe.checkouts().len(), 1);
        // Five minutes before the hold ends the checkout has closed: no new one is started.
        app.clock().advance(Duration::minutes(35));
        let late = buyer.post_form(&format!("/enrolments/{id}/pay"), &[]).await;
        assert_eq!(location(&late), format!("/enrolments/{id}?notice=checkout-closed"));
        assert!(buyer.get_text(&location(&late)).await.1.contains("too soon to start a new card payment"));
        assert_eq!(stripe.checkouts().len(), 1);
    }

    async fn card_payment_is_not_offered_without_a_provider(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = open_cohort(&app, 3).await;
        let buyer = learner(&app, "buyer@example.com").await;
        let (_, page) = buyer.get_text(&format!("/cohorts/{cohort}/enrol")).await;
        assert!(!page.contains("By card now") && page.contains("By invoice"), "{page}");
        let refused = buyer.post_form(&format!("/cohorts/{cohort}/enrol"), CARD).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let webhook = crate::support::http_client()
            .post(format!("http://{}/payments/webhook", app.address))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(webhook.status(), StatusCode::NOT_FOUND);
    }

    async fn an_invoice_holds_the_place_with_a_pro_forma_until_an_admin_confirms(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = open_cohort(&app, 3).await;
        let buyer = learner(&app, "buyer@example.com").await;

        let bad = buyer
            .post_form(&format!("/cohorts/{cohort}/enrol"), &[("funding", "invoice"), ("billing_email", "not-an-email"), ("organisation", ""), ("billing_address", ""), ("purchase_order", "")])
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        for message in ["Enter the name of the organisation paying", "Enter an email address in the correct format", "Enter the address for the invoice"] {
            assert!(html.contains(message), "{message}");
        }
        assert_eq!(app.count("select count(*) from enrolments").await, 0);

        let id = enrolment_id(&enrol(&buyer, cohort, INVOICE).await);
        assert_eq!(app.status_of(id).await, "awaiting_invoice");
        let (status, proforma) = buyer.get_text(&format!("/enrolments/{id}/documents/proforma")).await;
        assert_eq!(status, StatusCode::OK);
        for expected in ["Pro-forma invoice PF-000001", "Example Healthcare Ltd", "PO-1234", "VAT not applicable", "£250", "Health Services Safety Investigations Body"] {
            assert!(proforma.contains(expected), "{expected}");
        }
        assert_eq!(buyer.get(&format!("/enrolments/{id}/documents/receipt")).await.status(), StatusCode::NOT_FOUND, "not issued yet");
        assert_eq!(buyer.get(&format!("/enrolments/{id}/documents/nonsense")).await.status(), StatusCode::NOT_FOUND);

        // Three days before the hold ends, a reminder; then the admin confirms the order.
        app.clock().advance(Duration::days(11) + Duration::hours(1));
        app.run_background_jobs().await;
        app.run_background_jobs().await;
        assert_eq!(app.subjects_to("buyer@example.com").iter().filter(|s| s.starts_with("Your held place ends soon")).count(), 1);
        let admin = admin(&app).await;
        buyer.sign_in("buyer@example.com", crate::support::accounts::PASSWORD).await;
        admin.post_form(&format!("/admin/enrolments/{id}/confirm-invoice"), &[]).await;
        assert_eq!(app.status_of(id).await, "confirmed");
        let (_, invoice) = buyer.get_text(&format!("/enrolments/{id}/documents/invoice")).await;
        assert!(invoice.contains("Invoice INV-000001"));
        admin.post_form(&format!("/admin/enrolments/{id}/invoice-paid"), &[]).await;
        let twice = admin.post_form(&format!("/admin/enrolments/{id}/invoice-paid"), &[]).await;
        assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY, "recording it twice is explained, not repeated");
        let (_, receipt) = buyer.get_text(&format!("/enrolments/{id}/documents/receipt")).await;
        assert!(receipt.contains("Receipt RCT-000001") && receipt.contains("Total paid"));
        app.run_background_jobs().await;
        assert!(app.subjects_to("buyer@example.com").iter().any(|s| s.starts_with("Pro-forma invoice PF-000001")));
        assert!(app.subjects_to("finance@example.com").iter().any(|s| s.starts_with("Pro-forma invoice PF-000001")), "the billing contact gets the pro-forma too");
        assert!(app.subjects_to("buyer@example.com").iter().any(|s| s.starts_with("Receipt RCT-000001")));
        app.assert_seats_add_up().await;
    }

    async fn an_unconfirmed_invoice_hold_expires_and_numbers_stay_gap_free(backend) {
        let app = TestApp::spawn(backend).await;
        let cohort = open_cohort(&app, 1).await;
        let first = learner(&app, "first@example.com").await;
        let second = learner(&app, "second@example.com").await;
        let first_id = enrolment_id(&enrol(&first, cohort, INVOICE).await);
        let second_id = enrolment_id(&enrol(&second, cohort, INVOICE).await);
        assert_eq!(app.status_of(second_id).await, "waitlisted", "no pro-forma without a seat");
        app.clock().advance(Duration::days(15));
        app.run_background_jobs().await;
        assert_eq!(app.status_of(first_id).await, "expired");
        assert_eq!(app.status_of(second_id).await, "offered");
        second.sign_in("second@example.com", crate::support::accounts::PASSWORD).await;
        second.post_form(&format!("/enrolments/{second_id}/offer/accept"), INVOICE).await;
        assert_eq!(app.status_of(second_id).await, "awaiting_invoice");
        let numbers = app.count("select count(*) from payments where proforma_number in ('PF-000001', 'PF-000002')").await;
        assert_eq!(numbers, 2);
        app.assert_seats_add_up().await;
    }

    async fn a_learner_cancelling_a_paid_card_place_is_refunded_before_the_cutoff_only(backend) {
        let (app, stripe) = app_with_cards(backend).await;
        let cohort = open_cohort(&app, 5).await;
        let (early, early_session) = card_hold(&app, &stripe, cohort, "early@example.com").await;
        let (late, late_session) = card_hold(&app, &stripe, cohort, "late@example.com").await;
        for (event, session) in [("evt_a", &early_session), ("evt_b", &late_session)] {
            let (body, signature) = stripe.completed_event(event, session, now_ts(&app));
            assert_eq!(app.post_webhook(&body, &signature).await, StatusCode::OK);
        }
        let early_browser = app.another_browser();
        early_browser.sign_in("early@example.com", crate::support::accounts::PASSWORD).await;
        let (_, policy) = early_browser.get_text(&format!("/enrolments/{early}/cancel")).await;
        assert!(policy.contains("refunded in full") && policy.contains("We will refund £250 to your card"), "{policy}");
        early_browser.post_form(&format!("/enrolments/{early}/cancel"), &[]).await;

        // 4 May start, 14-day cut-off: midnight starting 20 April. Move past it.
        app.clock().advance(Duration::days(50));
        let late_browser = app.another_browser();
        late_browser.sign_in("late@example.com", crate::support::accounts::PASSWORD).await;
        let (_, policy) = late_browser.get_text(&format!("/enrolments/{late}/cancel")).await;
        assert!(policy.contains("you will not get a refund"), "{policy}");
        late_browser.post_form(&format!("/enrolments/{late}/cancel"), &[]).await;
        app.run_background_jobs().await;
        let refunds = stripe.refunds();
        assert_eq!(refunds.len(), 1, "{refunds:?}");
        assert_eq!(refunds[0].payment_intent, format!("pi_{early_session}"));
        assert_eq!(app.status_of(late).await, "cancelled");
        app.assert_seats_add_up().await;
    }
}
