//! The card provider against the fake Stripe: what it sends, what it makes of the answers, and
//! the webhooks the fake signs. No database.

use academy::payments::{
    CardProvider, CheckoutRequest, ProviderError, WebhookError, WebhookEvent, WebhookKind,
};
use chrono::{DateTime, Duration, Utc};

use crate::support::fake_stripe::{FakeCheckout, FakeRefund, FakeStripe};

fn provider(fake: &FakeStripe) -> CardProvider {
    CardProvider::new(
        fake.base_url.clone(),
        FakeStripe::SECRET_KEY.to_owned(),
        FakeStripe::WEBHOOK_SECRET.to_owned(),
    )
}

/// A fixed time far from the real one, as the app's test clock would give.
fn test_now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2030-03-04T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn request<'a>(
    reference: &'a str,
    amount_pence: i64,
    idempotency_key: &'a str,
) -> CheckoutRequest<'a> {
    CheckoutRequest {
        reference,
        description: "Human Factors in Safety — Spring cohort",
        amount_pence,
        customer_email: "learner@example.org",
        success_url: "http://academy.test/enrolments/ENR-000042/paid",
        cancel_url: "http://academy.test/enrolments/ENR-000042/cancelled",
        expires_at: test_now() + Duration::hours(1),
        idempotency_key,
    }
}

fn rejected(error: ProviderError) -> (u16, String) {
    match error {
        ProviderError::Rejected { status, message } => (status, message),
        other => panic!("expected Rejected, got {other:?}"),
    }
}

