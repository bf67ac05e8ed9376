//! Stripe Checkout over its HTTP API: hosted checkout sessions, refunds, and signed webhooks.
//!
//! Only the few calls the academy needs, form-encoded as Stripe expects. The secret key and the
//! webhook secret never appear in `Debug` output or in errors.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How far a webhook's signed timestamp may be from "now", either way, before it is refused.
pub const WEBHOOK_TOLERANCE: chrono::Duration = chrono::Duration::minutes(5);

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Stripe's messages are short; anything longer is cut so errors stay readable.
const MAX_MESSAGE_CHARS: usize = 500;

/// One hosted checkout to create.
#[derive(Debug, Clone)]
pub struct CheckoutRequest<'a> {
    /// Our enrolment reference, e.g. "ENR-000042": `client_reference_id` and `metadata[reference]`.
    pub reference: &'a str,
    /// The product name on the checkout page.
    pub description: &'a str,
    /// In pence (GBP), more than zero.
    pub amount_pence: i64,
    pub customer_email: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    /// Sent as unix seconds; Stripe wants 30 minutes to 24 hours ahead.
    pub expires_at: DateTime<Utc>,
    /// Sent as the `Idempotency-Key` header, so a retried request makes no second session.
    pub idempotency_key: &'a str,
}

/// A created checkout session: its id and the hosted page to send the customer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// No answer: connection refused, DNS, TLS or a timeout.
    #[error("card provider unreachable: {0}")]
    Unreachable(String),
    /// An answer other than success; `message` is Stripe's `error.message` when it sent one.
    #[error("card provider refused the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    /// A success status with a body that is not what Stripe sends.
    #[error("card provider sent an unexpected response: {0}")]
    BadResponse(String),
}

