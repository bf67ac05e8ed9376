//! The provider's webhook events as this code reads them: a completed or an expired
//! checkout session (id, payment intent, amount, our reference), or any other kind by name.

use serde::Deserialize;

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

pub(super) fn parse_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
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
pub(super) mod tests {
    use super::*;

    /// A `checkout.session.completed` event for ENR-000042, as Stripe sends it.
    pub(in crate::payments) fn completed_body() -> String {
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

    /// The event in a body whose signature checked out.
    fn read(body: &str) -> Result<WebhookEvent, WebhookError> {
        parse_event(body.as_bytes())
    }

    #[test]
    fn a_completed_checkout_is_read() {
        let event = read(&completed_body()).unwrap();
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
            read(&body).unwrap().kind,
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
            read(&body).unwrap(),
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
            read(body).unwrap().kind,
            WebhookKind::Other("charge.refunded".to_owned())
        );
        let no_data = r#"{"id":"evt_5","type":"payout.paid"}"#;
        assert_eq!(
            read(no_data).unwrap().kind,
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
                matches!(read(body), Err(WebhookError::Malformed(_))),
                "{body}"
            );
        }
    }
}