#[tokio::test]
async fn create_checkout_sends_the_fields_and_returns_the_session() {
    let fake = FakeStripe::start().await;
    let session = provider(&fake)
        .create_checkout(&request("ENR-000042", 12_500, "checkout-ENR-000042-1"))
        .await
        .unwrap();

    assert!(session.id.starts_with("cs_test_"), "{}", session.id);
    assert_eq!(
        session.url,
        format!("{}c/pay/{}", fake.base_url, session.id)
    );
    assert_eq!(
        fake.checkouts(),
        vec![FakeCheckout {
            id: session.id.clone(),
            amount_pence: 12_500,
            reference: "ENR-000042".to_owned(),
            description: "Human Factors in Safety — Spring cohort".to_owned(),
            customer_email: "learner@example.org".to_owned(),
            success_url: "http://academy.test/enrolments/ENR-000042/paid".to_owned(),
            cancel_url: "http://academy.test/enrolments/ENR-000042/cancelled".to_owned(),
            expires_at: (test_now() + Duration::hours(1)).timestamp(),
            idempotency_key: Some("checkout-ENR-000042-1".to_owned()),
        }]
    );

    // The hosted page the customer is sent to exists.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let page = reqwest::get(&session.url).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("12500 pence"));
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_same_session() {
    let fake = FakeStripe::start().await;
    let provider = provider(&fake);
    let first = provider
        .create_checkout(&request("ENR-000001", 9_000, "key-1"))
        .await
        .unwrap();
    let again = provider
        .create_checkout(&request("ENR-000001", 9_000, "key-1"))
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(fake.checkouts().len(), 1);

    let other = provider
        .create_checkout(&request("ENR-000001", 9_000, "key-2"))
        .await
        .unwrap();
    assert_ne!(other.id, first.id);
    assert_eq!(fake.checkouts().len(), 2);
}

#[tokio::test]
async fn a_reused_idempotency_key_with_other_parameters_is_rejected() {
    let fake = FakeStripe::start().await;
    let provider = provider(&fake);
    provider
        .create_checkout(&request("ENR-000001", 9_000, "key-1"))
        .await
        .unwrap();
    let error = provider
        .create_checkout(&request("ENR-000001", 9_500, "key-1"))
        .await
        .unwrap_err();
    let (status, message) = rejected(error);
    assert_eq!(status, 400);
    assert!(message.contains("same parameters"), "{message}");
    assert_eq!(fake.checkouts().len(), 1);
}

#[tokio::test]
async fn an_invalid_checkout_is_rejected_with_stripes_message() {
    let fake = FakeStripe::start().await;
    let error = provider(&fake)
        .create_checkout(&request("ENR-000001", 0, "key-zero"))
        .await
        .unwrap_err();
    assert!(!error.is_transient());
    let (status, message) = rejected(error);
    assert_eq!(status, 400);
    assert!(message.contains("unit_amount"), "{message}");
    assert!(fake.checkouts().is_empty());
}

#[tokio::test]
async fn a_refund_is_recorded_and_limited_to_what_was_paid() {
    let fake = FakeStripe::start().await;
    let provider = provider(&fake);
    let session = provider
        .create_checkout(&request("ENR-000042", 12_500, "checkout-1"))
        .await
        .unwrap();
    let payment_intent = format!("pi_{}", session.id);

    let refund_id = provider
        .refund(&payment_intent, 10_000, "refund-ENR-000042")
        .await
        .unwrap();
    assert!(refund_id.starts_with("re_"), "{refund_id}");
    // A retry with the same key refunds nothing more.
    let again = provider
        .refund(&payment_intent, 10_000, "refund-ENR-000042")
        .await
        .unwrap();
    assert_eq!(again, refund_id);
    assert_eq!(
        fake.refunds(),
        vec![FakeRefund {
            id: refund_id,
            payment_intent: payment_intent.clone(),
            amount_pence: 10_000,
            idempotency_key: Some("refund-ENR-000042".to_owned()),
        }]
    );

    let (status, message) = rejected(
        provider
            .refund(&payment_intent, 2_501, "refund-too-much")
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 400);
    assert!(message.contains("greater than"), "{message}");

    let (status, message) = rejected(
        provider
            .refund("pi_unknown", 100, "refund-unknown")
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 404);
    assert!(message.contains("No such payment_intent"), "{message}");
    assert_eq!(fake.refunds().len(), 1);
}

#[tokio::test]
async fn a_wrong_secret_key_is_rejected_with_a_message() {
    let fake = FakeStripe::start().await;
    let provider = CardProvider::new(
        fake.base_url.clone(),
        "sk_test_wrong".to_owned(),
        FakeStripe::WEBHOOK_SECRET.to_owned(),
    );
    let error = provider
        .create_checkout(&request("ENR-000001", 9_000, "key-1"))
        .await
        .unwrap_err();
    assert!(!error.is_transient());
    assert!(!error.to_string().contains("sk_test_wrong"), "{error}");
    let (status, message) = rejected(error);
    assert_eq!(status, 401);
    assert!(message.contains("Invalid API Key"), "{message}");
    assert!(fake.checkouts().is_empty());
}

#[tokio::test]
async fn the_fake_refuses_calls_without_an_api_key() {
    let fake = FakeStripe::start().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = crate::support::http_client()
        .post(fake.base_url.join("v1/checkout/sessions").unwrap())
        .form(&[("mode", "payment")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("API key")
    );
}

#[tokio::test]
async fn an_outage_is_a_transient_error_and_a_retry_succeeds() {
    let fake = FakeStripe::start().await;
    let provider = provider(&fake);
    fake.fail_next(2);
    for _ in 0..2 {
        let error = provider
            .create_checkout(&request("ENR-000001", 9_000, "key-1"))
            .await
            .unwrap_err();
        assert!(error.is_transient(), "{error:?}");
        assert_eq!(rejected(error), (500, "fake outage".to_owned()));
    }
    assert!(fake.checkouts().is_empty());
    provider
        .create_checkout(&request("ENR-000001", 9_000, "key-1"))
        .await
        .unwrap();
    assert_eq!(fake.checkouts().len(), 1);
}

#[tokio::test]
async fn a_server_not_listening_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let provider = CardProvider::new(
        url::Url::parse(&format!("http://{address}")).unwrap(),
        FakeStripe::SECRET_KEY.to_owned(),
        FakeStripe::WEBHOOK_SECRET.to_owned(),
    );
    let error = provider.refund("pi_1", 100, "refund-1").await.unwrap_err();
    assert!(matches!(error, ProviderError::Unreachable(_)), "{error:?}");
    assert!(error.is_transient());
}

#[tokio::test]
async fn webhooks_from_the_fake_verify_and_parse() {
    let fake = FakeStripe::start().await;
    let provider = provider(&fake);
    let session = provider
        .create_checkout(&request("ENR-000042", 12_500, "checkout-1"))
        .await
        .unwrap();
    let at = test_now().timestamp();

    let (body, signature) = fake.completed_event("evt_paid", &session.id, at);
    assert_eq!(
        provider.verify_webhook(body.as_bytes(), &signature, test_now()),
        Ok(WebhookEvent {
            id: "evt_paid".to_owned(),
            kind: WebhookKind::CheckoutCompleted {
                session_id: session.id.clone(),
                payment_intent: Some(format!("pi_{}", session.id)),
                amount_pence: 12_500,
                paid: true,
                reference: Some("ENR-000042".to_owned()),
            },
        })
    );
    // Ten minutes later the same delivery is refused.
    assert_eq!(
        provider.verify_webhook(
            body.as_bytes(),
            &signature,
            test_now() + Duration::minutes(10)
        ),
        Err(WebhookError::TooOld)
    );

    let (body, signature) = fake.expired_event("evt_expired", &session.id, at);
    assert_eq!(
        provider.verify_webhook(body.as_bytes(), &signature, test_now()),
        Ok(WebhookEvent {
            id: "evt_expired".to_owned(),
            kind: WebhookKind::CheckoutExpired {
                session_id: session.id.clone(),
                reference: Some("ENR-000042".to_owned()),
            },
        })
    );

    let other_secret = CardProvider::new(
        fake.base_url.clone(),
        FakeStripe::SECRET_KEY.to_owned(),
        "whsec_other".to_owned(),
    );
    assert_eq!(
        other_secret.verify_webhook(body.as_bytes(), &signature, test_now()),
        Err(WebhookError::BadSignature)
    );
}