impl ProviderError {
    /// Whether trying again later may succeed: no answer, rate limiting, or a server error.
    pub fn is_transient(&self) -> bool {
        match self {
            ProviderError::Unreachable(_) => true,
            ProviderError::Rejected { status, .. } => *status == 429 || *status >= 500,
            ProviderError::BadResponse(_) => false,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WebhookError {
    /// No `Stripe-Signature` header, or an empty one.
    #[error("the webhook has no signature")]
    MissingSignature,
    /// A header that does not parse, or no `v1` signature matching the body and secret.
    #[error("the webhook signature does not match")]
    BadSignature,
    /// A valid signature whose timestamp is outside `WEBHOOK_TOLERANCE` of now.
    #[error("the webhook timestamp is outside the tolerance")]
    TooOld,
    /// Correctly signed, but not an event this code can read.
    #[error("the webhook event is malformed: {0}")]
    Malformed(String),
}

/// A verified webhook event.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// Stripe's event id (`evt_...`), for de-duplicating deliveries.
    pub id: String,
    pub kind: WebhookKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WebhookKind {
    /// `checkout.session.completed`.
    CheckoutCompleted {
        session_id: String,
        payment_intent: Option<String>,
        amount_pence: i64,
        /// `payment_status` is "paid" (a delayed payment method completes unpaid first).
        paid: bool,
        /// `client_reference_id`, or failing that `metadata.reference`.
        reference: Option<String>,
    },
    /// `checkout.session.expired`.
    CheckoutExpired {
        session_id: String,
        reference: Option<String>,
    },
    /// Any other event type, kept by name and otherwise ignored.
    Other(String),
}

/// The card provider: Stripe's API at `api_base` (the real one or a local fake).
#[derive(Clone)]
pub struct CardProvider {
    api_base: url::Url,
    secret_key: String,
    webhook_secret: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for CardProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardProvider")
            .field("api_base", &self.api_base.as_str())
            .field("secret_key", &"[redacted]")
            .field("webhook_secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct SessionResponse {
    id: String,
    url: Option<String>,
}

#[derive(Deserialize)]
struct RefundResponse {
    id: String,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

impl CardProvider {
    pub fn new(api_base: url::Url, secret_key: String, webhook_secret: String) -> CardProvider {
        // reqwest is built without a crypto provider; ring is the process-wide one. Installing
        // fails harmlessly when something already did.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("academy/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client for the card provider builds");
        CardProvider {
            api_base,
            secret_key,
            webhook_secret,
            http,
        }
    }

    /// Creates a hosted checkout session for one payment in GBP.
    pub async fn create_checkout(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<CheckoutSession, ProviderError> {
        let form: [(&str, String); 12] = [
            ("mode", "payment".to_owned()),
            ("line_items[0][price_data][currency]", "gbp".to_owned()),
            (
                "line_items[0][price_data][unit_amount]",
                request.amount_pence.to_string(),
            ),
            (
                "line_items[0][price_data][product_data][name]",
                request.description.to_owned(),
            ),
            ("line_items[0][quantity]", "1".to_owned()),
            ("customer_email", request.customer_email.to_owned()),
            ("client_reference_id", request.reference.to_owned()),
            ("metadata[reference]", request.reference.to_owned()),
            ("success_url", request.success_url.to_owned()),
            ("cancel_url", request.cancel_url.to_owned()),
            ("expires_at", request.expires_at.timestamp().to_string()),
            // The payment intent carries the reference too, so it shows on the payment itself.
            (
                "payment_intent_data[metadata][reference]",
                request.reference.to_owned(),
            ),
        ];
        let body = self
            .post("v1/checkout/sessions", &form, request.idempotency_key)
            .await?;
        let session: SessionResponse = parse(&body)?;
        let url = session.url.ok_or_else(|| {
            ProviderError::BadResponse(format!("checkout session {} has no url", session.id))
        })?;
        Ok(CheckoutSession {
            id: session.id,
            url,
        })
    }

    /// Refunds `amount_pence` of a payment; returns the refund's id.
    pub async fn refund(
        &self,
        payment_intent: &str,
        amount_pence: i64,
        idempotency_key: &str,
    ) -> Result<String, ProviderError> {
        let form = [
            ("payment_intent", payment_intent.to_owned()),
            ("amount", amount_pence.to_string()),
        ];
        let body = self.post("v1/refunds", &form, idempotency_key).await?;
        let refund: RefundResponse = parse(&body)?;
        Ok(refund.id)
    }

    /// Checks a webhook's `Stripe-Signature` against its raw body, then reads the event.
    ///
    /// An empty header is `MissingSignature`; one that does not parse, or whose `v1` signatures
    /// all fail, is `BadSignature`; a valid signature more than `WEBHOOK_TOLERANCE` from `now`
    /// is `TooOld`.
    pub fn verify_webhook(
        &self,
        body: &[u8],
        signature_header: &str,
        now: DateTime<Utc>,
    ) -> Result<WebhookEvent, WebhookError> {
        verify_signature(&self.webhook_secret, body, signature_header, now)?;
        parse_event(body)
    }

    async fn post(
        &self,
        path: &str,
        form: &[(&str, String)],
        idempotency_key: &str,
    ) -> Result<Vec<u8>, ProviderError> {
        let url = format!("{}/{path}", self.api_base.as_str().trim_end_matches('/'));
        let response = self
            .http
            .post(url)
            .bearer_auth(&self.secret_key)
            .header("Idempotency-Key", idempotency_key)
            .form(form)
            .send()
            .await
            .map_err(|e| ProviderError::Unreachable(error_chain(&e)))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| ProviderError::Unreachable(error_chain(&e)))?;
        if status.is_success() {
            return Ok(body.to_vec());
        }
        let message = match serde_json::from_slice::<ErrorResponse>(&body) {
            Ok(ErrorResponse { error }) => match (error.message, error.kind) {
                (Some(message), _) => truncate(&message),
                (None, Some(kind)) => format!("{kind} (no message)"),
                (None, None) => "an error with no message".to_owned(),
            },
            Err(_) => "no error message in the response".to_owned(),
        };
        Err(ProviderError::Rejected {
            status: status.as_u16(),
            message,
        })
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|e| ProviderError::BadResponse(e.to_string()))
}

/// The error and its causes, which is where reqwest keeps "connection refused".
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// A `Stripe-Signature` header for `body`, as Stripe would send it at `timestamp`.
pub fn sign_webhook(secret: &str, body: &[u8], timestamp: i64) -> String {
    let mac = webhook_mac(secret, timestamp.to_string().as_bytes(), body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

fn webhook_mac(secret: &str, timestamp: &[u8], body: &[u8]) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp);
    mac.update(b".");
    mac.update(body);
    mac
}

fn verify_signature(
    secret: &str,
    body: &[u8],
    header: &str,
    now: DateTime<Utc>,
) -> Result<(), WebhookError> {
    if header.trim().is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let mut timestamp: Option<&str> = None;
    let mut signatures: Vec<Vec<u8>> = Vec::new();
    for item in header.split(',') {
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        match key.trim() {
            "t" if timestamp.is_none() => timestamp = Some(value.trim()),
            // A v1 that is not hex cannot match; the others may still.
            "v1" => signatures.extend(hex::decode(value.trim()).ok()),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(WebhookError::BadSignature);
    };
    let Ok(seconds) = timestamp.parse::<i64>() else {
        return Err(WebhookError::BadSignature);
    };
    let expected = webhook_mac(secret, timestamp.as_bytes(), body);
    // `verify_slice` compares in constant time.
    if !signatures
        .iter()
        .any(|signature| expected.clone().verify_slice(signature).is_ok())
    {
        return Err(WebhookError::BadSignature);
    }
    let tolerance = WEBHOOK_TOLERANCE.num_seconds().unsigned_abs();
    if now.timestamp().abs_diff(seconds) > tolerance {
        return Err(WebhookError::TooOld);
    }
    Ok(())
}

#[derive(Deserialize)]
struct RawEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Option<RawData>,
}

#[derive(Deserialize)]
struct RawData {
    object: serde_json::Value,
}

#[derive(Deserialize)]
struct RawSession {
    id: String,
    #[serde(default)]
    payment_intent: Option<IdOrObject>,
    #[serde(default)]
    amount_total: Option<i64>,
    #[serde(default)]
    payment_status: Option<String>,
    #[serde(default)]
    client_reference_id: Option<String>,
    #[serde(default)]
    metadata: Option<RawMetadata>,
}

impl RawSession {
    fn reference(&self) -> Option<String> {
        self.client_reference_id
            .clone()
            .filter(|r| !r.is_empty())
            .or_else(|| self.metadata.as_ref()?.reference.clone())
    }
}

#[derive(Deserialize)]
struct RawMetadata {
    #[serde(default)]
    reference: Option<String>,
}

/// An id, or the expanded object that carries it.
#[derive(Deserialize)]
#[serde(untagged)]
enum IdOrObject {
    Id(String),
    Object { id: String },
}

impl IdOrObject {
    fn into_id(self) -> String {
        match self {
            IdOrObject::Id(id) | IdOrObject::Object { id } => id,
        }
    }
}

fn parse_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let malformed = |e: serde_json::Error| WebhookError::Malformed(e.to_string());
    let event: RawEvent = serde_json::from_slice(body).map_err(malformed)?;
    let session = || -> Result<RawSession, WebhookError> {
        let data = event
            .data
            .as_ref()
            .ok_or_else(|| WebhookError::Malformed(format!("{} has no data", event.kind)))?;
        serde_json::from_value(data.object.clone()).map_err(malformed)
    };
    let kind = match event.kind.as_str() {
        "checkout.session.completed" => {
            let session = session()?;
            let reference = session.reference();
            let amount_pence = session.amount_total.ok_or_else(|| {
                WebhookError::Malformed(format!("session {} has no amount_total", session.id))
            })?;
            WebhookKind::CheckoutCompleted {
                paid: session.payment_status.as_deref() == Some("paid"),
                payment_intent: session.payment_intent.map(IdOrObject::into_id),
                amount_pence,
                reference,
                session_id: session.id,
            }
        }
        "checkout.session.expired" => {
            let session = session()?;
            WebhookKind::CheckoutExpired {
                reference: session.reference(),
                session_id: session.id,
            }
        }
        other => WebhookKind::Other(other.to_owned()),
    };
    Ok(WebhookEvent { id: event.id, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_unit";

    fn provider() -> CardProvider {
        CardProvider::new(
            url::Url::parse("http://127.0.0.1:9").unwrap(),
            "sk_test_unit".to_owned(),
            SECRET.to_owned(),
        )
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_750_000_000, 0).unwrap()
    }

    fn completed_body() -> String {
        serde_json::json!({
            "id": "evt_1",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {"object": {
                "id": "cs_test_1",
                "object": "checkout.session",
                "payment_intent": "pi_1",
                "amount_total": 12500,
                "currency": "gbp",
                "payment_status": "paid",
                "client_reference_id": "ENR-000042",
                "metadata": {"reference": "ENR-000042"}
            }}
        })
        .to_string()
    }

    fn verify(body: &str, header: &str) -> Result<WebhookEvent, WebhookError> {
        provider().verify_webhook(body.as_bytes(), header, now())
    }

    #[test]
    fn a_correct_signature_is_accepted() {
        let body = completed_body();
        let header = sign_webhook(SECRET, body.as_bytes(), now().timestamp());
        assert!(header.starts_with(&format!("t={},v1=", now().timestamp())));
        let event = verify(&body, &header).unwrap();
        assert_eq!(event.id, "evt_1");
    }

    #[test]
    fn a_changed_body_is_refused() {
        let body = completed_body();
        let header = sign_webhook(SECRET, body.as_bytes(), now().timestamp());
        let changed = body.replace("12500", "1");
        assert_eq!(verify(&changed, &header), Err(WebhookError::BadSignature));
    }

    #[test]
    fn the_wrong_secret_is_refused() {
        let body = completed_body();
        let header = sign_webhook("whsec_other", body.as_bytes(), now().timestamp());
        assert_eq!(verify(&body, &header), Err(WebhookError::BadSignature));
    }

    #[test]
    fn timestamps_outside_the_tolerance_are_refused_either_way() {
        let body = completed_body();
        for offset in [-6 * 60, 6 * 60] {
            let header = sign_webhook(SECRET, body.as_bytes(), now().timestamp() + offset);
            assert_eq!(
                verify(&body, &header),
                Err(WebhookError::TooOld),
                "{offset}"
            );
        }
        for offset in [-5 * 60, 5 * 60] {
            let header = sign_webhook(SECRET, body.as_bytes(), now().timestamp() + offset);
            assert!(verify(&body, &header).is_ok(), "{offset}");
        }
    }

    #[test]
    fn a_re_signed_timestamp_does_not_pass_with_the_old_signature() {
        let body = completed_body();
        let old = sign_webhook(SECRET, body.as_bytes(), now().timestamp() - 600);
        let v1 = old.split_once(",v1=").unwrap().1;
        let header = format!("t={},v1={v1}", now().timestamp());
        assert_eq!(verify(&body, &header), Err(WebhookError::BadSignature));
    }

    #[test]
    fn missing_and_garbled_headers_are_refused() {
        let body = completed_body();
        assert_eq!(verify(&body, ""), Err(WebhookError::MissingSignature));
        assert_eq!(verify(&body, "  "), Err(WebhookError::MissingSignature));
        let ts = now().timestamp();
        let valid = sign_webhook(SECRET, body.as_bytes(), ts);
        let v1 = valid.split_once(",v1=").unwrap().1.to_owned();
        for garbled in [
            "garbage".to_owned(),
            "t=,v1=".to_owned(),
            format!("v1={v1}"),
            format!("t={ts}"),
            format!("t=abc,v1={v1}"),
            format!("t={ts},v1=not-hex"),
            format!("t={ts},v1={}", &v1[..10]),
            format!("t={ts},v0={v1}"),
            "t=99999999999999999999999,v1=00".to_owned(),
        ] {
            assert_eq!(
                verify(&body, &garbled),
                Err(WebhookError::BadSignature),
                "{garbled}"
            );
        }
    }

    #[test]
    fn any_matching_v1_signature_is_enough() {
        let body = completed_body();
        let ts = now().timestamp();
        let valid = sign_webhook(SECRET, body.as_bytes(), ts);
        let v1 = valid.split_once(",v1=").unwrap().1;
        let wrong = sign_webhook("whsec_rolled", body.as_bytes(), ts);
        let wrong_v1 = wrong.split_once(",v1=").unwrap().1;
        let header = format!("t={ts}, v1={wrong_v1}, v1={v1}, v0=deadbeef");
        assert_eq!(verify(&body, &header).unwrap().id, "evt_1");
    }

    fn signed(body: &str) -> Result<WebhookEvent, WebhookError> {
        verify(
            body,
            &sign_webhook(SECRET, body.as_bytes(), now().timestamp()),
        )
    }

    #[test]
    fn a_completed_checkout_is_read() {
        let event = signed(&completed_body()).unwrap();
        assert_eq!(
            event,
            WebhookEvent {
                id: "evt_1".to_owned(),
                kind: WebhookKind::CheckoutCompleted {
                    session_id: "cs_test_1".to_owned(),
                    payment_intent: Some("pi_1".to_owned()),
                    amount_pence: 12500,
                    paid: true,
                    reference: Some("ENR-000042".to_owned()),
                },
            }
        );
    }

    #[test]
    fn an_unpaid_completion_with_an_expanded_intent_and_metadata_reference_is_read() {
        let body = serde_json::json!({
            "id": "evt_2",
            "type": "checkout.session.completed",
            "data": {"object": {
                "id": "cs_2",
                "payment_intent": {"id": "pi_2", "object": "payment_intent"},
                "amount_total": 900,
                "payment_status": "unpaid",
                "client_reference_id": null,
                "metadata": {"reference": "ENR-000007"}
            }}
        })
        .to_string();
        assert_eq!(
            signed(&body).unwrap().kind,
            WebhookKind::CheckoutCompleted {
                session_id: "cs_2".to_owned(),
                payment_intent: Some("pi_2".to_owned()),
                amount_pence: 900,
                paid: false,
                reference: Some("ENR-000007".to_owned()),
            }
        );
    }

    #[test]
    fn an_expired_checkout_is_read() {
        let body = serde_json::json!({
            "id": "evt_3",
            "type": "checkout.session.expired",
            "data": {"object": {
                "id": "cs_3",
                "payment_intent": null,
                "amount_total": 900,
                "payment_status": "unpaid",
                "client_reference_id": "ENR-000003"
            }}
        })
        .to_string();
        assert_eq!(
            signed(&body).unwrap(),
            WebhookEvent {
                id: "evt_3".to_owned(),
                kind: WebhookKind::CheckoutExpired {
                    session_id: "cs_3".to_owned(),
                    reference: Some("ENR-000003".to_owned()),
                },
            }
        );
    }

    #[test]
    fn other_events_are_kept_by_name() {
        let body = r#"{"id":"evt_4","type":"charge.refunded","data":{"object":{"id":"ch_1"}}}"#;
        assert_eq!(
            signed(body).unwrap().kind,
            WebhookKind::Other("charge.refunded".to_owned())
        );
        let no_data = r#"{"id":"evt_5","type":"payout.paid"}"#;
        assert_eq!(
            signed(no_data).unwrap().kind,
            WebhookKind::Other("payout.paid".to_owned())
        );
    }

    #[test]
    fn malformed_events_are_refused() {
        for body in [
            "not json",
            "{}",
            r#"{"id":"evt_6"}"#,
            r#"{"id":"evt_6","type":"checkout.session.completed"}"#,
            r#"{"id":"evt_6","type":"checkout.session.completed","data":{"object":{"id":"cs_6"}}}"#,
            r#"{"id":"evt_6","type":"checkout.session.expired","data":{"object":{"amount_total":1}}}"#,
        ] {
            assert!(
                matches!(signed(body), Err(WebhookError::Malformed(_))),
                "{body}"
            );
        }
    }

    #[test]
    fn debug_output_hides_the_secrets() {
        let text = format!("{:?}", provider());
        assert!(text.contains("127.0.0.1"));
        assert!(!text.contains("sk_test_unit"), "{text}");
        assert!(!text.contains(SECRET), "{text}");
    }

    #[test]
    fn transient_errors_are_told_apart() {
        assert!(ProviderError::Unreachable("refused".to_owned()).is_transient());
        let rejected = |status| ProviderError::Rejected {
            status,
            message: String::new(),
        };
        assert!(rejected(500).is_transient());
        assert!(rejected(429).is_transient());
        assert!(!rejected(400).is_transient());
        assert!(!rejected(401).is_transient());
        assert!(!ProviderError::BadResponse(String::new()).is_transient());
    }
}
