//! Stripe Checkout over its HTTP API: hosted checkout sessions and refunds, and the
//! provider handle that verifies its webhooks (see [`super::signature`], [`super::webhook`]).
//!
//! Only the few calls the academy needs, form-encoded as Stripe expects. The secret key and the
//! webhook secret never appear in `Debug` output or in errors.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::signature::verify_signature;
use super::webhook::{WebhookError, WebhookEvent, parse_event};

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

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> CardProvider {
        CardProvider::new(
            url::Url::parse("http://127.0.0.1:9").unwrap(),
            "sk_test_unit".to_owned(),
            "whsec_unit".to_owned(),
        )
    }

    #[test]
    fn debug_output_hides_the_secrets() {
        let text = format!("{:?}", provider());
        assert!(text.contains("127.0.0.1"));
        assert!(!text.contains("sk_test_unit"), "{text}");
        assert!(!text.contains("whsec_unit"), "{text}");
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
